"""What the widget holds in memory: resident set at the first window and after an agent's 8-hour day,
against a bare PySide6 tray and window with the widget's I/O stack loaded and running (qasync's loop,
an aiohttp session: the "bare + io" floor), all measured in the same run.

    python benchmarks/memory.py [--runs 3] [--settle 5] [--widget dist/ccc-break/ccc-break] [--no-day]

On one private Xvfb with trayer as the tray host, alternating, bytecode cached as installed copies have
it (see startup.py):
- the floor, "bare + io": a tray icon and a shown window, then qasync and an aiohttp session (asyncio and
  aiohttp imported before PySide6, so that PySide6 keeps none of their source: see idle.IO_FIRST);
- the floor without the I/O stack, "bare", for reference;
- the same-window floors with the I/O stack, "same + io" (demo and configured): window_floor.py's
  bare PySide6 script rebuilding the window the widget showed at its first paint in this run (see
  startup.py), with the same I/O stack running. Issue 12 names "the same tray and window" as the
  floor, so this is the fairer one; both are printed.
- `ccc-break --demo` (its simulator runs in the same process, so its memory counts);
- `ccc-break` configured against a `ccc-break simulator` on loopback, started once for the run.
Each program's RSS is read when the X server maps its window ("at map") and after --settle seconds,
once the widget has loaded its network stack and shown the live state ("first window").

Then the day: tests/ui/soak_day.py on the same display (Qt's xcb platform) runs an 8-hour day at top
speed against the simulator and reports its RSS after a tenth of the day and at the end; the ratio is
to the settled bare + io floor. The day runs from the source tree; --widget measures another build of
the widget at its first window, such as the PyInstaller bundle the packages ship.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.idle import IO_FIRST, RUN_IO_STACK, rss_mib
from benchmarks.startup import (
    BARE_TRAY_AND_WINDOW,
    benchmark_desktop,
    cached_bytecode,
    capture_first_window,
    time_to_window,
)
from benchmarks.window_floor import FLOOR_TITLE, SHOW
from tests.e2e import desktop

TITLED_IO = BARE_TRAY_AND_WINDOW.replace('"Bare PySide6 tray"', '"Bare PySide6 tray io"')
BARE_TRAY_AND_WINDOW_IO = IO_FIRST + TITLED_IO.replace("sys.exit(app.exec())", RUN_IO_STACK)
SAME_WINDOW_IO = IO_FIRST + SHOW.replace("sys.exit(app.exec())", RUN_IO_STACK)
ROOT = Path(__file__).resolve().parents[1]
CONTROL_TOKEN = "memory-benchmark-token"  # noqa: S105 - throwaway, for this run's simulator only


def median_range(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} MiB ({min(values):.1f}-{max(values):.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="alternate the programs this many times (default 3)")
    parser.add_argument("--settle", type=float, default=5, help="seconds after the map (default 5)")
    parser.add_argument("--no-day", action="store_true", help="leave out the 8-hour day (about 45 s)")
    parser.add_argument("--widget", help="the widget's executable (default: ccc-break of this Python)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    desktop.require_tools("Xvfb", "trayer", "dbus-daemon")
    at_map: dict[str, list[float]] = {}
    settled: dict[str, list[float]] = {}
    day: dict[str, float] = {}
    with (
        benchmark_desktop({"CCC_BREAK_CONTROL_TOKEN": CONTROL_TOKEN}) as (display, bus, pycache, watcher, endpoint),
        tempfile.TemporaryDirectory(prefix="ccc-break-bench-spec-") as specs,
    ):
        widget = args.widget or desktop.ccc_break_executable()
        configured = ["--endpoint", endpoint, "--instance-id", desktop.INSTANCE_ID, "--user-id", desktop.USER_ID]
        demo_spec = capture_first_window(display, bus, specs, "demo", ["--demo"], credentials=False)
        configured_spec = capture_first_window(display, bus, specs, "configured", configured, credentials=True)
        programs = {  # name: (command, credentials in the environment, window title)
            "bare + io": ([sys.executable, "-c", BARE_TRAY_AND_WINDOW_IO], False, "Bare PySide6 tray io"),
            "bare": ([sys.executable, "-c", BARE_TRAY_AND_WINDOW], False, "Bare PySide6 tray"),
            "same + io, demo": ([sys.executable, "-c", SAME_WINDOW_IO, demo_spec], False, FLOOR_TITLE),
            "same + io, configured": ([sys.executable, "-c", SAME_WINDOW_IO, configured_spec], False, FLOOR_TITLE),
            "demo": ([widget, "--demo"], False, "CCC Break \\(demo\\)"),
            "configured": ([widget, *configured], True, "CCC Break"),
        }
        names = list(programs)
        for run in range(args.runs + 1):  # round 0 fills the bytecode cache and is not counted
            for name in names[run % len(names) :] + names[: run % len(names)]:
                command, credentials, title = programs[name]
                with tempfile.TemporaryDirectory(prefix="ccc-break-bench-") as home:
                    plain = desktop.app_environment(display, bus, home, credentials=credentials)
                    env = cached_bytecode(plain, pycache)
                    _, process, _ = time_to_window(command, env, watcher, title)
                    try:
                        mapped = rss_mib(process.pid)
                        time.sleep(args.settle)  # a benchmark's pacing, not a test's synchronisation
                        steady = rss_mib(process.pid)
                    finally:
                        desktop.stop_process(process)
                if run > 0:
                    at_map.setdefault(name, []).append(mapped)
                    settled.setdefault(name, []).append(steady)
                    print(f"run {run} {name:<21} RSS at map {mapped:.1f} MiB, after the settle {steady:.1f} MiB")
        if not args.no_day:
            with tempfile.TemporaryDirectory(prefix="ccc-break-bench-") as home:
                env = cached_bytecode(desktop.app_environment(display, bus, home, credentials=True), pycache)
                env.update(QT_QPA_PLATFORM="xcb", CCC_BREAK_CONTROL_TOKEN=CONTROL_TOKEN)
                result = subprocess.run(
                    [sys.executable, "-m", "tests.ui.soak_day", "--endpoint", endpoint],
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=600,
                    check=True,
                )
            measured = json.loads(result.stdout.strip().splitlines()[-1])
            day = {moment: measured[moment]["rss_kib"] / 1024 for moment in ("baseline", "end")}

    floor = statistics.median(settled["bare + io"])
    print(f"floor, bare + io: at map {median_range(at_map['bare + io'])}, settled {median_range(settled['bare + io'])}")
    print(f"bare (no I/O stack): at map {median_range(at_map['bare'])}, settled {median_range(settled['bare'])}")
    for name in ("demo", "configured"):
        rss = statistics.median(settled[name])
        same = statistics.median(settled[f"same + io, {name}"])
        print(
            f"first window, {name}: at map {median_range(at_map[name])}, settled {median_range(settled[name])}, "
            f"ratio {rss / floor:.2f} to bare + io"
        )
        print(
            f"  same-window floor + io, {name}: settled {median_range(settled[f'same + io, {name}'])}, "
            f"widget ratio {rss / same:.2f}"
        )
    if day:
        print(
            f"8-hour day (configured): after the warm-up {day['baseline']:.1f} MiB, at the end {day['end']:.1f} MiB, "
            f"ratio {day['end'] / floor:.2f} to bare + io, "
            f"{day['end'] / statistics.median(settled['same + io, configured']):.2f} to the same-window floor + io"
        )
    print(f"runs: {args.runs} of each, alternated; settle {args.settle:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
