"""What the widget costs while it sits in the tray all day: CPU share of one core, wake-ups and resident
memory, against a bare PySide6 tray icon with a hidden window (the floor) measured in the same run, and
for memory also against that tray with the widget's I/O stack loaded and running (qasync's loop, an
aiohttp session: the "bare + io" floor).

    python benchmarks/idle.py [--seconds 60] [--runs 1]

All run on one private Xvfb with trayer as the tray host. The widget is `ccc-break --demo --minimized`
(the embedded simulator answers its polls in the same process, so its CPU counts too). After a 10 s
settle, CPU time (every thread's run time as the scheduler counts it, /proc/PID/task/*/schedstat) and
context switches (voluntary and not: each is a wake-up or a preemption) are sampled over the measured
window; RSS is read after the settle
and at the end. With --runs N the programs alternate N times, for a shared machine's noise.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e import desktop

BARE_TRAY = """
import sys
from PySide6.QtGui import QIcon, QPixmap, QColor
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget
app = QApplication(sys.argv[:1])
app.setQuitOnLastWindowClosed(False)
pixmap = QPixmap(22, 22)
pixmap.fill(QColor("green"))
icon = QSystemTrayIcon(QIcon(pixmap))
icon.show()
window = QWidget()  # built like the widget's, never shown
sys.exit(app.exec())
"""

# In place of a bare script's `sys.exit(app.exec())`: the widget's I/O stack loaded and running (qasync's
# loop, an aiohttp session held open).
RUN_IO_STACK = """import asyncio, aiohttp, qasync
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
async def hold():
    async with aiohttp.ClientSession():
        await asyncio.Event().wait()
with loop:
    loop.run_until_complete(hold())
"""
# Imported before PySide6: PySide6 keeps the source of every module imported after QtCore in memory
# (linecache, through its __feature__ import hook), about 9 MiB for this stack, which the widget avoids
# (app/ui/pyside_sources.py). The floor is the least any program on this stack holds, so it avoids it too.
IO_FIRST = "import asyncio, aiohttp\n"
BARE_TRAY_IO = IO_FIRST + BARE_TRAY.replace("sys.exit(app.exec())", RUN_IO_STACK)

SETTLE_S = 10


def threads(pid: int) -> dict[str, tuple[float, int]]:
    """Per thread: (CPU seconds, context switches) so far. The scheduler's own nanosecond count
    (schedstat), not utime + stime: at 100 ticks a second those move in steps of 0.017 % of a core
    over a minute, a third of the goal."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            run_ns = int((task / "schedstat").read_text().split()[0])
            lines = (task / "status").read_text().splitlines()
        except (FileNotFoundError, ProcessLookupError):  # a thread that ended meanwhile
            continue
        switches = sum(int(line.split()[1]) for line in lines if "ctxt_switches:" in line)
        found[task.name] = (run_ns / 1e9, switches)
    return found


def used_since(before: dict[str, tuple[float, int]], after: dict[str, tuple[float, int]]) -> tuple[float, int]:
    """CPU seconds and context switches between two samples; a thread that ended meanwhile is lost,
    one that began counts whole (executor threads come and go)."""
    cpu = sum(now[0] - before.get(tid, (0.0, 0))[0] for tid, now in after.items())
    switches = sum(now[1] - before.get(tid, (0.0, 0))[1] for tid, now in after.items())
    return cpu, switches


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class Sample:
    cpu_percent: float  # of one core
    switches_per_minute: float
    rss_start: float  # MiB, after the settle
    rss_end: float


def measure(command: list[str], env: dict[str, str], seconds: float) -> Sample:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(SETTLE_S)  # a benchmark's own pacing, not a test's synchronisation
        rss_start = rss_mib(process.pid)
        before, started = threads(process.pid), time.monotonic()
        time.sleep(seconds)
        used, switched = used_since(before, threads(process.pid))
        elapsed = time.monotonic() - started
        return Sample(100 * used / elapsed, 60 * switched / elapsed, rss_start, rss_mib(process.pid))
    finally:
        desktop.stop_process(process)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds of each program (default 60)")
    parser.add_argument("--runs", type=int, default=1, help="alternate the programs this many times (default 1)")
    args = parser.parse_args()
    desktop.require_tools("Xvfb", "trayer", "dbus-daemon")
    programs = {
        "bare tray": [sys.executable, "-c", BARE_TRAY],
        "bare + io": [sys.executable, "-c", BARE_TRAY_IO],
        "widget": [desktop.ccc_break_executable(), "--demo", "--minimized"],
    }
    samples: dict[str, list[Sample]] = {name: [] for name in programs}
    with desktop.desktop(tray=True) as (display, bus):
        for run in range(args.runs):
            for name, command in programs.items():
                with tempfile.TemporaryDirectory(prefix="ccc-idle-") as home:
                    env = desktop.app_environment(display, bus, home, credentials=False)
                    sample = measure(command, env, args.seconds)
                samples[name].append(sample)
                print(
                    f"run {run + 1} {name:<10} CPU {sample.cpu_percent:.3f} %"
                    f"  switches/min {sample.switches_per_minute:5.0f}"
                    f"  RSS {sample.rss_start:.0f} -> {sample.rss_end:.0f} MiB",
                    flush=True,
                )
    bare, io, widget = samples["bare tray"], samples["bare + io"], samples["widget"]
    cpu = statistics.median(s.cpu_percent for s in widget)
    bare_cpu = statistics.median(s.cpu_percent for s in bare)
    print(
        f"idle in the tray over {args.seconds:.0f} s (median of {args.runs}): widget {cpu:.3f} % of a core "
        f"(runs {min(s.cpu_percent for s in widget):.3f}-{max(s.cpu_percent for s in widget):.3f}), "
        f"bare tray {bare_cpu:.3f} %"
    )
    print(
        "context switches per minute: widget "
        f"{statistics.median(s.switches_per_minute for s in widget):.0f}, bare tray "
        f"{statistics.median(s.switches_per_minute for s in bare):.0f}"
    )
    for moment, pick in (("after the settle", lambda s: s.rss_start), ("at the end", lambda s: s.rss_end)):
        rss, bare_rss, io_rss = (statistics.median(pick(s) for s in group) for group in (widget, bare, io))
        print(
            f"RSS {moment}: widget {rss:.0f} MiB, bare tray {bare_rss:.0f} MiB (ratio {rss / bare_rss:.2f}), "
            f"bare + io {io_rss:.0f} MiB (ratio {rss / io_rss:.2f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
