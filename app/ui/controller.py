"""The agent's live state for the views: runs actions and polls on the qasync loop, never blocking Qt.

Views only read `status`, `busy`, `stale`, `last_error` and listen to the signals; every request goes
through the one client the `ClientProvider` hands out.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QT_TR_NOOP, QObject, QTimer, Signal

from app.core.errors import ApiError, CccBreakError, ConfigError, CredentialError
from app.core.last_state import LastKnownState
from app.core.models import AgentStatus, BreakCode, UserState
from app.core.queued_break import BreakQueue, QueuedBreak, Verdict
from app.core.state_memory import StateStartFile
from app.core.tracking import (
    AgentTracker,
    EventKind,
    NotificationGate,
    PollSchedule,
    ResumeDetector,
    StatusEvent,
    state_label,
)
from app.ui.i18n import minutes_text, tr
from app.ui.icons import look_for

if TYPE_CHECKING:
    # asyncio loads after the first paint, with qasync: the methods that run on the loop import it.
    import asyncio

    from app.core.client import CccClient
    from app.core.today import Today

logger = logging.getLogger(__name__)

ClientProvider = Callable[[], Awaitable["CccClient"]]
TODAY_MAX_AGE = timedelta(minutes=10)  # today's breaks are asked again at least this often
# Breaks the phone system sets by itself (app.core.tracking.SYSTEM_BREAK_CODES), as agents call them.
SYSTEM_BREAK_LABELS = {
    "RingingTimeout": QT_TR_NOOP("Missed call"),
    "RejectCall": QT_TR_NOOP("Rejected call"),
}


class ShownError(NamedTuple):
    """What the error area shows: a sentence to act on, the code, and the RequestId to quote to IT."""

    message: str
    code: str | None
    request_id: str | None
    detail: str | None = None
    needs_settings: bool = False
    from_poll: bool = False  # a later good poll clears it; an action's error stays until the next action

    @classmethod
    def from_exception(cls, error: BaseException, *, from_poll: bool) -> ShownError:
        if isinstance(error, ApiError):
            settings_codes = ("Signature", "InvalidAccessKey", "NotExists", "Forbidden", "IncompleteSignature")
            return cls(
                error.user_message,
                error.code,
                error.request_id,
                error.server_message or None,
                needs_settings=error.code.startswith(settings_codes),
                from_poll=from_poll,
            )
        if isinstance(error, CccBreakError):
            needs_settings = isinstance(error, ConfigError | CredentialError)
            return cls(error.user_message, None, error.request_id, needs_settings=needs_settings, from_poll=from_poll)
        logger.error("Unexpected error", exc_info=error)
        return cls(
            "Something unexpected went wrong. Try again; if it persists, send the log file to IT.",
            None,
            None,
            from_poll=from_poll,
        )


def _loop_running() -> bool:
    """Whether an asyncio loop runs on this thread; before asyncio is even loaded (the first paint),
    none can, and asking must not load it."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def refused_for_good(error: ApiError) -> bool:
    """A read API denied to this key or not served here: asking again would get the same answer."""
    return error.http_status in (400, 403, 404)


