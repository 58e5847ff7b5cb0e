"""The agent's day so far: break time and number of breaks since midnight, per break code, with each
code's daily allowance and what is left of it. From the service's own records (ListAgentStateLogs for
the per-code split, ListAgentSummaryReportsSinceMidnight for the day's total), so a restart or a break
taken in the web workbench counts as it should.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from app.core.agent_reports import SinceMidnight, StateLogEntry, state_logs_between, totals_since_midnight
from app.core.models import BreakCode

if TYPE_CHECKING:
    from app.core.client import CccClient

BREAK_STATE = "break"  # the reporting APIs spell states in title case (Break); compared case-insensitively


@dataclass(frozen=True)
class CodeToday:
    code: str
    breaks: int
    seconds: int  # as of Today.as_of
    allowance_minutes: int | None
    ongoing: bool  # the agent is on this break right now: its time keeps growing

    def used(self, now: datetime, as_of: datetime) -> timedelta:
        extra = max(timedelta(0), now - as_of) if self.ongoing else timedelta(0)
        return timedelta(seconds=self.seconds) + extra

    def left(self, now: datetime, as_of: datetime) -> timedelta | None:
        """What is left of the daily allowance (negative when over), or None without an allowance."""
        if self.allowance_minutes is None:
            return None
        return timedelta(minutes=self.allowance_minutes) - self.used(now, as_of)


@dataclass(frozen=True)
class Today:
    as_of: datetime
    breaks: int
    break_seconds: int  # the service's own total when it gave one, else the sum of the codes
    per_code: tuple[CodeToday, ...]

    def total_break(self, now: datetime) -> timedelta:
        ongoing = any(code.ongoing for code in self.per_code)
        extra = max(timedelta(0), now - self.as_of) if ongoing else timedelta(0)
        return timedelta(seconds=self.break_seconds) + extra


def local_midnight(now: datetime) -> datetime:
    """The start of `now`'s day on this desktop's clock (aware)."""
    local = now.astimezone()
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)


def summarise(
    logs: Sequence[StateLogEntry],
    totals: SinceMidnight | None,
    codes: Sequence[BreakCode],
    now: datetime,
) -> Today:
    """Today's breaks by code. Codes IT set up come first, in their order (with an allowance even when
    not used yet); codes used but not set up (a system break) follow."""
    midnight = local_midnight(now)
    count: dict[str, int] = {}
    seconds: dict[str, int] = {}
    entries = sorted((entry for entry in logs if entry.start is not None), key=lambda e: e.start or now)
    ongoing_code: str | None = None
    for index, entry in enumerate(entries):
        if entry.state.lower() != BREAK_STATE or entry.start is None:
            continue
        code = entry.break_code or entry.state_code
        start = max(entry.start, midnight)
        duration = entry.duration_seconds
        if duration is None:  # no duration given: until the next state, or now
            ends = entries[index + 1].start if index + 1 < len(entries) else now
            duration = int(((ends or now) - entry.start).total_seconds())
        ends_at = entry.start + timedelta(seconds=max(0, duration))
        counted = max(0, int((min(ends_at, now) - start).total_seconds()))
        count[code] = count.get(code, 0) + 1
        seconds[code] = seconds.get(code, 0) + counted
        if index == len(entries) - 1:
            ongoing_code = code  # the latest state is still going on
    per_code = [
        CodeToday(c.code, count.get(c.code, 0), seconds.get(c.code, 0), c.daily_minutes, c.code == ongoing_code)
        for c in codes
    ]
    known = {c.code for c in codes}
    per_code += [
        CodeToday(code, count[code], seconds[code], None, code == ongoing_code) for code in count if code not in known
    ]
    summed = sum(seconds.values())
    total = totals.total_break_seconds if totals is not None and totals.total_break_seconds is not None else summed
    return Today(now, sum(count.values()), total, tuple(per_code))


async def fetch_today(client: CccClient, agent_id: str, codes: Sequence[BreakCode], now: datetime) -> Today:
    """Ask the service for today's records; raises the ApiError of either read API (callers treat a
    denial as "not available here")."""
    logs, totals = await asyncio.gather(
        state_logs_between(client, agent_id, local_midnight(now), now),
        totals_since_midnight(client, agent_id),
    )
    return summarise(logs, totals, codes, now)
