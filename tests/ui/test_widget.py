"""The widget as an agent uses it: real window, real simulator over loopback, real qasync loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.core.settings.paths import default_config_paths
from app.simulator import FaultKind
from app.ui.application import WidgetApp
from tests.ui.agent_actions import choose_code, click, field, shown_raw_state, shown_state
from tests.ui.conftest import FakeNow, Loop

MakeWidget = Callable[..., WidgetApp]
AGENT = ("ccc-test", "user-test@ccc-test")


def test_take_break_then_ready(qloop: Loop, make_widget: MakeWidget) -> None:
    """Choosing a code and clicking Take Break shows BREAK, the extension and the heartbeat in
    local time; Ready returns the agent to READY."""
    widget = make_widget()
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        choose_code(widget, "lunch")
        click(window.take_break_button)
        await shown_state(qloop, widget, "BREAK")
        assert field(widget, "Extension") == "80011474"
        assert field(widget, "BreakCode") == "lunch"
        heartbeat = widget.controller.status.heartbeat  # type: ignore[union-attr]
        assert heartbeat is not None
        assert field(widget, "Heartbeat").startswith(heartbeat.astimezone().strftime("%H:%M:%S"))
        assert "s ago" in field(widget, "Heartbeat")
        assert "Lunch" in window.badge_text.text()
        agent = widget.simulator.directory.get(*AGENT)
        assert agent.state == "BREAK" and agent.break_code == "lunch"
        click(window.ready_button)
        await shown_state(qloop, widget, "READY")
        assert widget.simulator.directory.get(*AGENT).state == "READY"
        assert field(widget, "TimeInBreak") in ("–", "")

    qloop.run(scenario())


def test_keyboard_shortcuts_take_a_break_and_get_ready(qloop: Loop, make_widget: MakeWidget) -> None:
    """Ctrl+B and Ctrl+R do what the buttons do."""
    widget = make_widget()
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        window.activateWindow()
        QTest.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
        await shown_state(qloop, widget, "BREAK")
        QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        await shown_state(qloop, widget, "READY")

    qloop.run(scenario())


def test_buttons_stay_disabled_during_a_slow_call_while_the_loop_runs(qloop: Loop, make_widget: MakeWidget) -> None:
    """During a 3 s call both buttons are disabled with a reason, and the app keeps responding."""
    widget = make_widget()
    window = widget.window
    assert window is not None
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(1))

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        widget.simulator.faults.latency(3000, "TakeBreak", count=1)
        started = qloop.loop.time()
        click(window.take_break_button)
        timer.start()
        await qloop.until(lambda: widget.controller.busy, 2, "the call to start")
        while widget.controller.busy:
            assert not window.take_break_button.isEnabled() and not window.ready_button.isEnabled()
            assert "Waiting" in window.take_break_button.toolTip()
            await asyncio.sleep(0.05)
        elapsed = qloop.loop.time() - started
        timer.stop()
        assert elapsed >= 2.5  # Qt coarse timers may end the 3 s server delay up to 5 % early
        # The 50 ms timer kept firing during the call (about 60 times): the event loop never froze.
        assert len(ticks) >= 20, f"only {len(ticks)} timer ticks in {elapsed:.1f} s"
        await shown_state(qloop, widget, "BREAK")
        assert window.ready_button.isEnabled()

    qloop.run(scenario())


FAULTS = [
    ("internal_error", lambda sim: sim.faults.fail(FaultKind.INTERNAL_ERROR, "TakeBreak"), "internal error", True),
    ("unavailable", lambda sim: sim.faults.fail(FaultKind.SERVICE_UNAVAILABLE, "TakeBreak"), "unavailable", True),
    ("throttled", lambda sim: sim.faults.throttle(0, "TakeBreak"), "Too many requests", True),
    ("html_page", lambda sim: sim.faults.html(200, "TakeBreak"), "cannot read", False),
    ("dropped", lambda sim: sim.faults.fail(FaultKind.DROP, "TakeBreak"), "interrupted", False),
    ("talking", lambda sim: sim.directory.set_state(*AGENT, "TALKING"), "while your state is TALKING", True),
]


@pytest.mark.parametrize(("name", "inject", "message", "has_request_id"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_shows_a_message_and_keeps_the_shown_state(
    qloop: Loop,
    make_widget: MakeWidget,
    name: str,
    inject: Callable[[object], object],
    message: str | None,
    has_request_id: bool,
) -> None:
    """A failed Take Break explains itself (with the RequestId when the service gave one), can be
    copied for IT, and does not pretend the agent is on a break."""
    widget = make_widget()
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        shown: list[str] = []
        widget.controller.status_changed.connect(lambda: shown.append(shown_raw_state(widget)))
        inject(widget.simulator)  # the window still shows READY: the service will decide
        click(window.take_break_button)
        await qloop.until(lambda: widget.controller.last_error is not None, 10, "an error to be shown")
        await qloop.until(lambda: not widget.controller.busy, 10, "the call to finish")
        # The failed action never showed a break (the poll after it may show the true state).
        assert "BREAK" not in shown and shown_raw_state(widget) in ("READY", "TALKING")
        assert window.error_frame.isVisible()
        text = window.error_message.text()
        expected = message
        assert expected in text
        request_id = widget.controller.last_error.request_id  # type: ignore[union-attr]
        if has_request_id:
            assert request_id and request_id in window.error_request_id.text()
        window.copy_button.click()
        copied = QApplication.clipboard().text()
        assert expected in copied and (not has_request_id or request_id in copied)

    qloop.run(scenario(), timeout=40)


def test_state_set_elsewhere_appears_within_one_poll_and_notifies(qloop: Loop, make_widget: MakeWidget) -> None:
    """A RingingTimeout break set by the phone system shows up by the next poll, with a notification."""
    widget = make_widget(overrides={"poll_interval": 5})

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        url = f"{widget.simulator.url}/control/agents/ccc-test/user-test@ccc-test"
        change = {"state": "BREAK", "break_code": "RingingTimeout"}
        headers = widget.simulator.control_headers
        async with aiohttp.ClientSession() as session, session.patch(url, json=change, headers=headers) as reply:
            assert reply.status == 200
        # One poll interval is 5 s ± 20 %; allow for the poll's own time.
        await shown_state(qloop, widget, "BREAK", timeout=7.5)
        assert field(widget, "BreakCode") == "RingingTimeout"
        # A break the agent did not choose: said why, and what to do, in plain words.
        assert any("rang unanswered" in text and "Ready" in text for _t, text in widget.notifications)
        assert widget.window is not None and widget.window.notice.isVisible()

    qloop.run(scenario())


def test_break_overrun_notifies_once(qloop: Loop, make_widget: MakeWidget, fake_now: FakeNow) -> None:
    """A break that passes its code's maximum minutes raises one notification and turns the counter red:
    on its own timer, with no poll and no tick needed."""
    widget = make_widget()
    window = widget.window
    assert window is not None and widget.simulator is not None
    simulator = widget.simulator

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        choose_code(widget, "default")  # built-in: 15 minutes
        click(window.take_break_button)
        await shown_state(qloop, widget, "BREAK")
        assert not any("over time" in title for title, _ in widget.notifications)
        # 14 min 59 s later (as after a suspend) the agent presses F5: the fresh state brings the
        # pre-warning at once, and the overrun follows a second later by itself.
        fake_now.offset = timedelta(minutes=15) - timedelta(seconds=1)
        QTest.keyClick(window, Qt.Key.Key_F5)
        await qloop.until(lambda: any(t == "Break ends soon" for t, _ in widget.notifications), 3, "pre-warning")
        # From here every poll fails: the overrun can only come from its own timer.
        simulator.faults.fail(FaultKind.SERVICE_UNAVAILABLE, "PollUserStatus")
        await qloop.until(lambda: any("over time" in t for t, _ in widget.notifications), 3, "overrun notification")
        assert "limit 15 min" in field(widget, "TimeInBreak")
        assert "0:15:" in field(widget, "TimeInBreak")
        assert "Break over time" in window.badge_text.text(), "the badge takes the over-time look"
        await asyncio.sleep(1.2)  # two more one-second ticks: still one notification
        assert sum("over time" in t for t, _ in widget.notifications) == 1

    qloop.run(scenario())


def test_without_a_tray_the_window_is_the_app(qloop: Loop, make_widget: MakeWidget) -> None:
    """With no tray, the window opens even when asked to start minimised, and closing it quits."""
    widget = make_widget(minimized=True, tray=False)
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        assert window.isVisible() and not widget.tray_attached
        window.close()
        assert widget.quit_event.is_set()

    qloop.run(scenario())


def test_with_a_tray_minimised_start_stays_hidden_and_close_hides(qloop: Loop, make_widget: MakeWidget) -> None:
    """At login the widget waits in the tray; closing the window keeps it running there."""
    widget = make_widget(minimized=True, tray=True)
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        assert widget.tray_attached and not window.isVisible()
        window.bring_forward()
        assert window.isVisible()
        window.close()
        assert not window.isVisible() and not widget.quit_event.is_set()

    qloop.run(scenario())


def test_the_tray_menu_is_filled_once_the_widget_has_started(qloop: Loop, make_widget: MakeWidget) -> None:
    """Filled right after the first paint, not only when it opens: a panel that shows an exported menu
    without asking first (StatusNotifier hosts read it over D-Bus) must not show it empty."""
    widget = make_widget(tray=True)
    assert widget.tray is not None
    titles = [action.text() for action in widget.tray.menu.actions() if not action.isSeparator()]
    assert titles[:2] == ["Take Break", "Ready"] and titles[-1] == "Quit"


def test_tray_menu_lists_codes_and_takes_a_break(qloop: Loop, make_widget: MakeWidget) -> None:
    """The tray menu, rebuilt when it opens, has one entry per code and takes the break."""
    widget = make_widget(tray=True)
    tray = widget.tray
    assert tray is not None

    def open_menu() -> dict[str, QAction]:
        # As Qt does on a click: aboutToShow rebuilds the menu. Entries are looked up afresh after each
        # opening, never held across one: a rebuild clears the old ones, and on Qt's windows platform
        # a QMenu held across rebuild_menu() was "already deleted".
        tray.menu.aboutToShow.emit()
        return {action.text(): action for action in tray.menu.actions()}

    def break_codes() -> dict[str, QAction]:
        submenu = open_menu()["Take Break"].menu()
        return {action.text(): action for action in submenu.actions()}

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        titles = list(open_menu())
        assert titles[:2] == ["Take Break", "Ready"] and "Quit" in titles
        assert list(break_codes()) == ["Break", "Lunch", "Meeting", "Training"]
        break_codes()["Lunch"].trigger()
        await shown_state(qloop, widget, "BREAK")
        assert widget.simulator.directory.get(*AGENT).break_code == "lunch"
        assert open_menu()["Ready"].isEnabled(), "the menu opened again shows the state now"
        # "about 0:00" until the service says when the break began, then the exact clock
        await qloop.until(lambda: "On break (Lunch) 0:0" in tray.tooltip_text(), 5, "the tooltip's timer")

    qloop.run(scenario())


def test_corrupt_settings_file_is_kept_and_defaults_used(qloop: Loop, make_widget: MakeWidget) -> None:
    """A damaged settings file does not stop the widget: it is kept as a backup and the agent is told."""
    user_file = default_config_paths("demo").user_file
    user_file.parent.mkdir(parents=True, exist_ok=True)
    user_file.write_bytes(b"\x00\xff[ccc-break\npoll_interval = ??\n")
    widget = make_widget()

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")

    qloop.run(scenario())
    backups = list(Path(user_file.parent).glob(user_file.name + ".corrupt-*"))
    assert len(backups) == 1 and backups[0].read_bytes().startswith(b"\x00\xff")
    assert any("damaged" in text for _title, text in widget.notifications)
    assert widget.window is not None and "damaged" in widget.window.notice.text()


def test_stale_state_is_marked_when_polls_fail(qloop: Loop, make_widget: MakeWidget) -> None:
    """When the service stops answering, the panel says the state may be out of date."""
    widget = make_widget()
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        widget.simulator.faults.fail(FaultKind.SERVICE_UNAVAILABLE, "PollUserStatus")
        widget.controller.refresh_soon()
        await qloop.until(lambda: widget.controller.stale, 10, "stale marker")
        assert "out of date" in window.badge_text.text()
        assert widget.controller.schedule.failures >= 1
        assert widget.controller.schedule.next_delay() > 15
        widget.simulator.faults.clear()
        widget.controller.refresh_soon()
        await qloop.until(lambda: not widget.controller.stale, 10, "fresh state again")
        assert window.error_frame.isHidden()

    qloop.run(scenario())


def test_heartbeat_age_is_shown_in_local_time() -> None:
    """The age next to the heartbeat reads naturally."""
    from app.ui.main_window import format_age

    assert format_age(timedelta(seconds=5)) == "5 s ago"
    assert format_age(timedelta(minutes=3, seconds=5)) == "3 min ago"
    assert format_age(timedelta(hours=2, minutes=1)) == "2 h 1 min ago"


def test_buttons_stay_usable_on_a_call_and_only_signing_out_disables_them(qloop: Loop, make_widget: MakeWidget) -> None:
    """The service's state rules are not published, so on a call the buttons stay usable (the
    service's refusal explains itself, naming the states); signed out, they are off and say why."""
    widget = make_widget()
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        widget.simulator.directory.set_state(*AGENT, "TALKING")
        widget.controller.refresh_soon()
        await shown_state(qloop, widget, "TALKING")
        assert window.take_break_button.isEnabled() and window.ready_button.isEnabled()
        widget.simulator.directory.set_state(*AGENT, "OFFLINE")
        widget.controller.refresh_soon()
        await shown_state(qloop, widget, "OFFLINE")
        assert not window.take_break_button.isEnabled() and not window.ready_button.isEnabled()
        assert "signed out" in window.take_break_button.toolTip()

    qloop.run(scenario())


