"""One widget per user and login session, on shared desktops too: a second start by the same user
in the same session brings the first forward; other sessions and other users get their own widget;
nobody can squat the name to make another user's widget exit without showing anything."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.instance_address import instance_address
from app.ui.single_instance import SingleInstance, socket_peer_uid

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534
SESSION = {"XDG_SESSION_ID": "7"}  # no XDG_RUNTIME_DIR: the private temp folder is used


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temp folder everyone may write, like /tmp on a terminal server (pytest's own is private)."""
    folder = Path(tempfile.mkdtemp(prefix="ccc-break-shared-"))
    folder.chmod(0o1777)
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


@pytest.fixture
def instances() -> Iterator[list[SingleInstance]]:
    made: list[SingleInstance] = []
    yield made
    for instance in made:
        instance.close()


def _guard(shared_tmp: Path, instances: list[SingleInstance]) -> SingleInstance:
    guard = SingleInstance(instance_address("ccc-break", environ=SESSION, temp_root=shared_tmp))
    instances.append(guard)
    return guard


@pytest.mark.linux_only
def test_a_second_start_in_the_same_session_brings_the_first_forward(
    qtbot: QtBot, shared_tmp: Path, instances: list[SingleInstance]
) -> None:
    first = _guard(shared_tmp, instances)
    assert first.forward_to_running() is False and first.problem is None
    first.serve()
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert _guard(shared_tmp, instances).forward_to_running() is True


@pytest.mark.linux_only
def test_a_start_while_the_first_window_is_still_coming_up_is_answered_once_it_is(
    qtbot: QtBot, shared_tmp: Path, instances: list[SingleInstance]
) -> None:
    """The first widget holds the name before its first paint and answers after it: a double click
    on the launcher gives one window, and the second start does not wait for the first."""
    first = _guard(shared_tmp, instances)
    assert first.forward_to_running() is False
    assert _guard(shared_tmp, instances).forward_to_running() is True, "the name is held before the paint"
    with qtbot.waitSignal(first.activated, timeout=5000):
        first.serve()


@pytest.mark.linux_only
def test_a_socket_left_by_a_crashed_widget_is_taken_over(
    qtbot: QtBot, shared_tmp: Path, instances: list[SingleInstance]
) -> None:
    name = instance_address("ccc-break", environ=SESSION, temp_root=shared_tmp).name
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as crashed:
        crashed.bind(name)  # closed without removing its file, as a killed widget leaves it
    first = _guard(shared_tmp, instances)
    assert first.forward_to_running() is False and first.problem is None
    assert stat.S_IMODE(os.stat(name).st_mode) == 0o600, "only this user may connect"
    first.serve()
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert _guard(shared_tmp, instances).forward_to_running() is True


@pytest.mark.linux_only
def test_an_address_too_long_for_a_socket_turns_the_guard_off_and_says_so(
    tmp_path: Path, instances: list[SingleInstance]
) -> None:
    """A socket's path has a limit (108 bytes on Linux): a runtime folder deeper than that must not
    stop the widget, nor leave the agent guessing why a second copy could start."""
    runtime = tmp_path / ("deep-" * 30)
    runtime.mkdir(mode=0o700)
    guard = SingleInstance(instance_address("ccc-break", environ={"XDG_RUNTIME_DIR": str(runtime)}))
    instances.append(guard)
    assert guard.forward_to_running() is False
    assert guard.problem is not None and "off for this run" in guard.problem
    guard.serve()  # nothing to hand over: the widget runs on without the guard


@pytest.mark.linux_only
@pytest.mark.parametrize("served", [True, False], ids=["served", "quit before its window was up"])
def test_a_widget_that_quits_leaves_no_socket_behind(shared_tmp: Path, served: bool) -> None:
    guard = SingleInstance(instance_address("ccc-break", environ=SESSION, temp_root=shared_tmp))
    assert guard.forward_to_running() is False
    if served:
        guard.serve()
    assert Path(guard.name).exists()
    guard.close()
    assert not Path(guard.name).exists()


@pytest.mark.linux_only
def test_another_session_of_the_same_user_gets_its_own_widget(
    shared_tmp: Path, instances: list[SingleInstance]
) -> None:
    """Two sessions of one agent (two displays, a remote session) do not swallow each other's widget."""
    first = SingleInstance(instance_address("ccc-break", environ=SESSION, temp_root=shared_tmp))
    other = SingleInstance(instance_address("ccc-break", environ={"XDG_SESSION_ID": "8"}, temp_root=shared_tmp))
    instances += [first, other]
    assert first.forward_to_running() is False
    assert other.forward_to_running() is False, "another session must start its own widget"
    assert first.name != other.name


