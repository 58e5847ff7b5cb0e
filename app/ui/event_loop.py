"""The widget's asyncio loop: qasync's, except that a cancelled `call_later` no longer wakes the process.

qasync starts one Qt timer per `call_later` and, when the handle is cancelled, still lets that timer
fire (and then skips the callback). aiohttp arms a request timeout for every poll and cancels it when
the answer comes, so each poll used to wake the hidden widget a second time, ten seconds later, for
nothing. Here cancelling a handle kills its Qt timer.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from typing import Any

import qasync
from PySide6.QtCore import QObject, QTimerEvent
from PySide6.QtWidgets import QApplication


class _TimerHandle(asyncio.Handle):
    """A handle that tells its timer when it is cancelled."""

    __slots__ = ("_forget",)

    def __init__(
        self,
        callback: Callable[..., object],
        args: tuple[Any, ...],
        loop: asyncio.AbstractEventLoop,
        context: contextvars.Context | None,
    ) -> None:
        super().__init__(callback, args, loop, context=context)
        self._forget: Callable[[], None] | None = None

    def cancel(self) -> None:
        forget, self._forget = self._forget, None
        super().cancel()
        if forget is not None:
            forget()


class _Timers(QObject):
    """One Qt timer per pending handle, as qasync's own, but killed when its handle is cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self._handles: dict[int, asyncio.Handle] = {}
        self._stopped = False

    def add_callback(self, handle: asyncio.Handle, delay: float = 0) -> asyncio.Handle:
        timer_id = self.startTimer(int(max(0.0, delay) * 1000))
        self._handles[timer_id] = handle
        if isinstance(handle, _TimerHandle):
            handle._forget = lambda: self._kill(timer_id)
        return handle

    def _kill(self, timer_id: int) -> None:
        if self._handles.pop(timer_id, None) is not None:
            self.killTimer(timer_id)

    def timerEvent(self, event: QTimerEvent) -> None:
        timer_id = event.timerId()
        self.killTimer(timer_id)
        handle = self._handles.pop(timer_id, None)
        if handle is None or handle.cancelled() or self._stopped:
            return
        if isinstance(handle, _TimerHandle):
            handle._forget = None
        handle._run()

    def pending(self) -> list[asyncio.Handle]:
        """The handles still waiting for their moment (what can wake the process next)."""
        return list(self._handles.values())

    def stop(self) -> None:
        self._stopped = True

    def set_debug(self, enabled: bool) -> None:
        pass  # qasync's debug timing of callbacks is not needed here


class WidgetEventLoop(qasync.QEventLoop):  # type: ignore[misc, valid-type]
    """qasync's loop with timers that stay quiet once cancelled."""

    def __init__(self, app: QApplication | None = None) -> None:
        super().__init__(app)
        self._timer = _Timers()

    def call_later(
        self, delay: float, callback: Callable[..., object], *args: Any, context: contextvars.Context | None = None
    ) -> asyncio.Handle:
        if asyncio.iscoroutinefunction(callback):
            raise TypeError("coroutines cannot be used with call_later")
        if not callable(callback):
            raise TypeError(f"callback must be callable: {type(callback).__name__}")
        handle = _TimerHandle(callback, args, self, context)
        self._timer.add_callback(handle, delay)
        return handle

    def pending_timers(self) -> list[asyncio.Handle]:
        """Every callback waiting for a moment to come: a hidden widget should have only its poll."""
        timers: _Timers = self._timer
        return timers.pending()
