"""Table-driven tests for the one-line quick log parser."""

from __future__ import annotations

from datetime import date

import pytest

from domain.quicklog import LogItem, Problem, QuickLog, parse_quick_log
from domain.services import default_catalogue

TODAY = date(2026, 3, 20)  # a Friday


def parse(text: str, today: date = TODAY, max_days_back: int = 60) -> QuickLog:
    return parse_quick_log(
        text, today=today, catalogue=default_catalogue(), max_days_back=max_days_back
    )


def view(log: QuickLog) -> dict[str, object]:
    return {
        "items": [(i.service, i.people, i.succeeded) for i in log.items],
        "minutes": log.minutes,
        "day": log.day,
        "area": log.area,
        "note": log.note,
        "problems": [p.code for p in log.problems],
        "unknown": list(log.unknown_tokens),
    }


def check(text: str, expected: dict[str, object]) -> None:
    got = view(parse(text))
    assert {k: got[k] for k in expected} == expected


L2 = "vneid_level2"
YESTERDAY = date(2026, 3, 19)

FULL_LINES = [
    pytest.param(
        "vneid2 3 dvc 1 45p",
        {
            "items": [(L2, 3, 3), ("dvc_online", 1, 1)],
            "minutes": 45,
            "day": TODAY,
            "area": None,
            "note": None,
            "problems": [],
            "unknown": [],
        },
        id="issue-example-1",
    ),
    pytest.param(
        "vneid2 2/3 qr 4 1h30 hom qua @to12 -- hai cu lon tuoi",
        {
            "items": [(L2, 3, 2), ("cashless", 4, 4)],
            "minutes": 90,
            "day": YESTERDAY,
            "area": "to12",
            "note": "hai cu lon tuoi",
            "problems": [],
            "unknown": [],
        },
        id="issue-example-2",
    ),
    pytest.param(
        "Mức 2 2/3 QR 4 1g30 hôm qua @Tổ 12 -- Hai cụ lớn tuổi, Đà Nẵng",
        {
            "items": [(L2, 3, 2), ("cashless", 4, 4)],
            "minutes": 90,
            "day": YESTERDAY,
            "area": "Tổ 12",
            "note": "Hai cụ lớn tuổi, Đà Nẵng",
            "problems": [],
        },
        id="with-diacritics",
    ),
    pytest.param(
        "@to12 -- x",
        {"area": "to12", "note": "x", "problems": ["no_service", "missing_duration"]},
        id="area-and-note-only",
    ),
    pytest.param(
        "45p @to12 hom qua 2/3 vneid2 4 qr",
        {"items": [(L2, 3, 2), ("cashless", 4, 4)], "minutes": 45, "day": YESTERDAY},
        id="counts-before-aliases",
    ),
    pytest.param(
        "hqua 1h30 vneid2 3 @to12 dvc 1",
        {"items": [(L2, 3, 3), ("dvc_online", 1, 1)], "minutes": 90, "area": "to12"},
        id="mixed-order",
    ),
    pytest.param(
        "muc 2 3 dich vu cong 2 so suc khoe 1 30p",
        {"items": [(L2, 3, 3), ("dvc_online", 2, 2), ("health", 1, 1)], "problems": []},
        id="multi-word-aliases",
    ),
    pytest.param(
        "vneid2:3, dvc=2; ssk 1 + qr 2 30p.",
        {"items": [(L2, 3, 3), ("dvc_online", 2, 2), ("health", 1, 1), ("cashless", 2, 2)]},
        id="punctuation-separators",
    ),
    pytest.param(
        "dvc 1 dvc 2/2 vneid2 1/2 30p",
        {"items": [("dvc_online", 3, 3), (L2, 2, 1)], "problems": []},
        id="same-service-twice-is-summed",
    ),
    pytest.param("vneid2 0/3 30p", {"items": [(L2, 3, 0)], "problems": []}, id="nobody-succeeded"),
    pytest.param("vneid2 3ng 30p", {"items": [(L2, 3, 3)], "problems": []}, id="count-ng"),
    pytest.param("vneid2 3 người 30p", {"items": [(L2, 3, 3)], "problems": []}, id="count-nguoi"),
    pytest.param(
        "vneid2 3 30p -- Cụ Nguyễn, 80 tuổi -- nhà số 5",
        {"note": "Cụ Nguyễn, 80 tuổi -- nhà số 5", "problems": []},
        id="note-keeps-everything-after-first-separator",
    ),
    pytest.param("vneid2 3 30p --", {"note": None, "problems": []}, id="empty-note"),
    pytest.param("vneid2 3 30p — ghi chú", {"note": "ghi chú"}, id="em-dash-note"),
    pytest.param("vneid2 3 30p @ to 5", {"area": "to 5"}, id="area-with-space"),
    pytest.param(
        "dvc @hoakhanh 3 20p",
        {"area": "hoakhanh", "items": [("dvc_online", 3, 3)], "problems": []},
        id="area-between-alias-and-count",
    ),
]

