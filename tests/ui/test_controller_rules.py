"""The controller's polling rules on the real widget and simulator: stale answers are dropped, and a poll
follows every moment the shown state may be out of date (an action, the window shown, resume, network back)."""

from __future__ import annotations

import asyncio
import random
import shutil
import sys
from collections.abc import Callable

import pytest
from PySide6.QtDBus import QDBusConnection, QDBusMessage

from app.core.client import CccClient
from app.core.models import AgentStatus
from app.core.tracking import PollSchedule
from app.simulator import FaultKind
from app.ui.application import WidgetApp
from app.ui.sleep_watch import LOGIND, SleepWatcher
from tests.e2e.desktop import PrivateBus
from tests.ui.agent_actions import choose_code, click, shown_raw_state, shown_state
from tests.ui.conftest import Loop

MakeWidget = Callable[..., WidgetApp]
# As long as Settings allows: the poll timer (capped at 300 s) never fires during a test.
NO_TIMED_POLLS = {"poll_interval": 3600}


def poll_count(widget: WidgetApp) -> int:
    assert widget.simulator is not None
    return sum(1 for record in widget.simulator.requests if record.action == "PollUserStatus")


def poller_asleep(widget: WidgetApp) -> bool:
    """The poller waits for its timer or refresh_soon(), and no action is running."""
    controller = widget.controller
    assert controller is not None
    wake = controller._wake
    return wake is not None and not wake.done() and not controller.busy


async def settled(qloop: Loop, widget: WidgetApp) -> None:
    """The first state is on screen and the start-up polls are over."""
    await shown_state(qloop, widget, "READY")
    await qloop.until(lambda: poller_asleep(widget), 5, "the poller to go to sleep")


async def a_poll_follows(qloop: Loop, widget: WidgetApp, trigger: Callable[[], object], what: str) -> None:
    before = poll_count(widget)
    trigger()
    await qloop.until(lambda: poll_count(widget) > before, 2.0, f"a PollUserStatus right after {what}")


class SpreadAt(random.Random):
    """The schedule's random source, fixed: a wake-up poll lands at about this share of the interval."""

    def __init__(self, share: float) -> None:
        super().__init__(0)
        self.share = share

    def random(self) -> float:
        return self.share

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.share


async def a_spread_poll_follows(qloop: Loop, widget: WidgetApp, trigger: Callable[[], object], what: str) -> None:
    """A fleet-wide event: the poll comes at its random point within the interval (here 1.2 s of one
    hour), not at once and not an hour later."""
    assert widget.controller is not None
    widget.controller.schedule = PollSchedule(3600, rng=SpreadAt(0.0004))
    before = poll_count(widget)
    started = qloop.loop.time()
    trigger()
    await qloop.until(lambda: poll_count(widget) > before, 3.0, f"a PollUserStatus soon after {what}")
    assert qloop.loop.time() - started >= 0.9, f"the poll after {what} was not spread over the interval"


class HeldPoll:
    """Holds the next poll's answer (or error) on its way back, as a slow network would, until released."""

    def __init__(self, client: CccClient) -> None:
        self._real = client.poll_user_status
        self.answered = asyncio.Event()  # the service has answered; the answer is held
        self.release = asyncio.Event()
        self._armed = True

    async def __call__(self, **options: bool) -> AgentStatus:
        if not self._armed:
            return await self._real(**options)
        self._armed = False
        try:
            return await self._real(**options)
        finally:
            self.answered.set()
            await self.release.wait()


async def hold_next_poll(widget: WidgetApp) -> HeldPoll:
    assert widget.controller is not None
    client = await widget.controller._get_client()
    held = HeldPoll(client)
    client.poll_user_status = held  # type: ignore[method-assign]
    return held


async def take_break_while_poll_is_held(qloop: Loop, widget: WidgetApp, held: HeldPoll) -> None:
    assert widget.controller is not None and widget.window is not None
    widget.controller.refresh_soon()
    await qloop.until(held.answered.is_set, 8, "the held poll to be answered by the service")
    choose_code(widget, "lunch")
    click(widget.window.take_break_button)
    await shown_state(qloop, widget, "BREAK")
    await qloop.until(lambda: not widget.controller.busy, 5, "the action to end")  # type: ignore[union-attr]


async def release_and_settle(qloop: Loop, widget: WidgetApp, held: HeldPoll) -> None:
    """Let the old answer through, then wait for the poll the action asked for to come and go."""
    before = poll_count(widget)
    held.release.set()
    await qloop.until(lambda: poll_count(widget) > before, 5, "the poll after the action")
    await qloop.until(lambda: poller_asleep(widget), 5, "the poller to go to sleep")


