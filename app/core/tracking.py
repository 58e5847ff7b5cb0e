"""What the widget infers between API answers: time in break, changes made elsewhere, overruns,
when to poll next and whether the PC just woke up. Pure logic, so it is tested without Qt or network.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from app.core.models import AgentStatus, BreakCode, UserState
from app.core.settings.model import MIN_POLL_INTERVAL as MIN_POLL_SECONDS
from app.core.state_memory import RememberedStart

MAX_BACKOFF_SECONDS = 300
POLL_JITTER = 0.2


class EventKind(StrEnum):
    CHANGED_ELSEWHERE = "changed_elsewhere"
    SYSTEM_BREAK = "system_break"  # a break the agent did not choose (a missed or rejected call)
    BREAK_ENDING = "break_ending"  # the pre-warning: the break's maximum is near
    BREAK_OVERRUN = "break_overrun"
    BREAK_STILL_OVER = "break_still_over"  # a reminder every few minutes until Ready
    AUTO_READY = "auto_ready"  # the organisation's policy sets the agent Ready this long over the maximum


# Breaks the phone system sets by itself; each deserves its own explanation.
SYSTEM_BREAK_CODES = frozenset({"RingingTimeout", "RejectCall"})
CALL_STATES = frozenset({UserState.RINGING, UserState.DIALING, UserState.TALKING, UserState.WORKING})
# Where a change made elsewhere is worth a notification: the rest is call progress, shown in the
# window and the tray but never announced.
ANNOUNCED_STATES = frozenset({UserState.BREAK, UserState.READY, UserState.OFFLINE})
NOTIFICATION_GAP = timedelta(seconds=30)


def is_worth_announcing(previous: AgentStatus, current: AgentStatus) -> EventKind | None:
    """Which notification a change made outside this app deserves, if any."""
    if current.user_state is UserState.BREAK and current.break_code in SYSTEM_BREAK_CODES:
        return EventKind.SYSTEM_BREAK
    if current.user_state not in ANNOUNCED_STATES or previous.user_state in CALL_STATES:
        return None  # a call's own progress (ringing, talking, after-call work, back to ready)
    return EventKind.CHANGED_ELSEWHERE


class NotificationGate:
    """At most one notification per 30 s, so a burst of changes does not bury the agent; a system
    break, an overrun and the agent's own failed action always get through."""

    URGENT = frozenset(
        {
            EventKind.SYSTEM_BREAK,
            EventKind.BREAK_ENDING,
            EventKind.BREAK_OVERRUN,
            EventKind.BREAK_STILL_OVER,
            EventKind.AUTO_READY,
        }
    )

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._last: datetime | None = None

    def allow(self, kind: EventKind) -> bool:
        moment = self._now()
        if kind not in self.URGENT and self._last is not None and moment - self._last < NOTIFICATION_GAP:
            return False
        self._last = moment
        return True


class StatusEvent(NamedTuple):
    kind: EventKind
    previous: AgentStatus | None
    current: AgentStatus
    limit_minutes: int | None = None


def _state_key(status: AgentStatus) -> tuple[UserState, str]:
    code = status.break_code if status.user_state is UserState.BREAK else ""
    return status.user_state, code


def state_label(status: AgentStatus) -> str:
    """The state key as text, e.g. "BREAK:lunch" (what a remembered start belongs to)."""
    state, code = _state_key(status)
    return f"{state.value}:{code}" if code else state.value


