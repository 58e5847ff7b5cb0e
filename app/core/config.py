"""Settings and the layered INI files they come from: built-in defaults, the organisation's system file,
the agent's own user file and command-line overrides.

Precedence, highest first:

1. command-line overrides (``ConfigStore.load(overrides=...)``): IT's own launch command or a trainer's
   flags, so they beat even locks;
2. locked system values: keys named in ``locked`` of a *system* file take the system value (or the
   built-in default when the system file does not set one) and the user cannot change them;
3. the user's own settings (the user file);
4. system defaults (unlocked keys of the system files);
5. built-in defaults.

All files are plain INI with one ``[ccc-break]`` section, read and written with configparser without
interpolation, because IT writes the system file with the WiX IniFile table. Several system files may
exist (XDG_CONFIG_DIRS); for each key the first file that sets it wins and ``locked`` is the union.
Bad input never crashes and never loses data: a damaged user file is kept as a ``.corrupt-<time>``
backup, a bad value is ignored with a message naming key and file, unknown keys are ignored on load and
kept on save. Credentials never go into these files (see credentials.py).
"""

from __future__ import annotations

import configparser
import contextlib
import dataclasses
import logging
import math
import os
import re
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

import platformdirs

from app.core.endpoint import endpoint_problem
from app.core.errors import ConfigError
from app.core.models import BreakCode
from app.core.signing import SignatureScheme

logger = logging.getLogger(__name__)

APP_NAME = "ccc-break"
SECTION = "ccc-break"
LOCKED_KEY = "locked"
DEFAULT_REGION = "cn-shanghai"
MIN_POLL_INTERVAL = 5
# Not in the spec: an upper bound keeps a typo (150000) from silently freezing the live status.
MAX_POLL_INTERVAL = 3600
MIN_REQUEST_TIMEOUT = 1.0
MAX_REQUEST_TIMEOUT = 120.0
MAX_BREAK_MINUTES = 24 * 60
DEVICE_ID_PREFIX = "ccc-break-"

DEFAULT_BREAK_CODES: tuple[BreakCode, ...] = (
    BreakCode("default", "Break", 15),
    BreakCode("lunch", "Lunch", 60),
    BreakCode("meeting", "Meeting"),
    BreakCode("training", "Training"),
)

# Display order for a settings dialog and for `ccc-break config show`.
SETTING_KEYS: tuple[str, ...] = (
    "instance_id",
    "user_id",
    "user_domain",
    "region",
    "endpoint",
    "signature",
    "break_codes",
    "poll_interval",
    "request_timeout",
    "launch_at_login",
    "device_id",
)

# Names that look like credentials: never read from, and dropped from, the settings files.
_CREDENTIAL_KEYS = frozenset(
    {"access_key_id", "access_key_secret", "accesskeyid", "accesskeysecret", "security_token", "secret"}
)


class Origin(StrEnum):
    """Where a setting's value came from (shown next to each setting)."""

    COMMAND_LINE = "command line"
    LOCKED = "locked by organisation"
    USER = "user"
    SYSTEM = "organisation default"
    BUILT_IN = "built-in"


@dataclass(frozen=True)
class Settings:
    region: str = DEFAULT_REGION
    endpoint: str = ""
    instance_id: str = ""
    user_id: str = ""
    user_domain: str = ""
    device_id: str = ""
    signature: SignatureScheme = SignatureScheme.V3
    poll_interval: int = 15
    request_timeout: float = 10.0
    launch_at_login: bool = False
    break_codes: tuple[BreakCode, ...] = DEFAULT_BREAK_CODES

    def endpoint_url(self) -> str:
        """The base URL requests go to: the explicit endpoint, else the region's public endpoint."""
        if self.endpoint:
            return self.endpoint
        return f"https://ccc.{self.region}.aliyuncs.com"

    def full_user_id(self) -> str:
        """The user ID as CCC wants it (name@domain); a bare name is completed with the user domain."""
        user_id = self.user_id.strip()
        domain = self.user_domain.strip().lstrip("@")
        if user_id and "@" not in user_id and domain:
            return f"{user_id}@{domain}"
        return user_id

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def value(self, key: str) -> object:
        if key not in SETTING_KEYS:
            raise KeyError(key)
        return getattr(self, key)


