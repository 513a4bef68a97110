"""The Zalo Bot Platform (registered in bot.channels.registry)."""

from bot.channels.zalo.channel import (
    CAPS,
    CHANNEL,
    ZaloChannel,
    build,
    split_units,
    to_incoming,
    unwrap,
)
from bot.channels.zalo.client import ZaloClient

__all__ = [
    "CAPS",
    "CHANNEL",
    "ZaloChannel",
    "ZaloClient",
    "build",
    "split_units",
    "to_incoming",
    "unwrap",
]
