"""This PC's clock as the service sees it: corrected from the service's Date header, within bounds.

The service rejects requests more than 15 minutes off its clock. One ServerClock is shared by every
client of a run, so a correction learnt on one request holds for the next.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

logger = logging.getLogger(__name__)

# A Date header further off than this is not a clock to believe (year 9999, 1970, a broken proxy).
MAX_CLOCK_CORRECTION = timedelta(days=1)
# A successful answer whose Date is this far from our corrected clock re-anchors the correction.
RESETTLE_SKEW = timedelta(minutes=5)


@dataclass
class ServerClock:
    """This PC's clock corrected by what the service's Date header said; shared by all clients."""

    local_now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    offset: timedelta = timedelta(0)
    last_observed_skew: timedelta | None = None
    # The last Date header read and the time it says: the client reads each answer's twice.
    _last_date: tuple[str, datetime | None] = field(default=("", None), init=False, repr=False, compare=False)

    def now(self) -> datetime:
        return self.local_now() + self.offset

    def observe(self, date_header: str | None) -> timedelta | None:
        """Record the skew a Date header shows; an absurd one (over a day) is ignored."""
        server_time = self._server_time(date_header)
        if server_time is None:
            return None
        skew = server_time - self.local_now()
        if abs(skew) > MAX_CLOCK_CORRECTION:
            logger.warning("Ignoring a Date header %.0f s away from this PC's clock", skew.total_seconds())
            return None
        # The Date header has 1 s resolution: only record a skew, never correct on it alone.
        self.last_observed_skew = skew
        return skew

    def correct_from(self, date_header: str | None) -> bool:
        skew = self.observe(date_header)
        if skew is None:
            return False
        self.offset = skew
        logger.info("Clock corrected by %.0f s from the service's Date header", skew.total_seconds())
        return True

    def settle(self, date_header: str | None) -> None:
        """A good answer: if its Date shows our correction has gone stale, follow the service again."""
        skew = self.observe(date_header)
        if skew is not None and abs(skew - self.offset) > RESETTLE_SKEW:
            self.offset = skew if abs(skew) > RESETTLE_SKEW else timedelta(0)
            logger.info("Clock correction re-anchored to %.0f s", self.offset.total_seconds())

    def _server_time(self, date_header: str | None) -> datetime | None:
        if not date_header:
            return None
        last_header, last_time = self._last_date
        if date_header != last_header:
            last_time = _parse_http_date(date_header)
            self._last_date = (date_header, last_time)
        return last_time


# The form every HTTP server sends (RFC 9110 IMF-fixdate), read without the email parser's cost: the
# client reads the Date header of every answer. Years before 1000 are left to the email parser, which
# reads two-digit years its own way.
_IMF_FIXDATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]\d\d\d) "
    r"(\d\d):(\d\d):(\d\d) GMT"
).fullmatch
_MONTHS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}


def _parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    fixdate = _IMF_FIXDATE(value)
    if fixdate is not None:
        day, month, year, hour, minute, second = fixdate.groups()
        try:
            return datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second), tzinfo=UTC)
        except ValueError:  # 31 Feb, 25:00: the email parser gives up on these too
            return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
