"""SIGTERM and SIGINT reach the widget while Qt waits in C++: Python runs a signal handler only between
bytecodes, so the C-level handler writes the signal to a socket (`signal.set_wakeup_fd`) and a
QSocketNotifier wakes the event loop, which returns to Python. No timer ticks all day for this."""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier


class SignalWakeup(QObject):
    """The one owner of the wake-up socket pair; `close()` puts the default handling back."""

    def __init__(self, on_signal: Callable[[], None], signals: tuple[int, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader, self._writer = socket.socketpair()  # a socket on every platform (Windows needs one)
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._signals = signals
        for number in signals:
            signal.signal(number, lambda _number, _frame: on_signal())
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _drain(self) -> None:
        # Reading empties the socket; returning to Python is what runs the handler itself.
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while self._reader.recv(512):
                pass

    def close(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for number in self._signals:
            signal.signal(number, signal.SIG_DFL)
        self._reader.close()
        self._writer.close()
