"""Redaction holds against the ways people type numbers; dates, times and counts stay."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from domain.redact import PLACEHOLDER, redact
from tests.domain.typed_numbers import leftover_digits, message

SETTINGS = settings(
    max_examples=3000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

EXAMPLES = [
    ("gọi (0935) 777 888 nhé", "0935777888"),
    ("zalo +84 935 777 888", "935777888"),
    ("84-935-777-888", "935777888"),
    ("cccd 052  198  765  432", "052198765432"),
    ("otp 9 1 8 2 7 3", "918273"),
    ("9 1 8 2 7 3", "918273"),
    ("(+84) 935.777.888 rồi 2 người", "935777888"),
]
KEPT_AS_IS = ["15/3", "45p", "1h30", "3/5", "2 người", "40 phút", "ngày 05.03.2026 15 người"]


def test_the_examples_of_the_issue() -> None:
    for text, digits in EXAMPLES:
        out = redact(text).text
        assert PLACEHOLDER in out and digits not in "".join(c for c in out if c.isdigit()), out
    for text in KEPT_AS_IS:
        assert redact(text).text == text


@SETTINGS
@given(message())
def test_no_typed_number_survives_and_kept_tokens_stay(case: tuple[str, str, list[str]]) -> None:
    text, _secret, kept = case
    out = redact(text).text
    assert PLACEHOLDER in out, (text, out)
    assert leftover_digits(out, kept) == "", (text, out)
