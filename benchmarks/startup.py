"""How long an agent waits for the widget: process start until its window is mapped, against bare PySide6
scripts showing the same tray and window (and, for older figures, an empty one), on one private Xvfb
with trayer.

    python benchmarks/startup.py [-n 7] [--widget dist/ccc-break/ccc-break]

Medians and the fastest run of each are printed: on a busy or virtualised host the medians of the
same code moved by a third between runs, the ratios of the fastest runs by a few hundredths.

The moment of mapping comes from the X server itself (MapNotify), not from polling. Measured,
alternating in a rotating order after one unmeasured warm-up round (disk and bytecode caches):
- the widget in demo mode, `ccc-break --demo` (embedded simulator, so no network);
- the widget configured, `ccc-break --endpoint ... --instance-id ... --user-id ...` with an AccessKey in
  the environment, against a `ccc-break simulator` on loopback started once for the whole run;
- the floor: a bare PySide6 script showing a tray icon (one drawn pixmap) and a window;
- the old floor, for comparison with earlier figures: the same script without the tray icon;
- the same-window floors, demo and configured (`window_floor.py`): a bare PySide6 script that builds the
  widget tree the real widget showed at its first paint in this run (same classes, texts, places, style
  sheet) and shows it with a one-pixmap tray icon. This is the floor issue 12 names, "a bare PySide6
  script showing the same tray and window": it pays what any window with these widgets pays (Qt's
  style, fonts, the `Qt` namespace's enums), so its ratio is the app's own cost.
`--instructions` also counts, once each under valgrind (callgrind), the instructions the widget and the
same-window floors run until their window is shown: the same figure every run, where the times move
with the host. The widget runs from this Python's app, started as the `ccc-break` launcher starts it,
and leaves at the moment run_gui would enter its loop; each floor leaves at the same moment of its own.

`--widget` times another build of the widget, such as the PyInstaller bundle the packages ship, against
the same floors (which always run from this Python). Also printed: until the demo's first
PollUserStatus is answered (live state on screen), read from the demo simulator's request log.

By default every widget start is a login start, as an agent's every start after the first one: each
run gets a fresh copy of a home the same program used once before (its settings with the device id,
the remembered state that the first paint shows, the window's place), with an empty runtime folder as
a new session has. `--first-start` measures the very first start on a desktop instead: an empty home
each run (first-run work such as writing the settings and making the device id, no remembered state).
The same-window floors are captured from the same kind of home as the widget starts.

Every program runs with its bytecode cached, as an installed copy has it (pip, the .deb and the
PyInstaller bundle all ship compiled modules): PYTHONDONTWRITEBYTECODE is dropped and the warm-up round
writes the cache into a private PYTHONPYCACHEPREFIX. Without that, a source checkout under
PYTHONDONTWRITEBYTECODE=1 compiles the app's own modules on every start, which no agent's start does.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import json
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.callgrind import counted_run
from benchmarks.window_floor import FLOOR_TITLE, ONE_PIXMAP_TRAY_ICON, SHOW
from tests.e2e import desktop

TOKEN = "startup-benchmark-token"  # noqa: S105 - throwaway, for the demo simulator in this run only

BARE_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
window = QWidget()
window.setWindowTitle("Bare PySide6")
window.resize(380, 400)
window.show()
sys.exit(app.exec())
"""

# What the widget shows first, with nothing of the app: a tray icon and a window.
BARE_TRAY_AND_WINDOW = (
    """
import sys
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget
app = QApplication(sys.argv[:1])
"""
    + ONE_PIXMAP_TRAY_ICON
    + """window = QWidget()
window.setWindowTitle("Bare PySide6 tray")
window.resize(380, 400)
window.show()
sys.exit(app.exec())
"""
)

