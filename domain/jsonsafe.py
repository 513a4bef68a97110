"""Make a decoded JSON document safe to keep: bounded nesting and no NUL characters.

PostgreSQL refuses U+0000 in text and JSONB ("unsupported Unicode escape sequence"), so a NUL
typed or sent by anyone would turn into an unexpected error deep inside a transaction. The
edge removes it from every string (keys included) before anything is stored, as PostgreSQL's
own documentation advises for text that may hold it. Nesting is bounded so a body of
thousands of brackets is refused at the door instead of exhausting the recursion limit later.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 32
"""Telegram and Zalo updates nest about six levels deep; the web chat's body two."""


class TooDeep(ValueError):
    """The document nests deeper than allowed."""


def strip_nul(text: str) -> str:
    """Return text without NUL characters."""
    return text.replace("\x00", "") if "\x00" in text else text


def clean_json(value: Any, *, max_depth: int = MAX_DEPTH) -> Any:
    """Return a copy of a decoded JSON value without NULs in its strings; raise TooDeep."""
    return _clean(value, max_depth)


def _clean(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return strip_nul(value)
    if isinstance(value, dict):
        if depth <= 0:
            raise TooDeep("JSON nested too deeply")
        return {strip_nul(str(k)): _clean(v, depth - 1) for k, v in value.items()}
    if isinstance(value, list):
        if depth <= 0:
            raise TooDeep("JSON nested too deeply")
        return [_clean(item, depth - 1) for item in value]
    return value
