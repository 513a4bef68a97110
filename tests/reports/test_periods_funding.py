"""Report periods (weeks, months with a cut-off day) and the allowance rule."""

from __future__ import annotations

from datetime import date

import pytest

from domain.funding import DA_NANG_2026, FundingRule, allowance, member_days
from domain.periods import Month, PeriodError, Week, month_containing, parse_month


def test_weeks_are_iso_monday_to_sunday() -> None:
    week = Week.containing(date(2026, 3, 4))
    assert (week.start, week.end, week.key) == (date(2026, 3, 2), date(2026, 3, 9), "2026-W10")
    assert week.shift(-1).key == "2026-W09" and week.day(4) == date(2026, 3, 6)
    assert Week.containing(date(2027, 1, 1)).key == "2026-W53"


def test_months_with_and_without_cut_off() -> None:
    assert (Month(2026, 3).start, Month(2026, 3).end) == (date(2026, 3, 1), date(2026, 4, 1))
    assert (Month(2026, 1, 15).start, Month(2026, 1, 15).last_day) == (
        date(2025, 12, 15),
        date(2026, 1, 14),
    )
    assert len(Month(2026, 2).days()) == 28
    assert month_containing(date(2026, 3, 14), cutoff=15).key == "2026-03"
    assert month_containing(date(2026, 3, 15), cutoff=15).key == "2026-04"
    assert month_containing(date(2026, 12, 20), cutoff=15).key == "2027-01"
    assert parse_month("2026-3").key == "2026-03" and parse_month("03/2026").key == "2026-03"
    for bad in ("2026-13", "march", "1999-01"):
        with pytest.raises(PeriodError):
            parse_month(bad)
    with pytest.raises(PeriodError):
        Month(2026, 1, 29)


def test_da_nang_allowance() -> None:
    march = Month(2026, 3)
    none = allowance(DA_NANG_2026, days=0, start=march.start, end=march.end)
    assert not none.applies and none.total == 0
    some = allowance(DA_NANG_2026, days=4, start=march.start, end=march.end)
    assert (some.water_fuel, some.other, some.total) == (200_000, 100_000, 300_000)
    many = allowance(DA_NANG_2026, days=20, start=march.start, end=march.end)
    assert (many.paid_member_days, many.water_fuel, many.other) == (6, 300_000, 0)
    before = allowance(DA_NANG_2026, days=20, start=date(2025, 12, 1), end=date(2026, 1, 1))
    assert not before.applies
    doubled = allowance(FundingRule(top_up=2.0), days=20, start=march.start, end=march.end)
    assert doubled.total == 600_000 and doubled.paid_member_days == 12
    with pytest.raises(ValueError):
        FundingRule(top_up=2.5)


def test_member_days_count_people_per_day() -> None:
    rows = [(1, date(2026, 3, 2), 30), (1, date(2026, 3, 2), 30), (2, date(2026, 3, 2), 10),
            (1, date(2026, 3, 3), 5)]  # fmt: skip
    assert member_days(rows, DA_NANG_2026) == 3
    assert member_days(rows, FundingRule(min_minutes_per_day=20)) == 1
