"""The real `ccc-break` process on a real X server: keys, tray icon, quitting, single instance, no tray."""

from __future__ import annotations

import signal
import stat
import sys
import time

import pytest

from app import APP_ID
from tests.e2e import desktop
from tests.e2e.conftest import AppRun, Launcher, press_until, wait_until_polled

pytestmark = pytest.mark.e2e

EXIT_DEADLINE_S = 10


def started(launch: Launcher, *args: str) -> tuple[AppRun, int]:
    run = launch(*args)
    window = run.wait_for_window()
    wait_until_polled(launch.simulator)
    return run, window


def test_ctrl_b_takes_a_break_and_ctrl_r_gets_ready(tray_host: str, launch: Launcher) -> None:
    """An agent who presses Ctrl+B is on break in the contact centre, and Ctrl+R makes them ready again."""
    simulator = launch.simulator
    run, window = started(launch)
    assert simulator.state() == "READY"

    press_until(run, window, "ctrl+b", lambda: simulator.state() == "BREAK")
    assert simulator.agent()["break_code"] == "default"
    assert simulator.requests("TakeBreak", "OK")

    press_until(run, window, "ctrl+r", lambda: simulator.state() == "READY")
    assert simulator.requests("ReadyForService", "OK")
    assert run.process.poll() is None


def test_the_log_file_is_there_once_the_window_is_up(tray_host: str, launch: Launcher) -> None:
    """IT asked to look at the log finds it as soon as the widget is on screen, private to the agent.
    (That it opens before anything is logged is tests/core/test_logs.py's: here a first start logs.)"""
    run = launch()
    run.wait_for_window()
    log_file = launch.home / "log" / f"{APP_ID}.log"
    assert log_file.is_file(), "no log file once the window is up"
    if sys.platform != "win32":
        assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert run.process.poll() is None


def test_tray_icon_is_embedded_in_the_tray_host(tray_host: str, launch: Launcher) -> None:
    """The agent sees the state icon in the panel: trayer holds a client window of our process."""
    display = tray_host
    assert desktop.tray_host_windows(display), "trayer has no window to embed icons in"
    assert desktop.tray_clients(display) == [], "something is in the tray before the app started"

    run, _window = started(launch)

    def our_icon() -> list[desktop.XWindow]:
        return [w for w, pid in desktop.tray_clients(display) if pid == run.pid]

    icons = desktop.wait_for(our_icon, 10, "ccc-break's icon in trayer")
    assert len(icons) == 1, f"expected one tray icon, found {icons}"
    assert desktop.map_state(display, icons[0].id) == "IsViewable"


def test_ctrl_q_quits_cleanly(tray_host: str, launch: Launcher) -> None:
    """Quit from the keyboard: exit code 0 and nothing on stderr that says work was cut off."""
    run, window = started(launch)
    desktop.focus_and_key(run.display, window, "ctrl+q")
    assert run.wait_exit(EXIT_DEADLINE_S) == 0
    run.assert_clean_stderr()
    assert not [pid for _w, pid in desktop.tray_clients(tray_host) if pid == run.pid], "tray icon left behind"


def test_sigterm_quits_cleanly_even_with_a_request_in_flight(tray_host: str, launch: Launcher) -> None:
    """A logout (SIGTERM) while a poll hangs on a slow network still closes the session tidily, exit 0."""
    simulator = launch.simulator
    simulator.call("POST", "/control/faults", {"kind": "latency", "latency_ms": 4000, "action": "PollUserStatus"})
    run = launch()
    run.wait_for_window()
    # The first poll started with the window and now waits out the 4 s latency: quit in the middle of it.
    run.process.send_signal(signal.SIGTERM)
    started_at = time.monotonic()
    assert run.wait_exit(EXIT_DEADLINE_S) == 0
    assert time.monotonic() - started_at < 3.5, "quitting waited for the slow request instead of cancelling it"
    run.assert_clean_stderr()


def test_second_start_brings_the_first_window_forward(tray_host: str, launch: Launcher) -> None:
    """Starting the widget again (desktop icon, autostart) shows the running one instead of a second copy."""
    display = tray_host
    first, window = started(launch)
    # Close the window as a window manager would: with a tray, that only hides it.
    with desktop.XDisplay(display) as x:
        x.request_close(window)
    desktop.wait_for(lambda: desktop.map_state(display, window) == "IsUnMapped", 10, "the window to hide")
    assert first.process.poll() is None, "closing the window with a tray attached quit the app"

    second = launch()
    assert second.wait_exit(15) == 0
    second.assert_clean_stderr()
    desktop.wait_for(lambda: desktop.map_state(display, window) == "IsViewable", 10, "the first window to come back")
    assert first.process.poll() is None
    assert first.windows(only_visible=True) == [window]
    assert second.windows() == [], "the second process left a window"


def test_without_a_tray_the_window_is_the_app(x_display: str, launch: Launcher) -> None:
    """No tray host: even --minimized shows the window, and closing it ends the process (none left invisible)."""
    run = launch("--minimized")
    window = run.wait_for_window()
    assert desktop.tray_host_windows(x_display) == []
    with desktop.XDisplay(x_display) as x:
        x.request_close(window)
    assert run.wait_exit(EXIT_DEADLINE_S) == 0
    run.assert_clean_stderr()


def test_starts_again_after_a_crash(tray_host: str, launch: Launcher) -> None:
    """A widget killed outright leaves its single-instance socket behind; the next start must still open."""
    crashed, _window = started(launch)
    crashed.process.kill()
    crashed.process.wait(EXIT_DEADLINE_S)
    # The single-instance socket lives in the run's private XDG_RUNTIME_DIR.
    left = list((launch.home / "runtime").glob(f"{APP_ID}-*.sock"))
    assert left and left[0].is_socket(), "no stale single-instance socket: the test proves nothing"

    again = launch()
    again.wait_for_window()
    assert again.process.poll() is None


def test_minimized_with_a_tray_starts_in_the_tray_only(tray_host: str, launch: Launcher) -> None:
    """Autostart at login (--minimized) puts only the icon in the panel; no window pops up over the agent's work."""
    run = launch("--minimized")
    desktop.wait_for(
        lambda: [w for w, pid in desktop.tray_clients(tray_host) if pid == run.pid], 20, "ccc-break's icon in trayer"
    )
    wait_until_polled(launch.simulator)
    assert run.windows(only_visible=True) == [], "--minimized with a tray still showed the window"
    assert run.process.poll() is None
