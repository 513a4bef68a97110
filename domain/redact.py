"""Remove personal data (ID numbers, phones, OTPs, passwords) from free text before storing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from domain.text import nfc

__all__ = ["KINDS", "PLACEHOLDER", "Redaction", "redact"]

PLACEHOLDER = "[đã ẩn]"
KINDS = frozenset({"id_number", "phone", "otp", "password", "long_number"})

_PH = re.escape(PLACEHOLDER)
_MONEY_AFTER = re.compile(
    r"\s?(?:đ|d|vnd|vnđ|đồng|dong|k|nghìn|nghin|ngàn|ngan|tr|triệu|trieu)(?!\w)", re.I
)
_PASSWORD = re.compile(
    r"(?<!\w)(?:mk|mật\s*khẩu|mat\s*khau|pass(?:word|code)?|pwd?)(?!\w)"
    r"(?P<sep>(?:\s+[^\s:=]+){0,2}?\s*(?:[:=]|(?:là|la)(?!\w))\s*|\s+)"
    rf"(?P<val>(?!\S*{_PH})\S+?)(?=[.,;:!?]*(?:\s|$))",
    re.I,
)
_LONG_RUN = re.compile(r"(?<!\d)\+?\d{9,}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\+?84[\s.\-]?2|02)(?:[\s.\-]?\d){9}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){9}(?!\d)")
_ID12 = re.compile(r"(?<!\d)\d(?:[\s.\-]?\d){11}(?!\d)")
_ID9 = re.compile(r"(?<![\d.,])\d{3}([\s.\-])\d{3}\1\d{3}(?!\d|[.,]\d)")
_DIGITS = r"(?<![\w/.\-])(?P<d>\d{4,8}|\d{3}[ .\-]\d{3})(?![\w/:]|[.,\-]\d)"
_STRONG = r"(?:otp|code|x[áa]c\s+(?:th[ựu]c|nh[ậa]n))"
_OTP_AFTER = re.compile(rf"(?<!\w){_STRONG}(?!\w)(?:\W+\w+){{0,3}}?\W+{_DIGITS}", re.I)
_OTP_BEFORE = re.compile(rf"{_DIGITS}(?:\W+\w+){{0,3}}?\W+{_STRONG}(?!\w)", re.I)
_OTP_WEAK = re.compile(rf"(?<!\w)m[ãa](?!\w)\s*(?:(?:số|so|là|la)(?!\w)\s*)?:?\s*{_DIGITS}", re.I)
_DATE_START = re.compile(r"\d{1,2}([.\-])\d{1,2}\1\d{4}(?!\d)")
# A number as people type it: digit groups joined by spaces (one or more), dots, dashes,
# brackets and a leading +: "(0935) 777 888", "+84  935.777.888", "052  198  765  432",
# "9 1 8 2 7 3". Groups glued to a letter, "/" or ":" ("45p", "1h30", "15/3", "9:30") are
# not part of it.
_SPREAD = re.compile(r"[\d(+][\d \t\u00a0\u200b.\-()+]*[\d)]")
_GROUP = re.compile(r"\d+")
_GLUE_LEFT = re.compile(r"[\w/:,#]$")
_LOOSE = " \t\u00a0\u200b.-"
_GLUE_RIGHT = re.compile(r"(?:[\w/:%#]|[.,]\d)")
_YEAR_BEFORE = re.compile(r"(?:năm|nam)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Redaction:
    """Redacted text and the kinds of personal data that were removed."""

    text: str
    kinds: frozenset[str]


def _looks_like_secret(value: str) -> bool:
    """Return True if a word after 'mk'/'pass' without ':' looks like a password, not prose."""
    return len(value) >= 4 and any(not c.isalpha() for c in value)


def _password(found: set[str]) -> Callable[[re.Match[str]], str]:
    """Build the replacement callback for passwords."""

    def replace(m: re.Match[str]) -> str:
        if not m["sep"].strip() and not _looks_like_secret(m["val"]):
            return m[0]
        found.add("password")
        return m[0][: m.start("val") - m.start()] + PLACEHOLDER

    return replace


def _long_run(found: set[str]) -> Callable[[re.Match[str]], str]:
    """Build the replacement callback for runs of nine or more digits."""

    def replace(m: re.Match[str]) -> str:
        digits = m[0].lstrip("+")
        if (len(digits) == 10 and digits.startswith("0")) or (
            len(digits) == 11 and (digits.startswith(("84", "02")))
        ):
            kind = "phone"
        elif len(digits) in (9, 12):
            if len(digits) == 9 and _MONEY_AFTER.match(m.string, m.end()):
                return m[0]
            kind = "id_number"
        else:
            kind = "long_number"
        found.add(kind)
        return PLACEHOLDER

    return replace


def _grouped(found: set[str], kind: str, *, money: bool) -> Callable[[re.Match[str]], str]:
    """Build the callback for numbers written with separators, sparing dates and amounts."""

    def replace(m: re.Match[str]) -> str:
        if _DATE_START.match(m[0]) or (money and _MONEY_AFTER.match(m.string, m.end())):
            return m[0]
        found.add(kind)
        return PLACEHOLDER

    return replace


def _otp(found: set[str]) -> Callable[[re.Match[str]], str]:
    """Build the callback that replaces only the code part of an OTP match."""

    def replace(m: re.Match[str]) -> str:
        if _YEAR_BEFORE.search(m.string, max(0, m.start("d") - 12), m.start("d")):
            return m[0]
        found.add("otp")
        start, end = m.start("d") - m.start(), m.end("d") - m.start()
        return m[0][:start] + PLACEHOLDER + m[0][end:]

    return replace


def _shape(digits: str) -> str:
    """Return 'phone' or 'id_number' when the digits have that exact shape, else ''."""
    if (len(digits) == 10 and digits[0] == "0" and digits[1] != "2") or (
        len(digits) == 11 and digits.startswith("02")
    ):
        return "phone"
    if (len(digits) == 11 and digits.startswith("84") and digits[2] != "2") or (
        len(digits) == 12 and digits.startswith("842")
    ):
        return "phone"
    return "id_number" if len(digits) in (9, 12) else ""


def _loose_kind(groups: list[str]) -> str:
    """Classify digit groups with no phone or ID inside: a long number, a spaced OTP, or ''."""
    digits = "".join(groups)
    if len(digits) > 9 and any(len(g) >= 3 for g in groups):
        return "long_number"
    if 4 <= len(digits) <= 8 and len(groups) == len(digits):
        return "otp"
    return ""


def _secrets_in(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Return (start, end, kind) of the secrets in a spread-out number.

    The longest run of groups shaped as a phone or ID number is taken first (so a count typed
    right after a phone number, "0905 123 456 3 người", is kept); what is left on either side
    is looked at again.
    """
    groups = list(_GROUP.finditer(text, start, end))
    for size in range(len(groups), 0, -1):
        for first in range(len(groups) - size + 1):
            window = groups[first : first + size]
            kind = _shape("".join(g[0] for g in window))
            if kind:
                left = _secrets_in(text, start, window[0].start()) if first else []
                right = (
                    _secrets_in(text, window[-1].end(), end) if first + size < len(groups) else []
                )
                opening = text.rfind("(", start, window[0].start())
                begin = opening if opening >= 0 and not left else window[0].start()
                plus = text.rfind("+", start, window[0].start())
                begin = min(begin, plus) if plus >= 0 and not left else begin
                closing = text.find(")", window[-1].end(), end)
                finish = closing + 1 if closing >= 0 and not right else window[-1].end()
                return [*left, (begin, finish, kind), *right]
    kind = _loose_kind([g[0] for g in groups])
    return [(groups[0].start(), groups[-1].end(), kind)] if kind else []


