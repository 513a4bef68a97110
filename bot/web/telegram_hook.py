"""Telegram in webhook mode: PTB's Update.de_json and our accept_update, fed to the dispatcher."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update

from bot.channels.telegram import TelegramChannel, accept_update
from bot.web.metrics import Feed

logger = logging.getLogger(__name__)


class TelegramWebhook:
    """Runs the Telegram channel without polling and processes updates posted to the webhook."""

    def __init__(self, channel: TelegramChannel, feed: Feed) -> None:
        self.channel = channel
        self.feed = feed

    async def start(self) -> None:
        """Initialize the bot (getMe, username) and set the command menu."""
        await self.channel.prepare()

    async def register(self, url: str, secret: str) -> None:
        """Point Telegram at our webhook URL with the secret it must send back."""
        await self.channel.app.bot.set_webhook(
            url=url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        logger.info("Telegram webhook registered")

    async def process(self, body: dict[str, Any], received: float) -> None:
        """Turn one webhook body into an update, answer a button press, and handle it."""
        incoming = await accept_update(Update.de_json(body, self.channel.app.bot))
        if incoming is not None:
            await self.feed(incoming, received)
