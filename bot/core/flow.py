"""What a handler returns (Outcome) and the error it raises for expected problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bot.core.messages import Reply


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
"""Leave the conversation state (and data, unless given) as it is."""

STICKY_PREFIX = "~"
"""Conversation data keys starting with this outlive flows (how a resident is addressed)."""


def sticky(data: dict[str, Any]) -> dict[str, Any]:
    """Return the entries of conversation data that survive the end or start of a flow."""
    return {key: value for key, value in data.items() if key.startswith(STICKY_PREFIX)}


@dataclass
class Outcome:
    """Replies to send and the conversation's next state.

    next_state: a stable state name, None to end the flow, or KEEP.
    data: the flow data to store; None keeps the current data (or clears it when the flow ends).
    """

    replies: list[Reply] = field(default_factory=list)
    next_state: str | _Keep | None = KEEP
    data: dict[str, Any] | None = None


class UserFacingError(Exception):
    """An expected problem shown to the user as a localized message; nothing is saved."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
