"""Between API answers the widget infers breaks, changes made elsewhere and when to poll."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.models import AgentStatus, BreakCode
from app.core.tracking import (
    MAX_BACKOFF_SECONDS,
    MIN_POLL_SECONDS,
    AgentTracker,
    EventKind,
    OverrunSchedule,
    PollSchedule,
    ResumeDetector,
)


class FakeClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


def status(state: str, code: str = "") -> AgentStatus:
    return AgentStatus.from_context({"UserState": state, "BreakCode": code, "Extension": 80011474}, request_id="r")


def test_change_made_elsewhere_is_an_event_but_our_own_action_is_not() -> None:
    """A supervisor's reset is announced; the agent's own click is not announced back to them."""
    tracker = AgentTracker()
    assert tracker.apply(status("READY"), caused_by_us=False) == []  # first sight: nothing to compare
    assert tracker.apply(status("BREAK", "lunch"), caused_by_us=True) == []
    events = tracker.apply(status("BREAK", "meeting"), caused_by_us=False)
    assert [e.kind for e in events] == [EventKind.CHANGED_ELSEWHERE]
    assert events[0].previous is not None and events[0].previous.break_code == "lunch"
    assert tracker.apply(status("BREAK", "meeting"), caused_by_us=False) == []


def test_a_break_warns_before_its_maximum_then_at_it_then_every_five_minutes() -> None:
    """A 15-minute break: a pre-warning at 13 minutes, the overrun at 15, reminders at 20 and 25,
    each once, not on every poll or tick; a new break starts over."""
    clock = FakeClock()
    tracker = AgentTracker([BreakCode("default", "Break", 15)], now=clock)
    tracker.apply(status("BREAK", "default"), caused_by_us=True)

    def at(minutes: float) -> EventKind | None:
        clock.moment = start + timedelta(minutes=minutes)
        event = tracker.check_overrun()
        return None if event is None else event.kind

    start = clock.moment
    assert [at(m) for m in (1, 12.9)] == [None, None]
    assert at(13) is EventKind.BREAK_ENDING and at(14) is None
    assert not tracker.is_over()
    assert at(15) is EventKind.BREAK_OVERRUN and at(15.5) is None and tracker.is_over()
    assert at(19.9) is None and at(20) is EventKind.BREAK_STILL_OVER and at(24) is None
    assert at(25) is EventKind.BREAK_STILL_OVER and tracker.minutes_over() == 10
    assert tracker.time_in_break() == timedelta(minutes=25)
    tracker.apply(status("READY"), caused_by_us=True)
    assert tracker.check_overrun() is None and not tracker.is_over()
    tracker.apply(status("BREAK", "default"), caused_by_us=True)
    start = clock.moment
    assert at(13) is EventKind.BREAK_ENDING, "a new break starts its own schedule"


def test_a_break_restored_already_over_is_told_once_then_reminded() -> None:
    """Started after a restart in a break long past its maximum: the overrun once, not a burst of
    reminders for every five minutes missed."""
    schedule = OverrunSchedule()
    assert schedule.due(timedelta(minutes=40), 15) is EventKind.BREAK_OVERRUN
    assert schedule.due(timedelta(minutes=41), 15) is None
    assert schedule.due(timedelta(minutes=45), 15) is EventKind.BREAK_STILL_OVER


def test_ready_stops_the_break_clock() -> None:
    """Time in break disappears when the agent is ready again."""
    clock = FakeClock()
    tracker = AgentTracker(now=clock)
    tracker.apply(status("BREAK", "default"), caused_by_us=True)
    clock.moment += timedelta(minutes=3)
    assert tracker.time_in_break() == timedelta(minutes=3)
    tracker.apply(status("READY"), caused_by_us=True)
    assert tracker.time_in_break() is None and tracker.check_overrun() is None


def test_poll_delay_has_jitter_within_twenty_percent_and_never_below_five_seconds() -> None:
    """A fleet of desktops does not poll in lock-step, and nobody polls faster than every 5 s."""
    schedule = PollSchedule(15, random.Random(1))
    delays = [schedule.next_delay() for _ in range(500)]
    assert 12 <= min(delays) < 13 and 17 < max(delays) <= 18
    assert PollSchedule(1).interval == MIN_POLL_SECONDS
    assert all(PollSchedule(5, random.Random(i)).next_delay() >= MIN_POLL_SECONDS for i in range(200))


def test_failures_back_off_exponentially_up_to_five_minutes_and_recover() -> None:
    """After errors the widget backs off instead of hammering the service, then returns to normal."""
    schedule = PollSchedule(15, random.Random(2))
    bases = []
    for _ in range(8):
        schedule.record_failure()
        bases.append(schedule.next_delay())
    assert bases[0] > 15 * 2 * 0.79 and bases[2] > 15 * 8 * 0.79
    assert max(bases) <= MAX_BACKOFF_SECONDS and bases[-1] >= MAX_BACKOFF_SECONDS * 0.8
    schedule.record_success()
    assert schedule.next_delay() <= 18


def test_resume_is_detected_from_a_wall_clock_jump() -> None:
    """After the laptop lid opens, the widget polls at once instead of showing an hour-old state."""
    wall, mono = [1000.0], [50.0]
    detector = ResumeDetector(lambda: wall[0], lambda: mono[0])
    wall[0] += 5
    mono[0] += 5
    assert detector.check() is False
    wall[0] += 3600
    mono[0] += 5
    assert detector.check() is True
    assert detector.check() is False


def test_events_carry_the_state_they_announce() -> None:
    """The notification text is built from the event's current state: an event without it would
    crash the announcement instead of telling the agent what happened."""
    clock = FakeClock()
    tracker = AgentTracker([BreakCode("default", "Break", 1)], now=clock)
    tracker.apply(status("READY"), caused_by_us=True)
    changed = tracker.apply(status("BREAK", "default"), caused_by_us=False)
    assert [e.kind for e in changed] == [EventKind.CHANGED_ELSEWHERE]
    assert changed[0].current is not None and changed[0].current.break_code == "default"
    clock.moment += timedelta(minutes=2)
    overrun = tracker.apply(status("BREAK", "default"), caused_by_us=False)
    assert [e.kind for e in overrun] == [EventKind.BREAK_OVERRUN]
    assert overrun[0].current is not None and overrun[0].current.break_code == "default"
    assert overrun[0].limit_minutes == 1


def test_a_leftover_break_code_on_ready_is_not_a_change() -> None:
    """CCC may keep the last BreakCode on a READY agent: polls that differ only in it are no news."""
    tracker = AgentTracker()
    tracker.apply(status("READY", "lunch"), caused_by_us=True)
    assert tracker.apply(status("READY", "default"), caused_by_us=False) == []


def test_back_off_doubles_per_failure_and_no_faster() -> None:
    """One failure waits about twice the interval, two about four times: not more, or a short
    outage would leave the agent looking at a stale state for minutes."""
    for seed in range(50):
        schedule = PollSchedule(15, random.Random(seed))
        schedule.record_failure()
        assert 15 * 2 * 0.8 <= schedule.next_delay() <= 15 * 2 * 1.2
        schedule.record_failure()
        assert 15 * 4 * 0.8 <= schedule.next_delay() <= 15 * 4 * 1.2


def test_an_interval_longer_than_five_minutes_is_kept() -> None:
    """IT may set a 10-minute interval: it is not cut to the five-minute back-off ceiling, and a
    failure never makes the next poll come sooner than the normal one."""
    schedule = PollSchedule(600, random.Random(1))
    assert all(600 * 0.8 <= schedule.next_delay() <= 600 for _ in range(100))
    schedule.record_failure()
    assert all(schedule.next_delay() >= 600 for _ in range(100))


def test_a_stalled_loop_is_not_a_resume() -> None:
    """Both clocks moving a minute (the loop was busy, the PC did not sleep) is no resume."""
    wall, mono = [1000.0], [50.0]
    detector = ResumeDetector(lambda: wall[0], lambda: mono[0])
    wall[0] += 60
    mono[0] += 60
    assert detector.check() is False


def test_the_tracker_clock_defaults_to_utc_now() -> None:
    tracker = AgentTracker([BreakCode("lunch", "Lunch", 60)])
    tracker.apply(status("BREAK", "lunch"), caused_by_us=True)
    elapsed = tracker.time_in_break()
    assert elapsed is not None and timedelta(0) <= elapsed < timedelta(seconds=5)


def test_a_fleet_wide_wake_up_is_spread_over_one_interval() -> None:
    """After the network comes back or the PC wakes, the poll lands at a random point within about one
    interval, spread as evenly as steady polling, so a fleet does not arrive in the same second."""
    schedule = PollSchedule(15, random.Random(4))
    delays = [schedule.delay_after_wake() for _ in range(4000)]
    assert 0 <= min(delays) < 0.5 and 17 < max(delays) <= 18
    # As evenly as steady polling: flat up to 12 s (0.8 of the interval), then tapering to 18 s.
    early = [d for d in delays if d < 12]
    assert 0.76 < len(early) / len(delays) < 0.84
    first_half = sum(1 for d in early if d < 6)
    assert 0.45 < first_half / len(early) < 0.55
    assert sum(1 for d in delays if 12 <= d < 15) > 2 * sum(1 for d in delays if 15 <= d <= 18)


def test_the_services_start_wins_and_a_remembered_one_survives_a_restart() -> None:
    """A state's start comes from the service when it says (exact); else from when the widget first
    saw it, kept for the next run of the same state only (approximate)."""
    from app.core.state_memory import RememberedStart

    clock = FakeClock()
    tracker = AgentTracker(now=clock)
    tracker.apply(status("BREAK", "lunch"), caused_by_us=False)
    assert tracker.time_in_break() == timedelta(0) and not tracker.start_is_exact
    assert tracker.learn_start("BREAK:lunch", clock.moment - timedelta(minutes=25))
    assert tracker.time_in_break() == timedelta(minutes=25) and tracker.start_is_exact
    assert not tracker.learn_start("READY", clock.moment), "an answer about another state is ignored"
    kept = tracker.remembered_start()
    assert kept is not None and kept.state == "BREAK:lunch"

    restarted = AgentTracker(now=clock, remembered=kept)
    restarted.apply(status("BREAK", "lunch"), caused_by_us=False)
    assert restarted.time_in_break() == timedelta(minutes=25) and not restarted.start_is_exact
    other = AgentTracker(now=clock, remembered=RememberedStart("", "BREAK:meeting", kept.since))
    other.apply(status("BREAK", "lunch"), caused_by_us=False)
    assert other.time_in_break() == timedelta(0), "a start remembered for another state is not used"


@pytest.mark.linux_only
def test_the_remembered_start_file_is_private_and_survives_damage(tmp_path: Path) -> None:
    from app.core.state_memory import RememberedStart, StateStartFile

    memory = StateStartFile(tmp_path / "ccc-break" / "ccc-break.state.json")
    assert memory.recall() is None
    start = RememberedStart("user-test@ccc-test", "BREAK:lunch", datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    memory.remember(start)
    assert memory.recall() == start
    assert (memory.path.stat().st_mode & 0o777) == 0o600
    memory.path.write_text("{not json", encoding="utf-8")
    assert memory.recall() is None


def test_polling_survives_a_long_weekend_of_failures() -> None:
    """An expired key on a PC left on over a weekend: thousands of failures in a row must not stop
    the poller (2**1024 overflowed and killed it for good)."""
    schedule = PollSchedule(15, random.Random(5))
    for _ in range(2000):
        schedule.record_failure()
    assert 15 <= schedule.next_delay() <= MAX_BACKOFF_SECONDS


def test_a_whole_call_cycle_raises_no_notification_but_a_missed_call_break_does() -> None:
    """Call progress (ringing, talking, after-call work, back to ready) is shown, never announced; a
    break the system set for a missed call is announced with its own reason; a supervisor's break is."""
    tracker = AgentTracker()
    tracker.apply(status("READY"), caused_by_us=True)
    for state in ("RINGING", "TALKING", "WORKING", "READY"):
        assert tracker.apply(status(state), caused_by_us=False) == [], state
    tracker.apply(status("RINGING"), caused_by_us=False)
    missed = tracker.apply(status("BREAK", "RingingTimeout"), caused_by_us=False)
    assert [e.kind for e in missed] == [EventKind.SYSTEM_BREAK]
    tracker.apply(status("READY"), caused_by_us=True)
    assert [e.kind for e in tracker.apply(status("BREAK", "meeting"), caused_by_us=False)] == [
        EventKind.CHANGED_ELSEWHERE
    ]


