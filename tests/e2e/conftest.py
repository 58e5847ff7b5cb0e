"""Fixtures for driving the real `ccc-break` process: a private Xvfb (+ trayer), a private D-Bus, a
standalone simulator process, and a launcher that never leaves a widget running after a test."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import desktop

SIMULATOR_URL = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")
CONTROL_TOKEN = re.compile(r"control token:\s+(\S+)")

# What an unclean exit leaves on stderr: an exception, an asyncio task cut off mid-flight, an aiohttp
# session nobody closed.
UNCLEAN_EXIT_SIGNS = (
    "Traceback (most recent call last)",
    "Task was destroyed but it is pending",
    "Unclosed client session",
    "Unclosed connector",
    "Exception ignored",
    "Fatal Python error",
)


def _required(*tools: str) -> None:
    try:
        desktop.require_tools(*tools)
    except desktop.MissingTool as error:
        # Never a skip: a missing tool must not look like a pass.
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def x_display() -> Iterator[str]:
    """A fresh X server per test with no window manager: what one test maps cannot confuse the next."""
    _required("Xvfb", "xdotool", "xwininfo", "xprop")
    with desktop.Xvfb() as xvfb:
        yield xvfb.display


@pytest.fixture
def tray_host(x_display: str) -> Iterator[str]:
    """trayer on the test's display, owning the system tray selection before the app starts."""
    _required("trayer")
    with desktop.Trayer(x_display):
        yield x_display


@pytest.fixture(scope="module")
def session_bus() -> Iterator[str]:
    _required("dbus-daemon")
    with desktop.PrivateBus() as bus:
        yield bus.address


class SimulatorProcess:
    """`ccc-break simulator --port 0` in its own process, driven through its control API."""

    def __init__(self, process: subprocess.Popen[str], url: str, token: str) -> None:
        self.process = process
        self.url = url
        self.token = token
        self.agent_path = f"/control/agents/{desktop.INSTANCE_ID}/{desktop.USER_ID}"

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        # Loopback http to the simulator we started: no scheme surprise possible.
        request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return json.load(response)

    def agent(self) -> dict[str, Any]:
        return self.call("GET", self.agent_path)  # type: ignore[no-any-return]

    def state(self) -> str:
        return str(self.agent()["state"])

    def requests(self, action: str | None = None, code: str | None = None) -> list[dict[str, Any]]:
        return [
            r
            for r in self.call("GET", "/control/requests")["requests"]
            if (action is None or r["action"] == action) and (code is None or r["code"] == code)
        ]

    def wait_for_state(self, state: str, timeout: float = 10) -> None:
        desktop.wait_for(lambda: self.state() == state, timeout, f"the simulator's agent to be {state}")


