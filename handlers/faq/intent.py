"""Recognises a resident asking for a human ("cho gặp người hỗ trợ") rather than asking a question."""

from __future__ import annotations

import re

from domain.text import fold

MAX_WORDS = 12
# Folded (no diacritics, lower case) phrases; matched as whole words.
PHRASES = (
    "gap nguoi ho tro",
    "gap nguoi giup",
    "gap tinh nguyen vien",
    "gap to cong nghe",
    "nho tinh nguyen vien",
    "nho nguoi ho tro",
    "can nguoi ho tro",
    "can nguoi giup",
    "noi chuyen voi nguoi",
    "noi chuyen voi tinh nguyen vien",
    "gap nguoi that",
    "nguoi that",
    "ket noi tinh nguyen vien",
    "ket noi voi nguoi",
    "talk to a human",
    "talk to someone",
    "talk to a person",
    "talk to a volunteer",
    "speak to a human",
    "speak to someone",
    "speak to a person",
    "ask a volunteer",
    "real person",
    "human please",
)
_PATTERN = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in PHRASES) + r")(?!\w)")


def wants_volunteer(text: str) -> bool:
    """Tell whether a short message asks to be put in touch with a person."""
    folded = fold(text)
    if not folded or len(folded.split()) > MAX_WORDS:
        return False
    return _PATTERN.search(folded) is not None
