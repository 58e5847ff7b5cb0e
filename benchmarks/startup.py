"""How long an agent waits for the widget: process start until its window is mapped, against the floor of
a bare PySide6 script that maps one QWidget, on the same private Xvfb with trayer.

    python benchmarks/startup.py [-n 7]

The widget runs `ccc-break --demo` (embedded simulator, so no network). Also printed: until the widget's
first PollUserStatus is answered (live state on screen), read from the demo simulator's request log.
Runs alternate between the two programs after one unmeasured warm-up each (disk cache).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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

POLL_S = 0.005


def time_to_window(
    command: list[str], env: dict[str, str], display: str, title: str
) -> tuple[float, subprocess.Popen[bytes], float]:
    """Milliseconds from Popen until a visible window with this exact title exists (polled every 5 ms)."""
    wall_start = time.time()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        desktop.wait_for(
            lambda: process.poll() is None and desktop.search_windows(display, title, only_visible=True),
            60,
            f"{title} window",
            interval=POLL_S,
        )
    except BaseException:
        desktop.stop_process(process)
        raise
    return (time.perf_counter() - started) * 1000, process, wall_start


def first_answered_poll_ms(log_file: Path, wall_start: float) -> float:
    """From process start to the first PollUserStatus the demo simulator answered OK (its own timestamp)."""

    def answered() -> float | None:
        text = log_file.read_text(errors="replace") if log_file.exists() else ""
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=7, help="measured runs of each program (default 7)")
    args = parser.parse_args()
    desktop.require_tools("Xvfb", "trayer", "xdotool", "dbus-daemon")

    widget_ms: list[float] = []
    live_ms: list[float] = []
    bare_ms: list[float] = []
    with desktop.desktop(tray=True) as (display, bus):
        for run in range(args.runs + 1):  # run 0 warms the disk cache and is not counted
            with tempfile.TemporaryDirectory(prefix="ccc-break-bench-") as home:
                env = desktop.app_environment(display, bus, home, credentials=False)
                env["CCC_BREAK_CONTROL_TOKEN"] = TOKEN  # the demo simulator's control API asks for it
                elapsed, process, wall_start = time_to_window(
                    [desktop.ccc_break_executable(), "--demo"], env, display, "^CCC Break \\(demo\\)$"
                )
                try:
                    live = first_answered_poll_ms(Path(env["CCC_BREAK_LOG_DIR"]) / "ccc-break.log", wall_start)
                finally:
                    desktop.stop_process(process)
                if run:
                    widget_ms.append(elapsed)
                    live_ms.append(live)

                elapsed, process, _ = time_to_window(
                    [sys.executable, "-c", BARE_WINDOW], env, display, "^Bare PySide6$"
                )
                desktop.stop_process(process)
                if run:
                    bare_ms.append(elapsed)

    widget, bare, live = statistics.median(widget_ms), statistics.median(bare_ms), statistics.median(live_ms)
    print(f"startup: widget {widget:.0f} ms, bare PySide6 window {bare:.0f} ms, ratio {widget / bare:.2f}")
    print(f"live state (first poll answered): {live:.0f} ms, ratio to bare window {live / bare:.2f}")
    print(
        f"runs: {args.runs} each; widget {min(widget_ms):.0f}-{max(widget_ms):.0f} ms, "
        f"bare {min(bare_ms):.0f}-{max(bare_ms):.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
