"""Handing a resident's question to their team's volunteers: ask, send, and the first tap wins."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.core.context import Context
from bot.core.declare import chat_command
from bot.core.flow import Outcome
from bot.core.messages import Reply
from bot.core.roles import RoleName
from bot.core.router import HelpGroup
from domain.redact import redact
from handlers.common import say
from handlers.faq import contacts, courtesy, place, send
from handlers.faq.answers import faq_service, number, resident_team
from handlers.faq.contacts import RELAY_STATE
from storage import handoff as store
from storage.handoff import Handoff, Status
from storage.question_models import ResidentQuestion

logger = logging.getLogger(__name__)
DESCRIBE_STATE = "handoff.describe"


def ask(ctx: Context, rest: list[str]) -> Outcome:
    """Start a handoff from a stored question (q), a topic (k), or by asking what is needed."""
    if store.pending_of_resident(ctx.session, ctx.person_id) is not None:
        return say(ctx, "handoff.already_open")
    text, topic = "", None
    if len(rest) == 2 and rest[0] == "q":
        question_id = number(rest[1])
        row = ctx.session.get(ResidentQuestion, question_id) if question_id else None
        if row is None or row.person_id != ctx.person_id:
            return say(ctx, "error.not_allowed")
        text = row.text
    elif len(rest) == 2 and rest[0] == "k" and faq_service(ctx).knows(rest[1]):
        topic = rest[1]
    elif not rest:
        return Outcome([Reply(text=ctx.t("handoff.describe"))], next_state=DESCRIBE_STATE, data={})
    else:
        return say(ctx, "error.stale_button")
    return _draft(ctx, text, topic, [])


@chat_command(
    "volunteer", group=HelpGroup.RESIDENTS, order=15, menu={RoleName.RESIDENT}, platform_menu=True
)
def volunteer_command(ctx: Context) -> Outcome:
    """Ask for a team volunteer straight away (/volunteer, and the residents' main menu)."""
    return courtesy.addressed(ctx, ask(ctx, []))


def describe(ctx: Context) -> Outcome:
    """Take the resident's description (redacted) and send it on."""
    redaction = redact(ctx.msg.text)
    notes = [Reply(text=ctx.t("faq.redacted"))] if redaction.kinds else []
    return _draft(ctx, redaction.text.strip(), None, notes)


def _draft(ctx: Context, text: str, topic: str | None, notes: list[Reply]) -> Outcome:
    draft = store.create_draft(
        ctx.session,
        resident_id=ctx.person_id,
        address=(ctx.key.channel, ctx.key.chat_id, ctx.key.user_id),
        text=text,
        topic=topic,
        now=ctx.now,
    )
    assert draft.id is not None
    team_id = resident_team(ctx)
    named = place.team_named_in(ctx, text, ctx.msg.text) if team_id is None else None
    if named is not None:  # "tổ dân phố 2": no need to ask where the resident lives
        outcome = place.choose_team(ctx, draft.id, named)
    elif team_id is None:
        outcome = place.ask_ward(ctx, draft.id, 1)
    else:
        outcome = send.submit(ctx, draft.id, team_id)
    outcome.replies[:0] = notes
    return outcome


def _may_take(ctx: Context, handoff: Handoff) -> bool:
    if handoff.team_id is None:
        return False
    if ctx.roles.is_admin or handoff.team_id in ctx.roles.member_teams():
        return True
    ward_id = contacts.ward_of(ctx.session, handoff.team_id)
    return ward_id is not None and ward_id in ctx.roles.wards


def take(ctx: Context, handoff_id: int) -> Outcome:
    """Give the handoff to the first volunteer who taps; tell the resident and the others."""
    handoff = store.get(ctx.session, handoff_id)
    if handoff is None or handoff.status == Status.DRAFT.value:
        return say(ctx, "error.stale_button")
    if handoff.resident_id == ctx.person_id:
        return say(ctx, "handoff.own")
    if not _may_take(ctx, handoff):
        logger.warning("Person %s may not take handoff %s", ctx.person_id, handoff_id)
        return say(ctx, "error.not_allowed")
    if handoff.status == Status.TAKEN.value:
        return say(ctx, "handoff.already_taken")
    if handoff.status != Status.OPEN.value:
        return say(ctx, "handoff.closed")
    current = store.taken_with(ctx.session, ctx.person_id)
    if current is not None:
        return say(ctx, "handoff.busy")
    me = (ctx.key.channel, ctx.key.chat_id, ctx.key.user_id)
    won = store.claim(
        ctx.session, handoff_id=handoff_id, volunteer_id=ctx.person_id, address=me, now=ctx.now
    )
    if not won:
        return say(ctx, "handoff.already_taken")
    logger.info("Handoff %s taken by person %s", handoff_id, ctx.person_id)
    return _taken(ctx, handoff)


def _taken(ctx: Context, handoff: Handoff) -> Outcome:
    assert handoff.id is not None and handoff.team_id is not None
    ttl = timedelta(hours=ctx.settings.conversation_ttl_hours)
    resident = (handoff.resident_channel, handoff.resident_chat, handoff.resident_user)
    contacts.set_relay_state(
        ctx.session, key=resident, handoff_id=handoff.id, now=ctx.now, ttl=ttl, entering=True
    )
    contacts.clear_menu(ctx.session, channel=resident[0], chat=resident[1], now=ctx.now)
    contacts.clear_menu(ctx.session, channel=ctx.key.channel, chat=ctx.key.chat_id, now=ctx.now)
    question = send.question_text(ctx.parts, handoff, ctx.locale)
    replies = [Reply(text=ctx.t("handoff.taken_you", id=handoff.id, question=question))]
    resident_locale = contacts.locale_of(ctx.session, handoff.resident_id, ctx.settings)
    replies.append(
        Reply(
            text=ctx.t_for(resident_locale, "handoff.taken_resident"),
            to=contacts.resident_address(handoff),
        )
    )
    for contact in contacts.team_contacts(ctx.session, handoff.team_id, ctx.settings):
        if contact.person_id in (ctx.person_id, handoff.resident_id):
            continue
        text = ctx.t_for(contact.locale, "handoff.taken_other", id=handoff.id)
        replies.append(Reply(text=text, to=contact.address))
    return Outcome(replies, next_state=RELAY_STATE, data={"h": handoff.id})
