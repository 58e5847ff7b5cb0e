"""One widget per user and login session: a second start asks the first to come forward, then exits 0.

The address is private to the user and session (`app.core.instance_address`). The peer's user is
checked on both ends too (the socket's peer credentials on Linux, the pipe's process token on
Windows), so no other user's process can pose as the running widget or order it about. When the
guard cannot work, the widget starts anyway and says why: never a silent exit.

On Unix the check and the listening socket are plain sockets, made before the first paint and
answered after it (`serve`) through a QSocketNotifier: a start in between waits in the socket's
backlog and is answered then. The widget never loads QtNetwork there (about 10 ms to load, and with
its network plug-ins over 4 MiB all day). Windows names a pipe, which only QtNetwork speaks here:
there the guard is Qt's QLocalServer from the start.
"""

from __future__ import annotations

# The socket module's C core: socket.py adds enums of every AF_*, SOCK_* and MSG_* constant, built at
# import (about 3 ms before the first window); the guard needs one AF_UNIX socket and no more.
import _socket
import contextlib
import logging
import os
import struct
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from app.core.instance_address import InstanceAddress, pipe_peer_sid, process_user_sid
from app.ui.i18n import tr

if TYPE_CHECKING:
    import socket
    from collections.abc import Callable

    from PySide6.QtNetwork import QLocalServer, QLocalSocket

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500
MESSAGE = b"show\n"
# A start sends MESSAGE and closes at once: more connections than this waiting to speak are not starts,
# and the oldest is given up for the newest.
MAX_WAITING_CONNECTIONS = 8
ACCEPT_RETRY_MS = 1000  # after accept() failed (out of descriptors): the start waits in the backlog


