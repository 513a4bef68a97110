"""Buttons as numbered options, for channels that cannot show buttons."""

from __future__ import annotations

from dataclasses import replace

from bot.core.messages import Incoming, Kind, Reply
from domain.text import fold


def render_numbered(reply: Reply, hint: str) -> Reply:
    """Return the reply with its buttons written as a numbered list under the text."""
    buttons = reply.all_buttons()
    if not buttons:
        return reply
    lines = [f"{index}. {button.label}" for index, button in enumerate(buttons, start=1)]
    text = "\n".join(part for part in (reply.text, "\n".join(lines), hint) if part)
    return replace(reply, text=text, buttons=())


def map_choice(msg: Incoming, labels: list[str], payloads: list[str]) -> Incoming | None:
    """Map a typed label or option number back to the button it names; None if it names none."""
    if msg.kind is not Kind.TEXT or not payloads:
        return None
    typed = fold(msg.text).rstrip(".")
    if not typed:
        return None
    chosen: str | None = None
    folded_labels = [fold(label) for label in labels]
    if typed in folded_labels:
        chosen = payloads[folded_labels.index(typed)]
    elif (
        typed.isascii()
        and typed.isdigit()
        and 1 <= int(typed) <= len(payloads)
        and not any(label.isdigit() for label in folded_labels)
    ):  # in a menu of counts ("1", "2", "Tất cả (3)", "0") a typed number is a count, not a place
        chosen = payloads[int(typed) - 1]
    if chosen is None:
        return None
    return replace(msg, kind=Kind.BUTTON, payload=chosen, text="")