BUILT_IN = Settings()

# --- parsing and validation of single values ---------------------------------------------------------

_MSG_INSTANCE_REQUIRED = "Enter the contact centre instance ID (it looks like ccc-xxxx). Ask IT if you do not know it."
_MSG_INSTANCE = "The instance ID must be one word without spaces, e.g. ccc-test."
_MSG_USER_ID = "User ID must look like name@domain, e.g. user-test@ccc-test."
_MSG_USER_ID_REQUIRED = "Enter your user ID (name@domain, e.g. user-test@ccc-test)."
_MSG_USER_DOMAIN = "User domain is the part after @ in your user ID, e.g. ccc-test."
_MSG_REGION = "Region must look like cn-shanghai or ap-southeast-1."
_MSG_ENDPOINT = (
    "The endpoint must be a full address starting with https:// "
    "(http:// is allowed only for this computer, e.g. http://127.0.0.1:8080)."
)
_MSG_DEVICE_ID = "The device ID must be one word without spaces, at most 128 characters."
_MSG_SIGNATURE = "Signature must be v2 or v3."
_MSG_POLL = (
    f"The status check interval must be a whole number of seconds, at least {MIN_POLL_INTERVAL} "
    f"(and at most {MAX_POLL_INTERVAL})."
)
_MSG_TIMEOUT = "The request timeout must be a number of seconds from 1 to 120."
_MSG_LAUNCH = "Start at login must be true or false."

_WORD = re.compile(r"^[^\s|;]+$")
_REGION = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_TRUE = frozenset({"true", "yes", "1", "on"})
_FALSE = frozenset({"false", "no", "0", "off"})


def _endpoint_problem(endpoint: str) -> str | None:
    # Empty means "use the region's endpoint"; the rule itself lives in app.core.endpoint.
    return _MSG_ENDPOINT if endpoint and endpoint_problem(endpoint) else None


def _break_code_problem(codes: tuple[BreakCode, ...]) -> str | None:
    if not codes:
        return "Add at least one break code."
    seen: set[str] = set()
    for entry in codes:
        if not isinstance(entry, BreakCode):
            return "Break codes must be entries like: lunch | Lunch | 60."
        code = entry.code
        if not isinstance(code, str) or not code.strip():
            return "Every break code needs a code (the text before the first |)."
        if any(ch in code for ch in "|;") or any(ch in code for ch in "\r\n\t") or code != code.strip():
            return f"The break code '{code.strip()}' must not contain | or ; or line breaks."
        label = entry.label
        if not isinstance(label, str) or any(ch in label for ch in "|;\r\n"):
            return f"The label of break code '{code}' must not contain | or ; or line breaks."
        minutes = entry.max_minutes
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_BREAK_MINUTES
        ):
            return (
                f"The break code '{code}' must have its maximum minutes as a whole number "
                f"from 1 to {MAX_BREAK_MINUTES}, or nothing."
            )
        if code in seen:
            return f"The break code '{code}' is listed twice; each code may appear only once."
        seen.add(code)
    return None


def parse_break_codes(text: str) -> tuple[BreakCode, ...]:
    """Parse ``code | label | max minutes`` entries, one per line or separated by ``;``."""
    codes: list[BreakCode] = []
    for raw in re.split(r"[;\r\n]", text):
        entry = raw.strip()
        if not entry:
            continue
        parts = [part.strip() for part in entry.split("|")]
        if len(parts) > 3:
            raise ConfigError(f"The break code entry '{entry}' has too many | separators; use: code | label | minutes.")
        code = parts[0]
        if not code:
            raise ConfigError(f"The break code entry '{entry}' has no code before the first |.")
        label = parts[1] if len(parts) > 1 else ""
        minutes_text = parts[2] if len(parts) > 2 else ""
        minutes: int | None = None
        if minutes_text:
            try:
                minutes = int(minutes_text)
            except ValueError:
                raise ConfigError(
                    f"The break code '{code}' has '{minutes_text}' as its maximum minutes; "
                    "use a whole number or leave it empty."
                ) from None
        codes.append(BreakCode(code, label, minutes))
    result = tuple(codes)
    problem = _break_code_problem(result)
    if problem is not None:
        raise ConfigError(problem)
    return result


