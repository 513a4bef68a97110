"""Residents' questions: FAQ answers, handoff to a team volunteer, and the leaders' review."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.roles import MANAGERS
from bot.core.roles import RoleName as R
from bot.core.router import HelpGroup, Router
from handlers.common import say
from handlers.faq import answers, handoff, place, relay, text, unanswered
from handlers.faq.answers import number


def setup(router: Router) -> None:
    """Register /faq, /end, /unanswered, the faq: and ho: buttons, the flow and free text."""
    residents = HelpGroup.RESIDENTS
    router.command(
        "faq",
        answers.faq_command,
        group=residents,
        order=10,
        menu={R.RESIDENT, R.VOLUNTEER, R.WARD_ADMIN},
        platform_menu=True,
    )
    router.command("end", lambda ctx: relay.end_conversation(ctx), group=residents, order=20)
    router.command(
        "unanswered", unanswered.list_command, roles=MANAGERS, group=HelpGroup.TEAM, order=70
    )
    router.button("faq", on_faq_button)
    router.button("ho", on_handoff_button)
    router.state("handoff", text.on_state)
    router.text_fallback = text.on_text


def on_faq_button(ctx: Context) -> Outcome:
    """Route faq: buttons: residents' topics and the leaders' review of questions."""
    action, rest = _split(ctx.msg.payload)
    if action in ("q", "a", "ap", "x"):
        return unanswered.on_button(ctx, action, rest)
    return answers.resident_button(ctx, action, rest)


def on_handoff_button(ctx: Context) -> Outcome:
    """Route ho: buttons: ask, place picking, change team, take, end."""
    action, rest = _split(ctx.msg.payload)
    if action == "ask":
        return handoff.ask(ctx, rest)
    if action in ("w", "wp", "t", "tp"):
        return place.on_button(ctx, action, rest)
    handoff_id = number(rest[0]) if len(rest) == 1 else None
    if handoff_id is None:
        return say(ctx, "error.stale_button")
    if action == "take":
        return handoff.take(ctx, handoff_id)
    if action == "chg":
        return place.change(ctx, handoff_id)
    if action == "end":
        return relay.end_conversation(ctx, handoff_id)
    return say(ctx, "error.stale_button")


def _split(payload: str) -> tuple[str, list[str]]:
    """Return a payload's action and the parts after it."""
    parts = payload.split(":")
    return (parts[1] if len(parts) > 1 else ""), parts[2:]
