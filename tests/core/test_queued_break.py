"""A break asked for during a call waits for the call's end, then is taken once, or given up with a reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.models import AgentStatus
from app.core.queued_break import BreakQueue, Verdict

AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def status(state: str, code: str = "") -> AgentStatus:
    return AgentStatus.from_context({"UserState": state, "BreakCode": code}, request_id="r")


@pytest.mark.parametrize("state", ["RINGING", "DIALING", "TALKING", "WORKING"])
def test_during_a_call_and_its_after_call_work_take_break_waits(state: str) -> None:
    assert BreakQueue.waits_for_call(status(state))


@pytest.mark.parametrize("state", ["READY", "BREAK", "OFFLINE"])
def test_outside_a_call_take_break_is_sent_at_once(state: str) -> None:
    assert not BreakQueue.waits_for_call(status(state))
    assert not BreakQueue.waits_for_call(None)


def test_a_queued_break_waits_through_the_call_and_is_taken_once_when_ready() -> None:
    queue = BreakQueue()
    queue.queue("lunch", AT)
    for state in ("TALKING", "WORKING", "WORKING"):
        assert queue.decide(status(state)) is Verdict.WAIT
    assert queue.decide(status("READY")) is Verdict.TAKE
    assert queue.decide(status("READY")) is Verdict.WAIT, "sent once, not again while the answer is awaited"
    assert queue.pending is not None and queue.pending.code == "lunch"
    queue.drop()
    assert queue.pending is None
    assert queue.decide(status("READY")) is Verdict.WAIT


def test_a_failed_poll_changes_nothing() -> None:
    """A failed poll brings no state: the queue is only asked on fresh answers, and keeps its break."""
    queue = BreakQueue()
    queue.queue("lunch", AT)
    assert queue.decide(status("TALKING")) is Verdict.WAIT
    # (poll fails: decide is not called)
    assert queue.pending is not None
    assert queue.decide(status("READY")) is Verdict.TAKE


def test_cancel_forgets_the_break() -> None:
    queue = BreakQueue()
    queue.queue("lunch", AT)
    cancelled = queue.cancel()
    assert cancelled is not None and cancelled.code == "lunch"
    assert queue.decide(status("READY")) is Verdict.WAIT
    assert queue.cancel() is None


def test_signed_out_during_the_call_drops_it() -> None:
    queue = BreakQueue()
    queue.queue("lunch", AT)
    assert queue.decide(status("OFFLINE")) is Verdict.DROPPED_OFFLINE


def test_a_break_taken_elsewhere_drops_it() -> None:
    queue = BreakQueue()
    queue.queue("lunch", AT)
    assert queue.decide(status("BREAK", "meeting")) is Verdict.DROPPED_BREAK_ELSEWHERE


@pytest.mark.parametrize("system_code", ["RingingTimeout", "RejectCall"])
def test_a_system_break_after_a_missed_call_still_takes_the_agents_own_break(system_code: str) -> None:
    """The phone system's break is not the agent's choice: their lunch replaces it (TakeBreak works in BREAK)."""
    queue = BreakQueue()
    queue.queue("lunch", AT)
    assert queue.decide(status("BREAK", system_code)) is Verdict.TAKE


def test_the_latest_choice_wins() -> None:
    queue = BreakQueue()
    queue.queue("lunch", AT)
    queue.queue("meeting", AT)
    assert queue.pending is not None and queue.pending.code == "meeting"


def test_a_break_that_could_not_be_sent_yet_is_decided_again() -> None:
    queue = BreakQueue()
    queue.queue("lunch", AT)
    assert queue.decide(status("READY")) is Verdict.TAKE
    queue.retry_later()  # another request was under way
    assert queue.decide(status("READY")) is Verdict.TAKE
