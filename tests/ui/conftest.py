"""GUI tests run the real widget on a qasync loop against the real simulator, drawn offscreen."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication

from app.core.autostart.base import AutoStart, NullAutoStart
from app.core.startup import build_context
from app.simulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, Simulator
from app.ui.application import WidgetApp
from app.ui.event_loop import WidgetEventLoop
from app.ui.resources import resource_path
from app.ui.sleep_watch import SleepWatcher

T = TypeVar("T")


class Loop:
    """Runs test scenarios on the same qasync loop the widget uses, with bounded waits."""

    def __init__(self, loop: WidgetEventLoop) -> None:
        self.loop = loop

    def run(self, coroutine: Awaitable[T], timeout: float = 30.0) -> T:
        # Not qasync's run_until_complete: it processes Qt events once more after the loop has
        # stopped, which steps the widget's tasks with no running loop and kills them mid-test.
        future = asyncio.ensure_future(asyncio.wait_for(coroutine, timeout), loop=self.loop)
        future.add_done_callback(lambda _done: self.loop.stop())
        self.loop.run_forever()
        return future.result()

    async def until(self, predicate: Callable[[], object], timeout: float = 5.0, what: str = "condition") -> None:
        """Wait for something the user would see; fails with `what` after `timeout` seconds."""
        deadline = self.loop.time() + timeout
        while not predicate():
            if self.loop.time() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for: {what}")
            await asyncio.sleep(0.02)


@pytest.fixture(autouse=True)
def source_language_plurals(qapp: QApplication) -> Iterator[None]:
    """The English plural forms ("1 break", "2 breaks"), installed as the app installs them at start."""
    translator = QTranslator()
    assert translator.load(str(resource_path("translations", "ccc-break_en.qm")))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


@pytest.fixture(scope="session")
def qloop(qapp: QApplication) -> Iterator[Loop]:
    loop = WidgetEventLoop(qapp)  # the widget's own loop, as run_gui starts it
    asyncio.set_event_loop(loop)
    yield Loop(loop)
    loop.close()  # also stops the executor threads keyring calls ran on


class FakeNow:
    """The widget's wall clock, so an overrun can be tested without waiting for it."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def lasting_simulator(qloop: Loop, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    """A simulator that outlives one widget, as the real service outlives a restart of the app."""
    service = Simulator()
    qloop.run(service.start("127.0.0.1", 0))
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEMO_ACCESS_KEY_SECRET)
    yield service
    qloop.run(service.stop())


@pytest.fixture
def fake_now() -> FakeNow:
    return FakeNow()


# Widgets started by the running test, with the loop they run on.
_live: list[tuple[Loop, WidgetApp]] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Shut widgets down as soon as the test body ends, inside the loop: pytest-qt processes Qt
    events between phases, and asyncio tasks stepped outside a running loop would fail there."""
    yield
    while _live:
        loop, widget = _live.pop()
        loop.run(widget.shutdown())
        if widget.window is not None:
            widget.window.deleteLater()


@pytest.fixture
def make_widget(qloop: Loop, fake_now: FakeNow) -> Callable[..., WidgetApp]:
    """A started demo widget (embedded simulator, throwaway credentials); shut down after the test."""

    def make(
        *,
        overrides: dict[str, Any] | None = None,
        tray: bool | Callable[[], bool] = False,
        minimized: bool = False,
        demo: bool = True,
        context: Any = None,
        autostart: AutoStart | None = None,
        watch_sleep: Callable[[], SleepWatcher] = SleepWatcher,
    ) -> WidgetApp:
        context = context or build_context(overrides or {}, demo=demo)
        widget = WidgetApp(
            context,
            autostart=autostart or NullAutoStart("tests"),
            tray_available=tray if callable(tray) else lambda: tray,
            now=fake_now,
            watch_sleep=watch_sleep,
        )
        _live.append((qloop, widget))
        qloop.run(widget.start(minimized=minimized))
        return widget

    return make