def test_notifications_are_at_most_one_per_30_seconds_except_urgent_ones() -> None:
    from app.core.tracking import NotificationGate

    clock = FakeClock()
    gate = NotificationGate(clock)
    assert gate.allow(EventKind.CHANGED_ELSEWHERE)
    clock.moment += timedelta(seconds=10)
    assert not gate.allow(EventKind.CHANGED_ELSEWHERE), "a burst of changes must not bury the agent"
    assert gate.allow(EventKind.SYSTEM_BREAK) and gate.allow(EventKind.BREAK_OVERRUN)
    clock.moment += timedelta(seconds=31)
    assert gate.allow(EventKind.CHANGED_ELSEWHERE)


def test_the_organisation_policy_sets_ready_once_after_its_minutes_over() -> None:
    """With "Ready after 10 min over", a 15-minute break is warned, overrun, reminded, then set Ready once."""
    clock = FakeClock()
    tracker = AgentTracker([BreakCode("default", "Break", 15)], now=clock)
    tracker.set_overrun_policy(remind_every_minutes=5, auto_ready_after_minutes=10)
    tracker.apply(status("BREAK", "default"), caused_by_us=True)
    seen: list[tuple[int, EventKind]] = []
    for minute in range(1, 40):
        clock.moment += timedelta(minutes=1)
        event = tracker.check_overrun()
        if event:
            seen.append((minute, event.kind))
    assert seen == [
        (13, EventKind.BREAK_ENDING),
        (15, EventKind.BREAK_OVERRUN),
        (20, EventKind.BREAK_STILL_OVER),
        (25, EventKind.AUTO_READY),
        (30, EventKind.BREAK_STILL_OVER),  # until the service says READY, reminders go on
        (35, EventKind.BREAK_STILL_OVER),
    ]


