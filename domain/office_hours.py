"""Office hours, weekends and Vietnamese public holidays (including the lunar Tết days)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "DEFAULT_HOURS",
    "DayKind",
    "OfficeHours",
    "day_kind",
    "holiday_name",
    "is_holiday",
    "is_out_of_hours",
    "is_out_of_hours_day",
]

DayKind = Literal["workday", "weekend", "holiday"]
_LANGUAGES = {"vi": "vi", "en": "en_US"}


def _default_windows() -> tuple[tuple[time, time], ...]:
    """Return the usual Vietnamese office windows: 07:30–11:30 and 13:30–17:00."""
    return ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Working windows (start inclusive, end exclusive) and working weekdays (Mon=0)."""

    windows: tuple[tuple[time, time], ...] = field(default_factory=_default_windows)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})

    def __post_init__(self) -> None:
        """Normalise lists to tuples and validate the windows and weekdays."""
        object.__setattr__(self, "windows", tuple((s, e) for s, e in self.windows))
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        for start, end in self.windows:
            if not start < end:
                raise ValueError(f"office window must end after it starts: {start}–{end}")
        if not self.weekdays <= set(range(7)):
            raise ValueError("weekdays must be numbers 0 (Monday) to 6 (Sunday)")

    @classmethod
    def parse(
        cls, windows: Iterable[tuple[str, str]], weekdays: Iterable[int] = range(5)
    ) -> OfficeHours:
        """Build from "HH:MM" pairs, e.g. [("07:30", "11:30"), ("13:30", "17:00")]."""
        pairs = tuple((time.fromisoformat(s), time.fromisoformat(e)) for s, e in windows)
        return cls(pairs, frozenset(weekdays))

    def contains(self, moment: time) -> bool:
        """Return True if a local wall-clock time falls inside one of the windows."""
        return any(start <= moment < end for start, end in self.windows)


DEFAULT_HOURS = OfficeHours()


@lru_cache(maxsize=64)
def _holidays(year: int, language: str) -> holidays.HolidayBase:
    """Return Vietnam's public holidays for one year, cached."""
    return holidays.country_holidays("VN", years=year, language=language)


def is_holiday(day: date) -> bool:
    """Return True on a Vietnamese public holiday (Tết, Hùng Kings, 30/4, 1/5, 2/9, …)."""
    return day in _holidays(day.year, "vi")


def holiday_name(day: date, lang: str = "vi") -> str | None:
    """Return the holiday's name in "vi" or "en", or None on an ordinary day."""
    name = _holidays(day.year, _LANGUAGES.get(lang, "vi")).get(day)
    return str(name) if name is not None else None


def _is_swapped_workday(day: date) -> bool:
    """Return True on a weekend day officially worked in exchange for a bridge holiday."""
    swapped = getattr(_holidays(day.year, "vi"), "weekend_workdays", ())
    return day in swapped


def day_kind(day: date, *, hours: OfficeHours = DEFAULT_HOURS) -> DayKind:
    """Classify a day as a working day, a weekend day or a public holiday."""
    if is_holiday(day):
        return "holiday"
    if day.weekday() in hours.weekdays or _is_swapped_workday(day):
        return "workday"
    return "weekend"


def is_out_of_hours_day(day: date, *, hours: OfficeHours = DEFAULT_HOURS) -> bool:
    """Return True if the whole day is outside office hours (weekend or holiday)."""
    return day_kind(day, hours=hours) != "workday"


def is_out_of_hours(moment: datetime, *, tz: ZoneInfo, hours: OfficeHours = DEFAULT_HOURS) -> bool:
    """Return True if an aware moment is outside office windows, on a weekend or a holiday."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware (UTC)")
    local = moment.astimezone(tz)
    if is_out_of_hours_day(local.date(), hours=hours):
        return True
    return not hours.contains(local.time().replace(tzinfo=None))
