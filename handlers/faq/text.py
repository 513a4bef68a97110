"""Free text: relay an ongoing conversation, hand over on request, otherwise answer the question."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.flow import KEEP, Outcome
from domain.text import fold, nfc
from handlers.assistlog import freetext
from handlers.common import say
from handlers.core import CANCEL_WORDS, EXACT_CANCEL_WORDS
from handlers.faq import courtesy, handoff, relay
from handlers.faq.answers import answer
from handlers.faq.contacts import RELAY_STATE
from handlers.faq.handoff import DESCRIBE_STATE
from handlers.faq.intent import wants_volunteer
from storage import handoff as store
from storage.handoff import Status

_CANCEL_FOLDED = frozenset(fold(word) for word in CANCEL_WORDS)
_CANCEL_EXACT = frozenset(EXACT_CANCEL_WORDS)


def is_cancel_word(text: str) -> bool:
    """Tell whether the text is only a way out ("thôi", "huỷ", "dừng"…), as inside a flow."""
    typed = nfc(text).casefold().strip(" .!")
    return typed in _CANCEL_EXACT or fold(typed) in _CANCEL_FOLDED


def on_text(ctx: Context) -> Outcome:
    """Handle free text outside any flow."""
    active = store.taken_with(ctx.session, ctx.person_id)
    if active is not None:
        return relay.forward(ctx, active)
    if is_cancel_word(ctx.msg.text):  # "thôi", "hủy"… with no flow open: not a question
        return say(ctx, "cancel.nothing")
    courtesy.remember_address(ctx)
    if wants_volunteer(ctx.msg.text):
        return courtesy.addressed(ctx, handoff.ask(ctx, []))
    offered = freetext.offer(ctx)  # a member's log or correction is not a question
    if offered is not None:
        return offered
    return courtesy.addressed(ctx, answer(ctx, ctx.msg.text))


def on_state(ctx: Context) -> Outcome:
    """Handle free text inside the handoff flow: description, place buttons, relay."""
    if ctx.state == DESCRIBE_STATE:
        courtesy.remember_address(ctx)
        return courtesy.addressed(ctx, handoff.describe(ctx))
    if ctx.state != RELAY_STATE:
        return say(ctx, "handoff.choose")
    handoff_id = ctx.data.get("h")
    found = store.get(ctx.session, handoff_id) if isinstance(handoff_id, int) else None
    parties = (found.resident_id, found.volunteer_id) if found is not None else ()
    if found is not None and found.status == Status.TAKEN.value and ctx.person_id in parties:
        return relay.forward(ctx, found)
    if found is not None and found.status in store.WAITING and ctx.person_id in parties:
        return say(ctx, "handoff.waiting")
    outcome = on_text(ctx)
    if outcome.next_state is KEEP:
        outcome.next_state, outcome.data = None, None
    return outcome
