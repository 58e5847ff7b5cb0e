"""The Windows app as an agent meets it, under Wine: `ccc-break --demo` shows its window, its tray icon
docks in the panel (trayer), and Take Break picked from the tray icon's menu puts the demo agent on a
break; Quit from the same menu ends the app and takes the icon away. Right click and keys come from
xdotool, the icon's colours from the pixels trayer shows."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e import desktop
from tests.e2e.conftest import SimulatorProcess
from tests.e2e.test_break_overrun import ABSENT_SHARE, BREAK_ORANGE, READY_GREEN, describe, share

pytestmark = pytest.mark.wine_e2e

WINE = os.environ.get("CCC_BREAK_WINE", "/usr/lib/wine/wine64")
CONTROL_TOKEN = "wine-e2e-control-token"  # the demo simulator's, for this test only
DEMO_URL = re.compile(r"Demo simulator at (http://127\.0\.0\.1:\d+)")
# A Windows CPython under Wine takes 10-30 s to show a window on 2 busy cores.
START_TIMEOUT_S = 120
# Wine draws the 16 px icon in a 20x30 slot, so the state's shape covers about a seventh of the slot
# (a third of trayer's own 24 px slot on Linux); the other state's colour must still be absent.
SHOWN_SHARE = 0.1


def windows_path(path: Path) -> str:
    """Wine maps Z: to the Unix root."""
    return "Z:" + str(path.resolve()).replace("/", "\\")


@dataclass
class WineApp:
    process: subprocess.Popen[bytes]
    display: str
    log_file: Path
    output: list[bytes] = field(default_factory=list)

    def text(self) -> str:
        log = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return f"output:\n{b''.join(self.output).decode(errors='replace')}\nlog:\n{log}"

    def alive(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the app exited with {self.process.returncode}:\n{self.text()}")
        return True

    def top_level(self, name: str) -> list[int]:
        """Viewable top-level windows of the Windows Python process with exactly this title."""
        return [
            w.id
            for w in desktop.window_tree(self.display)
            if w.depth == 1
            and "python.exe" in w.classes
            and w.name == name
            and desktop.map_state(self.display, w.id) == "IsViewable"
        ]


@pytest.fixture
def wine_demo(tmp_path: Path) -> Iterator[WineApp]:
    """`ccc-break --demo` on the Windows interpreter, with private settings and logs; never left running."""
    display = os.environ["DISPLAY"]
    home = tmp_path / "home"
    for folder in ("config", "log"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        # Wine hands no QT_* variable to Windows programs; WINEQT_* arrives without its prefix.
        "WINEQT_QPA_PLATFORM": "windows",
        "CCC_BREAK_CONFIG_DIR": windows_path(home / "config"),
        "CCC_BREAK_LOG_DIR": windows_path(home / "log"),
        "CCC_BREAK_SYSTEM_CONFIG": windows_path(home / "no-system-config.ini"),
        "CCC_BREAK_CONTROL_TOKEN": CONTROL_TOKEN,
    }
    # python.exe needs pipes, not files, for its output (Wine); a thread keeps the pipe drained.
    process = subprocess.Popen(
        ["timeout", "--kill-after=10", "600", WINE, os.environ["CCC_BREAK_WINE_PYTHON"], "-m", "app", "--demo"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    app = WineApp(process, display, home / "log" / "ccc-break.log")
    assert process.stdout is not None
    pipe = process.stdout
    threading.Thread(target=lambda: app.output.extend(iter(lambda: pipe.read1(4096), b"")), daemon=True).start()
    try:
        yield app
    finally:
        desktop.stop_process(process, timeout=20)


def demo_simulator(app: WineApp) -> SimulatorProcess:
    """The simulator inside the app, reached through its control API (its address is in the app's log)."""

    def address() -> str | None:
        app.alive()
        found = DEMO_URL.search(app.log_file.read_text(errors="replace")) if app.log_file.exists() else None
        return found.group(1) if found else None

    url = desktop.wait_for(address, START_TIMEOUT_S, "the demo simulator's address in the log")
    return SimulatorProcess(app.process, url, CONTROL_TOKEN)  # type: ignore[arg-type]


def open_tray_menu(app: WineApp, icon: int) -> None:
    """Right-click the docked icon, as an agent does, until the menu is on screen (bounded)."""
    x, y, width, height = desktop.absolute_geometry(app.display, icon)
    for _attempt in range(5):
        desktop.x_tool(app.display, "xdotool", "mousemove", str(x + width // 2), str(y + height // 2))
        # A click as fast as xdotool's `click` reaches Wine's tray as a hover; a person's click has a press.
        desktop.x_tool(app.display, "xdotool", "mousedown", "3")
        time.sleep(0.2)  # the length of a press, not a wait for an outcome
        desktop.x_tool(app.display, "xdotool", "mouseup", "3")
        try:
            desktop.wait_for(lambda: app.alive() and app.top_level("CCC Break"), 5, "the tray menu")
            return
        except TimeoutError:
            continue
    raise AssertionError(f"the tray menu did not open after 5 right clicks:\n{app.text()}")


def test_demo_docks_in_the_tray_and_takes_a_break_from_its_menu(wine_demo: WineApp) -> None:
    app = wine_demo
    docked_before = {w.id for w, _pid in desktop.tray_clients(app.display)}

    desktop.wait_for(lambda: app.alive() and app.top_level("CCC Break (demo)"), START_TIMEOUT_S, "the demo window")
    simulator = demo_simulator(app)
    desktop.wait_for(
        lambda: simulator.requests("PollUserStatus", "OK"), START_TIMEOUT_S, "the app's first PollUserStatus"
    )
    assert simulator.state() == "READY"

    def our_icons() -> list[int]:
        return [w.id for w, _pid in desktop.tray_clients(app.display) if w.id not in docked_before]

    icons = desktop.wait_for(our_icons, 30, "the app's icon docked in trayer")
    assert len(icons) == 1, f"expected one tray icon, found {icons}"
    icon = icons[0]
    assert desktop.map_state(app.display, icon) == "IsViewable"
    ready_look = desktop.grab_window(app.display, icon)
    assert share(ready_look, READY_GREEN) >= SHOWN_SHARE, f"the Ready icon shows {describe(ready_look)}"
    assert share(ready_look, BREAK_ORANGE) < ABSENT_SHARE, f"the Ready icon shows {describe(ready_look)}"

    # Take Break ▸ its first code (the default break), from the keyboard inside the open menu.
    open_tray_menu(app, icon)
    desktop.x_tool(app.display, "xdotool", "key", "Down", "Right", "Return")
    simulator.wait_for_state("BREAK", timeout=15)
    assert simulator.agent()["break_code"] == "default"
    assert simulator.requests("TakeBreak", "OK")

    def break_look() -> desktop.Picture | None:
        picture = desktop.grab_window(app.display, icon)
        shown = share(picture, BREAK_ORANGE) >= SHOWN_SHARE and share(picture, READY_GREEN) < ABSENT_SHARE
        return picture if shown else None

    desktop.wait_for(break_look, 15, "the tray icon to show the break")

    # Quit is the menu's last item: Up wraps round to it.
    open_tray_menu(app, icon)
    desktop.x_tool(app.display, "xdotool", "key", "Up", "Return")
    assert app.process.wait(30) == 0, app.text()
    desktop.wait_for(lambda: not our_icons(), 15, "the tray icon to go with the app")
