"""What the GUI tests do as an agent would: read a field, wait for a state on screen, click, choose."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from app.ui.application import WidgetApp
from tests.ui.conftest import Loop


def field(widget: WidgetApp, name: str) -> str:
    assert widget.window is not None
    return widget.window.fields[name].text()


def shown_raw_state(widget: WidgetApp) -> str:
    """The API's UserState as the status panel shows it: "On break (BREAK)" -> "BREAK"."""
    text = field(widget, "UserState").replace("（", "(").replace("）", ")")  # Chinese brackets too
    return text.rsplit("(", 1)[-1].rstrip(")") if text.endswith(")") else text


async def shown_state(loop: Loop, widget: WidgetApp, state: str, timeout: float = 8.0) -> None:
    await loop.until(lambda: shown_raw_state(widget) == state, timeout, f"UserState {state} on screen")


def click(button: QPushButton) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def choose_code(widget: WidgetApp, code: str) -> None:
    assert widget.window is not None
    box = widget.window.code_box
    box.setCurrentIndex(box.findData(code))
