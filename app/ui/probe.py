"""Child-process side of `ccc-break doctor`'s Qt check: load the platform plugin and ask for a tray."""

from __future__ import annotations

import json
import sys


def qt_probe_main() -> int:
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    app = QApplication(sys.argv[:1])
    answer = {"loaded": True, "platform": app.platformName(), "tray": QSystemTrayIcon.isSystemTrayAvailable()}
    print(json.dumps(answer))
    return 0
