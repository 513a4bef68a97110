"""Report periods: ISO weeks and months with a configurable cut-off day (Decree 09/2019 style)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "Month",
    "PeriodError",
    "Week",
    "local_moment",
    "month_containing",
    "parse_month",
]

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
MAX_CUTOFF = 28


class PeriodError(ValueError):
    """A period was typed wrongly or a cut-off day is out of range."""


@dataclass(frozen=True, slots=True, order=True)
class Week:
    """An ISO week, Monday to Sunday; `start` is its Monday."""

    start: date

    @classmethod
    def containing(cls, day: date) -> Week:
        """Return the week a day belongs to."""
        return cls(day - timedelta(days=day.weekday()))

    @property
    def end(self) -> date:
        """Return the Monday after the week (exclusive end)."""
        return self.start + timedelta(days=7)

    @property
    def key(self) -> str:
        """Return the stable key, e.g. '2026-W10'."""
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    def shift(self, weeks: int) -> Week:
        """Return the week `weeks` later (negative: earlier)."""
        return Week(self.start + timedelta(weeks=weeks))

    def day(self, weekday: int) -> date:
        """Return the date of a weekday (Monday=0) in this week."""
        return self.start + timedelta(days=weekday)


@dataclass(frozen=True, slots=True)
class Month:
    """A report month: from `cutoff` of the month before up to `cutoff - 1` of this month.

    With cutoff 1 it is the calendar month; with cutoff 15 the month 2026-03 runs from
    15 February to 14 March (the reporting period of Decree 09/2019/NĐ-CP).
    """

    year: int
    month: int
    cutoff: int = 1

    def __post_init__(self) -> None:
        """Validate the month number and the cut-off day."""
        if not 1 <= self.month <= 12:
            raise PeriodError(f"month {self.month} is not 1-12")
        if not 1 <= self.cutoff <= MAX_CUTOFF:
            raise PeriodError(f"cut-off day {self.cutoff} is not 1-{MAX_CUTOFF}")

    @property
    def key(self) -> str:
        """Return the stable key, e.g. '2026-03'."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        """Return the first day of the period."""
        if self.cutoff == 1:
            return date(self.year, self.month, 1)
        before = self.shift(-1)
        return date(before.year, before.month, self.cutoff)

    @property
    def end(self) -> date:
        """Return the day after the period (exclusive end)."""
        after = self.shift(1)
        if self.cutoff == 1:
            return date(after.year, after.month, 1)
        return date(self.year, self.month, self.cutoff)

    @property
    def last_day(self) -> date:
        """Return the last day of the period (inclusive)."""
        return self.end - timedelta(days=1)

    def days(self) -> list[date]:
        """Return every day of the period."""
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]

    def shift(self, months: int) -> Month:
        """Return the month `months` later (negative: earlier), same cut-off."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1, self.cutoff)


def parse_month(text: str, *, cutoff: int = 1) -> Month:
    """Parse 'YYYY-MM' (or 'MM/YYYY'); raise PeriodError when it is not a month."""
    raw = text.strip()
    if "/" in raw:
        month_part, _, year_part = raw.partition("/")
        raw = f"{year_part}-{month_part}"
    match = _MONTH.match(raw)
    if match is None:
        raise PeriodError(f"{text!r} is not YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100:
        raise PeriodError(f"year {year} is out of range")
    return Month(year, month, cutoff)


def month_containing(day: date, *, cutoff: int = 1) -> Month:
    """Return the report month a day falls in (with the cut-off, late days go to the next)."""
    base = Month(day.year, day.month, cutoff)
    return base.shift(1) if cutoff > 1 and day.day >= cutoff else base


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """Return a local wall-clock moment as an aware datetime."""
    return datetime.combine(day, at, tzinfo=tz)
