"""Calendar arithmetic for 'my work': this week (Mon–Sun), this month, and the weekly streak."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

STREAK_LOOKBACK_WEEKS = 104


def week_range(today: date) -> tuple[date, date]:
    """Return [Monday, next Monday) of the week containing today."""
    start = today - timedelta(days=today.weekday())
    return start, start + timedelta(days=7)


def month_range(today: date) -> tuple[date, date]:
    """Return [first day, first day of next month) of today's month."""
    start = today.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


def streak_since(today: date) -> date:
    """Return the first day worth reading to compute a streak."""
    return week_range(today)[0] - timedelta(weeks=STREAK_LOOKBACK_WEEKS)


def weekly_streak(days: Iterable[date], today: date) -> int:
    """Count consecutive weeks with a log, ending this week or (if none yet) last week."""
    weeks = {day - timedelta(days=day.weekday()) for day in days}
    week = week_range(today)[0]
    if week not in weeks:
        week -= timedelta(weeks=1)
    count = 0
    while week in weeks:
        count += 1
        week -= timedelta(weeks=1)
    return count
