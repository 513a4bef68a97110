"""A conversation, not only a lookup: greetings, thanks and messages without words get a kind
reply with the way forward (never stored as questions), and residents are called as they call
themselves ("bác", "cô"…), remembered in the conversation's data."""

from __future__ import annotations

from dataclasses import replace

from bot.core.context import Context
from bot.core.flow import STICKY_PREFIX, Outcome
from bot.core.messages import Button, Reply, rows
from domain.faq.courtesy import SmallTalk, address, self_address, small_talk_language

ADDRESS_KEY = STICKY_PREFIX + "addr"


def way_forward(ctx: Context) -> tuple[tuple[Button, ...], ...]:
    """Return the two ways on: a volunteer, or the list of topics."""
    return rows(
        Button(ctx.t("faq.ask_volunteer"), "ho:ask"),
        Button(ctx.t("faq.browse"), "faq:p:1"),
    )


def small_talk_reply(ctx: Context, kind: SmallTalk, text: str) -> Outcome:
    """Answer a greeting, a thanks or an "ok" in the language it was written in."""
    ctx.locale = small_talk_language(text) or ctx.locale
    return Outcome([Reply(text=ctx.t(f"chat.{kind.value}"), buttons=way_forward(ctx))])


def wordless_reply(ctx: Context, kind: str) -> Outcome:
    """Ask politely for a question in words; a number is never repeated back."""
    return Outcome([Reply(text=ctx.t(f"chat.{kind}"), buttons=way_forward(ctx))])


def remember_address(ctx: Context) -> None:
    """Remember how the resident calls themselves, when this message shows it."""
    term = self_address(ctx.msg.text)
    if term is not None:
        ctx.data[ADDRESS_KEY] = term


def addressed(ctx: Context, outcome: Outcome) -> Outcome:
    """Call the resident by their own word in the Vietnamese replies to them."""
    term = ctx.data.get(ADDRESS_KEY)
    if ctx.locale != "vi" or not isinstance(term, str):
        return outcome
    outcome.replies = [
        replace(reply, text=address(reply.text, term)) if reply.to is None else reply
        for reply in outcome.replies
    ]
    return outcome
