"""Translation: one `tr()` for every user-visible string of the UI, and loading of compiled catalogues.

All strings share the empty context, so `pyside6-lupdate app/ui/*.py -ts resources/translations/
ccc-break_<lang>.ts` finds every `tr("...")` and `QT_TR_NOOP("...")`, and a catalogue built with
`pyside6-lrelease` from it applies as it is.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

CONTEXT = ""
CATALOGUE = "ccc-break"
# Qt's own strings: standard dialog buttons (Save, Cancel), text-field context menus (Undo, Copy).
QT_CATALOGUE = "qtbase"


def tr(text: str, disambiguation: str = "", n: int = -1) -> str:
    """The text in the user's language; with `n`, the plural form for n (Qt's %n numerus rules)."""
    return QCoreApplication.translate(CONTEXT, text, disambiguation or None, n)


def minutes_text(n: int) -> str:
    """'1 minute', '5 minutes', '5 分钟': Qt picks the plural form each language's catalogue has."""
    return tr("%n minute(s)", "", n)


def qt_translations_dir() -> str:
    """Where this PySide6 (or the PyInstaller bundle, through its qt.conf) keeps qtbase_<lang>.qm."""
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def _load(app: QCoreApplication, locale: QLocale, name: str, directory: str) -> QTranslator | None:
    # Parented to the app: QCoreApplication does not own installed translators, and one collected
    # by Python would silently turn the UI back to English.
    translator = QTranslator(app)
    if translator.load(locale, name, "_", directory):
        return translator
    translator.setParent(None)  # not kept: Python frees it
    return None


def install_translator(app: QCoreApplication, directory: Path | None, locale: QLocale | None = None) -> bool:
    """Load ccc-break_<locale>.qm from `directory` and Qt's qtbase_<locale>.qm for the same language.

    Either one missing leaves its strings in English. The system locale (LANG, LC_ALL, LC_MESSAGES
    on Linux) applies unless `locale` is given. Returns whether the app's own catalogue is installed.
    """
    locale = locale or QLocale()
    ours = _load(app, locale, CATALOGUE, str(directory)) if directory is not None else None
    english = QLocale(QLocale.Language.English)
    if directory is not None and (ours is None or not ours.language().startswith("en")):
        # The source language's plural forms ("1 minute", "5 minutes"): asked last, after any other.
        source_plurals = _load(app, english, CATALOGUE, str(directory))
        if source_plurals is not None:
            app.installTranslator(source_plurals)
    # Qt's buttons in the language the app speaks, which is the first of the locale's UI languages
    # that has a catalogue of ours; without one, the locale's own.
    qt_locale = QLocale(ours.language()) if ours is not None and ours.language() else locale
    qt = _load(app, qt_locale, QT_CATALOGUE, qt_translations_dir())
    # The last installed is asked first: ours, so Qt's catalogue never overrides an app string.
    if qt is not None:
        app.installTranslator(qt)
    return ours is not None and app.installTranslator(ours)