def test_a_poll_answer_overtaken_by_an_action_is_dropped(qloop: Loop, make_widget: MakeWidget) -> None:
    """If this failed, an agent who clicks Take Break while a refresh is on its way would see BREAK flip
    back to READY (with a "changed outside this app" notice) although the break was taken."""
    widget = make_widget(overrides=NO_TIMED_POLLS)
    controller = widget.controller
    assert controller is not None
    shown: list[str] = []

    async def scenario() -> None:
        await settled(qloop, widget)
        held = await hold_next_poll(widget)
        controller.status_changed.connect(lambda: shown.append(shown_raw_state(widget)))
        await take_break_while_poll_is_held(qloop, widget, held)
        await release_and_settle(qloop, widget, held)

    qloop.run(scenario())
    assert "BREAK" in shown
    after_break = shown[shown.index("BREAK") :]
    assert "READY" not in after_break, f"the window showed {shown}"
    assert shown_raw_state(widget) == "BREAK"
    assert not any("outside this app" in text for _title, text in widget.notifications)


def test_a_poll_error_older_than_an_action_success_is_not_shown(qloop: Loop, make_widget: MakeWidget) -> None:
    """If this failed, right after a break is taken successfully the window would show an error from a
    refresh that had failed before the click, telling the agent something went wrong when it did not."""
    widget = make_widget(overrides=NO_TIMED_POLLS)
    controller = widget.controller
    assert controller is not None and widget.simulator is not None
    errors: list[str] = []

    def error_changed() -> None:
        if controller.last_error is not None:
            errors.append(controller.last_error.message)

    async def scenario() -> None:
        await settled(qloop, widget)
        held = await hold_next_poll(widget)
        widget.simulator.faults.fail(FaultKind.SERVICE_UNAVAILABLE, "PollUserStatus")
        controller.refresh_soon()
        await qloop.until(held.answered.is_set, 10, "the held poll to fail (after its retries)")
        widget.simulator.faults.clear()
        choose_code(widget, "lunch")
        click(widget.window.take_break_button)  # type: ignore[union-attr]
        await shown_state(qloop, widget, "BREAK")
        await qloop.until(lambda: not controller.busy, 5, "the action to end")
        assert controller.last_error is None
        controller.error_changed.connect(error_changed)
        controller.stale_changed.connect(lambda stale: stale and errors.append("marked out of date"))
        await release_and_settle(qloop, widget, held)

    qloop.run(scenario())
    assert errors == [], f"an old poll's failure was shown after the break succeeded: {errors}"
    assert controller.last_error is None
    assert not controller.out_of_date
    assert shown_raw_state(widget) == "BREAK"


def test_a_poll_follows_an_action(qloop: Loop, make_widget: MakeWidget) -> None:
    """If this failed, the window would show only what the action answered, and a change the service made
    right after (a call routed in, a system break) would wait for the next timed poll."""
    widget = make_widget(overrides=NO_TIMED_POLLS)
    assert widget.simulator is not None and widget.window is not None

    async def scenario() -> None:
        await settled(qloop, widget)
        choose_code(widget, "lunch")
        await a_poll_follows(qloop, widget, lambda: click(widget.window.take_break_button), "Take Break")  # type: ignore[union-attr]
        actions = [record.action for record in widget.simulator.requests]  # type: ignore[union-attr]
        assert actions.index("TakeBreak") < len(actions) - 1 - actions[::-1].index("PollUserStatus")

    qloop.run(scenario())


def test_a_poll_follows_showing_the_window(qloop: Loop, make_widget: MakeWidget) -> None:
    """If this failed, an agent opening the window from the tray would see a state up to a whole poll
    interval old instead of a fresh one."""
    widget = make_widget(overrides=NO_TIMED_POLLS)
    window = widget.window
    assert window is not None

    async def scenario() -> None:
        await settled(qloop, widget)
        window.hide()
        await qloop.until(lambda: poller_asleep(widget) and not window.isVisible(), 2, "the window hidden")
        await a_poll_follows(qloop, widget, window.show, "showing the window")

    qloop.run(scenario())


