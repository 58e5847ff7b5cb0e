"""SIGTERM and SIGINT reach the widget while Qt waits in C++: Python runs a signal handler only between
bytecodes, so the C-level handler writes the signal to a pipe (`signal.set_wakeup_fd`) and a
QSocketNotifier wakes the event loop, which returns to Python. No timer ticks all day for this."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier


class SignalWakeup(QObject):
    """The one owner of the wake-up pipe; `close()` puts the default handling back."""

    def __init__(self, on_signal: Callable[[], None], signals: tuple[int, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader, self._writer = _wakeup_pair()
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._signals = signals
        for number in signals:
            signal.signal(number, lambda _number, _frame: on_signal())
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _drain(self) -> None:
        # Reading empties the pipe; returning to Python is what runs the handler itself.
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while self._reader.read(512):
                pass

    def close(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for number in self._signals:
            signal.signal(number, signal.SIG_DFL)
        self._reader.close()
        self._writer.close()


class _End:
    """One end of the wake-up pair, a pipe's or a socket's, read and closed alike."""

    def __init__(self, fileno: int, read: Callable[[int], bytes], close: Callable[[], None]) -> None:
        self._fileno, self.read, self.close = fileno, read, close

    def fileno(self) -> int:
        return self._fileno


def _wakeup_pair() -> tuple[_End, _End]:
    """Non-blocking (reader, writer). A pipe where the OS allows one: the socket module would be about
    3 ms of the first window, for its enums. Windows' set_wakeup_fd takes a socket only."""
    if os.name == "posix":
        reader, writer = os.pipe()  # not inherited by child processes (PEP 446)
        for end in (reader, writer):
            os.set_blocking(end, False)
        return (
            _End(reader, lambda size: os.read(reader, size), lambda: os.close(reader)),
            _End(writer, lambda size: b"", lambda: os.close(writer)),
        )
    import socket

    read_socket, write_socket = socket.socketpair()
    for end in (read_socket, write_socket):
        end.setblocking(False)
    return (
        _End(read_socket.fileno(), read_socket.recv, read_socket.close),
        _End(write_socket.fileno(), write_socket.recv, write_socket.close),
    )
