"""Every channel the bot knows, one entry each. Settings, /link, /notify, contacts and
webhooks read this list instead of naming channels. Reading it imports no platform SDK."""

from __future__ import annotations

from bot.core.channel import ChannelSpec

TELEGRAM = ChannelSpec(
    name="telegram",
    env_prefix="TELEGRAM",
    default_api_base_url="https://api.telegram.org/bot",
    secret_header="X-Telegram-Bot-Api-Secret-Token",
    secret_min_length=1,
    factory="bot.channels.telegram.channel:build",
    notify=True,
    private_chat_is_user=True,
)
ZALO = ChannelSpec(
    name="zalo",
    env_prefix="ZALO",
    default_api_base_url="https://bot-api.zaloplatforms.com",
    secret_header="X-Bot-Api-Secret-Token",
    secret_min_length=8,
    factory="bot.channels.zalo.channel:build",
    notify=True,
)
WEB = ChannelSpec(name="web")
CONSOLE = ChannelSpec(name="console")
CHANNELS: tuple[ChannelSpec, ...] = (TELEGRAM, ZALO, WEB, CONSOLE)
"""In order of preference for reaching a person who has not chosen with /notify."""


def channel_spec(name: str) -> ChannelSpec | None:
    """Return the spec of a channel by name."""
    return next((spec for spec in CHANNELS if spec.name == name), None)


def channel_names() -> tuple[str, ...]:
    """Return the names of every known channel, in order of preference."""
    return tuple(spec.name for spec in CHANNELS)


def platform_channels() -> tuple[ChannelSpec, ...]:
    """Return the channels that run against a platform API (they have a token)."""
    return tuple(spec for spec in CHANNELS if spec.env_prefix)


def notify_channels() -> tuple[str, ...]:
    """Return the channels where digests and reminders can be sent."""
    return tuple(spec.name for spec in CHANNELS if spec.notify)
