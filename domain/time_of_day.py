"""Times of day as leaders type them: '18:30', '18h30', '18g', '6 giờ chiều', '6h30 tối', '6pm'."""

from __future__ import annotations

import re

from domain.text import fold

SEPARATORS = frozenset({":", ".", "h", "g", "gio"})
MINUTE_WORDS = frozenset({"p", "phut"})
LEADING = frozenset({"luc", "vao", "at"})
PARTS = frozenset({"sang", "trua", "chieu", "toi", "dem", "am", "pm"})
_SPLIT = re.compile(r"([0-9]+)")


def _digits(token: str) -> bool:
    return token.isascii() and token.isdigit() and len(token) <= 2


def _tokens(text: str) -> list[str]:
    spaced = _SPLIT.sub(r" \1 ", fold(text).replace(":", " : ").replace(".", " . "))
    return spaced.split()


def _with_part(hour: int, part: str | None) -> int | None:
    """Return the 24-hour hour for an hour said with a part of the day ('6 giờ chiều': 18)."""
    if part is None:
        return hour
    if hour >= 13:  # already a 24-hour time: '18 giờ chiều' is fine
        return hour if part in ("chieu", "toi", "pm") else None
    afternoon = {
        "sang": hour if 1 <= hour <= 11 else None,
        "am": 0 if hour == 12 else hour,
        "trua": hour if hour in (11, 12) else hour + 12 if 1 <= hour <= 2 else None,
        "chieu": hour + 12 if 1 <= hour <= 11 else 12 if hour == 12 else None,
        "toi": hour + 12 if 5 <= hour <= 11 else None,
        "pm": hour if hour == 12 else hour + 12,
        "dem": hour + 12 if 9 <= hour <= 11 else 0 if hour == 12 else hour if hour <= 4 else None,
    }
    return afternoon[part]


def parse_time_of_day(text: str) -> int | None:
    """Return minutes after midnight, or None when the text is not a time of day."""
    tokens = _tokens(text)
    if tokens and tokens[0] in LEADING:
        tokens.pop(0)
    part = None
    if tokens and tokens[0] in PARTS:
        part = tokens.pop(0)
    if tokens and tokens[-1] in PARTS:
        if part is not None:
            return None
        part = tokens.pop()
    if not tokens or not _digits(tokens[0]):
        return None
    hour, rest = int(tokens[0]), tokens[1:]
    if rest and rest[0] in SEPARATORS:
        rest.pop(0)
    minute = 0
    if rest and rest[0] == "ruoi":
        minute = 30
        rest.pop(0)
    elif rest and _digits(rest[0]):
        minute = int(rest.pop(0))
        if rest and rest[0] in MINUTE_WORDS:
            rest.pop(0)
    if rest or hour > 23 or minute > 59:
        return None
    hour24 = _with_part(hour, part)
    return None if hour24 is None else hour24 * 60 + minute