def socket_peer_uid(connection: _socket.socket) -> int | None:
    """The user id of the process at the other end of a Unix socket (Linux); None where the OS cannot say."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        credentials = connection.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return None
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return int(uid)


def _guard_off(why: str) -> str:
    return tr("The check for a second CCC Break is off for this run ({why}).").format(why=why)


def _pipe_is_ours(connection: QLocalSocket, *, we_serve: bool) -> bool:
    # A pipe name is machine-wide and any user may create it first: ask who serves (or connects).
    descriptor = int(connection.socketDescriptor())
    sid = pipe_peer_sid(descriptor, of_server=not we_serve) if descriptor not in (0, -1) else None
    return sid is None or sid == process_user_sid()


class SingleInstance(QObject):
    activated = Signal()

    def __init__(self, address: InstanceAddress, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = address.name
        self.problem = address.problem  # shown to the agent when set: the guard is off for this run
        self.forwarded = False  # a widget that started at the same moment won the name: we deferred to it
        self._server: QLocalServer | None = None  # Windows: Qt's named pipe
        self._listening: _socket.socket | None = None  # Unix: bound and listening, made before the paint
        self._served: socket.socket | None = None  # Unix: the same socket, answered from `serve` on
        self._notifiers: dict[int, QSocketNotifier] = {}  # Unix: per descriptor, the listening one first
        self._connections: dict[int, socket.socket] = {}  # Unix: accepted starts not yet read
        self._retired: list[QSocketNotifier] = []  # Unix: disabled, deleted once out of their own signal

    def forward_to_running(self) -> bool:
        """True when our own running widget answered and was asked to show itself. Otherwise this
        widget holds the name from now on; call `serve` once the window is up to answer the next start."""
        if self.problem is not None:
            logger.warning("%s", self.problem)
            return False
        if self._answered():
            return True
        if self.problem is not None:
            return False
        self._listen()
        return self.forwarded

    def serve(self) -> None:
        """Answer later starts from now on (Unix: the socket that has been listening since the check)."""
        listening, self._listening = self._listening, None
        if listening is None:
            return
        import socket  # after the paint: asyncio has it loaded by now anyway

        served = socket.socket(fileno=listening.detach())
        served.setblocking(False)
        self._served = served
        self._watch(served.fileno(), self._accept_starts)

    def _watch(self, descriptor: int, ready: Callable[[int], None]) -> None:
        self._retired.clear()  # not from inside their own signal any more: they can go now
        # Python owns the notifiers (no Qt parent): a deleteLater() still pending when the guard itself
        # goes would be run on a notifier its parent had already deleted, and crash the widget.
        notifier = QSocketNotifier(descriptor, QSocketNotifier.Type.Read)
        notifier.activated.connect(lambda *_signal, d=descriptor: ready(d))
        self._notifiers[descriptor] = notifier

    def _unwatch(self, descriptor: int) -> None:
        notifier = self._notifiers.pop(descriptor, None)
        if notifier is not None:
            notifier.setEnabled(False)  # before its descriptor is closed, or Qt polls a dead number
            self._retired.append(notifier)  # this may be its own signal: deleted at the next _watch

    def _accept_starts(self, _descriptor: int) -> None:
        assert self._served is not None
        while True:
            try:
                connection, _address = self._served.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                # Out of descriptors, say. The start stays in the backlog, so the socket stays readable:
                # listening on at once would spin a core and flood the log. Try again in a second.
                logger.warning("A second start could not be answered yet: %s", error.strerror or error)
                self._pause_accepting()
                return
            uid = socket_peer_uid(connection)
            if uid is not None and uid != os.getuid():
                logger.warning("Ignored a connection to the single-instance socket from another user's process")
                connection.close()
                continue
            if len(self._connections) >= MAX_WAITING_CONNECTIONS:
                # Connections that never speak must not keep the next real start from being heard.
                self._drop(next(iter(self._connections)))
            connection.setblocking(False)
            self._connections[connection.fileno()] = connection
            self._watch(connection.fileno(), self._read_start)

    def _pause_accepting(self) -> None:
        listening = self._served
        notifier = self._notifiers.get(listening.fileno()) if listening is not None else None
        if notifier is None:
            return
        notifier.setEnabled(False)
        QTimer.singleShot(ACCEPT_RETRY_MS, self, lambda: notifier.setEnabled(self._served is listening))

    def _drop(self, descriptor: int) -> None:
        self._unwatch(descriptor)
        self._connections.pop(descriptor).close()

    def _read_start(self, descriptor: int) -> None:
        connection = self._connections.get(descriptor)
        if connection is None:
            return
        try:
            message = connection.recv(len(MESSAGE))
        except (BlockingIOError, InterruptedError):
            return  # woken early: wait for the bytes
        except OSError:
            message = b""
        # One message per connection, then it is closed: a start sends it and goes.
        self._drop(descriptor)
        if message.startswith(MESSAGE.strip()):
            self.activated.emit()

    def _answered(self) -> bool:
        """Our own running widget is there: it was asked to come forward."""
        if sys.platform == "win32":
            return self._pipe_answered()
        probe = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            probe.settimeout(CONNECT_TIMEOUT_MS / 1000)
            try:
                probe.connect(self.name)
            except OSError:  # nobody there: no socket, or one left by a widget that crashed
                return False
            uid = socket_peer_uid(probe)
            if uid is not None and uid != os.getuid():
                self._another_users()
                return False
            with contextlib.suppress(OSError):  # it went away meanwhile: it was there, and is ending
                probe.sendall(MESSAGE)
            return True
        finally:
            probe.close()

    def _pipe_answered(self) -> bool:
        from PySide6.QtNetwork import QLocalSocket

        connection = QLocalSocket()
        connection.connectToServer(self.name)
        if not connection.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        if not _pipe_is_ours(connection, we_serve=False):
            connection.abort()
            self._another_users()
            return False
        connection.write(MESSAGE)
        connection.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        connection.disconnectFromServer()
        return True

    def _another_users(self) -> None:
        self.problem = tr("Another user's program holds this session's CCC Break address; starting anyway.")
        logger.warning("%s", self.problem)

    def _listen(self) -> None:
        if sys.platform == "win32":
            self._listen_on_pipe()
            return
        listening = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            try:
                listening.bind(self.name)
            except OSError:
                # Another start may have begun listening since we looked: ask once more before treating
                # the socket as one left by a crashed instance.
                if self._answered():
                    self.forwarded = True
                    listening.close()
                    return
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.name)
                listening.bind(self.name)
            os.chmod(self.name, 0o600)  # this user only, as Qt's UserAccessOption (the folder is 0700 too)
            listening.listen(8)
        except OSError as error:
            listening.close()
            self.problem = _guard_off(error.strerror or str(error))
            logger.warning("%s", self.problem)
            return
        self._listening = listening

    def _listen_on_pipe(self) -> None:
        from PySide6.QtNetwork import QLocalServer

        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # As in _listen: a start at the same moment may hold the name now.
            if self._pipe_answered():
                self.forwarded = True
                return
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                self.problem = _guard_off(server.errorString())
                logger.warning("%s", self.problem)
                return
        server.newConnection.connect(self._accept)
        self._server = server

    def _accept(self) -> None:
        assert self._server is not None
        while (connection := self._server.nextPendingConnection()) is not None:
            if not _pipe_is_ours(connection, we_serve=True):
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
            self._server.close()  # Qt removes the pipe
            self._server = None
        for descriptor in list(self._notifiers):
            self._unwatch(descriptor)
        self._retired.clear()
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()
        for listening in (self._listening, self._served):
            if listening is not None:  # the socket and its file are ours to remove
                listening.close()
                with contextlib.suppress(OSError):
                    os.unlink(self.name)
        self._listening = self._served = None
