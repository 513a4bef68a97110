"""Hypothesis strategies: phone numbers, ID numbers and OTPs written the ways people type them."""

from __future__ import annotations

from hypothesis import strategies as st

SEPARATORS = (" ", "  ", ".", "-", " - ", " . ", " \u00a0")
KEPT = ("15/3", "45p", "1h30", "3/5", "2 người", "40 phút", "lúc 9:30", "ngày 15/3/2026")
WORDS = ("bác", "ơi", "số", "của", "cháu", "là", "nhé", "gọi", "cccd", "sđt", "otp", "mã", "giúp")


def digits(count: int, first: str = "0123456789") -> st.SearchStrategy[str]:
    """Random digits, the first one from `first`."""
    head = st.sampled_from(first)
    tail = st.text(alphabet="0123456789", min_size=count - 1, max_size=count - 1)
    return st.tuples(head, tail).map("".join)


@st.composite
def grouped(draw: st.DrawFn, number: str, sizes: tuple[tuple[int, ...], ...]) -> str:
    """Split a number into groups of one of `sizes`, joined by separators people use."""
    layout = draw(st.sampled_from(sizes))
    parts, at = [], 0
    for size in layout:
        parts.append(number[at : at + size])
        at += size
    if draw(st.booleans()):
        parts[0] = f"({parts[0]})"
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + part
    return text


@st.composite
def phone(draw: st.DrawFn) -> str:
    """A Vietnamese mobile number: 0 / 84 / +84 / (+84) prefix, loosely grouped."""
    national = draw(digits(9, first="35789"))
    prefix = draw(st.sampled_from(("0", "84", "+84", "(+84)", "+84 ", "84 ", "(+84) ")))
    if prefix == "0":
        return draw(grouped("0" + national, ((4, 3, 3), (3, 3, 4), (4, 6), (2, 4, 4))))
    body = draw(grouped(national, ((3, 3, 3), (2, 3, 4), (9,))))
    return prefix + body


@st.composite
def id_number(draw: st.DrawFn) -> str:
    """A 12-digit citizen ID number, in groups."""
    number = draw(digits(12, first="0"))
    return draw(grouped(number, ((3, 3, 3, 3), (4, 4, 4), (6, 6), (3, 9), (12,))))


@st.composite
def spaced_otp(draw: st.DrawFn) -> str:
    """A 4-8 digit OTP typed digit by digit: '9 1 8 2 7 3'."""
    code = draw(st.text(alphabet="0123456789", min_size=4, max_size=8))
    gap = draw(st.sampled_from((" ", "  ", " - ", ".")))
    return gap.join(code)


SECRETS = st.one_of(phone(), id_number(), spaced_otp())


@st.composite
def message(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    """Return (message, the secret in it, the kept tokens in it)."""
    secret = draw(SECRETS)
    before = draw(st.lists(st.sampled_from(KEPT + WORDS), max_size=3))
    after = draw(st.lists(st.sampled_from(KEPT + WORDS), max_size=3))
    text = " ".join([*before, "-" if before else "", secret + ",", *after]).strip()
    kept = [token for token in before + after if token in KEPT]
    return text, secret, kept


def leftover_digits(text: str, kept: list[str]) -> str:
    """Return the digits of `text` once the kept tokens are taken out."""
    for token in kept:
        assert token in text, (token, text)
        text = text.replace(token, " ", 1)
    return "".join(ch for ch in text if ch.isdigit())
