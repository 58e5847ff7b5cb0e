"""The service's Date header read into this PC's clock correction, in every form HTTP allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.server_clock import ServerClock

NOW = datetime(2026, 12, 6, 4, 30, 0, tzinfo=UTC)


def _clock() -> ServerClock:
    return ServerClock(local_now=lambda: NOW)


@settings(max_examples=300, deadline=None)
@given(skew=st.integers(min_value=-86_400, max_value=86_400))
def test_any_skew_within_a_day_is_observed_to_the_second(skew: int) -> None:
    """Whatever the service's time, its Date header (the usual IMF-fixdate) gives the exact skew."""
    header = format_datetime(NOW + timedelta(seconds=skew), usegmt=True)
    assert _clock().observe(header) == timedelta(seconds=skew)


def test_the_older_date_forms_and_a_numeric_zone_still_correct_the_clock() -> None:
    """A gateway sending an RFC 850 or asctime date, or a +0800 zone, still corrects a wrong clock."""
    for header in (
        "Sunday, 06-Dec-26 05:30:00 GMT",
        "Sun Dec  6 05:30:00 2026",
        "Sun, 06 Dec 2026 13:30:00 +0800",
        "sun, 06 dec 2026 05:30:00 gmt",
    ):
        clock = _clock()
        assert clock.correct_from(header), header
        assert clock.offset == timedelta(hours=1), header


def test_an_impossible_date_is_not_believed() -> None:
    """31 February or 25 o'clock is a broken header, not a reason to move the clock."""
    for header in ("Sat, 31 Feb 2026 05:30:00 GMT", "Sun, 06 Dec 2026 25:30:00 GMT", "", "yesterday"):
        clock = _clock()
        assert not clock.correct_from(header), header
        assert clock.offset == timedelta(0)
