"""Typed reminder times: digits, Vietnamese 'giờ'/'h'/'g', parts of the day, 'rưỡi', am/pm."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.time_of_day import parse_time_of_day


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("18h30", "18:30"), ("18:30", "18:30"), ("18.30", "18:30"), ("18g30", "18:30"),
        ("18 giờ 30", "18:30"), ("18 giờ 30 phút", "18:30"), ("18h", "18:00"), ("17", "17:00"),
        ("6 giờ chiều", "18:00"), ("6h chiều", "18:00"), ("6h30 chiều", "18:30"),
        ("6 gio chieu", "18:00"), ("6 giờ rưỡi tối", "18:30"), ("9h tối", "21:00"),
        ("8 giờ sáng", "08:00"), ("sáng 7h", "07:00"), ("12 giờ trưa", "12:00"),
        ("1 giờ trưa", "13:00"), ("lúc 17h15", "17:15"), ("18 giờ chiều", "18:00"),
        ("7pm", "19:00"), ("12am", "00:00"), ("0:00", "00:00"), ("  6H CHIỀU ", "18:00"),
    ],
)  # fmt: skip
def test_times_people_type(typed: str, expected: str) -> None:
    minute = parse_time_of_day(typed)
    assert minute is not None and f"{minute // 60:02d}:{minute % 60:02d}" == expected


@pytest.mark.parametrize(
    "typed",
    ["25:99", "24h", "18:60", "abc", "", "6 giờ sáng chiều", "3 giờ tối", "18 giờ sáng",
     "100", "18h30 kém", "hôm nay 6 giờ"],
)  # fmt: skip
def test_not_times(typed: str) -> None:
    assert parse_time_of_day(typed) is None


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from([":", "h", "g", " giờ "]))
def test_every_24_hour_time_round_trips(hour: int, minute: int, separator: str) -> None:
    assert parse_time_of_day(f"{hour}{separator}{minute:02d}") == hour * 60 + minute


@given(st.text(max_size=30))
def test_any_text_gives_a_time_or_none(text: str) -> None:
    minute = parse_time_of_day(text)
    assert minute is None or 0 <= minute < 24 * 60
