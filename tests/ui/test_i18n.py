"""The UI can be translated: Qt's own tools find its strings and a built catalogue changes the window."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from app.ui.application import WidgetApp
from app.ui.i18n import install_translator
from tests.ui.conftest import Loop

UI = Path(__file__).resolve().parents[2] / "app" / "ui"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} comes with PySide6; reinstall the test environment"
    return found


@pytest.fixture
def pseudo_catalogue(tmp_path: Path) -> Path:
    """Every string extracted by pyside6-lupdate, 'translated' as ⟦string⟧ and compiled by lrelease."""
    source = tmp_path / "ccc-break_eo.ts"
    subprocess.run(
        [tool("pyside6-lupdate"), *map(str, sorted(UI.glob("*.py"))), "-ts", str(source)],
        check=True,
        capture_output=True,
    )
    text = source.read_text(encoding="utf-8")

    def pseudo(match: re.Match[str]) -> str:
        return f"{match.group(1)}\n        <translation>⟦{match.group(2)}⟧</translation>"

    text = re.sub(
        r"(<source>(.*?)</source>)\s*<translation type=\"unfinished\"></translation>", pseudo, text, flags=re.S
    )
    source.write_text(text, encoding="utf-8")
    subprocess.run([tool("pyside6-lrelease"), str(source)], check=True, capture_output=True)
    return tmp_path


@pytest.fixture
def installed(pseudo_catalogue: Path) -> Iterator[None]:
    app = QCoreApplication.instance()
    assert app is not None
    assert install_translator(app, pseudo_catalogue, QLocale(QLocale.Language.Esperanto))
    yield
    for translator in app.findChildren(QTranslator):
        QCoreApplication.removeTranslator(translator)


def test_lupdate_finds_the_strings_agents_see(pseudo_catalogue: Path) -> None:
    text = (pseudo_catalogue / "ccc-break_eo.ts").read_text(encoding="utf-8")
    for source in (
        "Take &amp;Break",
        "&amp;Ready",
        "Waiting for the contact centre to answer…",
        "Managed by your organisation",
        "On break",
        "Show/Hide Window",
    ):
        assert f"<source>{source}</source>" in text


def test_a_built_catalogue_translates_the_window_and_tray(
    installed: None, qloop: Loop, make_widget: Callable[..., WidgetApp]
) -> None:
    widget = make_widget(tray=True)
    assert widget.window is not None and widget.tray is not None
    assert widget.window.take_break_button.text() == "⟦Take &Break⟧"
    assert widget.window.ready_button.text() == "⟦&Ready⟧"
    widget.tray.rebuild_menu()
    assert [a.text() for a in widget.tray.menu.actions()][:2] == ["⟦Take Break⟧", "⟦Ready⟧"]