DURATIONS = [
    ("45p", 45),
    ("45ph", 45),
    ("45phut", 45),
    ("45phút", 45),
    ("45 phút", 45),
    ("45'", 45),
    ("45’", 45),
    ("45m", 45),
    ("90 phut", 90),
    ("1h", 60),
    ("1g", 60),
    ("1H", 60),
    ("1giờ", 60),
    ("1h30", 90),
    ("1g30", 90),
    ("1h30p", 90),
    ("1h30ph", 90),
    ("1h30'", 90),
    ("1h 30p", 90),
    ("1h 30 phút", 90),
    ("2 tieng", 120),
    ("2 tiếng", 120),
    ("2 giờ", 120),
    ("1 tiếng 30", 90),
    ("1 tiếng 30 phút", 90),
    ("1 tiếng rưỡi", 90),
    ("1h rưỡi", 90),
    ("1hruoi", 90),
    ("nửa tiếng", 30),
    ("1,5h", 90),
    ("1.5 giờ", 90),
    ("12h", 720),
    ("1p", 1),
]

BAD_DURATIONS = ["0p", "721p", "13h", "1h75", "99999999999p", "9999999999999h"]

DATES = [
    ("hôm qua", YESTERDAY),
    ("hom qua", YESTERDAY),
    ("HÔM QUA", YESTERDAY),
    ("hqua", YESTERDAY),
    ("bữa qua", YESTERDAY),
    ("hôm nay", TODAY),
    ("hom nay", TODAY),
    ("hnay", TODAY),
    ("bữa ni", TODAY),
    ("hôm kia", date(2026, 3, 18)),
    ("15/3", date(2026, 3, 15)),
    ("15/03", date(2026, 3, 15)),
    ("15-3", date(2026, 3, 15)),
    ("15/3/2026", date(2026, 3, 15)),
    ("15-3-2026", date(2026, 3, 15)),
    ("15.3.2026", date(2026, 3, 15)),
    ("15/03/26", date(2026, 3, 15)),
    ("20/3", TODAY),
    ("ngày 1/3", date(2026, 3, 1)),
    ("19/1", date(2026, 1, 19)),
]

BAD_DATES = [
    ("21/3", "future_date"),
    ("21/3/2026", "future_date"),
    ("1/1/2027", "future_date"),
    ("18/1", "too_old"),
    ("15/3/2025", "too_old"),
    ("31/2", "bad_date"),
    ("32/1", "bad_date"),
    ("15-13", "bad_date"),
    ("15/13/2026", "bad_date"),
    ("1/2/3", "bad_date"),
]

BAD_INPUT = [
    pytest.param("", ["no_service", "missing_duration"], [], id="empty"),
    pytest.param("   \n\t ", ["no_service", "missing_duration"], [], id="whitespace"),
    pytest.param("😀🙏", ["no_service", "missing_duration"], ["😀🙏"], id="only-emoji"),
    pytest.param("\u200b\u200d\ufeff", ["no_service", "missing_duration"], [], id="zero-width"),
    pytest.param("vneid2", ["missing_count", "missing_duration"], [], id="alias-without-count"),
    pytest.param("vneid2 30p", ["missing_count"], [], id="alias-with-duration-only"),
    pytest.param("vneid2 5/3 30p", ["succeeded_over_people"], [], id="ok-over-n"),
    pytest.param("vneid2 0 30p", ["bad_count"], [], id="zero-people"),
    pytest.param("vneid2 1001 30p", ["bad_count"], [], id="too-many-people"),
    pytest.param("vneid2 99999999999999999999 30p", ["bad_count"], [], id="huge-count"),
    pytest.param("vneid2 2000/3000 30p", ["bad_count"], [], id="huge-ratio"),
    pytest.param("vneid2 3 30p abc xyz", [], ["abc", "xyz"], id="unknown-words"),
    pytest.param("3 30p", ["no_service", "loose_number"], [], id="number-without-alias"),
    pytest.param("vneid2 3 dvc 30p", ["missing_count"], [], id="second-alias-without-count"),
    pytest.param("vneid2 3 45p 1h", ["multiple_durations"], [], id="two-durations"),
    pytest.param("vneid2 3 30p hqua 10/3", ["multiple_dates"], [], id="two-dates"),
    pytest.param("vneid2 3 30p hqua 19/3", [], [], id="two-forms-of-same-date"),
    pytest.param("vneid2 3 30p @a @b", ["multiple_areas"], [], id="two-areas"),
    pytest.param("-- chỉ ghi chú", ["no_service", "missing_duration"], [], id="only-note"),
]


