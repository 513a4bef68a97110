"""Telegram through python-telegram-bot 22 (registered in bot.channels.registry)."""

from bot.channels.telegram.channel import (
    CAPS,
    CHANNEL,
    TelegramChannel,
    accept_update,
    build,
    keyboard,
    to_incoming,
)

__all__ = [
    "CAPS",
    "CHANNEL",
    "TelegramChannel",
    "accept_update",
    "build",
    "keyboard",
    "to_incoming",
]
