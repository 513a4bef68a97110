"""Sending a handoff to a team: the volunteers and leaders each get the question and a button."""

from __future__ import annotations

import logging

from bot.core.context import AppParts, Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply, rows
from handlers.common import end
from handlers.faq import contacts, wait
from handlers.faq.answers import payload
from handlers.faq.contacts import RELAY_STATE
from handlers.faq.service import FaqService
from handlers.privacy import notice_once
from storage import handoff as store
from storage.handoff import Handoff, Status

logger = logging.getLogger(__name__)


def question_text(parts: AppParts, handoff: Handoff, locale: str) -> str:
    """Return what the resident needs, in a reader's language."""
    if handoff.topic:
        entry = parts.get(FaqService).entry(handoff.topic, locale)
        if entry is not None:
            return parts.translations.get(locale).text("handoff.topic", title=entry.title)
    return handoff.text or "—"


def submit(ctx: Context, handoff_id: int, team_id: int) -> Outcome:
    """Send a handoff to the team's volunteers and leaders and tell the resident."""
    team, ward = contacts.team_label(ctx.session, team_id)
    recipients = [
        c
        for c in contacts.team_contacts(ctx.session, team_id, ctx.settings)
        if c.person_id != ctx.person_id
    ]
    if not recipients:
        store.finish(
            ctx.session,
            handoff_id=handoff_id,
            by="nobody",
            now=ctx.now,
            status=Status.EXPIRED,
            only=(Status.DRAFT.value, Status.OPEN.value),
        )
        return end(ctx, "handoff.no_members", team=team)
    if not store.open_for_team(ctx.session, handoff_id=handoff_id, team_id=team_id, now=ctx.now):
        current = store.get(ctx.session, handoff_id)
        if current is not None and current.status == Status.TAKEN.value:
            return Outcome(
                [Reply(text=ctx.t("handoff.taken_resident"))],
                next_state=RELAY_STATE,
                data={"h": handoff_id},
            )
        return end(ctx, "handoff.closed")
    handoff = store.get(ctx.session, handoff_id)
    assert handoff is not None
    logger.info("Handoff %s sent to team %s (%d people)", handoff_id, team_id, len(recipients))
    change = Button(ctx.t("handoff.change_team"), payload("ho", "chg", handoff_id))
    from handlers.faq.escalation import ESCALATE_AFTER  # escalation imports this module

    sent = ctx.t("handoff.sent", team=team, ward=ward)
    usual = wait.usual_wait(ctx, team_id, ESCALATE_AFTER)
    replies = [Reply(text=f"{sent}\n{usual}", buttons=rows(change))]
    for contact in recipients:
        take = Button(ctx.t_for(contact.locale, "handoff.take"), payload("ho", "take", handoff_id))
        text = ctx.t_for(
            contact.locale,
            "handoff.notify",
            team=team,
            id=handoff_id,
            question=question_text(ctx.parts, handoff, contact.locale),
        )
        replies.append(Reply(text=text, buttons=rows(take), to=contact.address))
    notice = notice_once(ctx)
    if notice is not None:
        replies.append(notice)
    return Outcome(replies, next_state=RELAY_STATE, data={"h": handoff_id})
