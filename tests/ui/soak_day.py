"""An agent's 8-hour day on the real widget, at top speed: run by tests/ui/test_soak.py in its own
process (a Qt refcount bug aborts the process, and RSS and fds are only meaningful per process).
The CCC simulator runs in a process of its own (`ccc-break simulator`), so what is measured here is
the widget alone, configured as an agent's would be.

Every repeating timer fires as often as in 8 hours (the 1 s window tick, the only one besides the poll)
and the widget polls the simulator as often as at a 15 s interval,
with breaks, Ready and changes made elsewhere along the way. The wall clock the widget sees moves one
second per tick, so break timers and overruns run through the day too. Prints one JSON line: what ran,
and the refcounts of None/True/False, RSS, open fds and live Python objects after a warm-up and at the
end.

    CCC_BREAK_CONTROL_TOKEN=T python -m tests.ui.soak_day --endpoint URL [--fraction F]   (F < 1: that share of the day)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
from datetime import UTC, datetime, timedelta

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import aiohttp
from PySide6.QtWidgets import QApplication

from app.core.autostart.base import NullAutoStart
from app.core.startup import build_context
from app.core.tracking import PollSchedule
from app.ui.application import Timings, WidgetApp
from app.ui.event_loop import WidgetEventLoop

HOURS = 8
DAY_SECONDS = HOURS * 3600
WARM_UP_SHARE = 0.1
SETTLE_SECONDS = 1.0
INSTANCE_ID, USER_ID = "ccc-test", "user-test@ccc-test"
AGENT_CONTROL = f"/control/agents/{INSTANCE_ID}/{USER_ID}"


class BackToBackPolls(PollSchedule):
    """The real schedule's bookkeeping, without the wait between polls; paused between phases."""

    paused = False

    def next_delay(self) -> float:
        return 3600.0 if self.paused else 0.0


def day_targets(fraction: float) -> dict[str, int]:
    seconds = int(DAY_SECONDS * fraction)
    return {
        "ticks": seconds,  # 1 s
        "polls": seconds // 15,  # the default poll interval
    }


def open_fds() -> dict[str, int]:
    """Sockets apart from the rest: the widget's and the control session's keep-alive pools hold a
    connection or a few at any moment, depending on what was in flight; a leak grows without end."""
    kinds = {"open_fds": 0, "open_sockets": 0}
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue  # the listing's own fd, gone already
        kinds["open_sockets" if target.startswith("socket:") else "open_fds"] += 1
    return kinds


def snapshot() -> dict[str, int]:
    gc.collect()
    with open("/proc/self/statm", encoding="ascii") as statm:
        resident_pages = int(statm.read().split()[1])
    return {
        "refcount_None": sys.getrefcount(None),
        "refcount_True": sys.getrefcount(True),
        "refcount_False": sys.getrefcount(False),
        "rss_kib": resident_pages * os.sysconf("SC_PAGE_SIZE") // 1024,
        **open_fds(),
        "python_objects": len(gc.get_objects()),
    }


async def live_a_day(
    widget: WidgetApp, control: aiohttp.ClientSession, targets: dict[str, int], counts: dict[str, int]
) -> dict[str, object]:
    assert widget.window is not None and widget.controller is not None
    controller = widget.controller
    schedule = controller.schedule = BackToBackPolls(15)
    poll_once = controller.poll_once

    async def counted_poll() -> None:
        await poll_once()
        counts["polls"] += 1

    controller.poll_once = counted_poll  # type: ignore[method-assign]
    timers = {
        "ticks": widget.window._ticker,
    }
    limits = dict(targets)  # where the current phase of the day ends

    def counter(name: str) -> None:
        counts[name] += 1
        if counts[name] >= limits[name]:
            timers[name].stop()

    for name, timer in timers.items():
        timer.stop()
        timer.setInterval(0)
        timer.timeout.connect(lambda name=name: counter(name))
    controller.status_changed.connect(lambda: counts.__setitem__("status_signals", counts["status_signals"] + 1))
    controller.busy_changed.connect(lambda _busy: counts.__setitem__("busy_signals", counts["busy_signals"] + 1))
    controller.error_changed.connect(
        lambda: controller.last_error and counts.__setitem__("errors_shown", counts["errors_shown"] + 1)
    )
    next_event = 60

    async def run_until(share: float) -> None:
        nonlocal next_event
        limits.update({name: int(target * share) for name, target in targets.items()})
        for timer in timers.values():
            timer.start()
        schedule.paused = False
        controller.refresh_soon()
        while any(counts[name] < limits[name] for name in targets):
            await asyncio.sleep(0.001)
            if counts["polls"] < next_event:
                continue
            # Every 60 polls (15 minutes of the day): a break, Ready, or a supervisor's change.
            step = (next_event // 60) % 3
            if step == 0:
                await controller.take_break("default")
                counts["breaks"] += 1
            elif step == 1:
                await controller.get_ready()
                counts["readies"] += 1
            else:
                async with control.patch(AGENT_CONTROL, json={"state": "BREAK", "break_code": "meeting"}) as reply:
                    reply.raise_for_status()
                counts["changed_elsewhere"] += 1
            next_event += 60
        schedule.paused = True

    async def settled_snapshot() -> dict[str, int]:
        # The widget's loop drops a cancelled timer at once (aiohttp's request timeout is cancelled on
        # every request: qasync alone kept thousands of them after a day at top speed, waiting to come
        # due). A moment for the last requests' connections to wind down.
        await asyncio.sleep(SETTLE_SECONDS)
        return snapshot()

    await run_until(WARM_UP_SHARE)
    baseline = await settled_snapshot()
    await run_until(1.0)
    return {"baseline": baseline, "end": await settled_snapshot()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True, help="a running `ccc-break simulator`")
    parser.add_argument("--fraction", type=float, default=1.0)
    args = parser.parse_args()
    targets = day_targets(args.fraction)
    counts = dict.fromkeys(
        [*targets, "status_signals", "busy_signals", "breaks", "readies", "changed_elsewhere", "errors_shown"], 0
    )
    start = datetime.now(UTC)

    def day_clock() -> datetime:
        return start + timedelta(seconds=counts["ticks"])

    app = QApplication(sys.argv[:1])
    loop = WidgetEventLoop(app)
    asyncio.set_event_loop(loop)
    widget = WidgetApp(
        # Credentials from the environment (the demo key); the keyring is asked only for its status, in
        # a helper process, as the widget builds its context (`ccc-break` with no command).
        build_context(
            {"endpoint": args.endpoint, "instance_id": INSTANCE_ID, "user_id": USER_ID}, keyring_in_helper=True
        ),
        autostart=NullAutoStart("soak"),
        tray_available=lambda: False,
        now=day_clock,
        timings=Timings(),
    )

    async def run() -> dict[str, object]:
        try:
            await widget.start()
            token = os.environ["CCC_BREAK_CONTROL_TOKEN"]
            async with aiohttp.ClientSession(args.endpoint, headers={"Authorization": f"Bearer {token}"}) as control:
                return await live_a_day(widget, control, targets, counts)
        finally:
            await widget.shutdown()

    with loop:
        measured = loop.run_until_complete(run())
    print(json.dumps({"targets": targets, "counts": counts, "notifications": len(widget.notifications), **measured}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
