"""Calendar arithmetic for 'my work': this week (Mon–Sun), this month, and the weekly streak."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain.periods import Month, Week

STREAK_LOOKBACK_WEEKS = 104


def week_range(today: date) -> tuple[date, date]:
    """Return [Monday, next Monday) of the week containing today."""
    week = Week.containing(today)
    return week.start, week.end


def month_range(today: date) -> tuple[date, date]:
    """Return [first day, first day of next month) of today's calendar month."""
    month = Month(today.year, today.month)
    return month.start, month.end


def streak_since(today: date) -> date:
    """Return the first day worth reading to compute a streak."""
    return Week.containing(today).shift(-STREAK_LOOKBACK_WEEKS).start


def weekly_streak(days: Iterable[date], today: date) -> int:
    """Count consecutive weeks with a log, ending this week or (if none yet) last week."""
    weeks = {Week.containing(day) for day in days}
    week = Week.containing(today)
    if week not in weeks:
        week = week.shift(-1)
    count = 0
    while week in weeks:
        count += 1
        week = week.shift(-1)
    return count