@pytest.mark.parametrize(("text", "expected"), FULL_LINES)
def test_full_lines(text: str, expected: dict[str, object]) -> None:
    check(text, expected)


@pytest.mark.parametrize(("duration", "minutes"), DURATIONS, ids=[d for d, _ in DURATIONS])
def test_durations(duration: str, minutes: int) -> None:
    check(f"vneid2 3 {duration}", {"minutes": minutes, "items": [(L2, 3, 3)], "problems": []})
    check(f"{duration} vneid2 3", {"minutes": minutes, "items": [(L2, 3, 3)], "problems": []})


@pytest.mark.parametrize("duration", BAD_DURATIONS, ids=BAD_DURATIONS)
def test_bad_durations(duration: str) -> None:
    log = parse(f"vneid2 3 {duration}")
    assert log.minutes is None
    assert [p.code for p in log.problems] == ["bad_duration"]
    assert log.problems[0].params == {"value": duration}


@pytest.mark.parametrize(("text", "day"), DATES, ids=[t for t, _ in DATES])
def test_dates(text: str, day: date) -> None:
    check(f"vneid2 3 30p {text}", {"day": day, "problems": [], "unknown": []})
    check(f"{text} vneid2 3 30p", {"day": day, "problems": [], "unknown": []})


@pytest.mark.parametrize(("text", "code"), BAD_DATES, ids=[t for t, _ in BAD_DATES])
def test_bad_dates_fall_back_to_today(text: str, code: str) -> None:
    log = parse(f"vneid2 3 30p {text}")
    assert log.day == TODAY
    assert [p.code for p in log.problems] == [code]
    assert log.problems[0].params["value"] == text


@pytest.mark.parametrize(("text", "codes", "unknown"), BAD_INPUT)
def test_bad_input(text: str, codes: list[str], unknown: list[str]) -> None:
    check(text, {"problems": codes, "unknown": unknown})


def test_date_without_year_rolls_back_over_new_year() -> None:
    log = parse("vneid2 3 30p 28/12", today=date(2026, 1, 5))
    assert log.day == date(2025, 12, 28)
    assert log.ok


def test_max_days_back_is_a_parameter() -> None:
    assert parse("vneid2 3 30p 10/3", max_days_back=7).problems == (
        Problem("too_old", {"value": "10/3", "day": "2026-03-10", "max_days_back": 7}),
    )
    assert parse("vneid2 3 30p 13/3", max_days_back=7).day == date(2026, 3, 13)
    assert parse("vneid2 3 30p hôm qua", max_days_back=0).day == TODAY


def test_problem_params_name_the_service() -> None:
    log = parse("vneid2 5/3 dvc 30p")
    assert log.problems == (
        Problem("succeeded_over_people", {"service": L2, "succeeded": 5, "people": 3}),
        Problem("missing_count", {"service": "dvc_online"}),
    )


def test_result_types() -> None:
    log = parse("vneid2 2/3 1h")
    assert log.items == (LogItem(L2, 3, 2),)
    assert log.ok
    assert len({Problem("bad_date", {"value": "x"}), Problem("bad_date", {"value": "x"})}) == 1
    with pytest.raises(AttributeError):
        log.minutes = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        "vne\u200bid2 3 4\u200b5p",
        "mu\u0301c 2 3 45p",  # NFD input
        "VNEID2 3 45P",
        "  vneid2\t3\n45p  ",
    ],
    ids=["zero-width-inside", "nfd", "upper", "odd-whitespace"],
)
def test_normalisation(text: str) -> None:
    check(text, {"items": [(L2, 3, 3)], "minutes": 45, "problems": [], "unknown": []})


@pytest.mark.parametrize(
    "text",
    ["@", "@@", "--", "1/0", "0/0", "////", "9" * 5000, "9" * 5000 + "p", "1." + "9" * 999 + "h"],
)
def test_odd_strings_do_not_raise(text: str) -> None:
    assert isinstance(parse(text), QuickLog)
