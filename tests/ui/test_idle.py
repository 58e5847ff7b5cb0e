"""Hidden in the tray all day, the widget wakes the PC's processor only for its poll (and, on a break
with a maximum, once at each overrun moment): any other timer costs battery and CPU on thousands of
desktops for nothing an agent sees."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

from app.ui.application import WidgetApp
from tests.ui.agent_actions import shown_state
from tests.ui.conftest import Loop

MakeWidget = Callable[..., WidgetApp]


def waiting_to_wake(qloop: Loop, widget: WidgetApp) -> list[str]:
    """The widget's own timers still to fire: its Qt timers, and what its code left on the loop."""
    parts: dict[str, QObject | None] = {
        "app": widget,
        "controller": widget.controller,
        "window": widget.window,
        "tray": widget.tray,
    }
    names = {
        id(value): f"{part_name}.{attribute}"
        for part_name, part in parts.items()
        for attribute, value in vars(part).items()
        if isinstance(value, QTimer)
    }
    found = []
    for part_name, part in parts.items():
        for timer in part.findChildren(QTimer) if part is not None else []:
            if timer.isActive():
                how = "once" if timer.isSingleShot() else f"every {timer.interval()} ms"
                found.append(f"{names.get(id(timer), 'a timer of the ' + part_name)} ({how})")
    for handle in qloop.loop.pending_timers():
        if widget.controller is not None and handle is widget.controller._timer:
            found.append("the poll")
            continue
        callback = handle._callback
        # Only the widget's own code: the loop also holds the test's own timeout, the in-process
        # simulator's connections (in real use the service is elsewhere) and aiohttp's.
        if getattr(callback, "__module__", "").startswith("app.") and "simulator" not in callback.__module__:
            found.append(f"{callback.__qualname__} on the loop")
    return sorted(found)


async def hidden_and_asleep(qloop: Loop, widget: WidgetApp) -> None:
    window, controller = widget.window, widget.controller
    assert window is not None and controller is not None
    await qloop.until(lambda: not window.isVisible() and widget.tray_attached, 5, "the widget in the tray")
    await qloop.until(
        lambda: controller._wake is not None and not controller._wake.done() and not controller.busy,
        5,
        "the poller asleep until its next poll",
    )
    await qloop.until(lambda: not controller._tasks, 5, "the start-up requests (state start, today) answered")


def test_hidden_in_the_tray_only_the_poll_is_waiting_to_wake_the_widget(qloop: Loop, make_widget: MakeWidget) -> None:
    """If this failed, the widget sitting in the tray would wake the processor for something besides
    its poll (a check every few seconds, a repaint of a window nobody sees), all day on every desktop."""
    widget = make_widget(tray=True, minimized=True)
    controller = widget.controller
    assert controller is not None

    async def scenario() -> dict[str, list[str]]:
        seen = {}
        await shown_state(qloop, widget, "READY")
        await hidden_and_asleep(qloop, widget)
        seen["ready"] = waiting_to_wake(qloop, widget)
        controller.take_break("default")  # from the tray: a break with a 15-minute maximum
        await shown_state(qloop, widget, "BREAK")
        await hidden_and_asleep(qloop, widget)
        seen["break"] = waiting_to_wake(qloop, widget)
        return seen

    seen = qloop.run(scenario())
    assert seen["ready"] == ["the poll"]
    # The overrun has its own single-shot timer for its next real moment (the pre-warning), not a ticker.
    assert seen["break"] == ["controller._overrun_timer (once)", "the poll"]


def test_a_cancelled_timer_does_not_wake_the_widget(qloop: Loop) -> None:
    """If this failed, every poll would wake the widget again ten seconds later: aiohttp arms a request
    timeout for each request and cancels it when the answer comes, and qasync alone still fired it."""
    timers = qloop.loop._timer
    ran: list[str] = []
    cancelled: list[asyncio.Handle] = []
    woken_for_cancelled: list[int] = []

    class CountWakes(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if watched is timers and event.type() == QEvent.Type.Timer:
                # Which handle this Qt timer was started for (the loop's own bookkeeping).
                pending = getattr(timers, "_handles", None) or getattr(timers, "_SimpleTimer__callbacks", {})
                if any(pending.get(event.timerId()) is handle for handle in cancelled):
                    woken_for_cancelled.append(event.timerId())
            return False

    counter = CountWakes()
    QCoreApplication.instance().installEventFilter(counter)

    async def scenario() -> None:
        handle = qloop.loop.call_later(0.05, ran.append, "cancelled")
        cancelled.append(handle)
        handle.cancel()
        kept = asyncio.Event()
        qloop.loop.call_later(0.3, kept.set)
        await kept.wait()  # by then the cancelled timer's moment is long past

    try:
        qloop.run(scenario())
    finally:
        QCoreApplication.instance().removeEventFilter(counter)
    assert ran == [], "a cancelled callback ran"
    assert woken_for_cancelled == [], "the cancelled timer still woke the process"
