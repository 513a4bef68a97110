"""What a channel is to the core: a protocol, its capabilities, and the spec that registers it.

A channel only translates: raw platform updates in (`receive` → `Incoming`, fed to the
dispatcher) and `Delivery`s out (`send`). Everything a channel needs from the rest of the bot
arrives in a `ChannelEnv`; everything the rest of the bot needs to know about a channel (its
settings, webhook path and secret header, display name, whether it carries notifications)
is its `ChannelSpec` in `bot.channels.registry`.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.applying import InboxTicket
from bot.core.messages import Delivery, Incoming

if TYPE_CHECKING:
    from bot.core.dispatcher import Dispatcher
    from bot.core.files import FileStore
    from bot.core.i18n import Translations
    from bot.core.links import BotLinks

Sleep = Callable[[float], Awaitable[None]]
Feed = Callable[[Incoming, float], Awaitable[object]]


@dataclass(frozen=True)
class ChannelCaps:
    """What a channel can show."""

    buttons: bool = True
    max_text: int = 4096


@dataclass(frozen=True)
class ChannelConfig:
    """One platform's settings: token, API base URL, webhook secret and the bot's public name."""

    token: str = ""
    api_base_url: str = ""
    webhook_secret: str = ""
    username: str = ""


class Channel(Protocol):
    """A running channel: polls or takes webhook bodies, and sends the dispatcher's replies."""

    async def send(self, delivery: Delivery) -> None:
        """Deliver one reply on the platform."""

    async def receive(self, body: dict[str, Any], received: float) -> bool:
        """Translate one raw update (a webhook body) and feed it; False when ignored."""

    def is_update(self, body: dict[str, Any]) -> bool:
        """Tell whether a body has the shape of one of the platform's updates (checked before
        it is stored: anything else is answered 200 and dropped)."""

    async def start_polling(self) -> None:
        """Introduce the bot to the platform (getMe, command menus) and start long polling."""

    async def start_webhook(self) -> None:
        """Introduce the bot to the platform without polling: updates come to `receive`."""

    async def register_webhook(self, url: str, secret: str) -> None:
        """Tell the platform where to post updates and the secret it must send back."""

    async def stop(self) -> None:
        """Stop polling, finish the updates in progress and release connections."""


class Inbox(Protocol):
    """Durable acceptance of raw updates (bot.web.inbox.WebhookInbox): stored before they are
    processed, deleted in the transaction that applies them, replayed at start when a process
    died in between."""

    async def accept(self, channel: str, body: dict[str, Any]) -> int:
        """Store an update; return its inbox id (raises when the database is unavailable)."""

    def applying(self, item_id: int) -> AbstractAsyncContextManager[InboxTicket]:
        """Process the stored update inside this block; its row is gone after it."""

    async def replay(
        self,
        processors: dict[str, Callable[[dict[str, Any], float], Awaitable[object]]],
        received: float,
        valid: dict[str, Callable[[dict[str, Any]], bool]] | None = None,
    ) -> int:
        """Apply the updates stored by a process that died before applying them."""


@dataclass
class ChannelEnv:
    """What a channel factory gets from the running bot."""

    config: ChannelConfig
    dispatcher: Dispatcher
    translations: Translations
    feed: Feed
    links: BotLinks
    sleep: Sleep
    poll_timeout: float = 30
    public_url: str = ""
    files: FileStore | None = None
    """Where files the platform cannot upload are kept for download by link."""
    inbox: Inbox | None = None
    """Where polled updates are stored before they are processed."""


@dataclass(frozen=True)
class ChannelSpec:
    """How the bot knows a channel: its name, settings, webhook, display name and factory.

    env_prefix: the settings are <PREFIX>_BOT_TOKEN, <PREFIX>_API_BASE_URL,
        <PREFIX>_WEBHOOK_SECRET (and <PREFIX>_BOT_USERNAME); '' for channels without a platform.
    factory: "module:function" building the channel from a ChannelEnv (imported when used, so
        reading the registry never imports a platform SDK).
    notify: digests and reminders may be sent there (/notify offers it).
    private_chat_is_user: a person's private chat id is their user id (Telegram).
    """

    name: str
    env_prefix: str = ""
    default_api_base_url: str = ""
    secret_header: str = ""
    secret_min_length: int = 1
    factory: str = ""
    notify: bool = False
    private_chat_is_user: bool = False

    @property
    def display_key(self) -> str:
        """Return the catalog key of the channel's name as people know it."""
        return f"channel.{self.name}"

    @property
    def webhook_path(self) -> str:
        """Return the path of the channel's webhook on the bot's web server."""
        return f"/webhook/{self.name}" if self.secret_header else ""

    def setting(self, suffix: str) -> str:
        """Return the name of one of the channel's environment variables."""
        return f"{self.env_prefix}_{suffix}"

    def build(self, env: ChannelEnv) -> Channel:
        """Import the channel's module and build it."""
        module_name, _, function = self.factory.partition(":")
        if not module_name or not function:
            raise RuntimeError(f"channel {self.name} has no factory")
        builder: Callable[[ChannelEnv], Channel] = getattr(
            importlib.import_module(module_name), function
        )
        return builder(env)