@pytest.fixture(scope="module")
def simulator_process() -> Iterator[SimulatorProcess]:
    command = [desktop.ccc_break_executable(), "simulator", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first_line = desktop.wait_for(process.stdout.readline, 15, "the simulator's first line")
        found = SIMULATOR_URL.search(first_line)
        assert found, f"unexpected simulator output: {first_line!r}"
        yield SimulatorProcess(process, found.group(1), read_control_token(process))
    finally:
        desktop.stop_process(process)


def read_control_token(process: subprocess.Popen[str]) -> str:
    """The per-run control token, from the lines `ccc-break simulator` prints after its address."""
    assert process.stdout is not None
    for _ in range(20):
        found = CONTROL_TOKEN.search(desktop.wait_for(process.stdout.readline, 15, "the simulator's info"))
        if found:
            return found.group(1)
    raise AssertionError("the simulator printed no control token")


@pytest.fixture
def simulator(simulator_process: SimulatorProcess) -> SimulatorProcess:
    """The module's simulator, back to its configured agents with no faults and an empty log."""
    simulator_process.call("POST", "/control/reset", {})
    return simulator_process


class AppRun:
    """One `ccc-break` process; stdout and stderr go to files so a chatty process never blocks on a pipe."""

    def __init__(self, process: subprocess.Popen[bytes], display: str, stderr_path: Path) -> None:
        self.process = process
        self.display = display
        self.stderr_path = stderr_path

    @property
    def pid(self) -> int:
        return self.process.pid

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def windows(self, *, only_visible: bool = False) -> list[int]:
        return [
            w
            for w in desktop.search_windows(self.display, "^CCC Break$", only_visible=only_visible)
            if desktop.window_pid(self.display, w) == self.pid
        ]

    def wait_for_window(self, timeout: float = 20) -> int:
        """The main window, once it is mapped (viewable); fails early if the process dies instead."""

        def mapped() -> int | None:
            if self.process.poll() is not None:
                raise AssertionError(f"ccc-break exited with {self.process.returncode}:\n{self.stderr()}")
            found = self.windows(only_visible=True)
            return found[0] if found else None

        return desktop.wait_for(mapped, timeout, "the CCC Break window to be mapped")

    def wait_exit(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"ccc-break still running {timeout:g} s later:\n{self.stderr()}") from None

    def assert_clean_stderr(self) -> None:
        text = self.stderr()
        signs = [sign for sign in UNCLEAN_EXIT_SIGNS if sign in text]
        assert not signs, f"stderr shows an unclean exit ({', '.join(signs)}):\n{text}"


class Launcher:
    def __init__(self, display: str, bus: str, home: Path, simulator: SimulatorProcess) -> None:
        self.display = display
        self.bus = bus
        self.home = home
        self.simulator = simulator
        self.runs: list[AppRun] = []

    def __call__(self, *extra: str, env: Mapping[str, str] | None = None) -> AppRun:
        index = len(self.runs)
        out = self.home / f"run{index}.stdout"
        err = self.home / f"run{index}.stderr"
        command = [
            desktop.ccc_break_executable(),
            "--endpoint",
            self.simulator.url,
            "--instance-id",
            desktop.INSTANCE_ID,
            "--user-id",
            desktop.USER_ID,
            *extra,
        ]
        environment = desktop.app_environment(self.display, self.bus, str(self.home), extra=env)
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(command, env=environment, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
        run = AppRun(process, self.display, err)
        self.runs.append(run)
        return run

    def stop_all(self) -> list[int]:
        """Stop whatever a test left running; returns the pids that had to be stopped."""
        leftover = [run.pid for run in self.runs if run.process.poll() is None]
        for run in self.runs:
            desktop.stop_process(run.process)
        return leftover


@pytest.fixture
def launch(x_display: str, session_bus: str, tmp_path: Path, simulator: SimulatorProcess) -> Iterator[Launcher]:
    """Start `ccc-break` against the simulator on the test's display. A tray host is there only when
    the test also asks for `tray_host` (ask for it first, so trayer is up before the app looks)."""
    launcher = Launcher(x_display, session_bus, tmp_path / "home", simulator)
    yield launcher
    launcher.stop_all()


def wait_until_polled(simulator: SimulatorProcess, timeout: float = 15) -> None:
    """The widget has had its first answer: until then Take Break and Ready are rightly disabled."""
    desktop.wait_for(
        lambda: simulator.requests("PollUserStatus", "OK"), timeout, "the widget's first successful PollUserStatus"
    )


def press_until(run: AppRun, window: int, key: str, condition: Any, timeout: float = 10) -> int:
    """Press key until condition() holds; returns how many presses it took.

    The simulator logs a poll before the widget has read the answer, so the very first press may land
    while the button is still disabled (by design). A user would press again; so do we, bounded.
    """
    presses = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop.focus_and_key(run.display, window, key)
        presses += 1
        try:
            desktop.wait_for(condition, min(2.0, max(0.1, deadline - time.monotonic())), key)
            return presses
        except TimeoutError:
            continue
    raise AssertionError(f"{key} pressed {presses} times in {timeout:g} s without effect:\n{run.stderr()}")
