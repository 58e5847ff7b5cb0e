"""An agent's real day against the simulator: a break asked for during a call is taken when the call
ends, a whole call cycle stays quiet, today's breaks show with what is left of each allowance, the
organisation's Ready policy applies, and the hidden window does not tick."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.simulator import FaultKind
from app.ui.application import WidgetApp
from tests.ui.agent_actions import choose_code, click, shown_state
from tests.ui.conftest import FakeNow, Loop

MakeWidget = Callable[..., WidgetApp]
AGENT_PATH = "/control/agents/ccc-test/user-test@ccc-test"


async def control(widget: WidgetApp, method: str, path: str, body: dict[str, Any] | None = None) -> None:
    simulator = widget.simulator
    assert simulator is not None
    async with (
        aiohttp.ClientSession(headers=simulator.control_headers) as session,
        session.request(method, f"{simulator.url}{AGENT_PATH}{path}", json=body or {}) as reply,
    ):
        assert reply.status in (200, 201), await reply.text()


def sent(widget: WidgetApp, action: str) -> list[str]:
    """The answers the simulator gave to `action`, oldest first ("OK" or the error code)."""
    assert widget.simulator is not None
    return [record.code for record in widget.simulator.requests if record.action == action]


def agent_state(widget: WidgetApp) -> tuple[str, str]:
    assert widget.simulator is not None
    agent = widget.simulator.directory.get("ccc-test", "user-test@ccc-test")
    assert agent is not None
    return agent.state.value, agent.break_code


async def on_a_call(qloop: Loop, widget: WidgetApp) -> None:
    await shown_state(qloop, widget, "READY")
    await control(widget, "POST", "/call", {"direction": "INBOUND", "other_party": "13900001111"})
    widget.controller.refresh_soon()  # type: ignore[union-attr]
    await shown_state(qloop, widget, "RINGING")
    await control(widget, "POST", "/call/answer")
    widget.controller.refresh_soon()  # type: ignore[union-attr]
    await shown_state(qloop, widget, "TALKING")


async def lunch_queued_then(qloop: Loop, widget: WidgetApp, change: dict[str, Any]) -> None:
    """On a call the agent asks for lunch after it; then something changes elsewhere (`change`)."""
    assert widget.window is not None
    await on_a_call(qloop, widget)
    choose_code(widget, "lunch")
    click(widget.window.take_break_button)
    await control(widget, "PATCH", "", change)
    widget.controller.refresh_soon()  # type: ignore[union-attr]


def test_a_break_asked_for_during_a_call_is_taken_when_the_call_and_its_wrap_up_end(
    qloop: Loop, make_widget: MakeWidget
) -> None:
    """Take Break while talking says "Lunch after this call" and sends nothing the service would
    refuse; after-call work keeps it waiting; once the agent is back to READY the break is taken."""
    widget = make_widget(overrides={"poll_interval": 5})
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await on_a_call(qloop, widget)
        assert window.take_break_button.text() == "Take &Break after this call"
        choose_code(widget, "lunch")
        click(window.take_break_button)
        assert window.queued_frame.isVisible() and window.queued_text.text() == "Lunch after this call"
        await control(widget, "POST", "/call/end", {"after_call_work": True})
        widget.controller.refresh_soon()  # type: ignore[union-attr]
        await shown_state(qloop, widget, "WORKING")
        assert window.queued_frame.isVisible(), "after-call work is part of the call"
        assert sent(widget, "TakeBreak") == []
        # The wrap-up ends in the workbench: the widget takes the break on its next poll, by itself.
        await control(widget, "PATCH", "", {"state": "READY"})
        await qloop.until(lambda: agent_state(widget) == ("BREAK", "lunch"), 10, "the queued lunch break taken")
        assert sent(widget, "TakeBreak") == ["OK"], "one request, never refused"
        await shown_state(qloop, widget, "BREAK")
        await qloop.until(lambda: not window.queued_frame.isVisible(), 3, "the queued line gone")
        assert window.take_break_button.text() == "Take &Break"
        assert list(widget.notifications) == [], "a whole call cycle with a queued break raises no notification"

    qloop.run(scenario())


def test_a_queued_break_survives_a_failed_poll(qloop: Loop, make_widget: MakeWidget) -> None:
    widget = make_widget(overrides={"poll_interval": 5})
    window = widget.window
    assert window is not None and widget.simulator is not None
    simulator = widget.simulator

    async def scenario() -> None:
        await on_a_call(qloop, widget)
        choose_code(widget, "default")
        click(window.take_break_button)
        simulator.faults.fail(FaultKind.SERVICE_UNAVAILABLE, "PollUserStatus")
        widget.controller.refresh_soon()  # type: ignore[union-attr]
        await qloop.until(lambda: widget.controller.out_of_date, 8, "the failed poll")  # type: ignore[union-attr]
        assert window.queued_frame.isVisible()
        simulator.faults.clear()
        await control(widget, "POST", "/call/end", {"after_call_work": False})
        await qloop.until(lambda: agent_state(widget) == ("BREAK", "default"), 20, "the queued break taken")

    qloop.run(scenario())


def test_a_queued_break_is_dropped_with_a_message_when_the_agent_is_signed_out(
    qloop: Loop, make_widget: MakeWidget
) -> None:
    widget = make_widget(overrides={"poll_interval": 5})
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await lunch_queued_then(qloop, widget, {"state": "OFFLINE"})
        await shown_state(qloop, widget, "OFFLINE")
        assert not window.queued_frame.isVisible()
        assert any("signed out" in text and "Lunch" in text for _title, text in widget.notifications)
        assert sent(widget, "TakeBreak") == []

    qloop.run(scenario())


def test_a_queued_break_is_dropped_when_a_break_is_taken_elsewhere(qloop: Loop, make_widget: MakeWidget) -> None:
    widget = make_widget(overrides={"poll_interval": 5})
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await lunch_queued_then(qloop, widget, {"state": "BREAK", "break_code": "meeting"})
        await shown_state(qloop, widget, "BREAK")
        await qloop.until(lambda: not window.queued_frame.isVisible(), 3, "the queued break dropped")
        assert any("outside this app" in text for _title, text in widget.notifications)
        assert agent_state(widget) == ("BREAK", "meeting") and sent(widget, "TakeBreak") == []

    qloop.run(scenario())


def test_cancel_and_the_tray_menu_show_and_undo_the_queued_break(qloop: Loop, make_widget: MakeWidget) -> None:
    widget = make_widget(tray=True, overrides={"poll_interval": 5})
    window, tray = widget.window, widget.tray
    assert window is not None and tray is not None

    async def scenario() -> None:
        await on_a_call(qloop, widget)
        tray.rebuild_menu()
        titles = [action.text() for action in tray.menu.actions()]
        assert titles[0] == "Take Break after this call"
        lunch = next(a for a in tray.menu.actions()[0].menu().actions() if a.text() == "Lunch")
        lunch.trigger()  # what choosing it in the tray menu does
        assert "Lunch after this call" in tray.tooltip_text()
        tray.rebuild_menu()
        assert "Cancel Lunch after this call" in [action.text() for action in tray.menu.actions()]
        click(window.cancel_queued_button)
        assert not window.queued_frame.isVisible() and "after this call" not in tray.tooltip_text()
        await control(widget, "POST", "/call/end", {"after_call_work": False})
        widget.controller.refresh_soon()  # type: ignore[union-attr]
        await shown_state(qloop, widget, "READY")
        assert sent(widget, "TakeBreak") == [], "a cancelled break is not taken"

    qloop.run(scenario())


def test_a_missed_call_break_notifies_with_advice(qloop: Loop, make_widget: MakeWidget) -> None:
    widget = make_widget(overrides={"poll_interval": 5})

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        await control(widget, "POST", "/call", {"direction": "INBOUND", "other_party": "13900001111"})
        widget.controller.refresh_soon()  # type: ignore[union-attr]
        await shown_state(qloop, widget, "RINGING")
        await control(widget, "PATCH", "", {"state": "BREAK", "break_code": "RingingTimeout"})
        widget.controller.refresh_soon()  # type: ignore[union-attr]
        await shown_state(qloop, widget, "BREAK")
        title, text = widget.notifications[-1]
        assert title == "You were put on a break" and "rang unanswered" in text and "Click Ready" in text

    qloop.run(scenario())


def test_today_shows_the_days_breaks_and_what_is_left_of_each_allowance(qloop: Loop, make_widget: MakeWidget) -> None:
    """A 25-minute lunch earlier today (taken in the workbench) counts against a 60-minute allowance."""
    widget = make_widget(
        overrides={"poll_interval": 5, "break_codes": "default | Break | 15 | 30; lunch | Lunch | 60 | 60"}
    )
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        now = datetime.now(UTC)
        since_midnight = now.astimezone() - now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        # 25 minutes, or as much as today has had so far (a run just after midnight)
        minutes = max(1, min(25, int(since_midnight.total_seconds() // 60) - 1))
        begun_ms = int(now.timestamp() * 1000) - minutes * 60_000
        await control(widget, "PATCH", "", {"state": "BREAK", "break_code": "lunch", "since_ms": begun_ms})
        await control(widget, "PATCH", "", {"state": "READY"})
        window.hide()  # the agent comes back and opens the window
        window.bring_forward()
        lunch = f"Lunch: 1 break, {minutes} min"
        await qloop.until(lambda: lunch in window.today_text.text(), 10, f"today: {window.today_text.text()!r}")
        text = window.today_text.text()
        assert window.today_box.isVisible()
        assert f"Breaks today: 1, {minutes} min" in text
        assert f"{lunch}; {60 - minutes} min left of 1 h" in text
        assert "Break: 0 breaks, 0 min; 30 min left of 30 min" in text

    qloop.run(scenario())


def test_today_is_hidden_when_the_key_may_not_read_reports(qloop: Loop, make_widget: MakeWidget) -> None:
    widget = make_widget(overrides={"poll_interval": 5})
    window = widget.window
    assert window is not None and widget.simulator is not None and widget.controller is not None
    simulator, controller = widget.simulator, widget.controller

    async def scenario() -> None:
        await qloop.until(lambda: controller.today is not None, 8, "today's breaks")
        assert window.today_box.isVisible()
        async with (
            aiohttp.ClientSession(headers=simulator.control_headers) as session,
            session.post(
                f"{simulator.url}/control/denials",
                json={"action": "ListAgentStateLogs"},
            ) as reply,
        ):
            assert reply.status == 201, await reply.text()
        controller.refresh_today()
        await qloop.until(lambda: not window.today_box.isVisible(), 5, "the Today section hidden")
        assert not controller.today_available
        assert controller.last_error is None, "a denied report is not an error the agent must act on"

    qloop.run(scenario())


def test_the_organisation_policy_sets_the_agent_ready_after_minutes_over(
    qloop: Loop, make_widget: MakeWidget, fake_now: FakeNow
) -> None:
    widget = make_widget(overrides={"poll_interval": 5})
    window = widget.window
    assert window is not None and widget.controller is not None
    widget.controller.set_overrun_policy(5, 1, sound=False)  # as the organisation's file sets it

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        choose_code(widget, "default")  # 15 minutes
        click(window.take_break_button)
        await shown_state(qloop, widget, "BREAK")
        fake_now.offset = timedelta(minutes=16, seconds=1)
        QTest.keyClick(window, Qt.Key.Key_F5)
        await qloop.until(lambda: agent_state(widget)[0] == "READY", 8, "the policy's Ready")
        assert any(title == "Set to Ready" and "organisation" in text for title, text in widget.notifications)
        await shown_state(qloop, widget, "READY")

    qloop.run(scenario())


def test_the_window_counts_every_state_and_stops_ticking_while_hidden(qloop: Loop, make_widget: MakeWidget) -> None:
    widget = make_widget(tray=True, overrides={"poll_interval": 5})
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        assert window.ticking
        await qloop.until(lambda: window.badge_timer.text().endswith(" min"), 5, "Ready's minutes")
        await on_a_call(qloop, widget)
        await qloop.until(lambda: window.badge_timer.text().startswith("0:0"), 5, "the call's clock")
        window.hide()
        assert not window.ticking, "hidden in the tray: nothing to repaint"
        assert "On a call" in widget.tray.tooltip_text()  # type: ignore[union-attr]
        window.bring_forward()
        assert window.ticking

    qloop.run(scenario())


def test_an_overrun_notification_stays_until_dismissed_and_others_time_out(
    qloop: Loop, make_widget: MakeWidget, fake_now: FakeNow
) -> None:
    widget = make_widget(tray=True, overrides={"poll_interval": 5})
    window, tray = widget.window, widget.tray
    assert window is not None and tray is not None

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        await control(widget, "PATCH", "", {"state": "BREAK", "break_code": "meeting"})  # a supervisor
        widget.controller.refresh_soon()  # type: ignore[union-attr]
        await qloop.until(lambda: any(t == "Your state changed" for t, _ in widget.notifications), 8, "the change")
        assert tray.last_message_timeout_ms == 10_000
        choose_code(widget, "default")  # 15 minutes
        click(window.take_break_button)
        await qloop.until(lambda: agent_state(widget) == ("BREAK", "default"), 8, "the break")
        fake_now.offset = timedelta(minutes=15, seconds=1)
        QTest.keyClick(window, Qt.Key.Key_F5)
        await qloop.until(lambda: any("over time" in t for t, _ in widget.notifications), 8, "the overrun")
        assert tray.last_message_timeout_ms == 0, "an overrun stays on screen until the agent dismisses it"

    qloop.run(scenario())
