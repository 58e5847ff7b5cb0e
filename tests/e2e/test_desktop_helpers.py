"""The X helpers the end-to-end tests stand on: they must read a desktop whose windows come and go."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.e2e import desktop

# Another client making and dropping a few top-level windows every millisecond, as Wine and Qt do
# with helper windows while an app starts.
WINDOW_CHURN = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv)
alive = []
def churn():
    for _ in range(5):
        window = QWidget()
        window.setWindowTitle("churn")
        window.show()
        alive.append(window)
    while len(alive) > 10:
        alive.pop(0).deleteLater()
timer = QTimer()
timer.timeout.connect(churn)
timer.start(1)
QTimer.singleShot(0, lambda: print("churning", flush=True))
app.exec()
"""


def test_window_tree_reads_a_desktop_whose_windows_come_and_go(x_display: str) -> None:
    churn = subprocess.Popen(
        [sys.executable, "-c", WINDOW_CHURN],
        env={**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert churn.stdout is not None and churn.stdout.readline().strip() == "churning"
        # Unguarded, about one walk in eight hit a window destroyed mid-walk (measured: 38 of 300).
        seen_churn = 0
        for _ in range(200):
            seen_churn += any(w.name == "churn" for w in desktop.window_tree(x_display))
        assert seen_churn > 0, "the churning windows never showed up, so the walk was not under churn"
    finally:
        desktop.stop_process(churn)
