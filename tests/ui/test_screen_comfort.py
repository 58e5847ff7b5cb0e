"""Comfortable on screen all day, for everyone: every control named for screen readers (window, Settings,
compact mode, first run; English and Chinese), nothing clipped or outside its parent at the minimum and
default sizes (with and without the error panel, both languages, scale 1, 1.5 and 2), text and badges
readable in the light and dark themes (measured from rendered pixels), the keyboard alone enough, and
the window's place and mode kept, also when its screen is gone."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QRect, Qt, QTranslator
from PySide6.QtGui import QAccessible, QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.core.startup import build_context
from app.core.window_memory import Rect, WindowMemory, WindowPlace
from app.ui import theme
from app.ui.application import WidgetApp
from app.ui.i18n import install_translator
from app.ui.resources import resource_path
from tests.ui.agent_actions import click, shown_state
from tests.ui.conftest import Loop

MakeWidget = Callable[..., WidgetApp]
ROOT = Path(__file__).resolve().parents[2]
CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
# The longest labels an organisation might give, in both languages, and a long device ID.
LONG_CODES = (
    "default | Break | 15; training | Product training and coaching session | 30; 培训 | 产品培训与辅导课程 | 30"
)


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    app = QCoreApplication.instance()
    assert app is not None
    if request.param == "zh_CN":
        assert install_translator(app, resource_path("translations"), CHINESE)
    yield request.param
    for translator in app.findChildren(QTranslator):
        QCoreApplication.removeTranslator(translator)
        translator.setParent(None)


@pytest.fixture
def restore_light_theme() -> Iterator[None]:
    yield
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setPalette(app.style().standardPalette())
    app.setStyleSheet("")


def controls(root: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox)
    found = [w for w in root.findChildren(QWidget) if isinstance(w, kinds) and w.isVisibleTo(root)]
    return [w for w in found if not isinstance(w.parentWidget(), QAbstractSpinBox)]  # a spin box's own editor


def unnamed(root: QWidget) -> list[str]:
    missing = []
    for control in controls(root):
        interface = QAccessible.queryAccessibleInterface(control)
        assert interface is not None
        if not interface.text(QAccessible.Text.Name).strip():
            missing.append(control.objectName() or f"{type(control).__name__} {control.property('text')!r}")
    return missing


def layout_problems(root: QWidget) -> list[str]:
    """Visible widgets outside their parent, and texts cut short."""
    root.layout().activate()
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.isWindow():
            continue
        name = widget.objectName() or type(widget).__name__
        parent = widget.parentWidget()
        if parent is not None and not parent.rect().contains(widget.geometry()):
            found.append(f"{name} {widget.geometry()} leaves its parent {parent.objectName()} {parent.rect()}")
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                if widget.heightForWidth(widget.width()) > widget.height():
                    found.append(f"label {name} {widget.text()!r} is cut at the bottom")
            elif widget.minimumSizeHint().width() > widget.width():
                found.append(f"label {name} {widget.text()!r} is cut ({widget.width()} < {widget.sizeHint().width()})")
        if isinstance(widget, QAbstractButton) and widget.text() and widget.sizeHint().width() > widget.width():
            found.append(f"button {name} {widget.text()!r} is cut")
    return found


def sizes(window: QWidget) -> dict[str, tuple[int, int]]:
    window.layout().activate()
    smallest, default = window.minimumSize(), window.sizeHint()
    return {"minimum": (smallest.width(), smallest.height()), "default": (default.width(), default.height())}


def with_long_texts(qloop: Loop, make_widget: MakeWidget) -> WidgetApp:
    widget = make_widget(overrides={"break_codes": LONG_CODES, "device_id": "ACC-YUNBS-1.0.10-" + "b" * 28})
    qloop.run(shown_state(qloop, widget, "READY"))
    qloop.run(qloop.until(lambda: widget.window.today_box.isVisible(), 8, "the Today section"))  # type: ignore[union-attr]
    return widget


def show_an_error(qloop: Loop, widget: WidgetApp) -> None:
    assert widget.simulator is not None and widget.window is not None
    window = widget.window
    widget.simulator.service.deny("TakeBreak")  # a RAM policy without ccc:TakeBreak: the longest advice

    async def refused() -> None:
        click(window.take_break_button)
        await qloop.until(lambda: window.error_frame.isVisible(), 8, "the error panel")

    qloop.run(refused())


# --- screen readers ----------------------------------------------------------------------------------


def test_every_control_has_a_name_in_the_window_compact_mode_settings_and_first_run(
    language: str, qloop: Loop, make_widget: MakeWidget
) -> None:
    widget = with_long_texts(qloop, make_widget)
    window = widget.window
    assert window is not None
    assert unnamed(window) == []
    window.set_compact(True)
    assert unnamed(window) == []
    window.set_compact(False)

    async def open_settings() -> None:
        widget.open_settings()
        await qloop.until(lambda: widget.settings_dialog is not None, 5, "Settings")

    qloop.run(open_settings())
    dialog = widget.settings_dialog
    assert dialog is not None
    tab_widget = dialog.findChild(QTabWidget)
    assert tab_widget is not None
    for index in range(tab_widget.count()):
        tab_widget.setCurrentIndex(index)
        assert unnamed(tab_widget.widget(index)) == [], f"tab {tab_widget.tabText(index)}"
    assert unnamed(dialog) == []
    name = QAccessible.queryAccessibleInterface(window.take_break_button).text(QAccessible.Text.Name)
    if language == "zh_CN":
        assert any(ord(ch) > 0x2E80 for ch in name), f"not Chinese: {name!r}"


def test_the_first_run_step_names_its_fields(language: str, qloop: Loop, make_widget: MakeWidget) -> None:
    widget = make_widget(demo=False, context=build_context({}))
    assert widget.first_run is not None
    assert unnamed(widget.first_run) == []


# --- layout ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [False, True], ids=["no-error", "error-panel"])
def test_nothing_is_cut_or_outside_its_parent_at_the_minimum_and_default_size(
    language: str, error: bool, qloop: Loop, make_widget: MakeWidget, qtbot: QtBot
) -> None:
    widget = with_long_texts(qloop, make_widget)
    window = widget.window
    assert window is not None
    if error:
        show_an_error(qloop, widget)
    for mode in (False, True):
        window.set_compact(mode)
        for label, (width, height) in sizes(window).items():
            window.resize(width, height)
            # A narrower window needs more height for wrapped text: wait for the window to take it.
            qtbot.waitUntil(lambda: window.height() >= window.minimumHeight(), timeout=2000)
            problems = layout_problems(window)
            assert problems == [], f"{label} size {width}x{height}, compact={mode}: " + "; ".join(problems)


def test_the_error_panel_comes_and_goes_without_moving_the_rest(qloop: Loop, make_widget: MakeWidget) -> None:
    """The panel takes its own room below the buttons; when it goes, no blank band stays behind."""
    widget = with_long_texts(qloop, make_widget)
    window = widget.window
    assert window is not None
    before = window.take_break_button.mapTo(window, window.take_break_button.rect().topLeft())
    height_before = window.sizeHint().height()
    show_an_error(qloop, widget)
    assert window.take_break_button.mapTo(window, window.take_break_button.rect().topLeft()) == before
    assert layout_problems(window) == []
    height_with_error = window.height()
    click(window.dismiss_button)
    assert not window.error_frame.isVisible()
    assert window.sizeHint().height() == height_before
    assert window.height() < height_with_error, "a blank band stayed where the error was"


def test_the_state_icon_beside_the_badge_has_the_screens_pixels(qloop: Loop, make_widget: MakeWidget) -> None:
    """At 150 % or 200 % scaling (run again scaled, below) the icon is drawn with as many pixels as the
    screen shows, not one of the tray's sizes stretched to fit and blurred."""
    window = make_widget().window
    assert window is not None
    ratio = window.devicePixelRatioF()
    pixmap = window.badge_icon.pixmap()
    assert (pixmap.width(), pixmap.height()) == (round(48 * ratio), round(48 * ratio))
    assert pixmap.devicePixelRatio() == ratio  # so it still takes 48 x 48 of the window's room


