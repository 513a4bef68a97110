"""The handoff sweep: tell the leader about requests nobody took in 30 minutes, expire old ones.

`escalate_handoffs` is pure database work plus the deliveries to send; running it twice (or in
two processes) escalates each handoff once, because the flag is set by a conditional UPDATE.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.core.context import AppParts
from bot.core.dispatcher import Dispatcher
from bot.core.messages import Button, Delivery, Reply, rows
from handlers.faq import contacts
from handlers.faq.answers import payload
from handlers.faq.send import over_cap, question_text, team_notices
from storage import handoff as store
from storage.db import Database
from storage.handoff import Handoff, Status

logger = logging.getLogger(__name__)
ESCALATE_AFTER = timedelta(minutes=30)
EXPIRE_AFTER = timedelta(hours=24)
IDLE_AFTER = timedelta(hours=24)


def escalate_handoffs(session: Session, *, now: datetime, parts: AppParts) -> list[Delivery]:
    """Escalate, expire and close handoffs as due; return the messages to send."""
    deliveries: list[Delivery] = release_queued(session, now=now, parts=parts)
    for handoff in store.due_for_escalation(session, opened_before=now - ESCALATE_AFTER):
        if handoff.id is not None and store.mark_escalated(session, handoff_id=handoff.id, now=now):
            deliveries += _escalate(session, handoff, now, parts)
    for handoff in store.stale(
        session, opened_before=now - EXPIRE_AFTER, idle_before=now - IDLE_AFTER
    ):
        deliveries += _expire(session, handoff, now, parts)
    removed = store.purge_drafts(session, before=now - EXPIRE_AFTER)
    if removed:
        logger.info("Removed %d unsent handoff drafts", removed)
    return parts.get(Dispatcher).prepare(session, deliveries, now)


def release_queued(session: Session, *, now: datetime, parts: AppParts) -> list[Delivery]:
    """Send queued handoffs, oldest first, to teams that are under their hourly cap again."""
    deliveries: list[Delivery] = []
    full: set[int] = set()
    for handoff in store.queued(session):
        team_id = handoff.team_id
        if handoff.id is None or team_id is None or team_id in full:
            continue
        if over_cap(session, parts.settings, team_id, now):
            full.add(team_id)
            continue
        notices = team_notices(session, parts, handoff, team_id)
        if not notices or not store.open_for_team(
            session, handoff_id=handoff.id, team_id=team_id, now=now
        ):
            continue
        deliveries += [Delivery(c.address, replace(r, to=None), c.locale) for c, r in notices]
        logger.info("Queued handoff %s sent to team %s", handoff.id, team_id)
    return deliveries


async def run_escalation(
    db: Database, parts: AppParts, send: Callable[[Delivery], Awaitable[None]]
) -> int:
    """Run the sweep in one transaction, then send its messages; return how many were sent."""
    now = parts.clock.now()
    deliveries = await db.run(lambda s: escalate_handoffs(s, now=now, parts=parts))
    sent = 0
    for delivery in deliveries:
        try:
            await send(delivery)
            sent += 1
        except Exception:
            logger.exception("Sending a handoff escalation to %s failed", delivery.address)
    return sent


def _text(parts: AppParts, locale: str, key: str, /, **params: object) -> str:
    return parts.translations.get(locale).text(key, **params)


def _escalate(session: Session, handoff: Handoff, now: datetime, parts: AppParts) -> list[Delivery]:
    """Tell the team's leaders (or the ward's admins) and reassure the resident."""
    assert handoff.id is not None and handoff.team_id is not None
    settings = parts.settings
    leaders = contacts.team_contacts(session, handoff.team_id, settings, role="leader")
    if not leaders:
        ward_id = contacts.ward_of(session, handoff.team_id)
        leaders = contacts.ward_admin_contacts(session, ward_id, settings) if ward_id else []
    team, _ = contacts.team_label(session, handoff.team_id)
    minutes = int(ESCALATE_AFTER.total_seconds() // 60)
    out: list[Delivery] = []
    for leader in leaders:
        if leader.person_id == handoff.resident_id:
            continue
        text = _text(
            parts,
            leader.locale,
            "handoff.escalated_leader",
            id=handoff.id,
            team=team,
            minutes=minutes,
            question=question_text(parts, handoff, leader.locale),
        )
        take = Button(
            _text(parts, leader.locale, "handoff.take"), payload("ho", "take", handoff.id)
        )
        out.append(Delivery(leader.address, Reply(text=text, buttons=rows(take)), leader.locale))
    locale = contacts.locale_of(session, handoff.resident_id, settings)
    reassure = Reply(text=_text(parts, locale, "handoff.escalated_resident"))
    out.append(Delivery(contacts.resident_address(handoff), reassure, locale))
    logger.info("Handoff %s escalated to %d people", handoff.id, len(out) - 1)
    return out


def _expire(session: Session, handoff: Handoff, now: datetime, parts: AppParts) -> list[Delivery]:
    """End an open handoff nobody took, or a taken one gone quiet, and tell who was in it."""
    assert handoff.id is not None
    settings = parts.settings
    waiting = handoff.status in store.WAITING
    status = Status.EXPIRED if waiting else Status.CLOSED
    if not store.finish(
        session, handoff_id=handoff.id, by="timeout", now=now, status=status, only=(handoff.status,)
    ):
        return []
    resident_locale = contacts.locale_of(session, handoff.resident_id, settings)
    key = "handoff.expired" if waiting else "handoff.idle_closed"
    resident = (handoff.resident_channel, handoff.resident_chat, handoff.resident_user)
    out = [
        Delivery(
            contacts.resident_address(handoff),
            Reply(text=_text(parts, resident_locale, key)),
            resident_locale,
        )
    ]
    sides = [resident]
    if not waiting and handoff.volunteer_id is not None:
        locale = contacts.locale_of(session, handoff.volunteer_id, settings)
        text = _text(parts, locale, "handoff.idle_closed_volunteer", id=handoff.id)
        out.append(Delivery(contacts.volunteer_address(handoff), Reply(text=text), locale))
        sides.append((handoff.volunteer_channel, handoff.volunteer_chat, handoff.volunteer_user))
    for side in sides:
        contacts.set_relay_state(
            session, key=side, handoff_id=handoff.id, now=now, ttl=timedelta(), entering=False
        )
    logger.info("Handoff %s ended by timeout (%s)", handoff.id, status.value)
    return out