def test_without_a_policy_ready_is_never_set_for_the_agent() -> None:
    clock = FakeClock()
    tracker = AgentTracker([BreakCode("default", "Break", 15)], now=clock)
    tracker.apply(status("BREAK", "default"), caused_by_us=True)
    clock.moment += timedelta(hours=5)
    kinds = {event.kind for event in iter(tracker.check_overrun, None)}
    assert EventKind.AUTO_READY not in kinds


def test_the_next_overrun_moment_is_known_so_one_timer_can_wait_for_it() -> None:
    """Each wait ends exactly where check_overrun has something to say; nothing is due in between."""
    clock = FakeClock()
    tracker = AgentTracker([BreakCode("lunch", "Lunch", 30)], now=clock)
    tracker.set_overrun_policy(remind_every_minutes=5, auto_ready_after_minutes=7)
    assert tracker.until_next_overrun_event() is None  # not on a break
    tracker.apply(status("BREAK", "lunch"), caused_by_us=True)
    moments = []
    for _ in range(6):
        wait = tracker.until_next_overrun_event()
        assert wait is not None
        clock.moment += wait - timedelta(seconds=1)
        assert tracker.check_overrun() is None, "nothing is due before the announced moment"
        clock.moment += timedelta(seconds=1)
        event = tracker.check_overrun()
        assert event is not None
        moments.append((int((clock.moment - FakeClock().moment).total_seconds() // 60), event.kind))
    assert moments == [
        (28, EventKind.BREAK_ENDING),
        (30, EventKind.BREAK_OVERRUN),
        (35, EventKind.BREAK_STILL_OVER),
        (37, EventKind.AUTO_READY),
        (40, EventKind.BREAK_STILL_OVER),
        (45, EventKind.BREAK_STILL_OVER),
    ]
    tracker.apply(status("READY"), caused_by_us=True)
    assert tracker.until_next_overrun_event() is None


def test_reminders_follow_the_agents_interval() -> None:
    clock = FakeClock()
    tracker = AgentTracker([BreakCode("default", "Break", 10)], now=clock)
    tracker.set_overrun_policy(remind_every_minutes=2)
    tracker.apply(status("BREAK", "default"), caused_by_us=True)
    clock.moment += timedelta(minutes=10)
    assert tracker.check_overrun() is not None  # the overrun itself
    clock.moment += timedelta(minutes=2)
    event = tracker.check_overrun()
    assert event is not None and event.kind is EventKind.BREAK_STILL_OVER
