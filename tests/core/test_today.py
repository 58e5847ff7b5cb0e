"""Today's breaks per code from the service's state log, with each code's daily allowance."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.core.agent_reports import SinceMidnight, StateLogEntry
from app.core.models import BreakCode
from app.core.today import local_midnight, summarise

CODES = (BreakCode("default", "Break", 15, 30), BreakCode("lunch", "Lunch", 60, 60), BreakCode("meeting", "Meeting"))
NOW = datetime(2026, 12, 3, 14, 0).astimezone()


def entry(state: str, start: datetime, seconds: int | None, code: str = "") -> StateLogEntry:
    return StateLogEntry(state, "", code, start, seconds, "ON_SITE", False)


def at(hour: int, minute: int = 0) -> datetime:
    return NOW.replace(hour=hour, minute=minute)


def test_breaks_are_counted_and_timed_per_code_with_what_is_left() -> None:
    logs = [
        entry("Ready", at(9), 3600),
        entry("Break", at(10), 600, "default"),
        entry("Ready", at(10, 10), 3600),
        entry("Break", at(11, 10), 900, "default"),
        entry("Talking", at(11, 25), 300),
        entry("Break", at(12), 2700, "lunch"),
        entry("Ready", at(12, 45), 4500),
    ]
    today = summarise(logs, None, CODES, NOW)
    by_code = {code.code: code for code in today.per_code}
    assert today.breaks == 3
    assert today.total_break(NOW) == timedelta(minutes=70)
    assert (by_code["default"].breaks, by_code["default"].used(NOW, today.as_of)) == (2, timedelta(minutes=25))
    assert by_code["default"].left(NOW, today.as_of) == timedelta(minutes=5)
    assert by_code["lunch"].left(NOW, today.as_of) == timedelta(minutes=15)
    assert by_code["meeting"].breaks == 0 and by_code["meeting"].left(NOW, today.as_of) is None
    assert [code.code for code in today.per_code] == ["default", "lunch", "meeting"], "IT's order"


def test_the_break_going_on_now_keeps_counting_and_can_go_over_the_allowance() -> None:
    logs = [entry("Break", at(13, 50), 600, "default")]
    today = summarise(logs, None, CODES, NOW)
    default = today.per_code[0]
    assert default.ongoing
    later = NOW + timedelta(minutes=25)
    assert default.used(later, today.as_of) == timedelta(minutes=35)
    assert default.left(later, today.as_of) == timedelta(minutes=-5)
    assert today.total_break(later) == timedelta(minutes=35)


def test_the_services_own_total_wins_and_unknown_codes_are_listed_after_its_codes() -> None:
    logs = [entry("Break", at(9), 120, "RingingTimeout"), entry("Ready", at(9, 2), 100)]
    totals = SinceMidnight("agent@ccc", 1000, None, None, None, None)
    today = summarise(logs, totals, CODES, NOW)
    assert today.break_seconds == 1000
    assert today.per_code[-1].code == "RingingTimeout" and today.per_code[-1].breaks == 1
    assert not today.per_code[-1].ongoing


def test_a_break_that_began_before_midnight_counts_from_midnight_only() -> None:
    midnight = local_midnight(NOW)
    logs = [entry("Break", midnight - timedelta(minutes=10), 1200, "default")]
    today = summarise(logs, None, CODES, NOW)
    assert today.per_code[0].seconds == 600


def test_a_log_without_durations_runs_to_the_next_state_and_odd_entries_are_skipped() -> None:
    logs = [
        entry("BREAK", at(10), None, "lunch"),
        StateLogEntry("Break", "", "lunch", None, 100, "", False),  # no start: cannot be placed
        entry("Ready", at(10, 30), None),
    ]
    today = summarise(logs, None, CODES, NOW)
    lunch = today.per_code[1]
    assert (lunch.breaks, lunch.seconds, lunch.ongoing) == (1, 1800, False)