def test_ready_refused_while_a_call_channel_is_open_is_explained(qloop: Loop, make_widget: MakeWidget) -> None:
    """Ready during a still-connected call says to hang up first, with the RequestId, and the break stays shown."""
    widget = make_widget()
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        click(window.take_break_button)
        await shown_state(qloop, widget, "BREAK")
        widget.simulator.directory.set_state(*AGENT, channel_open=True)
        click(window.ready_button)
        await qloop.until(lambda: widget.controller.last_error is not None, 10, "an error to be shown")
        assert "call is still connected" in window.error_message.text()
        assert "InvalidOperation.ChannelState" in window.error_message.text()
        assert widget.controller.last_error.request_id in window.error_request_id.text()  # type: ignore[union-attr]
        await qloop.until(lambda: not widget.controller.busy, 10, "the call to finish")
        assert shown_raw_state(widget) == "BREAK"

    qloop.run(scenario())


def test_wrong_secret_points_to_settings(qloop: Loop, make_widget: MakeWidget) -> None:
    """A wrong AccessKey secret says so and offers the Settings button, with the RequestId."""
    from app.core.access_key import Credentials

    widget = make_widget()
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        widget.context.credentials.save(Credentials("demo-access-key-id", "not-the-demo-secret"))
        widget.controller.reconfigure(widget.controller.break_codes, 15)  # as after saving Settings
        await qloop.until(lambda: widget.controller.last_error is not None, 10, "an error to be shown")
        assert "AccessKey secret is wrong" in window.error_message.text()
        assert window.error_settings_button.isVisibleTo(window)
        assert widget.controller.stale and shown_raw_state(widget) == "READY"

    qloop.run(scenario())


