"""The widget paints before it imports the network stack, the keyring or the demo simulator: they are
most of the start-up time, and the agent should see the window first."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("first_paint_modules.py")
ROOT = Path(__file__).resolve().parents[2]


@functools.cache  # one widget start per kind of run: each test reads its own part of the report
def report(*args: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_up_to_the_first_paint_no_network_keyring_or_simulator_module_is_loaded() -> None:
    shown = report()
    assert shown["window_shown"] is True
    assert shown["at_first_paint"] == [], "loaded before the window was painted"


def test_dialogs_launch_at_login_and_network_helpers_load_after_the_first_paint() -> None:
    """Each is a few milliseconds of an agent's wait; none is on the first window."""
    assert report()["later_at_first_paint"] == [], "loaded before the window was painted"


@pytest.mark.windows_pending  # one Wine "WinError 1359 Internal error" starting its subprocess
@pytest.mark.parametrize("expected", ["aiohttp", "app.simulator", "app.core.client"])
def test_the_check_sees_them_once_the_widget_connects(expected: str) -> None:
    """The same script, carried on past the first paint, does find them: the check can fail."""
    connected = report("--connect")["connected"]
    assert isinstance(connected, list) and expected in connected


@pytest.mark.linux_only  # Windows guards the start with a named pipe, which only QtNetwork speaks here
def test_the_widget_never_loads_qts_network_module_on_linux() -> None:
    """The guard is a plain socket answered through a socket notifier, and the network coming back is
    read from the kernel's route changes: QtNetwork (about 10 ms to load, and over 4 MiB all day with
    GIO and its network plug-ins) is loaded neither before the first paint nor once connected."""
    assert report()["qt_network_at_first_paint"] is False
    connected = report("--connect")
    assert connected["qt_network_connected"] is False
    assert connected["network_watched"] is True, "the run must have got as far as watching the network"


def test_the_first_window_goes_without_qts_accessibility_shortcut_and_action_classes() -> None:
    """PySide6 makes a Qt class, with every enum it has, when it is first used: QAccessible is about 2 ms,
    QKeySequence 1 ms. A screen reader is told of state changes once the window is on screen (before,
    nothing listens); the shortcuts and the tray's menu come right after the first paint."""
    assert report()["qt_gui_classes_at_first_paint"] == []


def test_the_ui_modules_load_without_making_qts_event_classes() -> None:
    """PySide6 makes a class, with all its enums, when a module first names it; the window's event
    handlers name theirs for the annotations only. Loading them with the modules, and sending every
    event of the window's start through a Python `event()`, cost the first window about 20 million
    instructions (benchmarks/startup.py --instructions). The window's first show makes some of them:
    the check can fail."""
    shown = report()
    assert shown["event_classes_at_import"] == []
    assert "QShowEvent" in shown["event_classes_at_first_paint"]


def test_no_garbage_collection_runs_before_the_first_paint_and_it_runs_again_after() -> None:
    """Python's cyclic collector walks every object made so far: some fifty times while PySide6 makes
    its classes, about 15 million instructions of the first window. It is paused for the start and
    turned on again just after the paint, for the rest of the day."""
    shown = report()
    assert shown["collections_before_first_paint"] == 0
    assert shown["collecting_after_first_paint"] is True


def test_a_start_before_the_panel_is_up_goes_without_them_too() -> None:
    """At login the widget often starts before the desktop's panel: waiting for the tray is said in the
    log once the window is up, so the log file (and the rest) still come after the paint."""
    shown = report("--no-tray")
    assert shown["window_shown"] is True
    assert shown["at_first_paint"] == [] and shown["later_at_first_paint"] == []


def test_the_log_file_opens_at_the_widgets_first_record() -> None:
    """Its rotating handler (logging.handlers, with pickle and queue) is among the modules the first
    paint goes without (above); the same run, once it logs, has it and its file, so that check can fail."""
    assert report("--connect")["log_file_connected"] is True


@pytest.mark.linux_only  # Windows and macOS ask the OS for their folders through platformdirs
def test_the_first_window_on_linux_goes_without_platformdirs() -> None:
    """The settings and log folders are the XDG ones, worked out from the environment: platformdirs
    would be 2-3 ms of the agent's wait."""
    assert report()["platformdirs_at_first_paint"] is False


@pytest.mark.linux_only  # Windows guards the start with a named pipe and wakes on a socket pair
def test_the_guard_and_the_logout_wake_up_go_without_the_socket_module() -> None:
    """One Unix socket for the guard, a pipe for the signal wake-up: the socket module builds enums of
    all its constants at import, about 3 ms of the agent's wait."""
    assert report()["socket_at_first_paint"] is False


@pytest.mark.linux_only  # prctl is Linux's; Windows loads ctypes for its named pipe and languages anyway
def test_the_widget_forbids_debuggers_once_painted_and_before_it_reads_the_keyring() -> None:
    """ctypes (with libffi) is only needed to call prctl; a plain start (`ccc-break`, `--minimized`,
    `--demo`) calls it once its window is up, before it connects and reads the keyring."""
    assert report()["ctypes_at_first_paint"] is False
    assert report("--connect")["dumpable_connected"] == 0


@pytest.mark.linux_only  # reads the process's memory map
def test_the_taskbar_icon_draws_without_qts_svg_library() -> None:
    """The window's icon comes from PNGs rendered at build time: QtSvg would be ~1 MiB all day."""
    assert report("--connect")["qt_svg_mapped"] is False


def test_the_first_window_makes_no_dataclass() -> None:
    """Python 3.11 compiles a dataclass's methods when its module loads, 0.3-0.8 ms a class: twenty of
    them were about 12 ms of every start (benchmarks/README.md), the last five about 2 % of the first
    window's instructions. A value record the first window needs is a NamedTuple, mutable state a plain
    class; the AccessKey's record loads with the keyring's owner, after the paint."""
    assert report()["dataclasses_at_first_paint"] == []
    connected = report("--connect")["dataclasses_connected"]
    assert isinstance(connected, list) and "app.core.client.Timeouts" in connected  # the check sees them
