"""Sending a handoff to a team: the volunteers and leaders each get the question and a button."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.core.context import AppParts, Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply, rows
from bot.settings import Settings
from handlers.common import end
from handlers.faq import contacts, wait
from handlers.faq.answers import payload
from handlers.faq.contacts import RELAY_STATE, Contact
from handlers.faq.service import FaqService
from handlers.privacy import notice_once
from storage import handoff as store
from storage.handoff import Handoff, Status

logger = logging.getLogger(__name__)
HOUR = timedelta(hours=1)


def question_text(parts: AppParts, handoff: Handoff, locale: str) -> str:
    """Return what the resident needs, in a reader's language."""
    if handoff.topic:
        entry = parts.get(FaqService).entry(handoff.topic, locale)
        if entry is not None:
            return parts.translations.get(locale).text("handoff.topic", title=entry.title)
    return handoff.text or "—"


def team_notices(
    session: Session, parts: AppParts, handoff: Handoff, team_id: int
) -> list[tuple[Contact, Reply]]:
    """Return the notice with a «take» button for each reachable member except the resident."""
    assert handoff.id is not None
    team, _ward = contacts.team_label(session, team_id)
    notices: list[tuple[Contact, Reply]] = []
    for contact in contacts.team_contacts(session, team_id, parts.settings):
        if contact.person_id == handoff.resident_id:
            continue
        text = parts.translations.get(contact.locale)
        take = Button(text.text("handoff.take"), payload("ho", "take", handoff.id))
        notice = text.text(
            "handoff.notify",
            team=team,
            id=handoff.id,
            question=question_text(parts, handoff, contact.locale),
        )
        notices.append((contact, Reply(text=notice, buttons=rows(take), to=contact.address)))
    return notices


def over_cap(session: Session, settings: Settings, team_id: int, now: datetime) -> bool:
    """Tell whether a team's volunteers were sent their hourly number of requests already.

    A resident (or someone posing as many residents on the anonymous web chat) cannot make
    a team's phones ring without end: past BOT_HANDOFFS_PER_TEAM_HOUR the requests wait in a
    queue, sent in order by the handoff sweep as the hour moves on.
    """
    since = now - HOUR
    sent = store.sent_to_team_since(session, team_id=team_id, since=since)
    return sent >= settings.handoffs_per_team_hour


def submit(ctx: Context, handoff_id: int, team_id: int) -> Outcome:
    """Send a handoff to the team's volunteers and leaders and tell the resident."""
    team, ward = contacts.team_label(ctx.session, team_id)
    draft = store.get(ctx.session, handoff_id)
    notices = team_notices(ctx.session, ctx.parts, draft, team_id) if draft is not None else []
    if not notices:
        store.finish(
            ctx.session,
            handoff_id=handoff_id,
            by="nobody",
            now=ctx.now,
            status=Status.EXPIRED,
            only=(Status.DRAFT.value, *store.WAITING),
        )
        return end(ctx, "handoff.no_members", team=team)
    if over_cap(ctx.session, ctx.settings, team_id, ctx.now) and store.queue_for_team(
        ctx.session, handoff_id=handoff_id, team_id=team_id, now=ctx.now
    ):
        logger.warning("Handoff %s queued: team %s reached its hourly cap", handoff_id, team_id)
        queued = Reply(text=ctx.t("handoff.queued", team=team, ward=ward))
        return Outcome([queued], next_state=RELAY_STATE, data={"h": handoff_id})
    if not store.open_for_team(ctx.session, handoff_id=handoff_id, team_id=team_id, now=ctx.now):
        current = store.get(ctx.session, handoff_id)
        if current is not None and current.status == Status.TAKEN.value:
            return Outcome(
                [Reply(text=ctx.t("handoff.taken_resident"))],
                next_state=RELAY_STATE,
                data={"h": handoff_id},
            )
        return end(ctx, "handoff.closed")
    logger.info("Handoff %s sent to team %s (%d people)", handoff_id, team_id, len(notices))
    change = Button(ctx.t("handoff.change_team"), payload("ho", "chg", handoff_id))
    from handlers.faq.escalation import ESCALATE_AFTER  # escalation imports this module

    sent = ctx.t("handoff.sent", team=team, ward=ward)
    usual = wait.usual_wait(ctx, team_id, ESCALATE_AFTER)
    replies = [Reply(text=f"{sent}\n{usual}", buttons=rows(change))]
    replies += [reply for _contact, reply in notices]
    notice = notice_once(ctx)
    if notice is not None:
        replies.append(notice)
    return Outcome(replies, next_state=RELAY_STATE, data={"h": handoff_id})
