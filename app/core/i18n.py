"""The core's messages in the user's language: gettext catalogues, no Qt.

Core and CLI strings are marked with `_()` (and `n_()` for counts; `N_()` marks a constant that is
translated where it is used). English is the source: its text is the msgid. The catalogue is
resources/translations/ccc-break-core_<lang>.mo; the UI loads the Qt catalogue for `current_language()`.
"""

from __future__ import annotations

import contextlib
import gettext
import logging
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

logger = logging.getLogger(__name__)

DOMAIN = "ccc-break-core"
SOURCE_LANGUAGE = "en"
#: What the `language` setting and --lang accept ("" = the system's language).
LANGUAGES: tuple[str, ...] = (SOURCE_LANGUAGE, "zh_CN")
_LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# Traditional Chinese readers are not given Simplified Chinese by default (Qt does the same).
_CODE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]{2,8})*$")
_TRADITIONAL = re.compile(r"^zh_(hant|tw|hk|mo)(_|$)", re.IGNORECASE)


class _Active:
    """The catalogue in use. Like the C locale it is one per process: chosen once at start-up by the
    entry point (app.__main__), before anything is shown."""

    translations: gettext.NullTranslations = gettext.NullTranslations()
    language: str = SOURCE_LANGUAGE


def _(message: str) -> str:
    """`message` (English) in the active language."""
    return _Active.translations.gettext(message)


def n_(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for `n` in the active language."""
    return _Active.translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a constant for the catalogue; it is translated with `_()` where it is shown."""
    return message


def current_language() -> str:
    """The language core messages are in now: "en" or e.g. "zh_CN"."""
    return _Active.language


def catalogue_dir() -> Path | None:
    """resources/translations in a PyInstaller bundle, a source checkout or an install (as
    app.ui.resources looks, without importing the UI)."""
    places: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        places.append(Path(bundle) / "resources")
    places.append(Path(__file__).resolve().parents[2] / "resources")
    places.append(Path(sys.prefix) / "share" / "ccc-break" / "resources")
    for base in places:
        if (base / "translations").is_dir():
            return base / "translations"
    return None


def catalogue_file(language: str, directory: Path | None = None) -> Path | None:
    base = directory if directory is not None else catalogue_dir()
    return None if base is None else base / f"{DOMAIN}_{language}.mo"


def normalise(code: str) -> str:
    """'zh_CN.UTF-8', 'zh-Hans-CN', 'zh_cn' -> 'zh_CN'-like; 'C' and 'POSIX' -> 'en'."""
    code = code.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    if code.upper() in ("C", "POSIX", ""):
        return SOURCE_LANGUAGE if code else ""
    parts = code.split("_")
    head = [parts[0].lower()]
    for part in parts[1:]:
        head.append(part.capitalize() if len(part) == 4 else part.upper())
    return "_".join(head)


def _candidates(code: str) -> list[str]:
    """Catalogue names to try for one language code, most specific first."""
    code = normalise(code)
    if not _CODE.match(code):
        return []  # not a language code: never part of a file name
    parts = code.split("_")
    language = parts[0]
    regions = [part for part in parts[1:] if len(part) != 4]
    found = [f"{language}_{regions[0]}"] if regions else []
    if language == "zh" and not _TRADITIONAL.match(code):
        found.append("zh_CN")  # zh, zh_Hans, zh_Hans_CN, zh_SG: Simplified Chinese
    if not _TRADITIONAL.match(code):
        found.append(language)
    return list(dict.fromkeys(found))


def system_languages(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> list[str]:
    """The user's preferred languages, best first: the UI language on Windows and macOS, else (and
    as a fallback there) LANGUAGE / LC_ALL / LC_MESSAGES / LANG as gettext reads them."""
    environ = os.environ if environ is None else environ
    found: list[str] = []
    if platform == "win32":
        found += _windows_ui_languages()
    elif platform == "darwin":
        found += _macos_ui_languages()
    for name in _LANGUAGE_VARIABLES:
        value = environ.get(name, "")
        if value:
            # LANGUAGE may list several languages (zh_CN:en); the others name one locale each.
            found += [part for part in value.split(":") if part] if name == "LANGUAGE" else [value]
            if name != "LANGUAGE":
                break
    return found


def _windows_ui_languages() -> list[str]:
    try:
        import ctypes

        language_id = int(ctypes.windll.kernel32.GetUserDefaultUILanguage())  # type: ignore[attr-defined]
    except Exception:  # not Windows after all, or the call is missing: the environment decides
        return []
    import locale  # for its table only: elsewhere it would cost every start about a millisecond

    name = locale.windows_locale.get(language_id)
    return [name] if name else []


def _macos_ui_languages() -> list[str]:
    import subprocess  # macOS only, and a few ms of every start elsewhere

    try:
        answer = subprocess.run(
            ["/usr/bin/defaults", "read", "-g", "AppleLanguages"],
            capture_output=True,
            text=True,
            timeout=3,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    # '(\n    "zh-Hans-CN",\n    "en-US"\n)'
    return re.findall(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", answer.stdout) if answer.returncode == 0 else []


def choose_language(
    code: str | None,
    directory: Path | None = None,
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
) -> str:
    """The language to use for `code` ("" or None: the system's): the first with a catalogue, else English."""
    wanted: Sequence[str] = [code] if code else system_languages(environ, platform)
    for one in wanted:
        for candidate in _candidates(one):
            if candidate == SOURCE_LANGUAGE:
                return SOURCE_LANGUAGE
            path = catalogue_file(candidate, directory)
            if path is not None and path.is_file():
                return candidate
    return SOURCE_LANGUAGE


def set_language(
    code: str | None,
    directory: Path | None = None,
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
) -> str:
    """Show core messages in `code` ("en", "zh_CN"; "" or None: the system's language) from now on.

    A language without a catalogue, or a damaged catalogue, gives English; this never raises.
    Returns the language chosen. `directory` replaces resources/translations (tests).
    """
    try:
        language = choose_language(code, directory, environ, platform)
        translations: gettext.NullTranslations = gettext.NullTranslations()
        if language != SOURCE_LANGUAGE:
            path = catalogue_file(language, directory)
            assert path is not None  # choose_language found it
            with path.open("rb") as file:
                translations = gettext.GNUTranslations(file)
    except Exception as error:  # a damaged .mo, an unreadable folder: English, and say so in the log
        logger.warning("Messages stay in English: the catalogue for %r could not be loaded (%s)", code, error)
        language, translations = SOURCE_LANGUAGE, gettext.NullTranslations()
    _Active.translations, _Active.language = translations, language
    return language


@contextlib.contextmanager
def language(code: str | None, directory: Path | None = None) -> Iterator[str]:
    """Messages in `code` inside the block (e.g. English for --json reports), the previous ones after."""
    before = _Active.translations, _Active.language
    try:
        yield set_language(code, directory)
    finally:
        _Active.translations, _Active.language = before
