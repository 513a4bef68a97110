"""Decree 30 writing of dates, numbers and places."""

from __future__ import annotations

from datetime import date

import pytest

from domain.documents import dated_parts, doc_text, in_sentence, numbered, place_name


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
