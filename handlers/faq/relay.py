"""The live conversation: messages relayed both ways (redacted, never stored) until one side ends it."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Reply
from domain.redact import redact
from handlers.assistlog.from_handoff import guessed_service, offer_reply
from handlers.common import end
from handlers.faq import contacts
from handlers.faq.contacts import RELAY_STATE
from storage import handoff as store
from storage.handoff import Handoff, Status

logger = logging.getLogger(__name__)


def forward(ctx: Context, handoff: Handoff) -> Outcome:
    """Pass a message to the other side with a prefix; the volunteer stays anonymous."""
    assert handoff.id is not None
    redaction = redact(ctx.msg.text)
    if handoff.resident_id == ctx.person_id:
        to, reader, key = contacts.volunteer_address(handoff), handoff.volunteer_id, "from_resident"
    else:
        to, reader, key = contacts.resident_address(handoff), handoff.resident_id, "from_volunteer"
    locale = contacts.locale_of(ctx.session, reader, ctx.settings)
    text = ctx.t_for(locale, f"handoff.{key}", text=redaction.text.strip())
    store.touch(ctx.session, handoff_id=handoff.id, now=ctx.now)
    replies = [Reply(text=text, to=to)]
    if redaction.kinds:
        logger.info("Relayed message in handoff %s redacted (%s)", handoff.id, len(redaction.kinds))
        replies.append(Reply(text=ctx.t("handoff.redacted")))
    return Outcome(replies, next_state=RELAY_STATE, data={"h": handoff.id})


def _mine(ctx: Context, handoff_id: int | None) -> Handoff | None:
    """Return the handoff to end: the given one if the sender is part of it, else their own."""
    if handoff_id is None:
        return store.taken_with(ctx.session, ctx.person_id) or store.pending_of_resident(
            ctx.session, ctx.person_id
        )
    handoff = store.get(ctx.session, handoff_id)
    if handoff is None or ctx.person_id not in (handoff.resident_id, handoff.volunteer_id):
        return None
    return handoff


def end_conversation(ctx: Context, handoff_id: int | None = None) -> Outcome:
    """End the sender's conversation (or cancel their waiting request) and tell both sides."""
    handoff = _mine(ctx, handoff_id)
    if handoff is None or handoff.id is None:
        return end(ctx, "handoff.nothing")
    was_taken = handoff.status == Status.TAKEN.value
    by_resident = handoff.resident_id == ctx.person_id
    by = "resident" if by_resident else "volunteer"
    service = guessed_service(handoff) if was_taken else ""  # before the text is blanked
    if not store.finish(ctx.session, handoff_id=handoff.id, by=by, now=ctx.now):
        return end(ctx, "handoff.closed")
    logger.info("Handoff %s ended by the %s", handoff.id, by)
    if not was_taken:
        return end(ctx, "handoff.cancelled")
    if by_resident:
        partner = (handoff.volunteer_channel, handoff.volunteer_chat, handoff.volunteer_user)
        reader, address = handoff.volunteer_id, contacts.volunteer_address(handoff)
        note = "handoff.ended_by_resident"
    else:
        partner = (handoff.resident_channel, handoff.resident_chat, handoff.resident_user)
        reader, address = handoff.resident_id, contacts.resident_address(handoff)
        note = "handoff.ended_by_volunteer"
    contacts.set_relay_state(
        ctx.session,
        key=partner,
        handoff_id=handoff.id,
        now=ctx.now,
        ttl=timedelta(),
        entering=False,
    )
    locale = contacts.locale_of(ctx.session, reader, ctx.settings)
    told = Reply(text=ctx.t_for(locale, note, id=handoff.id), to=address)
    replies = [Reply(text=ctx.t("handoff.ended_you")), told]
    if by_resident:
        replies.append(replace(_log_offer(ctx, handoff.id, service, locale), to=address))
    else:
        replies.append(_log_offer(ctx, handoff.id, service, ctx.locale))
    return Outcome(replies, next_state=None)


def _log_offer(ctx: Context, handoff_id: int, service: str, locale: str) -> Reply:
    """Offer the volunteer to log the conversation that just ended."""
    text = ctx.t_for(locale, "logx.handoff.offer")
    return offer_reply(handoff_id, service, text, ctx.t_for(locale, "logx.handoff.button"))
