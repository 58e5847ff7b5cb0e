"""The time in a break is the service's truth: a break started elsewhere 25 minutes ago shows 25
minutes, also after the widget restarts; where the service may not say, the widget counts from when it
first saw the break, remembers that across a restart, and marks the time as approximate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from app.core.startup import build_context
from app.simulator import Simulator
from app.ui.application import WidgetApp
from tests.ui.agent_actions import field, shown_state
from tests.ui.conftest import FakeNow, Loop

AGENT_PATH = "/control/agents/ccc-test/user-test@ccc-test"


async def control(simulator: Simulator, method: str, path: str, body: dict[str, Any]) -> None:
    async with (
        aiohttp.ClientSession(headers=simulator.control_headers) as session,
        session.request(method, f"{simulator.url}{path}", json=body) as reply,
    ):
        assert reply.status in (200, 201), await reply.text()


def widget_for(make_widget: Callable[..., WidgetApp], simulator: Simulator) -> WidgetApp:
    context = build_context({"endpoint": simulator.url, "instance_id": "ccc-test", "user_id": "user-test@ccc-test"})
    return make_widget(demo=False, context=context)


async def break_shown(qloop: Loop, widget: WidgetApp, minutes: int, *, approximate: bool) -> str:
    """Time in break as it settles: a restarted widget may first show the start it remembered, marked
    approximate, until the service's own start arrives a moment later (visibly so on slower desktops)."""

    def settled() -> bool:
        shown = field(widget, "TimeInBreak")
        return shown.startswith(f"0:{minutes:02d}:") and ("approx" in shown) == approximate

    await shown_state(qloop, widget, "BREAK")
    what = f"{minutes} min{' (approx.)' if approximate else ', exact'}, not {field(widget, 'TimeInBreak')!r}"
    await qloop.until(settled, 8, what)
    return field(widget, "TimeInBreak")


def test_a_break_taken_elsewhere_25_minutes_ago_shows_25_minutes_also_after_a_restart(
    qloop: Loop, make_widget: Callable[..., WidgetApp], lasting_simulator: Simulator
) -> None:
    since = datetime.now(UTC) - timedelta(minutes=25)
    change = {"state": "BREAK", "break_code": "lunch", "since_ms": int(since.timestamp() * 1000)}
    qloop.run(control(lasting_simulator, "PATCH", AGENT_PATH, change))

    first = widget_for(make_widget, lasting_simulator)
    qloop.run(break_shown(qloop, first, 25, approximate=False))
    qloop.run(first.shutdown())

    again = widget_for(make_widget, lasting_simulator)
    qloop.run(break_shown(qloop, again, 25, approximate=False))


def test_without_the_read_api_the_time_is_approximate_and_survives_a_restart(
    qloop: Loop, make_widget: Callable[..., WidgetApp], lasting_simulator: Simulator, fake_now: FakeNow
) -> None:
    """A key without ccc:ListRealtimeAgentStates: counted from first sight, marked approximate, and a
    restart 10 minutes later still shows 10 minutes, not zero."""
    qloop.run(control(lasting_simulator, "POST", "/control/denials", {"action": "ListRealtimeAgentStates"}))
    qloop.run(control(lasting_simulator, "PATCH", AGENT_PATH, {"state": "BREAK", "break_code": "lunch"}))

    first = widget_for(make_widget, lasting_simulator)
    qloop.run(break_shown(qloop, first, 0, approximate=True))
    qloop.run(first.shutdown())

    fake_now.offset += timedelta(minutes=10)
    again = widget_for(make_widget, lasting_simulator)
    qloop.run(break_shown(qloop, again, 10, approximate=True))