@pytest.mark.linux_only
def test_the_address_lives_in_the_users_runtime_folder(tmp_path: Path) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    address = instance_address("ccc-break", environ={"XDG_RUNTIME_DIR": str(runtime), "DISPLAY": ":3"})
    assert address.problem is None
    assert Path(address.name).parent == runtime
    assert Path(address.name).name == "ccc-break-display_3.sock"


@pytest.mark.linux_only
def test_a_folder_other_users_could_write_is_refused_and_the_widget_starts_anyway(
    shared_tmp: Path, instances: list[SingleInstance]
) -> None:
    """A squatter who made our folder world-writable cannot plant a socket there: we do not use it,
    we do not exit, and the agent is told why the check was skipped."""
    lax = shared_tmp / f"ccc-break-{os.getuid()}"
    lax.mkdir()
    lax.chmod(0o777)
    guard = SingleInstance(instance_address("ccc-break", environ=SESSION, temp_root=shared_tmp))
    instances.append(guard)
    assert guard.forward_to_running() is False
    assert guard.problem is not None and "other users" in guard.problem


@pytest.mark.linux_only
def test_the_peer_of_a_local_connection_is_identified() -> None:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with ours, theirs:
        assert socket_peer_uid(ours) == socket_peer_uid(theirs) == os.getuid()


