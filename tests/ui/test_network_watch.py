"""The widget hears the network come back from the kernel itself, in Qt's event loop (Linux), with
no timer and without QtNetwork. Run in a private network namespace: no route of this machine changes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

ROOT = Path(__file__).resolve().parents[2]

IN_NAMESPACE = """
import gc, json, subprocess, sys
from PySide6.QtCore import QCoreApplication, QObject, QTimer
from app.core.default_route import has_default_route
from app.ui.network_watch import NetworkWatch

app = QCoreApplication([])
owner = QObject()  # as the widget owns it
watch = NetworkWatch(owner)
heard = []  # at each "back": was there a way out?
watch.back.connect(lambda: heard.append(has_default_route()))
watch.back.connect(app.quit)
ip = lambda command: subprocess.run(["ip", *command.split()], check=True)
ip("link set lo up")
ip("link set lo mtu 1400")
app.processEvents()  # the wake-up for those local changes: no way out yet, so no "back"
quiet = not heard
ip("route add default dev lo")
QTimer.singleShot(10_000, app.quit)  # a hang guard: the signal normally comes in milliseconds
app.exec()
watch.close()
seen = {"watching": watch.watching, "quiet before": quiet, "heard": heard,
        "qt_network": "PySide6.QtNetwork" in sys.modules}
del owner, watch  # the widget going away: nothing may be left for the event loop to trip on
gc.collect()
QTimer.singleShot(0, app.quit)
app.exec()
print(json.dumps(seen))
"""


@pytest.mark.linux_only
def test_the_network_coming_back_is_heard_once_without_qts_network_module() -> None:
    result = subprocess.run(
        ["unshare", "--net", "--map-root-user", sys.executable, "-c", IN_NAMESPACE],
        cwd=ROOT,
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "watching": True,
        "quiet before": True,
        "heard": [True],
        "qt_network": False,
    }


@pytest.mark.linux_only
def test_a_route_socket_that_cannot_be_read_is_given_up_not_spun_on(qtbot: QtBot) -> None:
    """If this failed, a security policy that lets the widget open the route socket but not read it
    would wake the widget on every turn of its event loop, all day, keeping a core busy."""
    from app.ui.network_watch import NetworkWatch

    watch = NetworkWatch()
    assert watch.watching and watch._routes is not None
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as refused:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as unused:
            unused.bind(("127.0.0.1", 0))
            nobody_listens = unused.getsockname()
        refused.connect(nobody_listens)
        refused.send(b"?")  # loopback answers "port unreachable": the socket now has an error to read
        # The same descriptor number now reads that error, as a refused read of the route socket would.
        os.dup2(refused.fileno(), watch._routes.fileno())
        heard: list[bool] = []
        watch.back.connect(lambda: heard.append(True))
        qtbot.waitUntil(lambda: not watch.watching, timeout=5000)
    assert heard == []
    watch.close()
