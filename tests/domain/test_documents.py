"""Decree 30 writing of dates, numbers and places; the default report month."""

from __future__ import annotations

from datetime import date

import pytest

from domain.documents import dated_parts, doc_text, in_sentence, numbered, place_name
from domain.periods import Month, default_report_month


@pytest.mark.parametrize(
    ("day", "parts"),
    [
        (date(2026, 12, 5), ("05", "12", "2026")),
        (date(2026, 2, 15), ("15", "02", "2026")),
        (date(2026, 1, 9), ("09", "01", "2026")),
        (date(2026, 3, 4), ("04", "3", "2026")),  # a 0 only before months 1 and 2
        (date(2026, 11, 30), ("30", "11", "2026")),
    ],
)
def test_dates_as_decree_30_writes_them(day: date, parts: tuple[str, str, str]) -> None:
    assert dated_parts(day) == parts


def test_numbers_places_and_typed_text() -> None:
    assert [numbered(n) for n in (1, 9, 10, 123)] == ["01", "09", "10", "123"]
    assert place_name("Phường Hải Châu") == "Hải Châu"
    assert place_name("Xã Hòa Vang") == "Hòa Vang"
    assert place_name("thành phố Đà Nẵng") == "Đà Nẵng"
    assert place_name("Hội An") == "Hội An"
    assert in_sentence("Phường Hải Châu") == "phường Hải Châu"
    assert doc_text("Ho\x00a\x07\x1b\u0301 \r\nB\tC") == "Hoá \nB C"


@pytest.mark.parametrize(
    ("day", "cutoff", "month"),
    [
        (date(2026, 12, 1), 1, Month(2026, 11)),
        (date(2026, 12, 7), 1, Month(2026, 11)),
        (date(2026, 12, 8), 1, Month(2026, 12)),
        (date(2026, 12, 31), 1, Month(2026, 12)),
        (date(2026, 1, 3), 1, Month(2025, 12)),
        (date(2026, 3, 16), 15, Month(2026, 3, 15)),  # period 15/02-14/03 just ended
        (date(2026, 3, 22), 15, Month(2026, 4, 15)),
        (date(2026, 3, 10), 15, Month(2026, 3, 15)),
    ],
)
def test_default_report_month(day: date, cutoff: int, month: Month) -> None:
    assert default_report_month(day, cutoff=cutoff) == month
