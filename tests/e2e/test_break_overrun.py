"""An agent's real day: a break that runs past its code's maximum turns the tray icon into the overrun sign
(the red octagon) by itself, without a click; a break still within its maximum keeps the break look.

Checked on the pixels trayer shows, grabbed from the icon's embedded window, not on what the app says it drew.
"""

from __future__ import annotations

import time

import pytest

from app.core.models import UserState
from app.ui.icons import LOOKS, OVER_TIME
from tests.e2e import desktop
from tests.e2e.conftest import AppRun, Launcher, SimulatorProcess, _required, press_until, wait_until_polled

pytestmark = pytest.mark.e2e

# Every break code with a maximum gets one minute, so a minute-old break is over whichever code it is.
ONE_MINUTE_CODES = "default | Break | 1; lunch | Lunch | 1; meeting | Meeting"
POLL_INTERVAL_S = 5  # the fastest the app allows (MIN_POLL_INTERVAL): a change elsewhere shows within ~6 s
OVERRUN_AGO_MS = 61_000

Colour = tuple[int, int, int]


def rgb(hex_colour: str) -> Colour:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


OVERRUN_RED = rgb(OVER_TIME.colour)
BREAK_ORANGE = rgb(LOOKS[UserState.BREAK].colour)
READY_GREEN = rgb(LOOKS[UserState.READY].colour)
# Per channel. A solid fill comes out exact; only anti-aliased edges blend with the panel. The nearest other
# colour the icons use, the calls' and failure mark's #c62828, is 15 away from the overrun red.
TOLERANCE = 8
# The state's shape fills about half of the icon; a third is plainly "this look", with room for the edges.
SHOWN_SHARE = 0.3
# Absent: not even a stray edge pixel's worth.
ABSENT_SHARE = 0.01


def share(picture: desktop.Picture, colour: Colour) -> float:
    """The fraction of the picture's pixels that are `colour`, within TOLERANCE on each channel."""
    matching = sum(
        1 for pixel in picture.pixels() if all(abs(a - b) <= TOLERANCE for a, b in zip(pixel, colour, strict=True))
    )
    return matching / (picture.width * picture.height)


def describe(picture: desktop.Picture) -> str:
    shares = {"overrun red": OVERRUN_RED, "break orange": BREAK_ORANGE, "ready green": READY_GREEN}
    return ", ".join(f"{name} {share(picture, colour):.0%}" for name, colour in shares.items())


@pytest.fixture
def one_minute_breaks(tray_host: str, launch: Launcher) -> Launcher:
    """The agent's own settings file: every timed break code has a 1-minute maximum; polls every 5 s."""
    _required("import")
    config = launch.home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "ccc-break.ini").write_text(
        f"[ccc-break]\nbreak_codes = {ONE_MINUTE_CODES}\npoll_interval = {POLL_INTERVAL_S}\n", encoding="utf-8"
    )
    return launch


def started_with_icon(launch: Launcher) -> tuple[AppRun, int, int]:
    """The widget up and polled, with its one icon in trayer: (run, main window, icon window)."""
    run = launch()
    window = run.wait_for_window()
    wait_until_polled(launch.simulator)
    icons = desktop.wait_for(
        lambda: [w for w, pid in desktop.tray_clients(run.display) if pid == run.pid], 10, "ccc-break's icon in trayer"
    )
    assert len(icons) == 1, f"expected one tray icon, found {icons}"
    return run, window, icons[0].id


def wait_for_look(run: AppRun, icon: int, colour: Colour, what: str, timeout: float) -> desktop.Picture:
    """Grab the tray icon until `colour` fills a good share of it; the last grab is in the failure."""
    last: list[desktop.Picture] = []

    def shown() -> desktop.Picture | None:
        if run.process.poll() is not None:
            raise AssertionError(f"ccc-break exited with {run.process.returncode}:\n{run.stderr()}")
        picture = desktop.grab_window(run.display, icon)
        last[:] = [picture]
        return picture if share(picture, colour) >= SHOWN_SHARE else None

    try:
        return desktop.wait_for(shown, timeout, what, interval=0.2)
    except TimeoutError as error:
        seen = describe(last[0]) if last else "nothing grabbed"
        raise AssertionError(f"{error}; the tray icon showed {seen}") from None


def realtime_answers(simulator: SimulatorProcess) -> int:
    return len(simulator.requests("ListRealtimeAgentStates", "OK"))


def test_a_break_past_its_maximum_turns_the_tray_icon_into_the_overrun_sign(one_minute_breaks: Launcher) -> None:
    """The agent went to lunch (1-minute maximum) in the contact centre a minute ago: at its next poll the
    widget learns when the break really began and the panel shows the red octagon, with nobody touching it."""
    simulator = one_minute_breaks.simulator
    run, _window, icon = started_with_icon(one_minute_breaks)
    ready = wait_for_look(run, icon, READY_GREEN, "the Ready look in the tray", 10)
    assert share(ready, OVERRUN_RED) < ABSENT_SHARE, f"overrun red while Ready: {describe(ready)}"

    # The break taken elsewhere (the web workbench), 61 s ago: the simulator keeps that start for
    # ListRealtimeAgentStates' StateTime. From here on the test sends the widget no input at all.
    since_ms = int(time.time() * 1000) - OVERRUN_AGO_MS
    simulator.call("PATCH", simulator.agent_path, {"state": "BREAK", "break_code": "lunch", "since_ms": since_ms})

    over = wait_for_look(run, icon, OVERRUN_RED, "the overrun look in the tray", 4 * POLL_INTERVAL_S)
    assert share(over, BREAK_ORANGE) < ABSENT_SHARE, f"the plain break look is still there: {describe(over)}"
    assert simulator.state() == "BREAK", "the widget changed the agent's state by itself"
    assert not simulator.requests("TakeBreak") and not simulator.requests("ReadyForService")
    assert run.process.poll() is None


def test_a_fresh_break_within_its_maximum_keeps_the_break_look(one_minute_breaks: Launcher) -> None:
    """The same 1-minute code, just taken with Ctrl+B: the tray shows the orange break look, not the overrun,
    even once the widget knows the break's exact start and has polled again."""
    simulator = one_minute_breaks.simulator
    run, window, icon = started_with_icon(one_minute_breaks)
    ready = wait_for_look(run, icon, READY_GREEN, "the Ready look in the tray", 10)
    assert share(ready, OVERRUN_RED) < ABSENT_SHARE, f"overrun red while Ready: {describe(ready)}"
    # The start of Ready was asked for at the first poll; the break's start is the next question.
    asked_before = desktop.wait_for(lambda: realtime_answers(simulator), 10, "the Ready state's start")

    press_until(run, window, "ctrl+b", lambda: simulator.state() == "BREAK")
    assert simulator.agent()["break_code"] == "default"
    desktop.wait_for(lambda: realtime_answers(simulator) > asked_before, 10, "the break's start to be asked")
    # One poll after that answer, the widget has long applied it.
    polls = len(simulator.requests("PollUserStatus", "OK"))
    desktop.wait_for(
        lambda: len(simulator.requests("PollUserStatus", "OK")) > polls, 3 * POLL_INTERVAL_S, "a poll during the break"
    )

    on_break = wait_for_look(run, icon, BREAK_ORANGE, "the break look in the tray", 10)
    assert share(on_break, OVERRUN_RED) < ABSENT_SHARE, f"overrun red on a fresh break: {describe(on_break)}"
    assert run.process.poll() is None