# Up to the first paint, then out: the widget as the `ccc-break` launcher starts it, its modules in the
# same order (the core's before PySide6's, whose import hook would make them dearer), leaving where
# run_gui would go on to its event loop; the floor, leaving where it would enter its own. Both have
# shown their window and processed its events.
WIDGET_TO_FIRST_PAINT = """
import os, sys
import app.core.startup as startup
from app.__main__ import main
build_context = startup.build_context
def build_context_and_leave_at_the_first_paint(*args, **kwargs):
    context = build_context(*args, **kwargs)
    import app.ui.application as application  # where run_gui's module loads
    show_first = application.WidgetApp.show_first
    def show_first_and_leave(widget, **options):
        show_first(widget, **options)
        application.QApplication.processEvents()
        os._exit(0)
    application.WidgetApp.show_first = show_first_and_leave
    return context
startup.build_context = build_context_and_leave_at_the_first_paint
sys.exit(main(sys.argv[1:]))
"""
FLOOR_TO_FIRST_PAINT = "import os\n" + SHOW.replace("sys.exit(app.exec())", "app.processEvents()\nos._exit(0)")

SIMULATOR_URL = re.compile(r"(http://127\.0\.0\.1:\d+)")
MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19


class _XMapEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("event", ctypes.c_ulong),
        ("window", ctypes.c_ulong),
        ("override_redirect", ctypes.c_int),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("xmap", _XMapEvent), ("pad", ctypes.c_long * 24)]


class MapWatcher:
    """Told by the X server the moment a top-level window is mapped (MapNotify on the root window).

    Polling with xdotool every few milliseconds would spend a core's worth of process starts on a
    2-core machine while the program under test is starting, and slow it down by itself."""

    def __init__(self, display: str) -> None:
        name = ctypes.util.find_library("X11")
        if name is None:
            raise desktop.MissingTool("libX11 not found; install with: sudo apt-get install -y libx11-6")
        x = self._x = ctypes.CDLL(name)
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        x.XConnectionNumber.argtypes = [ctypes.c_void_p]
        x.XPending.argtypes = [ctypes.c_void_p]
        x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_XEvent)]
        x.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_char_p)]
        x.XFree.argtypes = [ctypes.c_void_p]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._display = x.XOpenDisplay(display.encode())
        if not self._display:
            raise RuntimeError(f"cannot open X display {display}")
        x.XSelectInput(self._display, x.XDefaultRootWindow(self._display), SUBSTRUCTURE_NOTIFY_MASK)
        x.XSync(self._display, 0)

    def forget_earlier(self) -> None:
        self._x.XSync(self._display, 0)
        event = _XEvent()
        while self._x.XPending(self._display):
            self._x.XNextEvent(self._display, ctypes.byref(event))

    def _title(self, window: int) -> str | None:
        name = ctypes.c_char_p()
        if not self._x.XFetchName(self._display, window, ctypes.byref(name)) or not name.value:
            return None
        title = name.value.decode(errors="replace")
        self._x.XFree(name)
        return title

    def wait_for_map(self, title: re.Pattern[str], timeout: float, alive: Callable[[], bool]) -> None:
        deadline = time.monotonic() + timeout
        event = _XEvent()
        while True:
            while self._x.XPending(self._display):
                self._x.XNextEvent(self._display, ctypes.byref(event))
                if event.type == MAP_NOTIFY and title.fullmatch(self._title(event.xmap.window) or ""):
                    return
            left = deadline - time.monotonic()
            if left <= 0 or not alive():
                raise TimeoutError(f"no window titled {title.pattern} was mapped")
            select.select([self._x.XConnectionNumber(self._display)], [], [], min(left, 0.5))

    def close(self) -> None:
        self._x.XCloseDisplay(self._display)


def time_to_window(
    command: list[str], env: dict[str, str], watcher: MapWatcher, title: str
) -> tuple[float, subprocess.Popen[bytes], float]:
    """Milliseconds from Popen until the X server maps a top-level window with this exact title."""
    watcher.forget_earlier()
    wall_start = time.time()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        watcher.wait_for_map(re.compile(title), 60, lambda: process.poll() is None)
    except BaseException:
        desktop.stop_process(process)
        raise
    return (time.perf_counter() - started) * 1000, process, wall_start