def test_tray_that_appears_after_start_is_attached(qloop: Loop, make_widget: MakeWidget) -> None:
    """At login the tray host may start after the widget: the icon still appears, within seconds."""
    tray_up = [False]
    widget = make_widget(tray=lambda: tray_up[0], minimized=True)
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        assert window.isVisible() and not widget.tray_attached  # no tray yet: the window is the app
        tray_up[0] = True
        await qloop.until(lambda: widget.tray_attached, 5, "the tray icon to attach")
        window.close()
        assert not widget.quit_event.is_set(), "with a tray, closing the window keeps the widget running"

    qloop.run(scenario())


def test_ready_from_the_window_keeps_outbound_only_mode(qloop: Loop, make_widget: MakeWidget) -> None:
    """An agent in outbound-only mode who takes a break and clicks Ready stays in outbound-only mode."""
    widget = make_widget()
    window = widget.window
    assert window is not None and widget.simulator is not None
    agent = widget.simulator.directory.get(*AGENT)
    assert agent is not None
    agent.outbound_scenario = True

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        choose_code(widget, "lunch")
        click(window.take_break_button)
        await shown_state(qloop, widget, "BREAK")
        click(window.ready_button)
        await shown_state(qloop, widget, "READY")

    qloop.run(scenario())
    assert agent.outbound_scenario is True