def test_the_state_icon_is_drawn_again_when_the_window_moves_to_a_screen_with_another_scale(
    qloop: Loop, make_widget: MakeWidget
) -> None:
    window = make_widget().window
    assert window is not None
    window.devicePixelRatioF = lambda: 2.0  # type: ignore[method-assign]  # as on a 200 % screen
    QApplication.sendEvent(window, QEvent(QEvent.Type.DevicePixelRatioChange))
    # What the window gave its label: the label itself answers for the screen it really is on.
    shown = window._badge_icon_shown
    assert shown is not None and (shown.width(), shown.devicePixelRatio()) == (96, 2.0)


@pytest.mark.parametrize("scale", ["1.5", "2"])
def test_the_layout_holds_at_high_dpi_scaling(scale: str) -> None:
    """Qt's scale factor is fixed at start, so the layout tests run again in a process scaled by it."""
    env = {**os.environ, "QT_SCALE_FACTOR": scale}
    tests = [f"{__file__}::{name}" for name in SCALED_TESTS]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout


SCALED_TESTS = (
    "test_nothing_is_cut_or_outside_its_parent_at_the_minimum_and_default_size",
    "test_the_state_icon_beside_the_badge_has_the_screens_pixels",
)


# --- contrast ----------------------------------------------------------------------------------------


