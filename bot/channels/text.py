"""Text helpers for channels: splitting long replies at line breaks, in the platform's unit.

Telegram counts a message's length in characters; Zalo's limit of 2,000 is safest counted in
UTF-16 code units (its text styles use UTF-16 offsets), where an emoji outside the Basic
Multilingual Plane counts twice. `split_text` takes the length function of the platform.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

Length = Callable[[str], int]
JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}


def utf16_length(text: str) -> int:
    """Return the length of text in UTF-16 code units (characters above U+FFFF count twice)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _fits(text: str, limit: int, length: Length) -> int:
    """Return how many leading characters of text fit in `limit` units."""
    if length is len:
        return min(len(text), limit)
    used = 0
    for index, ch in enumerate(text):
        used += length(ch)
        if used > limit:
            return index
    return len(text)


def _cut(line: str, limit: int, length: Length) -> int:
    """Return where to cut an over-long line: at a space in its second half, else at the limit,
    never between a letter and its combining mark or inside an emoji sequence."""
    end = max(1, _fits(line, limit, length))
    space = line.rfind(" ", 0, end)
    if space > end // 2:
        return space
    cut = end
    while cut > 1 and (unicodedata.combining(line[cut]) or line[cut] in JOINERS
                       or line[cut - 1] == "\u200d"):  # fmt: skip
        cut -= 1
    return cut


def split_text(text: str, limit: int, length: Length = len) -> list[str]:
    """Split text into chunks of at most `limit` units (as `length` counts), preferring line
    breaks, then spaces."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    if length(text) <= limit:
        return [text]
    chunks: list[str] = []
    current, used = "", 0
    for line in text.splitlines(keepends=True):
        size = length(line)
        while size > limit:
            if current:
                chunks.append(current)
                current, used = "", 0
            cut = _cut(line, limit, length)
            chunks.append(line[:cut])
            line = line[cut:]
            size = length(line)
        if used + size > limit:
            chunks.append(current)
            current, used = "", 0
        current += line
        used += size
    if current:
        chunks.append(current)
    return [chunk.rstrip("\n") or chunk for chunk in chunks if chunk.strip()]
