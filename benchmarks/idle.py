"""What the widget costs while it sits in the tray all day: CPU share of one core and resident memory,
against a bare PySide6 tray icon with a hidden window (the floor) measured in the same run.

    python benchmarks/idle.py [--seconds 60]

Both run on one private Xvfb with trayer as the tray host. The widget is `ccc-break --demo --minimized`
(the embedded simulator answers its polls in the same process, so its CPU counts too). After a 10 s
settle, CPU time (utime + stime from /proc) is sampled over the measured window; RSS is read at its end.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
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

SETTLE_S = 10
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(command: list[str], env: dict[str, str], seconds: float) -> tuple[float, float]:
    """(CPU % of one core over `seconds` after the settle, RSS MiB at the end)."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(SETTLE_S)  # a benchmark's own pacing, not a test's synchronisation
        before, started = cpu_seconds(process.pid), time.monotonic()
        time.sleep(seconds)
        used, elapsed = cpu_seconds(process.pid) - before, time.monotonic() - started
        return 100 * used / elapsed, rss_mib(process.pid)
    finally:
        desktop.stop_process(process)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds of each program (default 60)")
    args = parser.parse_args()
    desktop.require_tools("Xvfb", "trayer", "dbus-daemon")
    with desktop.desktop(tray=True) as (display, bus), tempfile.TemporaryDirectory(prefix="ccc-idle-") as home:
        env = desktop.app_environment(display, bus, home, credentials=False)
        bare_cpu, bare_rss = measure([sys.executable, "-c", BARE_TRAY], env, args.seconds)
        cpu, rss = measure([desktop.ccc_break_executable(), "--demo", "--minimized"], env, args.seconds)
    print(f"idle in the tray over {args.seconds:.0f} s: widget {cpu:.3f} % of a core, bare tray {bare_cpu:.3f} %")
    print(f"RSS: widget {rss:.0f} MiB, bare tray {bare_rss:.0f} MiB, ratio {rss / bare_rss:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
