"""Regenerate the documentation screenshots from the real widget: window.png, tray-menu.png, overrun.png
and queued-break.png.

Runs `ccc-break --demo` on its own Xvfb with trayer as the tray host (nothing of your desktop is
touched or captured), with break codes that carry daily allowances. Takes a break with Ctrl+B, then
captures the main window and the tray menu (opened with a right-click on the tray icon). Then, through
the demo simulator's control API, it plays the morning (a lunch and a short break, taken earlier) and
a break over its maximum (overrun.png, with the Today section), and a call during which the agent
presses Ctrl+B (queued-break.png).

    python docs/screenshots/make_screenshots.py [--out docs/screenshots]

Needs: xvfb trayer xdotool x11-utils imagemagick dbus (Debian package names), and ccc-break
installed in the Python that runs this script (pip install -e .).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e import desktop  # noqa: E402 - needs the repository root on sys.path first

DEMO_TITLE = "^CCC Break \\((demo|演示)\\)$"
MARGIN = 8


CONTROL_TOKEN = "screenshots-control-token"  # noqa: S105 - throwaway; given to the demo widget's simulator through the environment


BREAK_CODES = "default | Break | 15 | 30; lunch | Lunch | 60 | 60; meeting | Meeting; training | Training"


def control(url: str, path: str, body: dict[str, object] | None = None, method: str = "GET") -> dict[str, object]:
    # Loopback http to the demo simulator inside the widget we started.
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {CONTROL_TOKEN}", "Content-Type": "application/json"}
    request = urllib.request.Request(url + path, data=data, headers=headers, method=method)  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return json.load(response)  # type: ignore[no-any-return]


def minutes_ago(minutes: int) -> int:
    return int((time.time() - minutes * 60) * 1000)


def asked_since(url: str, seen: int, *actions: str) -> bool:
    """The widget has asked for each of `actions` since the request log held `seen` entries."""
    log = control(url, "/control/requests")["requests"]
    recent = [r["action"] for r in log[seen:] if r["code"] == "OK"]  # type: ignore[index]
    return all(action in recent for action in actions)


def demo_simulator_url(log_file: Path) -> str | None:
    """The demo widget logs where its embedded simulator listens."""
    if not log_file.exists():
        return None
    found = re.search(r"Demo simulator at (http://127\.0\.0\.1:\d+)", log_file.read_text(errors="replace"))
    return found.group(1) if found else None


def capture(display: str, *args: str) -> None:
    # -strip drops timestamps so unchanged pictures stay byte-identical; PNG8 keeps them small.
    desktop.x_tool(display, "import", *args[:-1], "-strip", f"PNG8:{args[-1]}", timeout=30)


def settled_capture(display: str, args: list[str], target: Path, timeout: float = 10) -> None:
    """Capture until two shots 0.3 s apart are identical: the widget has finished painting."""
    previous = b""

    def stable() -> bool:
        nonlocal previous
        capture(display, *args, str(target))
        current = target.read_bytes()
        same = current == previous
        previous = current
        if not same:
            time.sleep(0.3)
        return same

    desktop.wait_for(stable, timeout, f"{target.name} to stop changing", interval=0)


VARIANTS = (("", "", ""), ("zh_CN", "", "-zh_CN"), ("", "dark", "-dark"))  # language, theme, file suffix


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="where to write the PNGs")
    args = parser.parse_args()
    desktop.require_tools("Xvfb", "trayer", "xdotool", "xwininfo", "xprop", "import", "dbus-daemon")
    args.out.mkdir(parents=True, exist_ok=True)
    for language, theme, suffix in VARIANTS:
        for path in shoot(args.out, language, theme, suffix):
            print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


def shoot(out: Path, language: str, theme: str, suffix: str) -> list[Path]:
    """One run of the demo widget, in `language` and `theme`: the four pictures, named with `suffix`."""
    with tempfile.TemporaryDirectory(prefix="ccc-break-shots-") as home, desktop.desktop(tray=True) as (display, bus):
        env = desktop.app_environment(display, bus, home, credentials=False)
        env["CCC_BREAK_CONTROL_TOKEN"] = CONTROL_TOKEN
        if language:
            env.update(LANG=f"{language}.UTF-8", LANGUAGE="", LC_ALL="")
        config = Path(env["CCC_BREAK_CONFIG_DIR"])
        config.mkdir(parents=True, exist_ok=True)
        (config / "demo.ini").write_text(
            f"[ccc-break]\nbreak_codes = {BREAK_CODES}\npoll_interval = 5\ntheme = {theme}\n"
        )
        process = subprocess.Popen(
            [desktop.ccc_break_executable(), "--demo"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            window = desktop.wait_for(
                lambda: desktop.search_windows(display, DEMO_TITLE, only_visible=True), 30, "the demo window"
            )[0]
            url = desktop.wait_for(
                lambda: demo_simulator_url(Path(env["CCC_BREAK_LOG_DIR"]) / "ccc-break.log"), 30, "the demo URL"
            )
            agent = f"/control/agents/{desktop.INSTANCE_ID}/{desktop.USER_ID}"
            requests_seen = "/control/requests"

            def polled() -> bool:
                log = control(url, requests_seen)["requests"]
                return any(r["action"] == "PollUserStatus" and r["code"] == "OK" for r in log)  # type: ignore[attr-defined, index]

            desktop.wait_for(polled, 20, "the first poll")

            # The first poll's answer may still be on its way to the window (buttons disabled until then),
            # so press again, bounded, as an agent would.
            deadline = time.monotonic() + 15
            while control(url, agent)["state"] != "BREAK":
                if time.monotonic() > deadline:
                    raise TimeoutError("Ctrl+B did not take a break within 15 s")
                desktop.focus_and_key(display, window, "ctrl+b")
                try:
                    desktop.wait_for(lambda: control(url, agent)["state"] == "BREAK", 2, "BREAK")
                except TimeoutError:
                    continue

            window_png = out / f"window{suffix}.png"
            settled_capture(display, ["-window", str(window)], window_png)

            icon = desktop.wait_for(
                lambda: [w for w, pid in desktop.tray_clients(display) if pid == process.pid], 10, "the tray icon"
            )[0]
            ix, iy, iw, ih = desktop.absolute_geometry(display, icon.id)
            before = set(
                desktop.x_tool(display, "xdotool", "search", "--onlyvisible", "--pid", str(process.pid)).split()
            )
            desktop.x_tool(display, "xdotool", "mousemove", str(ix + iw // 2), str(iy + ih // 2), "click", "3")

            def menu_window() -> list[str]:
                out = desktop.x_tool(
                    display, "xdotool", "search", "--onlyvisible", "--pid", str(process.pid), check=False
                )
                return [w for w in out.split() if w not in before and w != str(icon.id)]

            menu = int(desktop.wait_for(menu_window, 10, "the tray menu")[0])
            mx, my, mw, mh = desktop.absolute_geometry(display, menu)
            # The crop holds the icon and its menu, as an agent sees them in the panel corner.
            left, top = max(0, min(ix, mx) - MARGIN), max(0, min(iy, my) - MARGIN)
            right, bottom = max(ix + iw, mx + mw) + MARGIN, max(iy + ih, my + mh) + MARGIN
            crop = f"{right - left}x{bottom - top}+{left}+{top}"
            menu_png = out / f"tray-menu{suffix}.png"
            settled_capture(display, ["-window", "root", "-crop", crop, "+repage"], menu_png)
            desktop.x_tool(display, "xdotool", "key", "Escape")

            # Back to READY first, so the break below is a new state the widget asks the service about.
            control(url, agent, {"state": "READY"}, method="PATCH")
            seen = len(control(url, requests_seen)["requests"])  # type: ignore[arg-type]
            desktop.focus_and_key(display, window, "F5")
            desktop.wait_for(lambda: asked_since(url, seen, "PollUserStatus"), 20, "READY on screen")
            # The morning so far, then a short break past its 15 minutes: the overrun and Today.
            for change in (
                {"state": "BREAK", "break_code": "lunch", "since_ms": minutes_ago(150)},
                {"state": "READY", "since_ms": minutes_ago(105)},
                {"state": "BREAK", "break_code": "default", "since_ms": minutes_ago(70)},
                {"state": "READY", "since_ms": minutes_ago(60)},
                {"state": "BREAK", "break_code": "default", "since_ms": minutes_ago(17)},
            ):
                control(url, agent, change, method="PATCH")
            seen = len(control(url, requests_seen)["requests"])  # type: ignore[arg-type]
            desktop.focus_and_key(display, window, "F5")
            desktop.wait_for(
                lambda: asked_since(url, seen, "PollUserStatus", "ListRealtimeAgentStates", "ListAgentStateLogs"),
                20,
                "the widget to learn the overrun and today's breaks",
            )
            overrun_png = out / f"overrun{suffix}.png"
            settled_capture(display, ["-window", str(window)], overrun_png)

            # On a call, the agent asks for lunch after it.
            control(url, agent, {"state": "READY"}, method="PATCH")
            control(url, agent + "/call", {"direction": "INBOUND", "other_party": "13900001111"}, method="POST")
            control(url, agent + "/call/answer", {}, method="POST")
            seen = len(control(url, requests_seen)["requests"])  # type: ignore[arg-type]
            desktop.focus_and_key(display, window, "F5")
            desktop.wait_for(lambda: asked_since(url, seen, "PollUserStatus"), 20, "the call on screen")
            desktop.focus_and_key(display, window, "alt+c", "Down", "ctrl+b")  # the code box, Lunch, Take Break
            queued_png = out / f"queued-break{suffix}.png"
            settled_capture(display, ["-window", str(window)], queued_png)
        finally:
            desktop.stop_process(process)
    return [window_png, menu_png, overrun_png, queued_png]


if __name__ == "__main__":
    sys.exit(main())
