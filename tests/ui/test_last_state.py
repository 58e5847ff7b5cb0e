"""A restarted widget paints the state the agent was last seen in, marked as refreshing, before the
service has answered: the agent sees where they stand at once, and never mistakes it for live."""

from __future__ import annotations

from pathlib import Path

from app.core.autostart.base import NullAutoStart
from app.core.startup import RunContext, build_context
from app.simulator import Simulator
from app.ui.application import WidgetApp
from tests.ui.agent_actions import shown_state
from tests.ui.conftest import FakeNow, Loop
from tests.ui.test_true_time import AGENT_PATH, control

AGENT = "user-test@ccc-test"


def context_for(endpoint: str, user: str = AGENT) -> RunContext:
    return build_context({"endpoint": endpoint, "instance_id": "ccc-test", "user_id": user})


def badge(widget: WidgetApp) -> str:
    assert widget.window is not None
    return widget.window.badge_text.text()


def state_file(context: RunContext) -> Path:
    paths = context.config_store.paths
    return paths.local_dir / (paths.user_file.stem + ".state.json")


def painted_first(context: RunContext, fake_now: FakeNow) -> WidgetApp:
    """The widget up to its first paint: nothing asked of the service yet."""
    widget = WidgetApp(context, autostart=NullAutoStart("tests"), tray_available=lambda: False, now=fake_now)
    widget.show_first()
    return widget


def see_a_lunch_break_and_quit(qloop: Loop, lasting_simulator: Simulator, fake_now: FakeNow) -> None:
    qloop.run(control(lasting_simulator, "PATCH", AGENT_PATH, {"state": "BREAK", "break_code": "lunch"}))
    context = context_for(lasting_simulator.url)
    first = painted_first(context, fake_now)
    try:
        qloop.run(first.start_connecting())
        qloop.run(shown_state(qloop, first, "BREAK"))
        # The state file is what the next start paints from; waiting for it is waiting for the app.
        qloop.run(qloop.until(lambda: "BREAK:lunch" in _text(state_file(context)), 5, "the state remembered"))
    finally:
        qloop.run(first.shutdown())


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_a_restart_paints_the_last_state_as_refreshing_until_the_service_says_otherwise(
    qloop: Loop, lasting_simulator: Simulator, fake_now: FakeNow
) -> None:
    see_a_lunch_break_and_quit(qloop, lasting_simulator, fake_now)
    # While the widget was closed, the agent became Ready in the workbench.
    qloop.run(control(lasting_simulator, "PATCH", AGENT_PATH, {"state": "READY"}))

    again = painted_first(context_for(lasting_simulator.url), fake_now)
    try:
        assert badge(again) == "On break — Lunch (refreshing…)"
        assert again.window is not None
        assert "refreshing" in again.window.badge_text.accessibleName()  # a screen reader hears it too
        qloop.run(again.start_connecting())
        qloop.run(shown_state(qloop, again, "READY"))
        assert badge(again) == "Ready"
    finally:
        qloop.run(again.shutdown())


def test_another_agents_last_state_is_not_painted(qloop: Loop, lasting_simulator: Simulator, fake_now: FakeNow) -> None:
    see_a_lunch_break_and_quit(qloop, lasting_simulator, fake_now)
    widget = painted_first(context_for(lasting_simulator.url, user="someone-else@ccc-test"), fake_now)
    try:
        assert badge(widget) == "Not connected"
    finally:
        qloop.run(widget.shutdown())


def test_when_the_service_cannot_be_reached_the_last_state_is_no_longer_shown(
    qloop: Loop, lasting_simulator: Simulator, fake_now: FakeNow
) -> None:
    see_a_lunch_break_and_quit(qloop, lasting_simulator, fake_now)
    url = lasting_simulator.url
    qloop.run(lasting_simulator.stop())  # the service is gone (the fixture's stop again is harmless)
    widget = painted_first(context_for(url), fake_now)
    try:
        assert "refreshing" in badge(widget)
        qloop.run(widget.start_connecting())
        qloop.run(qloop.until(lambda: "refreshing" not in badge(widget), 15, "the refreshing mark gone"))
        assert "On break" not in badge(widget)
    finally:
        qloop.run(widget.shutdown())
