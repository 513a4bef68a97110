"""A local console chat that talks to the same handlers and database, with no token."""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import Callable
from pathlib import Path

from bot.core.channel import ChannelCaps
from bot.core.dispatcher import Dispatcher
from bot.core.messages import ChatKey, Delivery, Incoming, Kind

CHANNEL = "console"
CAPS = ChannelCaps(buttons=False, max_text=100_000)


class ConsoleChannel:
    """Reads lines from stdin and prints replies; buttons appear as numbered options."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        user_id: str,
        display_name: str,
        write: Callable[[str], None] = print,
    ) -> None:
        self.dispatcher = dispatcher
        self.key = ChatKey(CHANNEL, user_id, user_id)
        self.display_name = display_name
        self._write = write
        self._ids = itertools.count(1)
        self._session = f"{id(self):x}"
        dispatcher.register_channel(CHANNEL, CAPS, self)

    async def send(self, delivery: Delivery) -> None:
        """Print a reply (documents and images are saved to the current folder)."""
        reply = delivery.reply
        if delivery.address.chat_id != self.key.chat_id:
            self._write(f"[→ {delivery.address.channel}:{delivery.address.chat_id}] {reply.text}")
            return
        if reply.document is not None:
            await asyncio.to_thread(
                Path(reply.document.filename).write_bytes, reply.document.content
            )
            self._write(f"📎 {reply.document.filename}")
        if reply.image is not None:
            await asyncio.to_thread(Path(reply.image.filename).write_bytes, reply.image.content)
            self._write(f"🖼 {reply.image.filename}")
        if reply.text:
            self._write(f"🤖 {reply.text}\n")

    async def say(self, text: str) -> None:
        """Send one line as the console user."""
        await self.dispatcher.handle(
            Incoming(
                key=self.key,
                update_id=f"{self._session}-{next(self._ids)}",
                kind=Kind.TEXT,
                text=text,
                display_name=self.display_name,
            )
        )

    async def run(self) -> None:
        """Chat until end of input or /quit."""
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line or line.strip() in ("/quit", "/exit"):
                return
            if line.strip():
                await self.say(line.rstrip("\n"))
