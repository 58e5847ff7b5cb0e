"""The bundle's console command, `ccc-break-cli` (`/usr/bin/ccc-break` on Linux): every subcommand
without Qt. PyInstaller builds it with PySide6 excluded, so no Qt library loads for `status`, `doctor`
or `take-break`; without a subcommand it hands over to the windowed `ccc-break` beside it."""

import os
import subprocess
import sys
from pathlib import Path

from app.__main__ import main


def run_the_widget(argv: list[str]) -> int:
    widget = Path(sys.executable).with_name("ccc-break.exe" if os.name == "nt" else "ccc-break")
    if os.name == "nt":  # no exec on Windows: the windowed executable runs on its own
        subprocess.Popen([str(widget), *argv])
        return 0
    os.execv(widget, [str(widget), *argv])  # noqa: S606 - replaces this process with the widget


if __name__ == "__main__":
    sys.exit(main(widget_launcher=run_the_widget))