def test_without_a_user_id_the_keys_own_agent_is_shown(qloop: Loop, make_widget: MakeWidget) -> None:
    """UserId is optional: a RAM user mapped to an agent acts as that agent, and the window shows who
    the service says it is."""
    widget = make_widget(overrides={"user_id": ""})
    assert widget.context.loaded.settings.user_id == ""

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        choose_code(widget, "lunch")
        click(widget.window.take_break_button)  # type: ignore[union-attr]
        await shown_state(qloop, widget, "BREAK")

    qloop.run(scenario())
    assert widget.controller is not None and widget.controller.status is not None
    assert widget.controller.status.user_id == "user-test@ccc-test"
    assert all(not record.user_id or record.user_id == "user-test@ccc-test" for record in widget.simulator.requests)  # type: ignore[union-attr]


def test_a_call_in_progress_is_shown_with_direction_party_and_start(qloop: Loop, make_widget: MakeWidget) -> None:
    """While the phone system puts a call through, the window says which way, with whom and since
    when; after the call the row is empty again."""
    widget = make_widget(overrides={"poll_interval": 5})
    assert widget.simulator is not None
    base = f"{widget.simulator.url}/control/agents/ccc-test/user-test@ccc-test/call"
    headers = widget.simulator.control_headers

    async def scenario() -> None:
        await shown_state(qloop, widget, "READY")
        async with aiohttp.ClientSession(headers=headers) as session:
            async with session.post(base, json={"direction": "INBOUND", "other_party": "13900001111"}) as reply:
                assert reply.status == 201
            widget.controller.refresh_soon()  # type: ignore[union-attr]
            await shown_state(qloop, widget, "RINGING")
            async with session.post(f"{base}/answer", json={}) as reply:
                assert reply.status == 200
            widget.controller.refresh_soon()  # type: ignore[union-attr]
            await shown_state(qloop, widget, "TALKING")
            shown = field(widget, "Call")
            assert "Inbound call" in shown and "13900001111" in shown and "since" in shown
            async with session.post(f"{base}/end", json={"after_call_work": False}) as reply:
                assert reply.status == 200
            widget.controller.refresh_soon()  # type: ignore[union-attr]
            await shown_state(qloop, widget, "READY")
            assert field(widget, "Call") == "–"

    qloop.run(scenario())