def format_break_codes(codes: tuple[BreakCode, ...], separator: str = "\n") -> str:
    """The INI form of break codes; `separator` "; " gives the one-line form IT tools can write."""
    entries = []
    for entry in codes:
        parts = [entry.code, entry.label, "" if entry.max_minutes is None else str(entry.max_minutes)]
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()
        entries.append("|".join(parts))
    return separator.join(entries)


def _parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ConfigError(_MSG_LAUNCH)


def _parse_int(text: str, message: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ConfigError(message) from None


def _parse_float(text: str, message: str) -> float:
    try:
        number = float(text.strip())
    except ValueError:
        raise ConfigError(message) from None
    if not math.isfinite(number):
        raise ConfigError(message)
    return number


def _parse_signature(text: str) -> SignatureScheme:
    try:
        return SignatureScheme(text.strip().lower())
    except ValueError:
        raise ConfigError(_MSG_SIGNATURE) from None


_PARSERS: dict[str, Callable[[str], object]] = {
    "region": lambda text: text.strip(),
    "endpoint": lambda text: text.strip().rstrip("/"),
    "instance_id": lambda text: text.strip(),
    "user_id": lambda text: text.strip(),
    "user_domain": lambda text: text.strip().lstrip("@"),
    "device_id": lambda text: text.strip(),
    "signature": _parse_signature,
    "poll_interval": lambda text: _parse_int(text, _MSG_POLL),
    "request_timeout": lambda text: _parse_float(text, _MSG_TIMEOUT),
    "launch_at_login": _parse_bool,
    "break_codes": parse_break_codes,
}


def _user_id_problem(value: str, required: bool) -> str | None:
    if value == "":
        return _MSG_USER_ID_REQUIRED if required else None
    if not _WORD.match(value):
        return _MSG_USER_ID
    if "@" in value:
        name, _, domain = value.partition("@")
        if not name or not domain or "@" in domain:
            return _MSG_USER_ID
    return None


def _instance_id_problem(value: str, required: bool) -> str | None:
    if value == "":
        return _MSG_INSTANCE_REQUIRED if required else None
    return None if _WORD.match(value) else _MSG_INSTANCE


_TEXT_CHECKS: dict[str, Callable[[str, bool], str | None]] = {
    "region": lambda value, _required: None if _REGION.match(value) else _MSG_REGION,
    "endpoint": lambda value, _required: _endpoint_problem(value),
    "instance_id": _instance_id_problem,
    "user_id": _user_id_problem,
    "user_domain": lambda value, _required: (
        None if value == "" or (_WORD.match(value) and "@" not in value) else _MSG_USER_DOMAIN
    ),
    "device_id": lambda value, _required: (
        None if value == "" or (_WORD.match(value) and len(value) <= 128) else _MSG_DEVICE_ID
    ),
}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _value_problem(key: str, value: object, *, required: bool) -> str | None:
    """What is wrong with one typed value; `required` adds the checks only a connection needs."""
    text_check = _TEXT_CHECKS.get(key)
    if text_check is not None:
        return text_check(value, required) if isinstance(value, str) else f"The setting '{key}' must be text."
    if key == "signature":
        return None if isinstance(value, SignatureScheme) else _MSG_SIGNATURE
    if key == "poll_interval":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok and MIN_POLL_INTERVAL <= value <= MAX_POLL_INTERVAL else _MSG_POLL  # type: ignore[operator]
    if key == "request_timeout":
        ok = _is_number(value) and MIN_REQUEST_TIMEOUT <= value <= MAX_REQUEST_TIMEOUT  # type: ignore[operator]
        return None if ok else _MSG_TIMEOUT
    if key == "launch_at_login":
        return None if isinstance(value, bool) else _MSG_LAUNCH
    if key == "break_codes":
        if not isinstance(value, tuple | list):
            return "Break codes must be entries like: lunch | Lunch | 60."
        return _break_code_problem(tuple(value))
    return f"There is no setting called '{key}'."


def _coerce(key: str, value: object) -> object:
    if key == "request_timeout" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if key == "break_codes" and isinstance(value, list):
        return tuple(value)
    if key == "signature" and isinstance(value, str) and not isinstance(value, SignatureScheme):
        return _parse_signature(value)
    return value


def _parse_value(key: str, text: str) -> object:
    parser = _PARSERS.get(key)
    if parser is None:
        raise ConfigError(f"There is no setting called '{key}'.")
    value = parser(text)
    problem = _value_problem(key, value, required=False)
    if problem is not None:
        raise ConfigError(problem)
    return value


def parse_setting(key: str, text: str) -> object:
    """Turn the text of one setting into its typed value; ConfigError names the key when it is invalid.

    An empty instance or user ID is accepted here (it means "not set up yet"); validate_settings reports
    it before connecting.
    """
    try:
        return _parse_value(key, text)
    except ConfigError as error:
        raise ConfigError(f"{error.user_message} (setting '{key}')") from None


def validate_setting(key: str, value: object) -> str | None:
    """None when `value` (typed, or text as typed in a form) is acceptable for `key`, else a message."""
    if isinstance(value, str) and key in _PARSERS:
        try:
            value = _PARSERS[key](value)
        except ConfigError as error:
            return error.user_message
    else:
        try:
            value = _coerce(key, value)
        except ConfigError as error:
            return error.user_message
    return _value_problem(key, value, required=True)


def validate_settings(settings: Settings) -> dict[str, str]:
    """Everything that must be fixed before connecting, as key -> message (empty when all is well)."""
    problems: dict[str, str] = {}
    for key in SETTING_KEYS:
        if key == "device_id" and settings.device_id == "":
            continue  # generated on load
        problem = _value_problem(key, getattr(settings, key), required=True)
        if problem is not None:
            problems[key] = problem
    if "user_id" not in problems and "@" not in settings.full_user_id():
        problems["user_id"] = _MSG_USER_ID
    return problems


def _format_value(key: str, value: object) -> str:
    if key == "break_codes":
        assert isinstance(value, tuple)
        return format_break_codes(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- where the files are -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigPaths:
    user_file: Path
    system_files: tuple[Path, ...]  # highest priority first


_PROFILE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _user_config_dir(environ: Mapping[str, str], platform: str) -> Path:
    override = environ.get("CCC_BREAK_CONFIG_DIR")
    if override:
        return Path(override)
    if platform == "win32":
        if sys.platform == "win32":
            return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
        base = environ.get("LOCALAPPDATA") or (environ.get("USERPROFILE", "C:\\Users\\Default") + "\\AppData\\Local")
        return Path(base.rstrip("\\") + "\\" + APP_NAME)
    if platform == "darwin":
        if sys.platform == "darwin":
            return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
        home = environ.get("HOME") or str(Path.home())
        return Path(home) / "Library" / "Application Support" / APP_NAME
    # Linux and other Unix: what platformdirs does, but from `environ` so tests can pass their own.
    config_home = environ.get("XDG_CONFIG_HOME", "").strip()
    if not config_home or not os.path.isabs(config_home):
        home = environ.get("HOME") or str(Path.home())
        config_home = str(Path(home) / ".config")
    return Path(config_home) / APP_NAME


def _system_files(environ: Mapping[str, str], platform: str) -> tuple[Path, ...]:
    if "CCC_BREAK_SYSTEM_CONFIG" in environ:
        # An empty value means "no system file", so a test or a trial ignores the machine's policy.
        override = environ["CCC_BREAK_SYSTEM_CONFIG"]
        return (Path(override),) if override else ()
    if platform == "win32":
        program_data = (environ.get("ProgramData") or environ.get("PROGRAMDATA") or "C:\\ProgramData").rstrip("\\")
        return (Path(f"{program_data}\\{APP_NAME}\\{APP_NAME}.ini"),)
    if platform == "darwin":
        return (Path("/Library/Application Support") / APP_NAME / f"{APP_NAME}.ini",)
    dirs = [d for d in environ.get("XDG_CONFIG_DIRS", "").split(":") if d and os.path.isabs(d)]
    if "/etc/xdg" not in dirs:
        dirs.append("/etc/xdg")
    files: list[Path] = []
    for directory in dirs:
        path = Path(directory) / APP_NAME / f"{APP_NAME}.ini"
        if path not in files:
            files.append(path)
    return tuple(files)


def default_config_paths(
    profile: str = "default", environ: Mapping[str, str] = os.environ, platform: str = sys.platform
) -> ConfigPaths:
    """The user file for `profile` ("demo" keeps demo settings apart) and the system files to read."""
    if not _PROFILE.match(profile):
        raise ConfigError(f"'{profile}' is not a valid profile name; use letters, digits, - and _.")
    name = f"{APP_NAME}.ini" if profile == "default" else f"{profile}.ini"
    return ConfigPaths(
        user_file=_user_config_dir(environ, platform) / name,
        system_files=_system_files(environ, platform),
    )


def default_log_dir(environ: Mapping[str, str] = os.environ) -> Path:
    override = environ.get("CCC_BREAK_LOG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


# --- reading and writing -------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedConfig:
    settings: Settings
    locked: frozenset[str]
    sources: tuple[Path, ...]
    origins: Mapping[str, str]
    problems: tuple[str, ...] = ()

    def is_locked(self, key: str) -> bool:
        return key in self.locked


class _Unreadable(Exception):
    """A settings file exists but cannot be parsed (bad INI, binary junk, wrong encoding)."""


def _new_parser() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False, default_section="\x00defaults")
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep keys as written
    return parser


def _decode(data: bytes) -> str:
    # Windows INI tools may write UTF-16 with a BOM.
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = data.decode("utf-16") if utf16 else data.decode("utf-8-sig")
    if "\x00" in text:
        raise UnicodeDecodeError("utf-8", data, 0, 1, "binary data")
    return text


def _read_parser(path: Path) -> configparser.ConfigParser | None:
    """The parsed file, None when it does not exist; OSError when unreadable, _Unreadable when damaged."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    parser = _new_parser()
    try:
        parser.read_string(_decode(data), source=str(path))
    except (UnicodeError, configparser.Error) as error:
        raise _Unreadable(str(error)) from None
    return parser


@dataclass
class _Layer:
    values: dict[str, object] = field(default_factory=dict)
    locked: set[str] = field(default_factory=set)


def _section_items(parser: configparser.ConfigParser) -> list[tuple[str, str]]:
    if not parser.has_section(SECTION):
        return []
    return [(key.strip().lower(), value) for key, value in parser.items(SECTION, raw=True)]


class ConfigStore:
    """The one owner of the settings files."""

    def __init__(self, paths: ConfigPaths) -> None:
        self.paths = paths
        self._lock = threading.RLock()
        self._last_overrides: dict[str, object] = {}

    # -- load --

    def load(self, overrides: Mapping[str, object] | None = None) -> LoadedConfig:
        with self._lock:
            return self._load(overrides or {})

    def _load(self, overrides: Mapping[str, object]) -> LoadedConfig:
        problems: list[str] = []
        sources: list[Path] = []
        override_values = self._parse_overrides(overrides)

        system = _Layer()
        for path in self.paths.system_files:
            layer = self._read_system_file(path, problems)
            if layer is None:
                continue
            sources.append(path)
            for key, value in layer.values.items():
                system.values.setdefault(key, value)  # the first file that sets a key wins
            system.locked |= layer.locked

        user = self._read_user_file(problems)
        if user is not None:
            sources.append(self.paths.user_file)
            user_layer = user
        else:
            user_layer = _Layer()

        values: dict[str, object] = {}
        origins: dict[str, Origin] = {}
        for key in SETTING_KEYS:
            if key in override_values:
                values[key], origins[key] = override_values[key], Origin.COMMAND_LINE
            elif key in system.locked:
                values[key] = system.values.get(key, getattr(BUILT_IN, key))
                origins[key] = Origin.LOCKED
            elif key in user_layer.values:
                values[key], origins[key] = user_layer.values[key], Origin.USER
            elif key in system.values:
                values[key], origins[key] = system.values[key], Origin.SYSTEM
            else:
                values[key], origins[key] = getattr(BUILT_IN, key), Origin.BUILT_IN

        settings = Settings(**values)  # type: ignore[arg-type]
        # Persist a new device ID only where that cannot hide an existing file we failed to read.
        writable = user is not None or not self.paths.user_file.exists()
        if settings.device_id == "":
            settings, problem = self._generate_device_id(settings, persist=writable)
            if problem is not None:
                problems.append(problem)
            elif writable:
                origins["device_id"] = Origin.USER
                if self.paths.user_file not in sources:
                    sources.append(self.paths.user_file)

        self._last_overrides = dict(override_values)
        return LoadedConfig(
            settings=settings,
            locked=frozenset(system.locked),
            sources=tuple(sources),
            origins=MappingProxyType(dict(origins)),
            problems=tuple(problems),
        )

    @staticmethod
    def _parse_overrides(overrides: Mapping[str, object]) -> dict[str, object]:
        # The command line is interactive input: a bad value fails at once instead of being ignored.
        parsed: dict[str, object] = {}
        for key, value in overrides.items():
            if value is None:
                continue  # an option that was not given
            if key not in SETTING_KEYS:
                raise ConfigError(f"There is no setting called '{key}'.")
            if isinstance(value, str):
                parsed[key] = parse_setting(key, value)
                continue
            try:
                value = _coerce(key, value)
            except ConfigError as error:
                raise ConfigError(f"{error.user_message} (setting '{key}')") from None
            problem = _value_problem(key, value, required=False)
            if problem is not None:
                raise ConfigError(f"{problem} (setting '{key}')")
            parsed[key] = value
        return parsed

    def _layer_from(
        self, parser: configparser.ConfigParser, path: Path, problems: list[str], *, system: bool
    ) -> _Layer:
        layer = _Layer()
        for key, text in _section_items(parser):
            if key == LOCKED_KEY:
                if not system:
                    logger.info("Ignoring 'locked' in %s: only the organisation's file can lock settings", path)
                    continue
                for name in filter(None, re.split(r"[\s,;]+", text.strip().lower())):
                    if name in SETTING_KEYS:
                        layer.locked.add(name)
                    else:
                        problems.append(f"In {path}, 'locked' names an unknown setting '{name}'; it was ignored.")
                continue
            if key in _CREDENTIAL_KEYS:
                problems.append(
                    f"{path} contains '{key}'. Credentials are kept only in the system keyring, so it was "
                    "ignored; remove it from the file."
                )
                continue
            if key not in _PARSERS:
                logger.debug("Ignoring unknown setting %r in %s", key, path)
                continue
            try:
                layer.values[key] = _parse_value(key, text)
            except ConfigError as error:
                problems.append(f"In {path}, the setting '{key}' was ignored: {error.user_message}")
        return layer

    def _read_system_file(self, path: Path, problems: list[str]) -> _Layer | None:
        try:
            parser = _read_parser(path)
        except _Unreadable as error:
            logger.warning("Skipping damaged organisation settings file %s: %s", path, error)
            problems.append(
                f"The organisation's settings file {path} is damaged and was skipped. Tell IT; "
                "your own settings and the defaults are used."
            )
            return None
        except OSError as error:
            logger.warning("Cannot read organisation settings file %s: %s", path, error)
            problems.append(
                f"The organisation's settings file {path} cannot be read ({error.strerror or error}) and "
                "was skipped. Tell IT."
            )
            return None
        if parser is None:
            return None
        return self._layer_from(parser, path, problems, system=True)

    def _read_user_file(self, problems: list[str]) -> _Layer | None:
        path = self.paths.user_file
        try:
            parser = _read_parser(path)
        except _Unreadable as error:
            logger.warning("User settings file %s is damaged: %s", path, error)
            backup = self._back_up_damaged(path)
            if backup is None:
                problems.append(
                    f"Your settings file {path} is damaged and could not be moved aside; defaults are used "
                    "and it will not be overwritten until you save."
                )
            else:
                problems.append(f"Your settings file was damaged; it was kept as {backup} and defaults are used.")
            return None
        except OSError as error:
            logger.warning("Cannot read user settings file %s: %s", path, error)
            problems.append(f"Your settings file {path} cannot be read ({error.strerror or error}); defaults are used.")
            return None
        if parser is None:
            return None
        return self._layer_from(parser, path, problems, system=False)

    @staticmethod
    def _back_up_damaged(path: Path) -> Path | None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.name}.corrupt-{stamp}")
        counter = 1
        while backup.exists():  # two damaged files in the same second must not overwrite each other
            backup = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
            counter += 1
        try:
            os.replace(path, backup)
        except OSError as error:
            logger.warning("Cannot move damaged settings file %s aside: %s", path, error)
            return None
        return backup

    def _generate_device_id(self, settings: Settings, *, persist: bool) -> tuple[Settings, str | None]:
        device_id = DEVICE_ID_PREFIX + uuid.uuid4().hex
        settings = settings.replace(device_id=device_id)
        if not persist:
            return settings, None
        try:
            self._write_user_file({"device_id": device_id}, set())
        except ConfigError as error:
            return settings, error.user_message
        logger.info("Generated a device ID for this installation")
        return settings, None

    # -- save --

    def save(self, settings: Settings) -> None:
        """Write the user's own choices: keys that differ from the organisation/built-in value.

        Locked keys are never written; keys given on the command line at the last load keep whatever
        the user file had, so a trainer's flags do not become the agent's own settings.
        """
        with self._lock:
            problems: list[str] = []
            system = _Layer()
            for path in self.paths.system_files:
                layer = self._read_system_file(path, problems)
                if layer is None:
                    continue
                for key, value in layer.values.items():
                    system.values.setdefault(key, value)
                system.locked |= layer.locked
            updates: dict[str, str] = {}
            removals: set[str] = set()
            for key in SETTING_KEYS:
                value = getattr(settings, key)
                if key in system.locked:
                    removals.add(key)
                    continue
                if key in self._last_overrides and self._last_overrides[key] == value:
                    continue
                baseline = system.values.get(key, getattr(BUILT_IN, key))
                if value == baseline:
                    removals.add(key)
                else:
                    updates[key] = _format_value(key, value)
            self._write_user_file(updates, removals)

    def _write_user_file(self, updates: Mapping[str, str], removals: set[str]) -> None:
        """Merge into the user file and replace it atomically; unknown keys and sections are kept."""
        path = self.paths.user_file
        try:
            parser = _read_parser(path) or _new_parser()
        except (_Unreadable, OSError):
            # Never overwrite what cannot be read: move it aside first, or give up.
            backup = self._back_up_damaged(path)
            if backup is None:
                raise ConfigError(f"Your settings could not be saved: {path} cannot be read or moved aside.") from None
            logger.warning("Moved unreadable user settings file %s aside to %s", path, backup)
            parser = _new_parser()
        if not parser.has_section(SECTION):
            parser.add_section(SECTION)
        for key in list(parser.options(SECTION)):
            normalised = key.strip().lower()
            if normalised in removals or normalised in updates or normalised in _CREDENTIAL_KEYS:
                parser.remove_option(SECTION, key)
        for key in SETTING_KEYS:  # display order
            if key in updates:
                parser.set(SECTION, key, updates[key])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._replace_atomically(path, parser)
        except OSError as error:
            raise ConfigError(f"Your settings could not be saved to {path} ({error.strerror or error}).") from None

    @staticmethod
    def _replace_atomically(path: Path, parser: configparser.ConfigParser) -> None:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(
                    "# CCC Break settings. Credentials are never stored here; they are in the system keyring.\n"
                )
                parser.write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            if os.name == "posix":
                os.chmod(temp_name, 0o600)
            os.replace(temp_name, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
        if os.name == "posix":
            try:
                dir_fd = os.open(path.parent, os.O_RDONLY)
            except OSError:
                return
            try:
                os.fsync(dir_fd)
            except OSError:
                pass
            finally:
                os.close(dir_fd)
