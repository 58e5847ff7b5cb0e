"""A break asked for during a call, taken once the call is over ("Lunch after this call").

TakeBreak is refused while the phone rings, dials or talks, and taking it during after-call work would
cut that work short. So the agent's choice waits here and the rules below say, for every fresh state,
whether to send it now, keep waiting or give up (with the reason to tell the agent). Pure logic: the
controller sends the request and renders the outcome.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from app.core.models import AgentStatus, UserState
from app.core.tracking import CALL_STATES, SYSTEM_BREAK_CODES

# A call and its after-call work: a break asked for now waits for the end of both.
WAITING_STATES = CALL_STATES


class Verdict(StrEnum):
    WAIT = "wait"  # nothing queued, or the call is still going: nothing to do
    TAKE = "take"  # send TakeBreak with the queued code now
    DROPPED_OFFLINE = "dropped_offline"  # the agent was signed out: a break makes no sense now
    DROPPED_BREAK_ELSEWHERE = "dropped_break_elsewhere"  # a break was taken elsewhere (workbench, supervisor)


class QueuedBreak(NamedTuple):
    code: str
    queued_at: datetime


class BreakQueue:
    """At most one queued break. `decide` is called with every fresh state (poll or action answer); a
    failed poll says nothing new, so the queued break simply waits for the next answer."""

    def __init__(self) -> None:
        self.pending: QueuedBreak | None = None
        self._sending = False  # TakeBreak is under way: do not send it twice

    @staticmethod
    def waits_for_call(status: AgentStatus | None) -> bool:
        """Take Break now would be queued rather than sent."""
        return status is not None and status.user_state in WAITING_STATES

    def queue(self, code: str, at: datetime) -> QueuedBreak:
        """Queue (or change) the break to take after the call; the latest choice wins."""
        self.pending = QueuedBreak(code, at)
        self._sending = False
        return self.pending

    def cancel(self) -> QueuedBreak | None:
        cancelled, self.pending, self._sending = self.pending, None, False
        return cancelled

    def decide(self, status: AgentStatus) -> Verdict:
        if self.pending is None or self._sending:
            return Verdict.WAIT
        state = status.user_state
        if state in WAITING_STATES:
            return Verdict.WAIT
        if state is UserState.OFFLINE:
            return Verdict.DROPPED_OFFLINE
        if state is UserState.BREAK and status.break_code not in SYSTEM_BREAK_CODES:
            return Verdict.DROPPED_BREAK_ELSEWHERE
        # READY, or a break the system set after a missed or rejected call (TakeBreak is accepted in
        # BREAK): the agent still wants their own break, with their own code, so it is taken.
        self._sending = True
        return Verdict.TAKE

    def drop(self) -> QueuedBreak | None:
        """The break was given up (see the verdict) or sent (whatever its answer): forget it."""
        return self.cancel()

    def retry_later(self) -> None:
        """The break could not be sent just now (another request was under way): decide again on the
        next state."""
        self._sending = False