def test_a_tray_action_that_fails_notifies_and_marks_the_icon(qloop: Loop, make_widget: MakeWidget) -> None:
    """Take Break from the tray menu with the window hidden, and the service answers 503: the agent
    gets a notification with the plain message and the RequestId, and the icon carries a failure mark
    until the next action succeeds (it used to fail silently, the icon staying green)."""
    widget = make_widget(tray=True, minimized=True)
    assert widget.window is not None and widget.tray is not None and widget.simulator is not None
    widget.window.hide()

    async def scenario() -> None:
        await qloop.until(lambda: widget.controller.status is not None, 8, "the first state")  # type: ignore[union-attr]
        widget.simulator.faults.fail(FaultKind.SERVICE_UNAVAILABLE, "TakeBreak")  # type: ignore[union-attr]
        running = widget.controller.take_break("lunch")  # type: ignore[union-attr]  # what the tray menu calls
        await qloop.until(lambda: widget.controller.busy, 2, "the request to start")  # type: ignore[union-attr]
        assert "Sending your request" in widget.tray.tooltip_text()  # type: ignore[union-attr]
        await running
        assert widget.tray.shows_failure  # type: ignore[union-attr]
        assert "did not go through" in widget.tray.tooltip_text()  # type: ignore[union-attr]
        title, text = widget.notifications[-1]
        assert "did not go through" in title and "unavailable" in text and "RequestId" in text
        widget.simulator.faults.clear()  # type: ignore[union-attr]
        await widget.controller.take_break("lunch")  # type: ignore[union-attr]
        assert not widget.tray.shows_failure  # type: ignore[union-attr]

    qloop.run(scenario())
