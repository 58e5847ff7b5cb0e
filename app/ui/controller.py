"""The agent's live state for the views: runs actions and polls on the qasync loop, never blocking Qt.

Views only read `status`, `busy`, `stale`, `last_error` and listen to the signals; every request goes
through the one client the `ClientProvider` hands out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.core.agent_reports import realtime_state
from app.core.client import CccClient
from app.core.errors import ApiError, CccBreakError, ConfigError, CredentialError
from app.core.models import AgentStatus, BreakCode, UserState
from app.core.state_memory import StateStartFile
from app.core.tracking import AgentTracker, EventKind, NotificationGate, PollSchedule, StatusEvent, state_label
from app.ui.i18n import tr
from app.ui.icons import look_for

logger = logging.getLogger(__name__)

ClientProvider = Callable[[], Awaitable[CccClient]]


@dataclass(frozen=True)
class ShownError:
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


def minutes_text(n: int) -> str:
    """'1 minute' or 'n minutes': the plural chosen here, each form a whole translatable string."""
    return tr("1 minute") if n == 1 else tr("{n} minutes").format(n=n)


class AgentController(QObject):
    status_changed = Signal()
    busy_changed = Signal(bool)
    error_changed = Signal()
    stale_changed = Signal(bool)
    notify = Signal(str, str)  # title, text: raised in the tray (or the window when there is none)

    def __init__(
        self,
        client_provider: ClientProvider,
        break_codes: list[BreakCode],
        poll_interval: float,
        tracker: AgentTracker | None = None,
        schedule: PollSchedule | None = None,
        parent: QObject | None = None,
        state_memory: StateStartFile | None = None,
    ) -> None:
        super().__init__(parent)
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

    # --- what the views ask -----------------------------------------------------------------------

    @property
    def status(self) -> AgentStatus | None:
        return self.tracker.status

    @property
    def out_of_date(self) -> bool:
        """A state is shown but the last refresh failed (never-connected is not "out of date")."""
        return self.stale and self.status is not None

    def can_take_break(self) -> tuple[bool, str]:
        return self._allowed()

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

    def take_break(self, code: str) -> asyncio.Task[None]:
        return self._spawn(self._act(lambda client: client.take_break(code)))

    def get_ready(self) -> asyncio.Task[None]:
        return self._spawn(self._act(lambda client: client.ready_keeping_mode(self.status)))

    def refresh_soon(self) -> None:
        """Poll now: after the agent's action, when they show the window or press F5."""
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)
        else:
            self._wake_pending = True  # a poll is running: poll once more right after it

    def refresh_spread(self) -> None:
        """Poll soon, at a random point within one interval: for events every desktop of a fleet
        sees at the same moment (the network coming back, waking from sleep)."""
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
        self.schedule.set_interval(poll_interval)
        self.status_changed.emit()
        self.refresh_soon()

    async def _act(self, call: Callable[[CccClient], Awaitable[AgentStatus]]) -> None:
        if self.busy:
            return
        self._set_busy(True)
        self._generation += 1
        try:
            client = await self._get_client()
            status = await call(client)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # every failure becomes a message, never a crash
            self._show_error(error, from_poll=False)
        else:
            self._generation += 1
            self._clear_error()
            self._accept(status, caused_by_us=True)
        finally:
            self._set_busy(False)
            self.refresh_soon()

    # --- polling ----------------------------------------------------------------------------------

    def start_polling(self) -> None:
        if self._poller is None or self._poller.done():
            self._poller = asyncio.get_running_loop().create_task(self._poll_forever())

    async def _poll_forever(self) -> None:
        # A bare future woken by a timer or refresh_soon(): cancelling it on quit takes one step,
        # where wait_for() on an Event could hang for a whole poll interval under qasync.
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
        self._timer = loop.call_later(delay, self.refresh_soon)

    async def poll_once(self) -> None:
        generation = self._generation
        try:
            client = await self._get_client()
            status = await client.poll_user_status(retry=False)  # the next poll is the retry
        except asyncio.CancelledError:
            raise
        except Exception as error:  # shown, then backed off
            self.schedule.record_failure()
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
        """Called by the views' one-second tick."""
        event = self.tracker.check_overrun()
        if event:
            self._announce(event)
            if event.kind is EventKind.BREAK_OVERRUN:
                self.status_changed.emit()  # the tray and window switch to the over-time look

    # --- plumbing ---------------------------------------------------------------------------------

    async def _get_client(self) -> CccClient:
        if self._client is None:
            self._client = await self._client_provider()
        return self._client

    def _accept(self, status: AgentStatus, *, caused_by_us: bool) -> None:
        self.last_refreshed = datetime.now(UTC)
        self._set_stale(False)
        before = self.tracker.status
        for event in self.tracker.apply(status, caused_by_us=caused_by_us):
            self._announce(event)
        if before is None or state_label(before) != state_label(status):
            self._spawn(self._learn_state_start(state_label(status), status))
        self.status_changed.emit()

    async def _learn_state_start(self, label: str, status: AgentStatus) -> None:
        """Ask the service when this state really began (a break taken in the web workbench, or before
        a restart); keep the start for the next run either way."""
        agent = status.user_id or (self._client.identity.user_id if self._client else "")
        if not self._read_api_refused and agent:
            try:
                found = await realtime_state(await self._get_client(), agent)
            except ApiError as error:
                if error.http_status in (400, 403, 404):  # denied or not served here: it will stay so
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
        self.notify.emit(title, text)

    def label_for(self, code: str) -> str:
        for known in self.break_codes:
            if known.code == code:
                return known.display
        return code

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

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def shutdown(self) -> None:
        """Cancel in-flight work; the caller then closes the session."""
        tasks = [t for t in (*self._tasks, self._poller) if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
