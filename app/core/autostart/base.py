"""The launch-at-login interface shared by every platform backend, and the command it starts."""

from __future__ import annotations

import os
import sys
from abc import ABC, abstractmethod
from pathlib import Path

from app import APP_ID
from app.core.errors import CccBreakError

#: macOS LaunchAgent label; also the bundle identifier in packaging/ccc-break.spec and the label the
#: installer package writes to /Library/LaunchAgents.
LAUNCH_AGENT_LABEL = "com.cccbreak.widget"
#: Name of the value under ...\CurrentVersion\Run, per user (HKCU) and per machine (HKLM, from the MSI).
RUN_VALUE_NAME = "CCC Break"
MINIMIZED_FLAG = "--minimized"
#: The windowed launcher of a pip install ([project.gui-scripts] in pyproject.toml).
GUI_SCRIPT = f"{APP_ID}-gui"


class AutoStartError(CccBreakError):
    """Launch at login could not be changed; `user_message` says where and why."""


class AutoStart(ABC):
    """Starts CCC Break when the user signs in to the desktop."""

    #: False when this platform has no supported mechanism; the UI greys out the checkbox.
    available: bool = True

    @abstractmethod
    def is_enabled(self) -> bool:
        """True if the app will start at the next sign-in."""

    @abstractmethod
    def set_enabled(self, enabled: bool) -> None:
        """Turn launch at login on or off; raises AutoStartError if the OS refuses."""

    @abstractmethod
    def describe(self) -> str:
        """Where the setting lives, for the Settings dialog and `ccc-break doctor`."""


class NullAutoStart(AutoStart):
    """Used where no mechanism is supported: does nothing and says why."""

    available = False

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def is_enabled(self) -> bool:
        return False

    def set_enabled(self, enabled: bool) -> None:
        return None

    def describe(self) -> str:
        return f"Launch at login is not available: {self.reason}"


def launch_command(
    frozen: bool = getattr(sys, "frozen", False),
    executable: str = sys.executable,
    argv0: str = sys.argv[0],
) -> list[str]:
    """The command line that starts this installation of CCC Break minimised to the tray.

    A PyInstaller build is its own executable. A pip/pipx install has the `ccc-break` console script
    (preferably the one we were started through, else the one next to the interpreter); failing that,
    the interpreter runs the package. On Windows a console script or python.exe would open a console
    window at every sign-in, so the windowed `ccc-break-gui` launcher (or pythonw.exe) is used.
    """
    if frozen:
        return [executable, MINIMIZED_FLAG]
    interpreter = Path(executable)
    # venvs keep scripts next to python(.exe); a system Python on Windows keeps them in Scripts\.
    folders = (interpreter.parent, interpreter.parent / "Scripts")
    if executable.lower().endswith(".exe"):
        for candidate in (folder / f"{GUI_SCRIPT}.exe" for folder in folders):
            if candidate.is_file():
                return [str(candidate), MINIMIZED_FLAG]
        windowed = interpreter.with_name("pythonw.exe")
        return [str(windowed if windowed.is_file() else interpreter), "-m", "app", MINIMIZED_FLAG]
    started_as = Path(argv0)
    if argv0 and started_as.name == APP_ID and started_as.is_file():
        return [os.path.abspath(argv0), MINIMIZED_FLAG]
    for candidate in (folder / APP_ID for folder in folders):
        if candidate.is_file():
            return [str(candidate), MINIMIZED_FLAG]
    return [executable, "-m", "app", MINIMIZED_FLAG]