@pytest.mark.linux_only
def test_connections_that_say_nothing_or_something_else_do_not_bring_the_window_forward(
    qtbot: QtBot, shared_tmp: Path, instances: list[SingleInstance]
) -> None:
    """Only a start's own message counts; every connection is closed once read, so none piles up
    over a day of starts."""
    first = _guard(shared_tmp, instances)
    assert first.forward_to_running() is False
    first.serve()
    shown: list[bool] = []
    first.activated.connect(lambda: shown.append(True))
    for said in (b"", b"hello\n"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as peer:
            peer.connect(first.name)
            peer.sendall(said)
    open_before = len(os.listdir("/proc/self/fd"))
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert _guard(shared_tmp, instances).forward_to_running() is True
    assert shown == [True], "the two connections before the start must not have shown the window"
    qtbot.waitUntil(lambda: len(os.listdir("/proc/self/fd")) <= open_before, timeout=5000)


LISTEN_AS_OTHER_USER = """
import sys
from PySide6.QtCore import QCoreApplication
from app.core.instance_address import instance_address
from app.ui.single_instance import SingleInstance
from pathlib import Path
app = QCoreApplication([])
guard = SingleInstance(instance_address("ccc-break", environ={"XDG_SESSION_ID": "7"}, temp_root=Path(sys.argv[1])))
forwarded = guard.forward_to_running()
print("forwarded" if forwarded else ("problem" if guard.problem else "listening"), flush=True)
sys.stdin.read()
"""


def _as_other_user(shared_tmp: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
         sys.executable, "-c", LISTEN_AS_OTHER_USER, str(shared_tmp)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(shared_tmp), "QT_QPA_PLATFORM": "offscreen"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


@pytest.fixture
def needs_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("a second Unix user needs root (CI runs as root)")


@pytest.mark.linux_only
def test_two_users_on_one_desktop_each_get_their_widget(
    needs_root: None, shared_tmp: Path, instances: list[SingleInstance]
) -> None:
    """On a terminal server a colleague's running widget must not make ours exit 0 showing nothing."""
    colleague = _as_other_user(shared_tmp)
    try:
        assert colleague.stdout is not None
        assert colleague.stdout.readline().strip() == "listening", colleague.stderr.read() if colleague.stderr else ""
        ours = SingleInstance(instance_address("ccc-break", environ=SESSION, temp_root=shared_tmp))
        instances.append(ours)
        assert ours.forward_to_running() is False, "our widget must start, not defer to another user's"
        assert ours.problem is None
    finally:
        colleague.kill()
        colleague.wait(10)


@pytest.mark.linux_only
def test_a_name_squatted_by_another_user_does_not_silence_our_widget(
    needs_root: None, shared_tmp: Path, instances: list[SingleInstance]
) -> None:
    """Another user pre-creates the folder our address would use: it is refused (not ours), our
    widget starts anyway and says the check was skipped."""
    squatted = shared_tmp / f"ccc-break-{os.getuid()}"
    squatted.mkdir(mode=0o700)
    os.chown(squatted, NOBODY, NOBODY)
    ours = SingleInstance(instance_address("ccc-break", environ=SESSION, temp_root=shared_tmp))
    instances.append(ours)
    assert ours.forward_to_running() is False
    assert ours.problem is not None and "another user" in ours.problem


def _run_guard_script(script: str, shared_tmp: Path) -> subprocess.CompletedProcess[str]:
    """A guard's life in a process of its own: a crash or a spin there cannot take the test run along."""
    return subprocess.run(
        [sys.executable, "-c", script, str(shared_tmp)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


GUARD_GOES_AWAY = """
import gc, socket, sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
from app.core.instance_address import instance_address
from app.ui.single_instance import SingleInstance

app = QCoreApplication([])
guard = SingleInstance(instance_address("ccc-break", environ={"XDG_SESSION_ID": "7"}, temp_root=Path(sys.argv[1])))
assert guard.forward_to_running() is False
guard.serve()
guard.activated.connect(app.quit)
with socket.socket(socket.AF_UNIX) as start:
    start.connect(guard.name)
    start.sendall(b"show\\n")
app.exec()  # the start is read, and its connection given up from inside its own signal
guard.close()
del guard
gc.collect()
QTimer.singleShot(0, app.quit)
app.exec()  # whatever the guard left for the event loop runs here
print("still running")
"""


@pytest.mark.linux_only
def test_a_guard_that_is_closed_and_gone_leaves_nothing_that_crashes_the_widget_later(shared_tmp: Path) -> None:
    """If this failed, a widget (or a test) would crash at its next event after the guard went away."""
    result = _run_guard_script(GUARD_GOES_AWAY, shared_tmp)
    assert (result.returncode, result.stdout.strip()) == (0, "still running"), result.stderr[-2000:]


@pytest.mark.linux_only
def test_connections_that_never_speak_do_not_keep_a_real_start_from_being_heard(
    qtbot: QtBot, shared_tmp: Path, instances: list[SingleInstance]
) -> None:
    """If this failed, a few stuck connections (a start stopped in a debugger, a stray tool) would make
    every later double click exit quietly without bringing the window forward."""
    first = _guard(shared_tmp, instances)
    assert first.forward_to_running() is False
    first.serve()
    silent = [socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) for _ in range(12)]
    try:
        for count, peer in enumerate(silent, start=1):
            peer.connect(first.name)
            # Accepted before the next connects: the socket's backlog holds only eight.
            qtbot.waitUntil(lambda n=count: len(first._connections) == min(n, 8), timeout=5000)
        with qtbot.waitSignal(first.activated, timeout=5000):
            assert _guard(shared_tmp, instances).forward_to_running() is True
    finally:
        for peer in silent:
            peer.close()


OUT_OF_DESCRIPTORS = """
import resource, socket, sys, os
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
from app.core.instance_address import instance_address
from app.ui.single_instance import SingleInstance

app = QCoreApplication([])
guard = SingleInstance(instance_address("ccc-break", environ={"XDG_SESSION_ID": "7"}, temp_root=Path(sys.argv[1])))
assert guard.forward_to_running() is False
guard.serve()
import logging
attempts = []
class Count(logging.Handler):
    def emit(self, record):
        if "could not be answered" in record.getMessage():
            attempts.append(1)
            if len(attempts) == 1:  # watch the loop for a while after the first failure
                QTimer.singleShot(300, app.quit)
logging.getLogger("app").addHandler(Count())
start = socket.socket(socket.AF_UNIX)
start.connect(guard.name)
start.sendall(b"show\\n")
highest = max(int(fd) for fd in os.listdir("/proc/self/fd"))
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (highest + 1, hard))
held = []
while True:  # every number under the limit taken: accept() has none left
    try:
        held.append(os.dup(0))
    except OSError:
        break
QTimer.singleShot(10_000, app.quit)  # a hang guard: the first failure comes at the first turn
app.exec()
print(len(attempts))
"""


@pytest.mark.linux_only
def test_running_out_of_descriptors_does_not_spin_the_widget(shared_tmp: Path) -> None:
    """A start that cannot be accepted stays in the backlog, so the socket stays readable: retrying at
    once would keep a core busy and write a warning per turn of the event loop."""
    result = _run_guard_script(OUT_OF_DESCRIPTORS, shared_tmp)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip()) == 1, "accept() failed once, then must wait before it is tried again"