class AgentController(QObject):
    status_changed = Signal()
    busy_changed = Signal(bool)
    error_changed = Signal()
    stale_changed = Signal(bool)
    notify = Signal(str, str)  # title, text: raised in the tray (or the window when there is none)
    notify_until_seen = Signal(str, str)  # the same, for an overrun: it stays until the agent dismisses it
    alert_sound = Signal()  # the agent chose a sound with overrun notifications
    today_changed = Signal()

    def __init__(
        self,
        client_provider: ClientProvider,
        break_codes: list[BreakCode],
        poll_interval: float,
        tracker: AgentTracker | None = None,
        schedule: PollSchedule | None = None,
        parent: QObject | None = None,
        state_memory: StateStartFile | None = None,
        resumes: ResumeDetector | None = None,
        last_known: LastKnownState | None = None,
    ) -> None:
        super().__init__(parent)
        # Checked when the poll timer fires: the one timer that runs while the widget is hidden also
        # notices a sleep, so no timer of its own wakes the PC's processor to look for one.
        self._resumes = resumes
        # What the last run saw, shown (marked as refreshing) until the first poll answers or fails.
        self.last_known = last_known
        self._state_memory = state_memory  # where a state's start is kept for the next run
        self._read_api_refused = False  # the key may not call ListRealtimeAgentStates: do not ask again
        self._client_provider = client_provider
        self._client: CccClient | None = None
        self.break_codes = list(break_codes)
        self.tracker = tracker or AgentTracker(break_codes)
        self._gate = NotificationGate(self.tracker.now)
        self.schedule = schedule or PollSchedule(poll_interval)
        self.busy = False
        self.stale = False
        self.last_error: ShownError | None = None
        self.last_refreshed: datetime | None = None
        self._generation = 0  # bumped by every action, so an older poll answer cannot undo it
        self._wake: asyncio.Future[None] | None = None
        self._wake_pending = False
        self._spread_pending = False
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._poller: asyncio.Task[None] | None = None
        self.break_queue = BreakQueue()
        self.today: Today | None = None  # the day's breaks from the service; None until known
        self.today_available = True  # False once the key turns out not to be allowed the read APIs
        self._today_task: asyncio.Task[None] | None = None
        self.overrun_sound = False
        # One single-shot timer waits for the break's next overrun moment (pre-warning, overrun,
        # reminder, policy), so nothing ticks while the window is hidden.
        self._overrun_timer = QTimer(self)
        self._overrun_timer.setSingleShot(True)
        self._overrun_timer.timeout.connect(self.check_overrun)

    # --- what the views ask -----------------------------------------------------------------------

    @property
    def status(self) -> AgentStatus | None:
        return self.tracker.status

    @property
    def refreshing(self) -> LastKnownState | None:
        """The last run's state while the service's first answer is awaited; None once it came."""
        return self.last_known if self.status is None else None

    @property
    def out_of_date(self) -> bool:
        """A state is shown but the last refresh failed (never-connected is not "out of date")."""
        return self.stale and self.status is not None

    def can_take_break(self) -> tuple[bool, str]:
        return self._allowed()

    @property
    def queued_break(self) -> QueuedBreak | None:
        return self.break_queue.pending

    def break_would_wait(self) -> bool:
        """Take Break now would queue the break until the call (and its after-call work) ends."""
        return self.break_queue.waits_for_call(self.status)

    def can_get_ready(self) -> tuple[bool, str]:
        return self._allowed()

    def _allowed(self) -> tuple[bool, str]:
        # The service's rules for which state allows what are not published: the buttons stay usable
        # and a refusal (InvalidOperation.UserState, with the states it names) explains itself. Only
        # a request already under way, or being signed out, rules them out here.
        if self.busy:
            return False, tr("Waiting for the contact centre to answer…")
        status = self.status
        if status is not None and status.user_state is UserState.OFFLINE:
            return False, tr("You are signed out of the contact centre. Sign in to the workbench first.")
        return True, ""

    # --- actions ----------------------------------------------------------------------------------

    def take_break(self, code: str) -> asyncio.Task[None] | None:
        """Take the break now, or during a call queue it for when the call is over."""
        if self.break_would_wait():
            self.break_queue.queue(code, self.tracker.now())
            logger.info("Break %r queued until the call ends", code)
            self.status_changed.emit()
            self.refresh_soon()  # the call may have ended already
            return None
        self.break_queue.cancel()  # a break taken now replaces one waiting for the call
        return self._spawn(self._act(lambda client: client.take_break(code)))

    def cancel_queued_break(self) -> None:
        if self.break_queue.cancel() is not None:
            logger.info("Queued break cancelled")
            self.status_changed.emit()

    def set_overrun_policy(self, remind_every_minutes: int, auto_ready_after_minutes: int, sound: bool) -> None:
        self.tracker.set_overrun_policy(remind_every_minutes, auto_ready_after_minutes)
        self.overrun_sound = sound
        self._arm_overrun_timer()

    def get_ready(self) -> asyncio.Task[bool | None]:
        return self._spawn(self._act(lambda client: client.ready_keeping_mode(self.status)))

    def refresh_soon(self) -> None:
        """Poll now: after the agent's action, when they show the window or press F5."""
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)
        else:
            self._wake_pending = True  # a poll is running: poll once more right after it

    def woke_from_sleep(self) -> None:
        """The system says the PC woke: a fresh state at a random point within one interval (every
        desktop of a fleet woken by the same schedule hears it in the same second)."""
        if self._resumes is not None:
            self._resumes.check()  # this sleep is told: the poll timer need not notice it again
        self.refresh_spread()

    def refresh_spread(self) -> None:
        """Poll soon, at a random point within one interval: for events every desktop of a fleet
        sees at the same moment (the network coming back, waking from sleep)."""
        import asyncio

        loop = asyncio.get_running_loop()
        if self._timer is None or self._wake is None or self._wake.done():
            self._spread_pending = True  # a poll is running: spread the one after it
            return
        self._arm(loop, self.schedule.delay_after_wake())

    def reconfigure(self, break_codes: list[BreakCode], poll_interval: float) -> None:
        """Settings changed: new client on next use, new codes and interval, and poll at once."""
        self._client = None
        self.break_codes = list(break_codes)
        self.tracker.set_break_codes(break_codes)
        self.today_available, self._read_api_refused = True, False  # perhaps another key now
        self.refresh_today()
        self.schedule.set_interval(poll_interval)
        self.status_changed.emit()
        self.refresh_soon()

    async def _act(self, call: Callable[[CccClient], Awaitable[AgentStatus]]) -> bool | None:
        """Run one action; True when it went through, False when it failed (and is shown), None when
        another request was still under way."""
        import asyncio

        if self.busy:
            return None
        self._set_busy(True)
        self._generation += 1
        try:
            client = await self._get_client()
            status = await call(client)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # every failure becomes a message, never a crash
            self._show_error(error, from_poll=False)
            return False
        else:
            self._generation += 1
            self._clear_error()
            self._accept(status, caused_by_us=True)
            return True
        finally:
            self._set_busy(False)
            self.refresh_soon()

    # --- polling ----------------------------------------------------------------------------------

    def start_polling(self) -> None:
        import asyncio

        if self._poller is None or self._poller.done():
            self._poller = asyncio.get_running_loop().create_task(self._poll_forever())

    async def _poll_forever(self) -> None:
        # A bare future woken by a timer or refresh_soon(): cancelling it on quit takes one step,
        # where wait_for() on an Event could hang for a whole poll interval under qasync.
        import asyncio

        loop = asyncio.get_running_loop()
        while True:
            self._wake_pending = False
            await self.poll_once()
            if self._wake_pending:
                continue
            self._wake = loop.create_future()
            if self._spread_pending:
                self._spread_pending = False
                self._arm(loop, self.schedule.delay_after_wake())
            else:
                self._arm(loop, self.schedule.next_delay())
            try:
                await self._wake
            finally:
                if self._timer is not None:
                    self._timer.cancel()
                self._timer = None
                self._wake = None

    def _arm(self, loop: asyncio.AbstractEventLoop, delay: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self.queued_break is not None:
            # A break waits for the call's end: notice it within seconds, before the next call rings.
            delay = min(delay, self.schedule.shortest_delay())
        self._timer = loop.call_later(delay, self._poll_timer_fired)

    def _poll_timer_fired(self) -> None:
        """The poll is due. Timers run on the monotonic clock, which stops while the PC sleeps, so after
        a wake this fires for what was left of its wait: already a random point within one interval
        across a fleet (what `delay_after_wake` draws), and the poll goes out now."""
        if self._resumes is not None and self._resumes.check():
            logger.info("Woke from sleep (noticed by the poll timer): polling now")
        self.refresh_soon()

    async def poll_once(self) -> None:
        import asyncio

        generation = self._generation
        try:
            client = await self._get_client()
            status = await client.poll_user_status(retry=False)  # the next poll is the retry
        except asyncio.CancelledError:
            raise
        except Exception as error:  # shown, then backed off
            self.schedule.record_failure()
            self._forget_last_known()  # never connected: the last run's state is not shown as if current
            if generation == self._generation and not self.busy:
                # An action answered since this poll began: its fresh state stands, not this failure.
                self._set_stale(True)
                self._show_error(error, from_poll=True)
            return
        self.schedule.record_success()
        if generation != self._generation or self.busy:
            logger.debug("Dropping a poll answer that an action overtook")
            return
        if self.last_error is not None and self.last_error.from_poll:
            self._clear_error()
        self._accept(status, caused_by_us=False)

    def check_overrun(self) -> None:
        """At the break's next overrun moment (the single-shot timer), and with every fresh state."""
        event = self.tracker.check_overrun()
        if event:
            self._handle(event)
            if event.kind is EventKind.BREAK_OVERRUN:
                self.status_changed.emit()  # the tray and window switch to the over-time look
        self._arm_overrun_timer()

    def _handle(self, event: StatusEvent) -> None:
        self._announce(event)
        if event.kind is EventKind.AUTO_READY:
            self.get_ready()  # the organisation's policy; runs once the request under way (if any) ends

    def _arm_overrun_timer(self) -> None:
        wait = self.tracker.until_next_overrun_event()
        if wait is None:
            self._overrun_timer.stop()
            return
        # A few ms late rather than early: an early wake-up would find nothing due and re-arm at 0.
        self._overrun_timer.start(min(int(wait.total_seconds() * 1000) + 50, 2**31 - 1))

    # --- today's breaks ------------------------------------------------------------------------------

    def refresh_today(self) -> None:
        """Ask the service for today's breaks, unless a request is under way or the key may not."""
        if not self.today_available or (self._today_task is not None and not self._today_task.done()):
            return
        if not _loop_running():
            return  # a window shown before the loop runs: the first state asks anyway
        self._today_task = self._spawn(self._fetch_today())

    async def _fetch_today(self) -> None:
        status = self.status
        agent = self._agent_id(status)
        if not agent:
            return
        from app.core.today import fetch_today

        try:
            today = await fetch_today(await self._get_client(), agent, self.break_codes, self.tracker.now())
        except ApiError as error:
            if refused_for_good(error):
                logger.info("Today's breaks are not shown: the service answered %s", error.code)
                self.today_available = False
                self.today = None
                self.today_changed.emit()
            return
        except CccBreakError as error:
            logger.info("Could not get today's breaks: %s", error.user_message)
            return
        self.today = today
        self.today_changed.emit()

    # --- the break queued for after the call ----------------------------------------------------------

    def _follow_queued_break(self, status: AgentStatus) -> None:
        queued = self.break_queue.pending
        verdict = self.break_queue.decide(status)
        if queued is None or verdict is Verdict.WAIT:
            return
        code = self.label_for(queued.code)
        if verdict is Verdict.TAKE:
            self._spawn(self._take_queued_break(queued.code))
            return
        self.break_queue.drop()
        if verdict is Verdict.DROPPED_OFFLINE:
            text = tr("Your {code} break was not taken: you were signed out of the contact centre.").format(code=code)
        else:
            text = tr("Your {code} break was not taken: you were put on a break outside this app.").format(code=code)
        logger.info("Queued break dropped: %s", verdict)
        # The agent's own request that could not be carried out: always told, never held back.
        self.notify.emit(tr("Break after the call cancelled"), text)

    async def _take_queued_break(self, code: str) -> None:
        import asyncio

        await asyncio.sleep(0)  # let the action whose answer ended the call finish first
        outcome = await self._act(lambda client: client.take_break(code))
        if outcome is None:
            self.break_queue.retry_later()  # another request was under way: decide on its answer
            return
        self.break_queue.drop()
        if outcome is False:
            label = self.label_for(code)
            self.notify.emit(
                tr("Break after the call not taken"),
                tr("Your {code} break could not be taken: {why}").format(
                    code=label, why=self.last_error.message if self.last_error else ""
                ),
            )
        self.status_changed.emit()

    # --- plumbing ---------------------------------------------------------------------------------

    async def _get_client(self) -> CccClient:
        if self._client is None:
            self._client = await self._client_provider()
        return self._client

    def _forget_last_known(self) -> None:
        if self.last_known is not None:
            self.last_known = None
            self.status_changed.emit()

    def _accept(self, status: AgentStatus, *, caused_by_us: bool) -> None:
        self.last_known = None
        self.last_refreshed = datetime.now(UTC)
        self._set_stale(False)
        before = self.tracker.status
        for event in self.tracker.apply(status, caused_by_us=caused_by_us):
            self._handle(event)
        if before is None or state_label(before) != state_label(status):
            self._spawn(self._learn_state_start(state_label(status), status))
            if before is None or UserState.BREAK in (before.user_state, status.user_state):
                self.refresh_today()  # a break began or ended: the day's totals moved
        elif self.today is not None and self.tracker.now() - self.today.as_of > TODAY_MAX_AGE:
            self.refresh_today()  # a break begun and ended between two polls still counts
        self._follow_queued_break(status)
        self._arm_overrun_timer()
        self.status_changed.emit()

    async def _learn_state_start(self, label: str, status: AgentStatus) -> None:
        """Ask the service when this state really began (a break taken in the web workbench, or before
        a restart); keep the start for the next run either way."""
        import asyncio

        agent = self._agent_id(status)
        if not self._read_api_refused and agent:
            from app.core.agent_reports import realtime_state

            try:
                found = await realtime_state(await self._get_client(), agent)
            except ApiError as error:
                if refused_for_good(error):
                    self._read_api_refused = True
                    logger.info("The state's start is approximate: ListRealtimeAgentStates gave %s", error.code)
                found = None
            except CccBreakError as error:
                logger.info("Could not learn when the state began: %s", error.user_message)
                found = None
            if (
                found is not None
                and found.state_time is not None
                and UserState.parse(found.state) is status.user_state
                and self.tracker.learn_start(label, found.state_time)
            ):
                self.check_overrun()  # a break begun elsewhere may be near or past its maximum already
                self.status_changed.emit()
        remembered = self.tracker.remembered_start()
        if self._state_memory is not None and remembered is not None:
            memory = self._state_memory
            await asyncio.get_running_loop().run_in_executor(None, memory.remember, remembered)

    def _announce(self, event: StatusEvent) -> None:
        if not self._gate.allow(event.kind):
            logger.info("Notification held back (one per 30 s): %s", event.kind)
            return
        current = event.current
        state = tr(look_for(current.user_state).label)
        code = self.label_for(current.break_code)
        if event.kind is EventKind.BREAK_ENDING:
            left = self.tracker.overrun_warning_minutes()
            title = tr("Break ends soon")
            text = tr("Your {code} break ends in {time}.").format(code=code, time=minutes_text(left))
        elif event.kind is EventKind.BREAK_OVERRUN:
            title = tr("Break is over time")
            text = tr("Your {code} break has passed {time}. Click Ready when you are back.").format(
                code=code, time=minutes_text(event.limit_minutes or 0)
            )
        elif event.kind is EventKind.BREAK_STILL_OVER:
            over = self.tracker.minutes_over()
            title = tr("Still on break")
            text = tr("Your {code} break is {time} over. Click Ready when you are back.").format(
                code=code, time=minutes_text(over)
            )
        elif event.kind is EventKind.AUTO_READY:
            title = tr("Set to Ready")
            text = tr(
                "Your {code} break ran {time} over, so you were set to Ready, as your organisation asks. "
                "Take a new break if you are not back."
            ).format(code=code, time=minutes_text(self.tracker.minutes_over()))
        elif event.kind is EventKind.SYSTEM_BREAK:
            title = tr("You were put on a break")
            if current.break_code == "RingingTimeout":
                text = tr("A call rang unanswered, so the system put you on a break. Click Ready to take calls again.")
            else:
                text = tr("A call was rejected, so the system put you on a break. Click Ready to take calls again.")
        else:
            title = tr("Your state changed")
            if current.user_state is UserState.BREAK and current.break_code:
                text = tr("You are now {state} ({code}): changed outside this app.").format(
                    state=state, code=self.label_for(current.break_code)
                )
            else:
                text = tr("You are now {state}: changed outside this app.").format(state=state)
        logger.info("Notification: %s — %s", title, text)
        overrun_kinds = (EventKind.BREAK_OVERRUN, EventKind.BREAK_STILL_OVER, EventKind.AUTO_READY)
        if event.kind in overrun_kinds:
            self.notify_until_seen.emit(title, text)
            if self.overrun_sound:
                self.alert_sound.emit()
        else:
            self.notify.emit(title, text)

    def _agent_id(self, status: AgentStatus | None) -> str:
        """Whom the read APIs ask about: the agent the service answered for, else the one configured."""
        return (status.user_id if status else "") or (self._client.identity.user_id if self._client else "")

    def label_for(self, code: str) -> str:
        """IT's label for a break code; the phone system's own codes in the agent's words."""
        for known in self.break_codes:
            if known.code == code:
                return known.display
        system = SYSTEM_BREAK_LABELS.get(code)
        return tr(system) if system else code

    def _show_error(self, error: BaseException, *, from_poll: bool) -> None:
        self.last_error = ShownError.from_exception(error, from_poll=from_poll)
        logger.warning(
            "Shown to the agent: %s (code=%s, RequestId=%s)",
            self.last_error.message,
            self.last_error.code,
            self.last_error.request_id,
        )
        self.error_changed.emit()

    def _clear_error(self) -> None:
        if self.last_error is not None:
            self.last_error = None
            self.error_changed.emit()

    def dismiss_error(self) -> None:
        self._clear_error()

    def _set_busy(self, busy: bool) -> None:
        if self.busy != busy:
            self.busy = busy
            self.busy_changed.emit(busy)

    def _set_stale(self, stale: bool) -> None:
        if self.stale != stale:
            self.stale = stale
            self.stale_changed.emit(stale)

    def _spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        import asyncio

        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def shutdown(self) -> None:
        """Cancel in-flight work; the caller then closes the session."""
        import asyncio

        self._overrun_timer.stop()
        tasks = [t for t in (*self._tasks, self._poller) if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        # A poll's write of the state's start may have been cancelled above: write it once more, so the
        # next start still knows when this state began (a small private file; quitting may wait for it).
        remembered = self.tracker.remembered_start()
        if self._state_memory is not None and remembered is not None:
            self._state_memory.remember(remembered)