def first_answered_poll_ms(log_file: Path, log_start: int, wall_start: float) -> float:
    """From process start to the first PollUserStatus the demo simulator answered OK (its own timestamp);
    the log is read from `log_start`, where this run's lines begin (a used home keeps the earlier ones)."""

    def answered() -> float | None:
        text = log_file.read_bytes()[log_start:].decode(errors="replace") if log_file.exists() else ""
        marker = "Demo simulator at "
        if marker not in text:
            return None
        url = text.split(marker, 1)[1].split()[0]
        request = urllib.request.Request(url + "/control/requests", headers={"Authorization": f"Bearer {TOKEN}"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            log = json.load(response)["requests"]
        for record in log:
            if record["action"] == "PollUserStatus" and record["code"] == "OK":
                moment = datetime.fromisoformat(record["time"]).astimezone(UTC)
                return (moment.timestamp() - wall_start) * 1000
        return None

    return desktop.wait_for(answered, 30, "the first answered poll", interval=0.02)


def cached_bytecode(env: dict[str, str], cache: str) -> dict[str, str]:
    env = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


@contextlib.contextmanager
def running_simulator(extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """A `ccc-break simulator` on a free loopback port for the whole run; yields its address."""
    simulator = subprocess.Popen(
        [desktop.ccc_break_executable(), "simulator", "--port", "0"],
        env={**os.environ, **(extra_env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert simulator.stdout is not None
        found = SIMULATOR_URL.search(desktop.wait_for(simulator.stdout.readline, 15, "the simulator's address"))
        assert found, "the simulator printed no address"
        yield found.group(1)
    finally:
        desktop.stop_process(simulator)


@contextlib.contextmanager
def benchmark_desktop(
    simulator_env: dict[str, str] | None = None,
) -> Iterator[tuple[str, str, str, MapWatcher, str]]:
    """One run's private Xvfb with trayer, D-Bus, bytecode cache, map watcher and simulator: yields
    (display, bus address, bytecode cache, watcher, simulator address)."""
    with (
        desktop.desktop(tray=True) as (display, bus),
        tempfile.TemporaryDirectory(prefix="ccc-break-bench-pyc-") as pycache,
        running_simulator(simulator_env) as endpoint,
    ):
        watcher = MapWatcher(display)
        try:
            yield display, bus, pycache, watcher, endpoint
        finally:
            watcher.close()


def capture_first_window(
    display: str, bus: str, folder: str, name: str, options: list[str], *, credentials: bool, home: str = ""
) -> str:
    """What the real widget (`ccc-break options`) shows at its first paint, written to folder/name.json
    for the same-window floor (window_floor.py); from a copy of `home` (an empty home without one), as
    the measured runs start."""
    spec = os.path.join(folder, name + ".json")
    with tempfile.TemporaryDirectory(prefix="ccc-break-bench-") as copy:
        env = desktop.app_environment(display, bus, copy_home(home, copy), credentials=credentials)
        command = [sys.executable, str(Path(__file__).with_name("window_floor.py")), "capture", spec, *options]
        subprocess.run(command, env=env, check=True, timeout=60)
    return spec


def copy_home(home: str, into: str) -> str:
    """A fresh copy of `home` in `into`, without its runtime folder: a new login session starts with an
    empty one (app_environment makes it), so no socket or lock of the earlier run is left in it."""
    target = os.path.join(into, "home")
    if os.path.isdir(home):
        shutil.copytree(
            home, target, symlinks=True, ignore=lambda folder, _names: ["runtime"] if folder == home else []
        )
    return target


def use_once(command: list[str], env: dict[str, str], home: str) -> None:
    """Run the widget in `home` until it has written the state it saw, then end it as a logout does
    (SIGTERM): afterwards the home is one that a login start finds."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        desktop.wait_for(lambda: any(Path(home).rglob("*.state.json")), 60, "the widget's remembered state")
    finally:
        desktop.stop_process(process)


def counted_instructions(command: list[str], env: dict[str, str]) -> int:
    """Instructions `command` runs to its first paint (callgrind); it must leave on its own, with status
    0. One hash seed for every count: with a random one, the same program's count moved by 2 %."""
    return counted_run(command, {**env, "PYTHONHASHSEED": "0"})[0]


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ms ({min(values):.0f}-{max(values):.0f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=7, help="measured runs of each program (default 7)")
    parser.add_argument(
        "--first-start", action="store_true", help="start the widget from an empty home each run (a new desktop)"
    )
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions to the first paint under valgrind"
    )
    parser.add_argument(
        "--widget", help="the widget's executable, e.g. dist/ccc-break/ccc-break (default: ccc-break of this Python)"
    )
    args = parser.parse_args()
    desktop.require_tools("Xvfb", "trayer", "dbus-daemon", *(["valgrind"] if args.instructions else []))
    if args.instructions and args.widget:
        raise SystemExit("--instructions counts this Python's widget only; leave out --widget")

    times: dict[str, list[float]] = {
        "demo": [], "configured": [], "floor": [], "old floor": [], "same demo": [], "same configured": []
    }  # fmt: skip
    live_ms: list[float] = []
    instructions: dict[str, int] = {}
    with (
        benchmark_desktop() as (display, bus, pycache, watcher, endpoint),
        tempfile.TemporaryDirectory(prefix="ccc-break-bench-spec-") as specs,
    ):
        configured_options = [
            *("--endpoint", endpoint, "--instance-id", desktop.INSTANCE_ID, "--user-id", desktop.USER_ID)
        ]
        widget = args.widget or desktop.ccc_break_executable()
        demo_command = [widget, "--demo"]
        configured_command = [widget, *configured_options]
        demo_home, configured_home = os.path.join(specs, "demo-home"), os.path.join(specs, "configured-home")
        if not args.first_start:
            for command, home, credentials in (
                (demo_command, demo_home, False),
                (configured_command, configured_home, True),
            ):
                env = cached_bytecode(desktop.app_environment(display, bus, home, credentials=credentials), pycache)
                use_once(command, env, home)

        demo_spec = capture_first_window(display, bus, specs, "demo", ["--demo"], credentials=False, home=demo_home)
        configured_spec = capture_first_window(
            display, bus, specs, "configured", configured_options, credentials=True, home=configured_home
        )

        def run_demo(into: str, counted: bool) -> None:
            home = copy_home(demo_home, into)
            env = cached_bytecode(desktop.app_environment(display, bus, home, credentials=False), pycache)
            env["CCC_BREAK_CONTROL_TOKEN"] = TOKEN  # the demo simulator's control API asks for it
            log_file = Path(env["CCC_BREAK_LOG_DIR"]) / "ccc-break.log"
            log_start = log_file.stat().st_size if log_file.exists() else 0
            elapsed, process, wall_start = time_to_window(demo_command, env, watcher, "CCC Break \\(demo\\)")
            try:
                live = first_answered_poll_ms(log_file, log_start, wall_start)
            finally:
                desktop.stop_process(process)
            if counted:
                times["demo"].append(elapsed)
                live_ms.append(live)

        def run_configured(into: str, counted: bool) -> None:
            home = copy_home(configured_home, into)
            env = cached_bytecode(desktop.app_environment(display, bus, home, credentials=True), pycache)
            elapsed, process, _ = time_to_window(configured_command, env, watcher, "CCC Break")
            desktop.stop_process(process)
            if counted:
                times["configured"].append(elapsed)

        def bare(name: str, script: str, title: str, *args: str) -> Callable[[str, bool], None]:
            def run(into: str, counted: bool) -> None:
                home = os.path.join(into, "home")
                env = cached_bytecode(desktop.app_environment(display, bus, home, credentials=False), pycache)
                elapsed, process, _ = time_to_window([sys.executable, "-c", script, *args], env, watcher, title)
                desktop.stop_process(process)
                if counted:
                    times[name].append(elapsed)

            return run

        programs = [
            run_demo,
            bare("floor", BARE_TRAY_AND_WINDOW, "Bare PySide6 tray"),
            run_configured,
            bare("old floor", BARE_WINDOW, "Bare PySide6"),
            bare("same demo", SHOW, FLOOR_TITLE, demo_spec),
            bare("same configured", SHOW, FLOOR_TITLE, configured_spec),
        ]
        for run in range(args.runs + 1):  # round 0 warms the disk and bytecode caches and is not counted
            order = programs[run % len(programs) :] + programs[: run % len(programs)]
            for program in order:
                with tempfile.TemporaryDirectory(prefix="ccc-break-bench-") as into:
                    program(into, run > 0)

        if args.instructions:  # after the timed rounds: every bytecode cache is warm by then
            counted = (
                ("demo", demo_home, False, ["--demo"], WIDGET_TO_FIRST_PAINT),
                ("configured", configured_home, True, configured_options, WIDGET_TO_FIRST_PAINT),
                ("same demo", "", False, [demo_spec], FLOOR_TO_FIRST_PAINT),
                ("same configured", "", False, [configured_spec], FLOOR_TO_FIRST_PAINT),
            )
            for name, home, credentials, arguments, script in counted:
                with tempfile.TemporaryDirectory(prefix="ccc-break-bench-") as into:
                    # A copy of the widget's used home, as its timed starts; an empty one for a floor.
                    env = desktop.app_environment(display, bus, copy_home(home, into), credentials=credentials)
                    command = [sys.executable, "-c", script, *arguments]
                    instructions[name] = counted_instructions(command, cached_bytecode(env, pycache))

    print("widget starts:", "first start (empty home each run)" if args.first_start else "login start (used home)")
    floor, old_floor = statistics.median(times["floor"]), statistics.median(times["old floor"])
    demo, configured = statistics.median(times["demo"]), statistics.median(times["configured"])
    print(f"floor: bare PySide6 tray and window {spread(times['floor'])}")
    print(f"startup, demo:       widget {spread(times['demo'])}, ratio {demo / floor:.2f}")
    print(f"startup, configured: widget {spread(times['configured'])}, ratio {configured / floor:.2f}")
    print(
        f"old floor (window only) {spread(times['old floor'])}: "
        f"ratios {demo / old_floor:.2f} demo, {configured / old_floor:.2f} configured"
    )
    same_demo, same_configured = statistics.median(times["same demo"]), statistics.median(times["same configured"])
    print(
        f"same-window floor, demo {spread(times['same demo'])}: widget ratio {demo / same_demo:.2f}; "
        f"configured {spread(times['same configured'])}: widget ratio {configured / same_configured:.2f}"
    )
    live = statistics.median(live_ms)
    print(f"live state, demo (first poll answered): {spread(live_ms)}, ratio to the floor {live / floor:.2f}")
    # On a shared or virtualised host the noise only ever adds time, and it comes in bursts that move
    # a median by a third between runs; the fastest of each is the steadier comparison.
    best = {name: min(values) for name, values in times.items()}
    print(
        f"best of {args.runs}: widget ratio to the same-window floor {best['demo'] / best['same demo']:.2f} demo, "
        f"{best['configured'] / best['same configured']:.2f} configured; to the bare floor "
        f"{best['demo'] / best['floor']:.2f} demo, {best['configured'] / best['floor']:.2f} configured"
    )
    if instructions:
        print(
            f"instructions to the first paint: widget {instructions['demo'] / 1e6:.0f} M demo, "
            f"{instructions['configured'] / 1e6:.0f} M configured; same-window floor "
            f"{instructions['same demo'] / 1e6:.0f} M / {instructions['same configured'] / 1e6:.0f} M: ratios "
            f"{instructions['demo'] / instructions['same demo']:.3f} demo, "
            f"{instructions['configured'] / instructions['same configured']:.3f} configured"
        )
    print(f"runs: {args.runs} of each, alternated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
