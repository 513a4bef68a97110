"""Property tests: the parser and the redactor never raise, and redaction never leaks."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.quicklog import MAX_MINUTES, QuickLog, parse_quick_log
from domain.redact import KINDS, redact
from domain.services import default_catalogue

TODAY = date(2026, 3, 20)
CODES = {
    "no_service",
    "missing_count",
    "bad_count",
    "succeeded_over_people",
    "future_date",
    "too_old",
    "bad_date",
    "bad_duration",
    "missing_duration",
    "multiple_dates",
    "multiple_durations",
    "multiple_areas",
    "loose_number",
    "failure_without_count",
    "counts_disagree",
    "reason_not_listed",
    "missing_attendees",
    "bad_attendees",
    "multiple_kinds",
    "attendees_without_kind",
    "bad_households",
}
SETTINGS = settings(
    max_examples=5000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

LOG_WORDS = [
    "vneid2", "mức", "muc", "2", "dvc", "qr", "vssid", "ssk", "3", "2/3", "5/3", "0", "45p",
    "1h30", "1g", "2", "tiếng", "tieng", "phút", "rưỡi", "nửa", "hôm", "qua", "nay", "hqua",
    "15/3", "15-3", "15/3/2026", "31/2", "@to12", "@", "--", "—", "–", ",", ":", "'", "’",
    "ngày", "người", "ng", "\u200b", "\u0301", "😀", "99999999999999", "1,5h", "/", "-",
]  # fmt: skip
SECRET_WORDS = [
    "0905123456", "0905", "123", "456", "+84", "84", "048095012345", "201234567", "otp",
    "OTP", "mã", "ma", "xác thực", "code", "mk", "mật khẩu", "pass", "là", ":", "=", "năm",
    "2026", "15/3/2026", "1h30", "150.000.000đ", "đồng", "\u200b", "[đã ẩn]",
]  # fmt: skip

log_text = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(LOG_WORDS), st.text(max_size=4)), max_size=14).map(" ".join),
    st.lists(st.sampled_from(LOG_WORDS), max_size=10).map("".join),
)
digits_text = st.text(alphabet="0123456789 .-+/:\n\u200b", max_size=40)
secret_text = st.one_of(
    st.text(),
    digits_text,
    st.lists(st.one_of(st.sampled_from(SECRET_WORDS), digits_text), max_size=10).map(" ".join),
    st.lists(st.sampled_from([*SECRET_WORDS, "0", "1", "9", " ", "."]), max_size=30).map("".join),
)


@SETTINGS
@given(text=log_text, back=st.integers(min_value=-5, max_value=400))
def test_parse_quick_log_never_raises(text: str, back: int) -> None:
    log = parse_quick_log(text, today=TODAY, catalogue=default_catalogue(), max_days_back=back)
    assert isinstance(log, QuickLog)
    assert {p.code for p in log.problems} <= CODES
    assert TODAY - timedelta(days=max(back, 0)) <= log.day <= TODAY
    assert log.minutes is None or 1 <= log.minutes <= MAX_MINUTES
    for item in log.items:
        assert 0 <= item.succeeded <= item.people
        assert default_catalogue().get(item.service) is not None
    service_codes = {
        "no_service", "missing_count", "bad_count", "succeeded_over_people", "counts_disagree",
    }  # fmt: skip
    assert log.items or log.kind != "assist" or any(p.code in service_codes for p in log.problems)


@SETTINGS
@given(text=secret_text)
def test_redact_never_raises_or_leaks(text: str) -> None:
    result = redact(text)
    assert result.kinds <= KINDS
    assert not re.search(r"\d{12}", result.text)
    assert not re.search(r"0\d{9}", result.text)
    assert not re.search(r"(?<!\d)0(?:[ .\-]?\d){9}(?!\d)", result.text.replace("\n", "#"))
