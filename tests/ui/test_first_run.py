"""The first run for an agent: nothing to ask when IT preset everything, otherwise one short step with
only what is missing, and no error on screen before the agent has typed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.startup import build_context
from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, Simulator
from app.ui.application import WidgetApp
from tests.ui.agent_actions import shown_state
from tests.ui.conftest import Loop

MakeWidget = Callable[..., WidgetApp]


@pytest.fixture
def simulator(qloop: Loop) -> Simulator:
    service = Simulator()
    qloop.run(service.start("127.0.0.1", 0))
    yield service  # type: ignore[misc]
    qloop.run(service.stop())


def visible_errors(widget: WidgetApp) -> list[str]:
    dialog = widget.first_run
    assert dialog is not None
    return [label.text() for label in dialog.errors.values() if label.isVisibleTo(dialog)]


def test_with_everything_preset_there_is_no_dialog_at_all(
    qloop: Loop, make_widget: MakeWidget, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IT preset the connection and deployed the AccessKey (here through the environment): the agent
    just sees their state."""
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEMO_ACCESS_KEY_SECRET)
    context = build_context({"endpoint": simulator.url, "instance_id": "ccc-test"})
    widget = make_widget(demo=False, context=context)
    assert widget.first_run is None and widget.settings_dialog is None

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")

    qloop.run(scenario())
    assert widget.first_run is None and widget.settings_dialog is None


def test_with_the_connection_preset_only_the_access_key_is_asked_for(
    qloop: Loop, make_widget: MakeWidget, simulator: Simulator
) -> None:
    context = build_context({"endpoint": simulator.url, "instance_id": "ccc-test"})
    widget = make_widget(demo=False, context=context)
    dialog = widget.first_run
    assert dialog is not None and dialog.isVisible()
    assert set(dialog.fields) == {"access_key_id", "access_key_secret"}
    assert "ccc-test" in dialog.findChild(type(dialog.result_label), "firstRunIntro").text()
    assert visible_errors(widget) == [] and not dialog.start_button.isEnabled()
    assert widget.controller is not None and widget.controller.last_error is None, "no red error in the window"

    async def scenario() -> None:
        dialog.fields["access_key_id"].setText(DEMO_ACCESS_KEY_ID)
        assert not dialog.start_button.isEnabled(), "the secret is still missing"
        dialog.fields["access_key_secret"].setText(DEMO_ACCESS_KEY_SECRET)
        assert dialog.start_button.isEnabled()
        dialog.start_button.click()
        await qloop.until(lambda: widget.first_run is None, 10, "the first run done")
        await shown_state(qloop, widget, "READY")

    qloop.run(scenario())


def test_with_nothing_set_up_errors_appear_only_once_the_agent_types(
    qloop: Loop, make_widget: MakeWidget, simulator: Simulator
) -> None:
    context = build_context({"endpoint": simulator.url})
    widget = make_widget(demo=False, context=context)
    dialog = widget.first_run
    assert dialog is not None
    assert set(dialog.fields) == {"instance_id", "user_id", "access_key_id", "access_key_secret"}
    assert visible_errors(widget) == [], "nothing red before the agent typed"
    assert widget.window is not None and not widget.window.error_frame.isVisibleTo(widget.window)
    assert widget.window.notice.isVisibleTo(widget.window) and "not set up" in widget.window.notice.text()

    async def scenario() -> None:
        dialog.fields["instance_id"].setText("ccc test")
        assert any("one word" in text for text in visible_errors(widget))
        dialog.fields["instance_id"].setText("ccc-test")
        dialog.fields["user_id"].setText("user-test@ccc-test")
        dialog.fields["access_key_id"].setText(DEMO_ACCESS_KEY_ID)
        dialog.fields["access_key_secret"].setText(DEMO_ACCESS_KEY_SECRET)
        assert visible_errors(widget) == [] and dialog.start_button.isEnabled()
        dialog.start_button.click()
        await qloop.until(lambda: widget.first_run is None, 10, "the first run done")
        await shown_state(qloop, widget, "READY")
        assert not widget.window.notice.isVisibleTo(widget.window)  # type: ignore[union-attr]
        saved = widget.context.config_store.paths.user_file.read_text(encoding="utf-8")
        assert "instance_id = ccc-test" in saved and DEMO_ACCESS_KEY_SECRET not in saved

    qloop.run(scenario())


def test_a_refused_save_keeps_what_was_typed(
    qloop: Loop, make_widget: MakeWidget, simulator: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the settings folder should be")
    monkeypatch.setenv("CCC_BREAK_CONFIG_DIR", str(blocker / "ccc-break"))
    widget = make_widget(demo=False, context=build_context({"endpoint": simulator.url}))
    dialog = widget.first_run
    assert dialog is not None

    async def scenario() -> None:
        dialog.fields["instance_id"].setText("ccc-typed")
        dialog.fields["access_key_id"].setText(DEMO_ACCESS_KEY_ID)
        dialog.fields["access_key_secret"].setText(DEMO_ACCESS_KEY_SECRET)
        dialog.start_button.click()
        await qloop.until(lambda: "could not be saved" in dialog.result_label.text(), 10, "the save error")
        assert widget.first_run is dialog and dialog.isVisible()
        assert dialog.fields["instance_id"].text() == "ccc-typed"
        assert dialog.start_button.isEnabled(), "the agent can fix it and try again"

    qloop.run(scenario())


def test_at_login_before_the_panel_the_window_says_what_it_waits_for(qloop: Loop, make_widget: MakeWidget) -> None:
    """Started at login with no tray yet: a window that says why it is there, gone to the tray once
    the panel appears."""
    tray_there = [False]
    widget = make_widget(minimized=True, tray=lambda: tray_there[0])
    window, tray = widget.window, widget.tray
    assert window is not None and tray is not None
    assert window.isVisible() and "Waiting for the system tray" in window.notice.text()

    async def scenario() -> None:
        tray_there[0] = True
        await qloop.until(lambda: widget.tray_attached, 5, "the tray to attach")
        assert not window.isVisible(), "once the tray is there, the window goes to it"

    qloop.run(scenario())
