"""Text normalisation shared by the parsers and the FAQ matcher."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ZERO_WIDTH = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return the text in Unicode NFC without zero-width or bidi control characters."""
    return _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics (đ→d) and keep the base letters."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse white space, for matching (memoised)."""
    return _SPACES.sub(" ", strip_diacritics(nfc(text)).casefold()).strip()
