"""Small helpers shared by the handlers: replies, menus and links."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Reply


def number(text: str, *, positive: bool = False) -> int | None:
    """Return a typed whole number (ASCII digits, at most 9: database-sized), or None."""
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return None
    value = int(text)
    return None if positive and value == 0 else value


def decimal(value: float, lang: str) -> str:
    """Return a number with one decimal, with a decimal comma in Vietnamese."""
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") if lang == "vi" else text


def say(ctx: Context, key: str, /, **params: object) -> Outcome:
    """Reply with one localized message and keep the state."""
    return Outcome([Reply(text=ctx.t(key, **params))])


def end(ctx: Context, key: str, /, **params: object) -> Outcome:
    """Reply with one localized message and end the current flow."""
    return Outcome([Reply(text=ctx.t(key, **params))], next_state=None)