@pytest.mark.linux_only  # logind's signal on D-Bus
def test_a_poll_follows_resume_from_sleep(qloop: Loop, make_widget: MakeWidget) -> None:
    """If this failed, after the PC wakes from sleep the window would keep showing the state from before
    the sleep (maybe hours old) until the next timed poll. The desktop says it woke (logind's
    PrepareForSleep(false), here on a D-Bus of the test's own standing in for the system bus)."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("needs dbus-daemon")
    with PrivateBus() as bus:
        listening = QDBusConnection.connectToBus(bus.address, "sleep-test-widget")
        logind = QDBusConnection.connectToBus(bus.address, "sleep-test-logind")
        try:
            assert logind.registerService(LOGIND[0])
            widget = make_widget(overrides=NO_TIMED_POLLS, watch_sleep=lambda: SleepWatcher(listening))
            assert widget.sleep_watcher is not None and widget.sleep_watcher.watching

            def wake() -> None:
                signal = QDBusMessage.createSignal(LOGIND[1], LOGIND[2], "PrepareForSleep")
                signal.setArguments([False])
                assert logind.send(signal)

            async def scenario() -> None:
                await settled(qloop, widget)
                await a_spread_poll_follows(qloop, widget, wake, "resume from sleep")

            qloop.run(scenario())
        finally:
            QDBusConnection.disconnectFromBus("sleep-test-widget")
            QDBusConnection.disconnectFromBus("sleep-test-logind")


def test_a_poll_follows_the_network_coming_back(qloop: Loop, make_widget: MakeWidget) -> None:
    """If this failed, after Wi-Fi or VPN comes back the window would keep showing "out of date" until
    the next timed poll, which after failures can be minutes away."""
    widget = make_widget(overrides=NO_TIMED_POLLS)

    async def scenario() -> None:
        await settled(qloop, widget)
        watch = widget.network_watch
        assert watch is not None
        assert watch.watching or not sys.platform.startswith("linux"), "Linux always has its route changes"
        await a_spread_poll_follows(
            qloop,
            widget,
            watch.back.emit,
            "the network coming back",
        )

    qloop.run(scenario())


def test_a_new_poll_interval_from_settings_takes_effect(qloop: Loop, make_widget: MakeWidget) -> None:
    """If this failed, an agent (or IT) who shortens the refresh interval in Settings would keep getting
    the old, long one until the app restarts."""
    widget = make_widget(overrides=NO_TIMED_POLLS)
    controller = widget.controller
    assert controller is not None
    seen_at: list[float] = []

    async def scenario() -> None:
        await settled(qloop, widget)
        controller.reconfigure(list(controller.break_codes), 5)
        assert controller.schedule.interval == 5
        # The poll Settings asks for at once, then the first timed one at the new interval.
        for timeout, what in ((2, "a poll right after saving Settings"), (8, "a poll at the new interval")):
            before = poll_count(widget)
            await qloop.until(lambda: poll_count(widget) > before, timeout, what)  # noqa: B023 - awaited here
            seen_at.append(qloop.loop.time())

    qloop.run(scenario(), timeout=40)
    spacing = seen_at[1] - seen_at[0]
    # 5 s with ±20 % jitter, never below the 5 s floor; generous for a loaded machine.
    assert 4.5 <= spacing <= 7.5, f"polls {spacing:.1f} s apart"


def test_a_background_poll_tries_once_and_the_agents_action_retries(qloop: Loop, make_widget: MakeWidget) -> None:
    """During an outage 5,000 desktops retrying every background poll three times triple the load on
    a struggling service; the next poll is the retry. The agent's own click still gets its retries."""
    widget = make_widget(overrides=NO_TIMED_POLLS)
    controller = widget.controller
    assert controller is not None and widget.simulator is not None
    simulator = widget.simulator

    def codes(action: str) -> list[str]:
        return [record.code for record in simulator.requests if record.action == action]

    async def scenario() -> None:
        await settled(qloop, widget)
        simulator.requests.clear()
        simulator.faults.fail(FaultKind.SERVICE_UNAVAILABLE, "PollUserStatus", count=1)
        controller.refresh_soon()
        await qloop.until(lambda: controller.last_error is not None, 5, "the failed poll to show")
        await qloop.until(lambda: poller_asleep(widget), 5, "the poller back asleep")
        assert codes("PollUserStatus") == ["ServiceUnavailable"], "one attempt per background poll"
        simulator.faults.fail(FaultKind.SERVICE_UNAVAILABLE, "TakeBreak", count=1)
        choose_code(widget, "lunch")
        click(widget.window.take_break_button)  # type: ignore[union-attr]
        await shown_state(qloop, widget, "BREAK")
        assert codes("TakeBreak") == ["ServiceUnavailable", "OK"], "the agent's action is retried"

    qloop.run(scenario())