class AgentTracker:
    """Keeps the last known status and turns new answers into events an agent should hear about."""

    def __init__(
        self,
        break_codes: Sequence[BreakCode] = (),
        now: Callable[[], datetime] | None = None,
        remembered: RememberedStart | None = None,
    ) -> None:
        self._now = now or (lambda: datetime.now(UTC))
        self._limits: dict[str, int] = {}
        self.set_break_codes(break_codes)
        self.status: AgentStatus | None = None
        # When the current state began: from the service (exact), else from when this widget (or its
        # last run, `remembered`) first saw it (approximate).
        self.state_started_at: datetime | None = None
        self.start_is_exact = False
        self._remembered = remembered
        self._overrun = OverrunSchedule()

    def now(self) -> datetime:
        return self._now()

    def set_break_codes(self, break_codes: Sequence[BreakCode]) -> None:
        self._limits = {c.code: c.max_minutes for c in break_codes if c.max_minutes}

    def set_overrun_policy(self, remind_every_minutes: int, auto_ready_after_minutes: int = 0) -> None:
        """Reminders every N minutes over; Ready set by policy X minutes over (0: never)."""
        self._overrun.remind_every = timedelta(minutes=max(1, remind_every_minutes))
        self._overrun.auto_ready_after = (
            timedelta(minutes=auto_ready_after_minutes) if auto_ready_after_minutes > 0 else None
        )

    def apply(self, status: AgentStatus, *, caused_by_us: bool) -> list[StatusEvent]:
        previous = self.status
        self.status = status
        events: list[StatusEvent] = []
        changed = previous is None or _state_key(previous) != _state_key(status)
        if changed:
            # Until the service says (learn_start), the moment we first saw this state is our best guess;
            # after a restart, the start the last run remembered for this same state.
            remembered = self._remembered
            same = remembered is not None and remembered.state == state_label(status)
            same = same and remembered is not None and remembered.agent in ("", status.user_id)
            self.state_started_at = remembered.since if same and remembered is not None else self._now()
            self.start_is_exact = False
            self._remembered = None
            self._overrun.reset()
            if previous is not None and not caused_by_us:
                kind = is_worth_announcing(previous, status)
                if kind is not None:
                    events.append(StatusEvent(kind, previous, status))
        overrun = self.check_overrun()
        if overrun:
            events.append(overrun)
        return events

    def learn_start(self, for_state: str, at: datetime) -> bool:
        """The service's own start of the state `for_state` (ListRealtimeAgentStates' StateTime).
        Ignored when the agent has moved on since it was asked."""
        if self.status is None or state_label(self.status) != for_state:
            return False
        self.state_started_at, self.start_is_exact = at, True
        return True

    def remembered_start(self) -> RememberedStart | None:
        """What to keep on disk so a restart knows when the current state began."""
        if self.status is None or self.state_started_at is None:
            return None
        return RememberedStart(self.status.user_id, state_label(self.status), self.state_started_at)

    def time_in_state(self) -> timedelta | None:
        if self.state_started_at is None:
            return None
        return max(timedelta(0), self._now() - self.state_started_at)

    def time_in_break(self) -> timedelta | None:
        if self.status is None or self.status.user_state is not UserState.BREAK:
            return None
        return self.time_in_state()

    def break_limit_minutes(self) -> int | None:
        if self.status is None or self.status.user_state is not UserState.BREAK:
            return None
        return self._limits.get(self.status.break_code)

    def check_overrun(self) -> StatusEvent | None:
        """The break's own schedule (OverrunSchedule): a pre-warning, the overrun, then reminders."""
        limit = self.break_limit_minutes()
        elapsed = self.time_in_break()
        if self.status is None or limit is None or elapsed is None:
            return None
        kind = self._overrun.due(elapsed, limit)
        if kind is None:
            return None
        return StatusEvent(kind, self.status, self.status, limit_minutes=limit)

    def until_next_overrun_event(self) -> timedelta | None:
        """How long until check_overrun has something to say (None: nothing is scheduled), so one
        timer can wait for it instead of a ticker running all day."""
        limit, elapsed = self.break_limit_minutes(), self.time_in_break()
        if limit is None or elapsed is None:
            return None
        return self._overrun.until_next(elapsed, limit)

    def overrun_warning_minutes(self) -> int:
        return int(self._overrun.warn_before.total_seconds() // 60)

    def minutes_over(self) -> int:
        limit, elapsed = self.break_limit_minutes(), self.time_in_break()
        if limit is None or elapsed is None:
            return 0
        return max(0, int((elapsed - timedelta(minutes=limit)).total_seconds() // 60))

    def is_over(self) -> bool:
        """The break has passed its code's maximum (the tray and window show it until Ready)."""
        limit, elapsed = self.break_limit_minutes(), self.time_in_break()
        return limit is not None and elapsed is not None and elapsed >= timedelta(minutes=limit)


class OverrunSchedule:
    """When to tell the agent about a break's maximum: `warn_before` ahead, at the maximum, then every
    `remind_every` until Ready. Each moment once; a new break starts over (`reset`). A plain class: a
    dataclass's methods are compiled when the module loads, before the widget's first window."""

    def __init__(
        self,
        warn_before: timedelta = timedelta(minutes=2),
        remind_every: timedelta = timedelta(minutes=5),
        auto_ready_after: timedelta | None = None,  # the organisation's policy; None: never
    ) -> None:
        self.warn_before = warn_before
        self.remind_every = remind_every
        self.auto_ready_after = auto_ready_after
        self.reset()

    def reset(self) -> None:
        self._warned = self._overrun_told = self._auto_ready_told = False
        self._reminders = 0

    def until_next(self, elapsed: timedelta, limit_minutes: int) -> timedelta | None:
        """The wait until `due` next returns an event, for the same break."""
        limit = timedelta(minutes=limit_minutes)
        if not self._warned and limit > self.warn_before and elapsed < limit - self.warn_before:
            return limit - self.warn_before - elapsed
        if not self._overrun_told:
            return max(timedelta(0), limit - elapsed)
        moments = [limit + self.remind_every * (self._reminders + 1)]
        if self.auto_ready_after is not None and not self._auto_ready_told:
            moments.append(limit + self.auto_ready_after)
        return max(timedelta(0), min(moments) - elapsed)

    def due(self, elapsed: timedelta, limit_minutes: int) -> EventKind | None:
        limit = timedelta(minutes=limit_minutes)
        if elapsed >= limit:
            reminders_due = int((elapsed - limit) / self.remind_every)
            if not self._overrun_told:
                # Told now; reminders count on from here (a break restored long over is no burst).
                self._overrun_told = self._warned = True
                self._reminders = reminders_due
                return EventKind.BREAK_OVERRUN
            policy = self.auto_ready_after
            if policy is not None and not self._auto_ready_told and elapsed >= limit + policy:
                self._auto_ready_told = True
                self._reminders = reminders_due  # a reminder due at the same moment would say less
                return EventKind.AUTO_READY
            if reminders_due > self._reminders:
                self._reminders = reminders_due
                return EventKind.BREAK_STILL_OVER
            return None
        if not self._warned and limit > self.warn_before and elapsed >= limit - self.warn_before:
            self._warned = True
            return EventKind.BREAK_ENDING
        return None


class PollSchedule:
    """Poll every `interval` s with ±20 % jitter (so a fleet does not poll in lock-step); after
    failures back off exponentially up to five minutes."""

    def __init__(self, interval_seconds: float, rng: random.Random | None = None) -> None:
        self.failures = 0
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self.set_interval(interval_seconds)

    def set_interval(self, interval_seconds: float) -> None:
        """A new interval from Settings; a back-off in progress carries on."""
        self.interval = max(float(MIN_POLL_SECONDS), float(interval_seconds))

    def record_success(self) -> None:
        self.failures = 0

    def record_failure(self) -> None:
        self.failures += 1

    def shortest_delay(self) -> float:
        """The quickest poll allowed (with jitter), for when seconds matter: a break waits for a call's end."""
        return float(MIN_POLL_SECONDS) * self._rng.uniform(1, 1 + POLL_JITTER)

    def next_delay(self) -> float:
        # Back-off never waits longer than five minutes, nor less than the interval IT set (which
        # may itself be longer than five minutes).
        ceiling = max(float(MAX_BACKOFF_SECONDS), self.interval)
        base = min(ceiling, self.interval * (2.0 ** min(self.failures, 16)))  # 2**1024 would overflow
        delay = base * self._rng.uniform(1 - POLL_JITTER, 1 + POLL_JITTER)
        floor = MIN_POLL_SECONDS if self.failures == 0 else self.interval
        return min(ceiling, max(float(floor), delay))

    def delay_after_wake(self) -> float:
        """The wait before the next poll, in place of the one that was due, once an event a whole fleet
        sees at once (the network coming back, waking from sleep) asks for a fresh state: a random point
        within about one poll interval. (Keeping an earlier poll that was due anyway would bunch the
        fleet up: the earlier of two spread-out times is not spread out.)

        The point is drawn from the steady-state time-to-next-poll of the jittered schedule (uniform up
        to 0.8 of the interval, then tapering off to 1.2 of it), so a fleet that all hears the event in
        the same second is at once spread as evenly as in steady polling: a plain uniform spread would
        pile its first and second polls onto each other (1.5x the steady load around one interval)."""
        shortest = self.interval * (1 - POLL_JITTER)
        longest = self.interval * (1 + POLL_JITTER)
        if self._rng.random() < shortest / self.interval:
            wake = self._rng.uniform(0.0, shortest)
        else:
            wake = longest - (longest - shortest) * math.sqrt(self._rng.random())
        return wake


class ResumeDetector:
    """Notices a suspend/resume: wall-clock time jumps ahead of the monotonic clock, which stops
    while the PC sleeps."""

    def __init__(
        self,
        wall: Callable[[], float],
        monotonic: Callable[[], float],
        threshold_seconds: float = 30.0,
    ) -> None:
        self._wall, self._monotonic = wall, monotonic
        self._threshold = threshold_seconds
        self._last = (wall(), monotonic())

    def check(self) -> bool:
        wall, mono = self._wall(), self._monotonic()
        gap = (wall - self._last[0]) - (mono - self._last[1])
        self._last = (wall, mono)
        return gap > self._threshold
