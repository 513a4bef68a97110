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


def redact(text: str) -> Redaction:
    """Replace ID numbers, phone numbers, OTP codes and passwords with a placeholder."""
    found: set[str] = set()
    out = _PASSWORD.sub(_password(found), nfc(text))
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
