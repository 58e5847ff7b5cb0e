"""A real X desktop for end-to-end tests, screenshots and benchmarks: Xvfb, trayer, a private D-Bus,
xdotool/xwininfo/xprop, and the few Xlib calls those tools lack (selection owner, a window manager's close).

No pytest here, so docs/screenshots and benchmarks/ use the same pieces.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sysconfig
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# Debian package for each tool, so a missing one is reported with the command that fixes it.
TOOL_PACKAGES = {
    "Xvfb": "xvfb",
    "trayer": "trayer",
    "xdotool": "xdotool",
    "xwininfo": "x11-utils",
    "xprop": "x11-utils",
    "import": "imagemagick",
    "convert": "imagemagick",
    "dbus-daemon": "dbus",
}


class MissingTool(RuntimeError):
    pass


def require_tools(*names: str) -> None:
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        packages = sorted({TOOL_PACKAGES.get(name, name) for name in missing})
        raise MissingTool(f"missing {', '.join(missing)}; install with: sudo apt-get install -y {' '.join(packages)}")


def ccc_break_executable() -> str:
    """The `ccc-break` this Python installed (bin/ of a venv, Scripts\\ on Windows), never one from PATH."""
    scripts = sysconfig.get_path("scripts")
    found = shutil.which("ccc-break", path=scripts)
    if found is None:
        raise MissingTool(f"ccc-break is not installed in {scripts}; run pip install -e .")
    return found


def wait_for(predicate: Callable[[], T], timeout: float, what: str, interval: float = 0.05) -> T:
    """Poll until predicate returns something truthy; return it, or raise TimeoutError naming what."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def stop_process(process: subprocess.Popen[bytes] | subprocess.Popen[str], timeout: float = 5) -> None:
    """SIGTERM, then SIGKILL if it does not go; only ever the process we started."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


# --- X server, tray host, session bus ---------------------------------------------------------------


class Xvfb:
    """A private X server on a free display; `-displayfd` makes the server pick it, so no race."""

    def __init__(self, width: int = 1024, height: int = 768) -> None:
        self.size = f"{width}x{height}x24"
        self.process: subprocess.Popen[bytes] | None = None
        self.display = ""

    def start(self, timeout: float = 10) -> str:
        require_tools("Xvfb")
        read_end, write_end = os.pipe()
        try:
            self.process = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_end), "-screen", "0", self.size, "-nolisten", "tcp", "-noreset"],
                pass_fds=(write_end,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            os.close(write_end)
            write_end = -1
            number = b""
            deadline = time.monotonic() + timeout
            while not number.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([read_end], [], [], left)[0]:
                    raise TimeoutError(f"Xvfb did not report its display within {timeout} s")
                chunk = os.read(read_end, 16)
                if not chunk:
                    raise RuntimeError(f"Xvfb exited before reporting a display (exit {self.process.wait()})")
                number += chunk
        except BaseException:
            self.stop()
            raise
        finally:
            os.close(read_end)
            if write_end >= 0:
                os.close(write_end)
        self.display = f":{int(number)}"
        return self.display

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None

    def __enter__(self) -> Xvfb:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class Trayer:
    """trayer as the system tray host (XEmbed, `_NET_SYSTEM_TRAY_S0`), top right of the screen."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10) -> None:
        require_tools("trayer")
        self.process = subprocess.Popen(
            [
                *("trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", "120"),
                *("--height", "24", "--transparent", "false"),
            ],
            env={**os.environ, "DISPLAY": self.display},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Qt's isSystemTrayAvailable() asks exactly this: does anyone own the tray selection?
        with XDisplay(self.display) as x:
            wait_for(
                lambda: self._alive() and x.selection_owner("_NET_SYSTEM_TRAY_S0"), timeout, "trayer to own the tray"
            )

    def _alive(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"trayer exited with {self.process.returncode}")
        return True

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None

    def __enter__(self) -> Trayer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class PrivateBus:
    """A session D-Bus of our own, so libdbus does not autolaunch one on the X display (which outlives us)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.address = ""

    def start(self, timeout: float = 10) -> str:
        require_tools("dbus-daemon")
        self.process = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        if not select.select([self.process.stdout], [], [], timeout)[0]:
            self.stop()
            raise TimeoutError("dbus-daemon did not print its address")
        self.address = self.process.stdout.readline().strip()
        if not self.address:
            self.stop()
            raise RuntimeError("dbus-daemon printed no address")
        return self.address

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None

    def __enter__(self) -> PrivateBus:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


# --- Xlib through ctypes: what the command-line tools cannot do ----------------------------------------


class _XClientMessageEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _XClientMessageEvent), ("pad", ctypes.c_long * 24)]


_CLIENT_MESSAGE = 33


def _xlib() -> ctypes.CDLL:
    name = ctypes.util.find_library("X11")
    if name is None:
        raise MissingTool("libX11 not found; install with: sudo apt-get install -y libx11-6")
    lib = ctypes.CDLL(name)
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    lib.XInternAtom.restype = ctypes.c_ulong
    lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.XGetSelectionOwner.restype = ctypes.c_ulong
    lib.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    lib.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(_XEvent)]
    lib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    return lib


class XDisplay:
    def __init__(self, display: str) -> None:
        self._lib = _xlib()
        self._handle = self._lib.XOpenDisplay(display.encode())
        if not self._handle:
            raise RuntimeError(f"cannot open X display {display}")

    def atom(self, name: str) -> int:
        return int(self._lib.XInternAtom(self._handle, name.encode(), 0))

    def selection_owner(self, selection: str) -> int:
        return int(self._lib.XGetSelectionOwner(self._handle, self.atom(selection)))

    def request_close(self, window: int) -> None:
        """What a window manager sends for the title bar's close button: WM_DELETE_WINDOW.

        (`xdotool windowclose` destroys the window instead, which no user can do.)
        """
        event = _XEvent()
        event.xclient.type = _CLIENT_MESSAGE
        event.xclient.window = window
        event.xclient.message_type = self.atom("WM_PROTOCOLS")
        event.xclient.format = 32
        event.xclient.data[0] = self.atom("WM_DELETE_WINDOW")
        event.xclient.data[1] = 0  # CurrentTime
        if not self._lib.XSendEvent(self._handle, window, 0, 0, ctypes.byref(event)):
            raise RuntimeError(f"XSendEvent to {window:#x} failed")
        self._lib.XSync(self._handle, 0)

    def close(self) -> None:
        if self._handle:
            self._lib.XCloseDisplay(self._handle)
            self._handle = None

    def __enter__(self) -> XDisplay:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# --- the command-line X tools ------------------------------------------------------------------------


def _run_x(display: str, args: list[str], timeout: float = 10) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env={**os.environ, "DISPLAY": display}, capture_output=True, text=True, timeout=timeout)


def _x_tool_failed(args: list[str], result: subprocess.CompletedProcess[str]) -> RuntimeError:
    return RuntimeError(f"{' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")


def x_tool(display: str, *args: str, check: bool = True, timeout: float = 10) -> str:
    result = _run_x(display, list(args), timeout)
    if check and result.returncode != 0:
        raise _x_tool_failed(list(args), result)
    return result.stdout


def search_windows(display: str, name_regex: str, *, only_visible: bool = False) -> list[int]:
    args = ["xdotool", "search"] + (["--onlyvisible"] if only_visible else []) + ["--name", name_regex]
    # xdotool search exits 1 when nothing matches: that is an answer, not an error.
    return [int(line) for line in x_tool(display, *args, check=False).split()]


def map_state(display: str, window: int) -> str:
    """IsViewable, IsUnMapped or IsUnviewable; "gone" when the window no longer exists."""
    out = x_tool(display, "xwininfo", "-id", str(window), check=False)
    found = re.search(r"Map State:\s*(\w+)", out)
    return found.group(1) if found else "gone"


def window_pid(display: str, window: int) -> int | None:
    out = x_tool(display, "xprop", "-id", str(window), "_NET_WM_PID", check=False)
    found = re.search(r"= (\d+)", out)
    return int(found.group(1)) if found else None


def has_property(display: str, window: int, name: str) -> bool:
    out = x_tool(display, "xprop", "-id", str(window), name, check=False)
    return "not found" not in out and "=" in out


@dataclass(frozen=True)
class XWindow:
    id: int
    name: str | None
    classes: tuple[str, ...]
    depth: int  # 1 = child of the root
    geometry: str


_TREE_LINE = re.compile(
    r"^(?P<indent>\s+)(?P<id>0x[0-9a-f]+) (?:\"(?P<name>.*?)\"|\(has no name\)): \((?P<classes>.*?)\)\s+(?P<geo>\S+)"
)


# xwininfo walks the tree one request per window: a window that another client destroys meanwhile
# (Wine and Qt make and drop helper windows at start-up) fails the whole walk with BadWindow or
# BadDrawable. That is the tree changing, not an error; a fresh walk sees the new tree.
_TREE_CHANGED = re.compile(r"X Error: (?:3: Bad Window|9: Bad Drawable)")
_TREE_ATTEMPTS = 50


def _tree_text(display: str, target: list[str]) -> str:
    args = ["xwininfo", "-tree", *target]
    for _attempt in range(_TREE_ATTEMPTS):
        result = _run_x(display, args)
        if result.returncode == 0:
            return result.stdout
        if not _TREE_CHANGED.search(result.stderr):
            break  # any other error is the answer: no second run to say it
    raise _x_tool_failed(args, result)


def window_tree(display: str, root: int | None = None) -> list[XWindow]:
    """Every window below root (default: the screen's root), parsed from `xwininfo -tree`."""
    target = ["-root"] if root is None else ["-id", str(root)]
    out = _tree_text(display, target)
    windows = []
    for line in out.splitlines():
        found = _TREE_LINE.match(line)
        if found is None:
            continue
        classes = tuple(re.findall(r'"(.*?)"', found["classes"]))
        depth = (len(found["indent"]) - 2) // 3  # xwininfo indents 5 spaces, then 3 per level
        windows.append(XWindow(int(found["id"], 16), found["name"], classes, depth, found["geo"]))
    return windows


def tray_host_windows(display: str) -> list[XWindow]:
    """trayer's top-level windows (WM_CLASS contains "trayer"), where it reparents tray icons."""
    return [w for w in window_tree(display) if w.depth == 1 and "trayer" in (c.lower() for c in w.classes)]


def tray_clients(display: str) -> list[tuple[XWindow, int | None]]:
    """Client windows embedded in the tray host with their _NET_WM_PID: windows that carry _XEMBED_INFO."""
    clients = []
    for host in tray_host_windows(display):
        for window in window_tree(display, host.id):
            if window.id != host.id and has_property(display, window.id, "_XEMBED_INFO"):
                clients.append((window, window_pid(display, window.id)))
    return clients


def absolute_geometry(display: str, window: int) -> tuple[int, int, int, int]:
    """x, y, width, height of a window in root coordinates."""
    out = x_tool(display, "xwininfo", "-id", str(window))

    def field(label: str) -> int:
        found = re.search(rf"{label}:\s*(-?\d+)", out)
        assert found is not None, f"no {label} in xwininfo output"
        return int(found.group(1))

    return field("Absolute upper-left X"), field("Absolute upper-left Y"), field("Width"), field("Height")


@dataclass(frozen=True)
class Picture:
    """An RGB screenshot: width x height pixels, three bytes each, row by row."""

    width: int
    height: int
    rgb: bytes

    def pixels(self) -> Iterator[tuple[int, int, int]]:
        data = self.rgb
        for i in range(0, len(data), 3):
            yield data[i], data[i + 1], data[i + 2]


_PPM_HEADER = re.compile(rb"\AP6\s+(\d+)\s+(\d+)\s+(\d+)\s")


def grab_window(display: str, window: int) -> Picture:
    """What the window shows on screen now (XGetImage through ImageMagick's `import`), as 8-bit RGB."""
    result = subprocess.run(
        ["import", "-window", str(window), "-depth", "8", "ppm:-"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        timeout=30,
    )
    if result.returncode != 0:
        raise RuntimeError(f"import -window {window:#x} failed ({result.returncode}): {result.stderr.decode().strip()}")
    found = _PPM_HEADER.match(result.stdout)
    if found is None or int(found.group(3)) != 255:
        raise RuntimeError(f"import gave no 8-bit PPM: {result.stdout[:20]!r}")
    width, height = int(found.group(1)), int(found.group(2))
    rgb = result.stdout[found.end() : found.end() + width * height * 3]
    if len(rgb) != width * height * 3:
        raise RuntimeError(f"import gave {len(rgb)} bytes of pixels for {width}x{height}")
    return Picture(width, height, rgb)


def focus_and_key(display: str, window: int, *keys: str) -> None:
    """Keyboard input as a user types it: give the window focus, then XTEST key events.

    Without a window manager `windowactivate` has nobody to ask; `windowfocus --sync` sets the input
    focus directly. `key --window` would send synthetic events, which applications may ignore.
    """
    x_tool(display, "xdotool", "windowfocus", "--sync", str(window))
    x_tool(display, "xdotool", "key", "--clearmodifiers", *keys)


# --- the app's environment -------------------------------------------------------------------------


DEMO_ACCESS_KEY_ID = "demo-access-key-id"
DEMO_ACCESS_KEY_SECRET = "demo-access-key-secret"
INSTANCE_ID = "ccc-test"
USER_ID = "user-test@ccc-test"


def app_environment(
    display: str, bus_address: str, home: str, *, credentials: bool = True, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of one isolated widget run: our display, our bus, our folders, nothing of the user's."""
    os.makedirs(home, exist_ok=True)
    runtime = os.path.join(home, "runtime")
    os.makedirs(runtime, mode=0o700, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QT_", "DBUS_", "ALIBABA_CLOUD_", "CCC_BREAK_", "XDG_"))
        and key not in ("DISPLAY", "WAYLAND_DISPLAY", "HOME", "TMPDIR")
    }
    env.update(
        DISPLAY=display,
        DBUS_SESSION_BUS_ADDRESS=bus_address,
        HOME=home,
        XDG_RUNTIME_DIR=runtime,
        # A private temp dir and runtime dir keep our single-instance socket apart from a real
        # widget the developer may be running.
        TMPDIR=home,
        CCC_BREAK_CONFIG_DIR=os.path.join(home, "config"),
        CCC_BREAK_LOG_DIR=os.path.join(home, "log"),
        CCC_BREAK_SYSTEM_CONFIG=os.path.join(home, "no-system-config.ini"),
        PYTHONUNBUFFERED="1",
    )
    if credentials:
        env.update(
            ALIBABA_CLOUD_ACCESS_KEY_ID=DEMO_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEMO_ACCESS_KEY_SECRET
        )
    env.update(extra or {})
    return env


@contextlib.contextmanager
def desktop(*, tray: bool = True) -> Iterator[tuple[str, str]]:
    """Xvfb (+ trayer) + a private bus for scripts: yields (display, bus address)."""
    with Xvfb() as xvfb, PrivateBus() as bus:
        if tray:
            with Trayer(xvfb.display):
                yield xvfb.display, bus.address
        else:
            yield xvfb.display, bus.address


def terminate_on_exit(process: subprocess.Popen[bytes]) -> None:
    """For scripts: a SIGTERM to the script stops its child too (tests use fixtures instead)."""

    def handler(_signum: int, _frame: object) -> None:
        stop_process(process)
        raise SystemExit(1)

    signal.signal(signal.SIGTERM, handler)


# --- what a screen reader sees (AT-SPI) ------------------------------------------------------------

ATSPI_BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
ATSPI_TREE = Path(__file__).with_name("atspi_tree.py")


class AccessibilityBus:
    """The AT-SPI registry on our private session bus, switched on, as a screen reader would find it."""

    def __init__(self, display: str, session_bus: str) -> None:
        self.env = {**os.environ, "DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": session_bus}
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> AccessibilityBus:
        self.process = subprocess.Popen(
            [ATSPI_BUS_LAUNCHER, "--launch-immediately"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answering() -> bool:
            result = subprocess.run(
                ["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus", "/org/a11y/bus",
                 "org.a11y.Bus.GetAddress"],
                env=self.env, capture_output=True, timeout=5, check=False,
            )  # fmt: skip
            return result.returncode == 0

        wait_for(answering, 15, "the AT-SPI bus")
        subprocess.run(
            ["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus", "/org/a11y/bus",
             "org.freedesktop.DBus.Properties.Set", "string:org.a11y.Status", "string:IsEnabled",
             "variant:boolean:true"],
            env=self.env, capture_output=True, timeout=5, check=True,
        )  # fmt: skip
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None:
            stop_process(self.process)

    def tree(self, pid: int) -> list[dict[str, object]]:
        """Role and name of every node of the app `pid` exposes; [] while it is not registered yet."""
        result = subprocess.run(
            ["/usr/bin/python3", str(ATSPI_TREE), str(pid)],
            env=self.env, capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        try:
            nodes = json.loads(result.stdout or "[]")
        except ValueError:
            return []
        return nodes if isinstance(nodes, list) else []
