"""What a screen reader says: every control in the window has a name (through Qt's accessibility
interfaces, which AT-SPI reads), in English and in Chinese; Escape puts the window away to the tray."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale, Qt, QTranslator
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel

from app.ui.application import WidgetApp
from app.ui.i18n import install_translator
from app.ui.main_window import MainWindow
from app.ui.resources import resource_path
from tests.ui.agent_actions import shown_state
from tests.ui.conftest import Loop


def unnamed_controls(widget: WidgetApp) -> list[str]:
    assert widget.window is not None
    missing = []
    for control in widget.window.findChildren(QAbstractButton) + widget.window.findChildren(QComboBox):
        interface = QAccessible.queryAccessibleInterface(control)
        assert interface is not None
        if not interface.text(QAccessible.Text.Name).strip():
            missing.append(control.objectName() or type(control).__name__)
    return missing


def test_every_control_in_the_window_has_a_name_for_screen_readers(
    qloop: Loop, make_widget: Callable[..., WidgetApp]
) -> None:
    widget = make_widget()
    qloop.run(shown_state(qloop, widget, "READY"))
    assert unnamed_controls(widget) == []
    assert widget.window is not None
    value = QAccessible.queryAccessibleInterface(widget.window.fields["Extension"])
    assert value is not None and value.text(QAccessible.Text.Name) == "Extension"
    assert all(label.accessibleName() for label in widget.window.fields.values())


def test_in_chinese_the_names_are_chinese(qloop: Loop, make_widget: Callable[..., WidgetApp]) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert install_translator(
        app, resource_path("translations"), QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    )
    try:
        widget = make_widget()
        assert widget.window is not None
        interface = QAccessible.queryAccessibleInterface(widget.window.take_break_button)
        assert interface is not None
        name = interface.text(QAccessible.Text.Name)
        assert any(ord(ch) > 0x2E80 for ch in name), f"not Chinese: {name!r}"
        assert unnamed_controls(widget) == []
    finally:
        for translator in app.findChildren(QTranslator):
            app.removeTranslator(translator)
            translator.deleteLater()


def test_escape_puts_the_window_away_when_a_tray_holds_the_app(
    qloop: Loop, make_widget: Callable[..., WidgetApp]
) -> None:
    widget = make_widget()
    assert widget.controller is not None
    window = MainWindow(widget.controller, hide_on_close=lambda: True)  # as with a tray attached
    try:
        window.bring_forward()
        window.add_shortcuts()  # as the widget does once the window is painted
        QTest.qWaitForWindowExposed(window)
        QTest.keyClick(window, Qt.Key.Key_Escape)
        assert not window.isVisible()
    finally:
        window.deleteLater()


def test_escape_keeps_the_window_when_there_is_no_tray(qloop: Loop, make_widget: Callable[..., WidgetApp]) -> None:
    """Without a tray the window is the app: Escape must not make it vanish."""
    widget = make_widget(tray=False)
    window = widget.window
    assert window is not None
    window.bring_forward()
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert window.isVisible()
    assert isinstance(window.fields["UserState"], QLabel)