def _spread_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a candidate span until neither end group is glued to a word, '/' or ':'."""
    while start < end:
        groups = list(_GROUP.finditer(text, start, end))
        if not groups:
            return end, end
        first, last = groups[0], groups[-1]
        if text[start : first.start()].strip("(+") == "" and _GLUE_LEFT.search(
            text[max(0, first.start() - 1) : first.start()]
        ):
            start = first.end()
            continue
        if text[last.end() : end].strip(")") == "" and _GLUE_RIGHT.match(text, last.end()):
            end = last.start()
            continue
        while start < end and text[start] in _LOOSE:
            start += 1
        while end > start and text[end - 1] in _LOOSE + "(":
            end -= 1
        return start, end
    return end, end


def _spread(found: set[str], text: str) -> str:
    """Replace numbers typed with loose spacing and brackets, sparing dates and amounts."""
    out: list[str] = []
    done = 0
    for m in _SPREAD.finditer(text):
        start, end = _spread_span(text, m.start(), m.end())
        if start >= end:
            continue
        date = _DATE_START.search(text, start, end)
        if date is not None and text[start : date.start()].strip(" (") == "":
            start = date.end()
        for begin, finish, kind in _secrets_in(text, start, end):
            if kind != "phone" and _MONEY_AFTER.match(text, finish):
                continue
            if kind == "otp" and _YEAR_BEFORE.search(text, max(0, begin - 12), begin):
                continue
            found.add(kind)
            out.append(text[done:begin] + PLACEHOLDER)
            done = finish
    out.append(text[done:])
    return "".join(out)


def redact(text: str) -> Redaction:
    """Replace ID numbers, phone numbers, OTP codes and passwords with a placeholder."""
    found: set[str] = set()
    out = _PASSWORD.sub(_password(found), nfc(text))
    out = _spread(found, out)
    out = _LONG_RUN.sub(_long_run(found), out)
    out = _LANDLINE.sub(_grouped(found, "phone", money=False), out)
    out = _MOBILE.sub(_grouped(found, "phone", money=False), out)
    out = _ID12.sub(_grouped(found, "id_number", money=True), out)
    out = _ID9.sub(_grouped(found, "id_number", money=True), out)
    for _ in range(8):
        before = out
        for pattern in (_OTP_AFTER, _OTP_BEFORE, _OTP_WEAK):
            out = pattern.sub(_otp(found), out)
        if out == before:
            break
    return Redaction(out, frozenset(found))
