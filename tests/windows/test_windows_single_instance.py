"""One widget per user and session on Windows: the pipe is named by the user's SID (not USERNAME, which
anyone can set) and the session, and a second start from another process brings the first forward."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.core.instance_address import instance_address, pipe_peer_sid, process_user_sid
from app.ui.single_instance import SingleInstance

pytestmark = pytest.mark.windows_only

SECOND_START = """
import sys
from PySide6.QtCore import QCoreApplication
from app.core.instance_address import instance_address
from app.ui.single_instance import SingleInstance
app = QCoreApplication([])
guard = SingleInstance(instance_address("ccc-break-test"))
sys.exit(0 if guard.forward_to_running() else 1)
"""


@pytest.fixture
def instances() -> Iterator[list[SingleInstance]]:
    made: list[SingleInstance] = []
    yield made
    for instance in made:
        instance.close()


def test_the_name_carries_the_users_sid_and_session_whatever_username_says() -> None:
    sid = process_user_sid()
    assert sid.startswith("S-1-5-")
    forged = instance_address("ccc-break", environ={"USERNAME": "someone-else", "USERDOMAIN": "CORP"})
    assert forged.problem is None
    assert sid in forged.name and "someone-else" not in forged.name
    assert forged == instance_address("ccc-break", environ={})


def test_a_second_start_in_another_process_brings_the_first_forward(
    qtbot: QtBot, instances: list[SingleInstance]
) -> None:
    first = SingleInstance(instance_address("ccc-break-test"))
    instances.append(first)
    assert first.forward_to_running() is False and first.problem is None
    with qtbot.waitSignal(first.activated, timeout=15_000):
        second = subprocess.Popen([sys.executable, "-c", SECOND_START])
    assert second.wait(timeout=30) == 0, "the second start must find the first and exit 0"


def test_the_widget_sees_who_serves_the_pipe(qtbot: QtBot, instances: list[SingleInstance]) -> None:
    """The check that keeps another user's squatting pipe from silencing our widget: the server's
    process token names our own SID (a second Windows user cannot be made under Wine)."""
    from PySide6.QtNetwork import QLocalSocket

    first = SingleInstance(instance_address("ccc-break-test"))
    instances.append(first)
    assert first.forward_to_running() is False
    client = QLocalSocket()
    client.connectToServer(first.name)
    assert client.waitForConnected(5000)
    assert pipe_peer_sid(int(client.socketDescriptor()), of_server=True) == process_user_sid()
    client.abort()
