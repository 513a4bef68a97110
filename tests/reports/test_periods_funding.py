"""Report periods (weeks, months with a cut-off day, the default month) and the funding rule file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from domain.funding import (
    FUNDING_DIR,
    FundingError,
    allowance,
    funding_rule,
    load_rule,
    member_days,
)
from domain.periods import Month, PeriodError, Week, month_containing, parse_month
from domain.report_month import default_report_month
from storage.assist_models import ASSIST_KINDS


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


DA_NANG = funding_rule("da_nang")


def test_da_nang_rule_is_read_from_its_data_file() -> None:
    assert DA_NANG is not None
    assert DA_NANG.document == "Nghị quyết 26/2025/NQ-HĐND"
    assert (DA_NANG.valid_from, DA_NANG.valid_until) == (date(2026, 1, 1), date(2027, 12, 31))
    assert (DA_NANG.team_per_month, DA_NANG.per_member_day) == (300_000, 50_000)
    assert DA_NANG.top_up_max_times == 2 and DA_NANG.checked == date(2026, 12, 5)
    assert DA_NANG.kinds == ASSIST_KINDS  # every kind of session is a day of taking part
    assert funding_rule("none") is None and funding_rule("../da_nang") is None


def test_da_nang_allowance_shows_both_parts_without_choosing_an_order() -> None:
    assert DA_NANG is not None
    march = Month(2026, 3)
    none = allowance(DA_NANG, days=0, start=march.start, end=march.end)
    assert none.in_force and (none.at_day_rate, none.rest) == (0, 300_000)
    some = allowance(DA_NANG, days=4, start=march.start, end=march.end)
    assert (some.at_day_rate, some.rest, some.exceeds_envelope) == (200_000, 100_000, False)
    many = allowance(DA_NANG, days=20, start=march.start, end=march.end)
    assert (many.at_day_rate, many.rest, many.exceeds_envelope) == (1_000_000, 0, True)
    before = allowance(DA_NANG, days=20, start=date(2025, 12, 1), end=date(2026, 1, 1))
    after = allowance(DA_NANG, days=20, start=date(2028, 1, 1), end=date(2028, 2, 1))
    assert not before.in_force and not after.in_force
    straddling = allowance(DA_NANG, days=1, start=date(2025, 12, 15), end=date(2026, 1, 15))
    assert straddling.in_force


def _write(folder: Path, text: str) -> Path:
    path = folder / "ha_noi.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_another_city_swaps_the_file(tmp_path: Path) -> None:
    assert DA_NANG is not None
    original = (FUNDING_DIR / "da_nang.yaml").read_text(encoding="utf-8")
    text = original.replace("team_per_month: 300000", "team_per_month: 500000").replace(
        "per_team_per_month: {}", 'per_team_per_month: {"Phường Ba Đình": 200000}'
    )
    _write(tmp_path, text)
    rule = funding_rule("ha_noi", tmp_path)
    assert rule is not None and rule.team_per_month == 500_000
    month = Month(2026, 5)
    ward = allowance(rule, days=2, start=month.start, end=month.end, ward_name="Phường Ba Đình")
    assert (ward.top_up, ward.rest) == (200_000, 400_000)


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("team_per_month: 300000", "team_per_month: -1", "team_per_month"),
        ("valid_until: 2027-12-31", "valid_until: 2025-12-31", "valid_until"),
        ("kinds: [assist, awareness, class]", "kinds: [party]", "kinds"),
        ("per_team_per_month: {}", 'per_team_per_month: {"X": 900000}', "ward_top_up X"),
        ("  en: drinking water and fuel\n", "", "per_member_day_for"),
        ("version: 1", "version: 2", "version"),
    ],
)
def test_a_bad_funding_file_is_refused_with_what_is_wrong(
    tmp_path: Path, old: str, new: str, complaint: str
) -> None:
    original = (FUNDING_DIR / "da_nang.yaml").read_text(encoding="utf-8")
    assert old in original
    path = _write(tmp_path, original.replace(old, new))
    with pytest.raises(FundingError, match=complaint):
        load_rule(path)


def test_member_days_count_people_per_day_with_the_minimum() -> None:
    assert DA_NANG is not None
    rows = [(1, date(2026, 3, 2), 30), (1, date(2026, 3, 2), 30), (2, date(2026, 3, 2), 10),
            (1, date(2026, 3, 3), 5)]  # fmt: skip
    assert member_days(rows, DA_NANG) == 3
    assert member_days(rows, replace(DA_NANG, min_minutes=20)) == 1  # 30 + 30 on one day


def test_default_report_month_is_the_one_just_finished_in_the_first_days() -> None:
    assert default_report_month(date(2026, 12, 5)) == Month(2026, 11)
    assert default_report_month(date(2026, 12, 1)) == Month(2026, 11)
    assert default_report_month(date(2026, 12, 7)) == Month(2026, 11)
    assert default_report_month(date(2026, 12, 8)) == Month(2026, 12)
    assert default_report_month(date(2027, 1, 3)) == Month(2026, 12)
    assert default_report_month(date(2026, 3, 17), cutoff=15) == Month(2026, 3, 15)
    assert default_report_month(date(2026, 3, 25), cutoff=15) == Month(2026, 4, 15)
