"""One widget per user and login session: a second start asks the first to come forward, then exits 0.

The address is private to the user and session (`app.core.instance_address`). The peer's user is
checked on both ends too (the socket's peer credentials on Linux, the pipe's process token on
Windows), so no other user's process can pose as the running widget or order it about. When the
guard cannot work, the widget starts anyway and says why: never a silent exit.
"""

from __future__ import annotations

import logging
import os
import socket as pysocket
import struct
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.core.instance_address import InstanceAddress, pipe_peer_sid, process_user_sid

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500
MESSAGE = b"show\n"


def peer_uid(connection: QLocalSocket) -> int | None:
    """The user id of the process at the other end (Linux); None where the OS cannot say."""
    if not sys.platform.startswith("linux"):
        return None
    descriptor = int(connection.socketDescriptor())
    if descriptor < 0:
        return None
    probe = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM, fileno=os.dup(descriptor))
    try:
        credentials = probe.getsockopt(pysocket.SOL_SOCKET, pysocket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return None
    finally:
        probe.close()
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return int(uid)


def _is_ours(connection: QLocalSocket, *, we_serve: bool) -> bool:
    if sys.platform == "win32":
        # A pipe name is machine-wide and any user may create it first: ask who serves (or connects).
        descriptor = int(connection.socketDescriptor())
        sid = pipe_peer_sid(descriptor, of_server=not we_serve) if descriptor not in (0, -1) else None
        return sid is None or sid == process_user_sid()
    uid = peer_uid(connection)
    return uid is None or uid == os.getuid()


class SingleInstance(QObject):
    activated = Signal()

    def __init__(self, address: InstanceAddress, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = address.name
        self.problem = address.problem  # shown to the agent when set: the guard is off for this run
        self.forwarded = False  # a widget that started at the same moment won the name: we deferred to it
        self._server: QLocalServer | None = None

    def forward_to_running(self) -> bool:
        """True when our own running widget answered and was asked to show itself."""
        if self.problem is not None:
            logger.warning("%s", self.problem)
            return False
        if self._answered():
            return True
        if self.problem is not None:
            return False
        self._listen()
        return self.forwarded

    def _answered(self) -> bool:
        """Our own running widget is there: it was asked to come forward."""
        connection = QLocalSocket()
        connection.connectToServer(self.name)
        if not connection.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        if not _is_ours(connection, we_serve=False):
            connection.abort()
            self.problem = "Another user's program holds this session's CCC Break address; starting anyway."
            logger.warning("%s", self.problem)
            return False
        connection.write(MESSAGE)
        connection.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        connection.disconnectFromServer()
        return True

    def _listen(self) -> None:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # Another start may have begun listening since we looked: ask once more before treating
            # the socket as one left by a crashed instance.
            if self._answered():
                self.forwarded = True
                return
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                self.problem = f"The check for a second CCC Break is off for this run ({server.errorString()})."
                logger.warning("%s", self.problem)
                return
        server.newConnection.connect(self._accept)
        self._server = server

    def _accept(self) -> None:
        assert self._server is not None
        while (connection := self._server.nextPendingConnection()) is not None:
            if not _is_ours(connection, we_serve=True):
                logger.warning("Ignored a connection from another user's process")
                connection.abort()
                connection.deleteLater()
                continue
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)
            if connection.bytesAvailable():
                self._read(connection)

    def _read(self, connection: QLocalSocket) -> None:
        if bytes(connection.readAll().data()).startswith(MESSAGE.strip()):
            self.activated.emit()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
