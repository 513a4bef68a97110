"""Small helpers shared by the handlers: replies, menus and links."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Reply


@dataclass
class BotLinks:
    """Public names of the bot, filled in when a channel starts (used for invite links)."""

    telegram_username: str = ""

    def telegram_start(self, code: str) -> str:
        """Return the Telegram deep link that joins with this code, or '' when unknown."""
        if not self.telegram_username:
            return ""
        return f"https://t.me/{self.telegram_username}?start={code}"


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
