"""Translation: one `tr()` for every user-visible string of the UI, and loading of compiled catalogues.

All strings share the empty context, so `pyside6-lupdate app/ui/*.py -ts resources/translations/
ccc-break_<lang>.ts` finds every `tr("...")` and `QT_TR_NOOP("...")`, and a catalogue built with
`pyside6-lrelease` from it applies as it is.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = ""


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def install_translator(app: QCoreApplication, directory: Path | None, locale: QLocale | None = None) -> bool:
    """Load ccc-break_<locale>.qm from `directory` when there is one; English otherwise."""
    if directory is None:
        return False
    translator = QTranslator(app)
    if not translator.load(locale or QLocale(), "ccc-break", "_", str(directory)):
        return False
    return app.installTranslator(translator)
