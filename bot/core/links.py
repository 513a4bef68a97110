"""Public names of the bot, learnt when its channels start (used for invite links)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BotLinks:
    """Public names of the bot, filled in when a channel starts (used for invite links)."""

    telegram_username: str = ""

    def telegram_start(self, code: str) -> str:
        """Return the Telegram deep link that joins with this code, or '' when unknown."""
        if not self.telegram_username:
            return ""
        return f"https://t.me/{self.telegram_username}?start={code}"