def rendered_contrast(widget: QWidget) -> float:
    """From the widget's own pixels: its most common colour is the background, the text is the
    colour farthest from it (anti-aliased edges only lie between the two)."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    counts: Counter[int] = Counter(
        image.pixel(x, y) for y in range(0, image.height(), 1) for x in range(0, image.width(), 1)
    )
    background = QColor.fromRgb(counts.most_common(1)[0][0])
    return max(theme.contrast(QColor.fromRgb(rgb), background) for rgb in counts)


@pytest.mark.parametrize("choice", ["light", "dark"])
def test_text_badges_and_the_error_area_are_readable_in_both_themes(
    choice: str, qloop: Loop, make_widget: MakeWidget, restore_light_theme: None
) -> None:
    widget = with_long_texts(qloop, make_widget)
    window = widget.window
    assert window is not None and widget.simulator is not None
    widget.set_theme_choice(choice)
    assert window.theme.dark == (choice == "dark")
    show_an_error(qloop, widget)
    readings = {
        "field text": (rendered_contrast(window.fields["Extension"]), 4.5),
        "error message": (rendered_contrast(window.error_message), 4.5),
        "shortcuts note": (rendered_contrast(window.shortcuts_label), 4.5),
    }
    directory = widget.simulator.directory
    for state, code in (("READY", ""), ("BREAK", "default"), ("TALKING", ""), ("WORKING", ""), ("OFFLINE", "")):
        directory.set_state("ccc-test", "user-test@ccc-test", state, break_code=code or None)
        widget.controller.refresh_soon()  # type: ignore[union-attr]
        qloop.run(shown_state(qloop, widget, state))
        readings[f"{state} badge"] = (rendered_contrast(window.badge_text), 3.0)
    low = {name: round(ratio, 2) for name, (ratio, floor) in readings.items() if ratio < floor}
    assert low == {}, f"below the floor in the {choice} theme: {low}"


def test_the_window_follows_the_agents_theme_choice_from_settings(
    qloop: Loop, make_widget: MakeWidget, restore_light_theme: None
) -> None:
    widget = make_widget()
    assert widget.window is not None
    widget.set_theme_choice("dark")
    window_colour = widget.window.palette().color(widget.window.backgroundRole())
    assert window_colour.lightness() < 80
    widget.set_theme_choice("light")
    assert widget.window.palette().color(widget.window.backgroundRole()).lightness() > 180


# --- keyboard, compact mode, place -------------------------------------------------------------------


def test_tab_goes_from_the_code_to_take_break_to_ready(qloop: Loop, make_widget: MakeWidget) -> None:
    widget = make_widget()
    window = widget.window
    assert window is not None
    qloop.run(shown_state(qloop, widget, "READY"))
    window.bring_forward()
    window.code_box.setFocus()
    order = [window.code_box]
    for _ in range(2):
        order.append(order[-1].nextInFocusChain())
        while not order[-1].focusPolicy() & Qt.FocusPolicy.TabFocus or not order[-1].isVisibleTo(window):
            order[-1] = order[-1].nextInFocusChain()
    assert order[1:] == [window.take_break_button, window.ready_button]


def test_compact_mode_keeps_state_timer_code_and_buttons_and_stays_on_top(qloop: Loop, make_widget: MakeWidget) -> None:
    widget = make_widget(tray=True)
    window = widget.window
    assert window is not None
    qloop.run(shown_state(qloop, widget, "READY"))
    full_height = window.sizeHint().height()
    QTest.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert window.compact
    for part in (window.badge_text, window.badge_timer, window.code_box, window.take_break_button, window.ready_button):
        assert part.isVisibleTo(window), part.objectName()
    for part in (window.status_panel, window.today_box, window.footer):
        assert not part.isVisibleTo(window)
    assert window.sizeHint().height() < full_height * 0.6
    QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.on_top and window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    widget.tray.rebuild_menu()  # type: ignore[union-attr]
    checked = {a.text(): a.isChecked() for a in widget.tray.menu.actions() if a.isCheckable()}  # type: ignore[union-attr]
    assert checked == {"Compact Window": True, "Keep on Top": True}
    shortcuts = {a.text(): a.shortcut().toString() for a in widget.tray.menu.actions()}  # type: ignore[union-attr]
    assert shortcuts["Ready"] == "Ctrl+R" and shortcuts["Compact Window"] == "Ctrl+M"


def test_the_window_comes_back_where_it_was_in_its_mode_and_on_screen_when_that_screen_is_gone(
    qloop: Loop, make_widget: MakeWidget
) -> None:
    first = make_widget(tray=True)
    window = first.window
    assert window is not None and first.window_memory is not None
    window.set_compact(True)
    window.setGeometry(QRect(40, 50, 420, 260))
    window.hide()  # put away to the tray: the place is kept
    memory_file = first.window_memory.path
    qloop.run(qloop.until(memory_file.exists, 5, "the window's place kept"))
    qloop.run(first.shutdown())

    second = make_widget(tray=True)
    assert second.window is not None
    assert second.window.compact, "the mode comes back"
    assert (second.window.geometry().x(), second.window.geometry().y()) == (40, 50)
    qloop.run(second.shutdown())

    # Saved on a monitor that is not there any more: it opens on the screen that is.
    WindowMemory(memory_file).remember(second._screen_setup(), WindowPlace(Rect(9000, 7000, 420, 260), compact=False))
    third = make_widget(tray=True)
    assert third.window is not None
    screen = QApplication.primaryScreen().availableGeometry()

    def on_screen() -> bool:
        # Its title bar is reachable and all of it is on the screen but for a few pixels of border.
        box = third.window.frameGeometry()  # type: ignore[union-attr]
        visible = screen.intersected(box)
        return (
            screen.contains(box.topLeft())
            and visible.width() >= box.width() - 8
            and visible.height() >= box.height() - 8
        )

    # On Windows the window grows to fit its content a moment after it is placed: what counts is where it ends.
    qloop.run(qloop.until(on_screen, 5, f"the window on {screen}, not at {third.window.frameGeometry()}"))


def test_a_state_change_is_told_to_screen_readers(language: str, qloop: Loop, make_widget: MakeWidget) -> None:
    widget = make_widget(overrides={"poll_interval": 5})
    window = widget.window
    assert window is not None and widget.simulator is not None
    qloop.run(shown_state(qloop, widget, "READY"))

    def spoken() -> str:
        interface = QAccessible.queryAccessibleInterface(window.badge_text)
        assert interface is not None
        return interface.text(QAccessible.Text.Name)

    ready = spoken()
    widget.simulator.directory.set_state("ccc-test", "user-test@ccc-test", "BREAK", break_code="lunch")
    widget.controller.refresh_soon()  # type: ignore[union-attr]
    qloop.run(shown_state(qloop, widget, "BREAK"))
    on_break = spoken()
    assert on_break != ready
    expected = ("小休", "午餐") if language == "zh_CN" else ("On break", "Lunch")
    assert expected[0] in on_break, on_break


@pytest.mark.parametrize("panel", ["#202124", "#f5f5f5", "#1565c0"], ids=["dark", "light", "blue"])
def test_every_tray_icon_stands_out_on_dark_light_and_blue_panels(panel: str) -> None:
    """Drawn over the panel's colour, each icon has pixels at 3:1 or more against it all around its
    edge (the halo or the outline), not only a fill that may match the panel."""
    from PySide6.QtGui import QPainter, QPixmap

    from app.core.models import UserState
    from app.ui.icons import state_icon

    background = QColor(panel)
    for state in [*UserState, None]:
        for over_time in (False, True):
            picture = QPixmap(22, 22)
            picture.fill(background)
            painter = QPainter(picture)
            state_icon(state, over_time=over_time).paint(painter, 0, 0, 22, 22)
            painter.end()
            image = picture.toImage()
            # Walk in from each side along the middle row and column: the first pixel that is not the
            # panel must stand out from it.
            for line in (
                [(x, 11) for x in range(22)],
                [(x, 11) for x in reversed(range(22))],
                [(11, y) for y in range(22)],
                [(11, y) for y in reversed(range(22))],
            ):
                edge = [image.pixelColor(x, y) for x, y in line if image.pixelColor(x, y) != background]
                assert edge, f"{state} shows nothing on {panel}"
                best = max(theme.contrast(colour, background) for colour in edge[:5])
                assert best >= 3.0, f"{state} (over time {over_time}) fades into a {panel} panel: {best:.2f}"
