"""Tests for office hours, weekends and Vietnamese public holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.office_hours import (
    DEFAULT_HOURS,
    OfficeHours,
    day_kind,
    holiday_name,
    is_holiday,
    is_out_of_hours,
    is_out_of_hours_day,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A local Vietnamese wall-clock time, expressed in UTC as the callers pass it."""
    return datetime(year, month, day, hour, minute, tzinfo=VN).astimezone(UTC)


@pytest.mark.parametrize(
    ("moment", "out"),
    [
        pytest.param(local(2026, 3, 4, 9), False, id="wednesday-0900-in"),
        pytest.param(local(2026, 3, 4, 7, 30), False, id="opening-0730-in"),
        pytest.param(local(2026, 3, 4, 7, 29), True, id="before-0730-out"),
        pytest.param(local(2026, 3, 4, 11, 30), True, id="lunch-starts-1130-out"),
        pytest.param(local(2026, 3, 4, 12), True, id="noon-out"),
        pytest.param(local(2026, 3, 4, 13, 30), False, id="afternoon-1330-in"),
        pytest.param(local(2026, 3, 4, 16, 59), False, id="1659-in"),
        pytest.param(local(2026, 3, 4, 17), True, id="closing-1700-out"),
        pytest.param(local(2026, 3, 4, 18), True, id="evening-1800-out"),
        pytest.param(local(2026, 3, 7, 9), True, id="saturday-out"),
        pytest.param(local(2026, 3, 8, 9), True, id="sunday-out"),
        pytest.param(local(2026, 2, 17, 9), True, id="tet-2026-02-17-out"),
        pytest.param(local(2026, 2, 16, 9), True, id="tet-eve-out"),
        pytest.param(local(2026, 4, 27, 9), True, id="hung-kings-observed-out"),
        pytest.param(local(2026, 4, 30, 9), True, id="reunification-day-out"),
        pytest.param(local(2026, 9, 2, 9), True, id="national-day-out"),
    ],
)
def test_is_out_of_hours(moment: datetime, out: bool) -> None:
    assert is_out_of_hours(moment, tz=VN, hours=DEFAULT_HOURS) is out


@pytest.mark.parametrize(
    ("utc", "out"),
    [
        pytest.param("2026-03-02T01:00:00+00:00", False, id="0100Z-is-0800-local"),
        pytest.param("2026-03-02T00:29:00+00:00", True, id="0029Z-is-0729-local"),
        pytest.param("2026-03-02T00:30:00+00:00", False, id="0030Z-is-0730-local"),
        pytest.param("2026-03-02T10:00:00+00:00", True, id="1000Z-is-1700-local"),
        pytest.param("2026-03-06T18:00:00+00:00", True, id="friday-1800Z-is-saturday-0100"),
        pytest.param("2026-03-01T23:30:00+00:00", True, id="sunday-2330Z-is-monday-0630"),
        pytest.param("2026-03-02T01:00:00+05:00", True, id="other-offset-converted"),
    ],
)
def test_utc_to_local_conversion(utc: str, out: bool) -> None:
    assert is_out_of_hours(datetime.fromisoformat(utc), tz=VN) is out


def test_naive_moment_is_rejected() -> None:
    with pytest.raises(ValueError):
        is_out_of_hours(datetime(2026, 3, 2, 1), tz=VN)


def test_custom_hours() -> None:
    hours = OfficeHours.parse([("08:00", "12:00")], weekdays=range(6))
    assert not is_out_of_hours(local(2026, 3, 7, 9), tz=VN, hours=hours)  # Saturday worked
    assert is_out_of_hours(local(2026, 3, 4, 14), tz=VN, hours=hours)
    assert is_out_of_hours(local(2026, 3, 4, 7, 45), tz=VN, hours=hours)
    assert hours == OfficeHours(((time(8), time(12)),), frozenset(range(6)))


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"windows": ((time(12), time(8)),)}, id="end-before-start"),
        pytest.param({"weekdays": frozenset({7})}, id="bad-weekday"),
    ],
)
def test_invalid_hours(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        OfficeHours(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        pytest.param(date(2026, 3, 4), "workday", id="wednesday"),
        pytest.param(date(2026, 3, 7), "weekend", id="saturday"),
        pytest.param(date(2026, 2, 17), "holiday", id="tet"),
        pytest.param(date(2026, 2, 20), "holiday", id="fourth-day-of-tet"),
        pytest.param(date(2026, 4, 26), "holiday", id="hung-kings-on-sunday"),
        pytest.param(date(2026, 4, 27), "holiday", id="hung-kings-observed"),
        pytest.param(date(2026, 1, 1), "holiday", id="new-year"),
        pytest.param(date(2026, 8, 22), "workday", id="saturday-swapped-for-bridge-day"),
        pytest.param(date(2025, 1, 29), "holiday", id="tet-2025"),
    ],
)
def test_day_kind(day: date, kind: str) -> None:
    assert day_kind(day) == kind
    assert is_out_of_hours_day(day) is (kind != "workday")


def test_holiday_names() -> None:
    assert is_holiday(date(2026, 2, 17))
    assert not is_holiday(date(2026, 3, 4))
    assert holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert holiday_name(date(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"
    assert holiday_name(date(2026, 4, 26), "en") == "Hung Kings' Commemoration Day"
    assert holiday_name(date(2026, 3, 4)) is None


def test_holiday_lookup_works_for_any_year() -> None:
    tet_days = [d for d in (date(2030, 1, 1) + timedelta(n) for n in range(60)) if is_holiday(d)]
    assert len(tet_days) >= 5
    assert is_out_of_hours(datetime(2030, 9, 2, 2, tzinfo=UTC), tz=VN)
