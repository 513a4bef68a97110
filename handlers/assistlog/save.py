"""Storing a confirmed draft: a new session, or a correction of a stored one (audited)."""

from __future__ import annotations

import logging

from bot.core.context import Context
from bot.core.flow import Outcome
from domain.redact import redact
from handlers.assistlog.draft import NOTE_MAX, Draft
from handlers.assistlog.render import flags
from handlers.assistlog.steps import CARD, gap, proceed
from handlers.common import end
from storage import assists, teams
from storage.assists import AssistRecord, Changes

logger = logging.getLogger(__name__)


def clean_note(text: str) -> tuple[str, frozenset[str]]:
    """Return the note without personal data (and shortened), with the kinds removed."""
    redaction = redact(text.strip())
    return redaction.text[:NOTE_MAX], redaction.kinds


def may_correct(ctx: Context, record: AssistRecord) -> bool:
    """Tell whether the sender may change a record: theirs, or one of a team they manage."""
    if record.person_id == ctx.person_id or ctx.roles.is_admin:
        return True
    if record.team_id in ctx.roles.led_teams():
        return True
    if ctx.roles.wards:
        team = teams.get_team(ctx.session, record.team_id)
        return team is not None and team.ward_id in ctx.roles.wards
    return False


def save(ctx: Context, draft: Draft) -> Outcome:
    """Store the draft if it is complete; otherwise ask what is missing."""
    if gap(draft).state != CARD:
        return proceed(ctx, draft)
    if draft.edit is not None:
        return save_changes(ctx, draft, draft.edit)
    if draft.team is None or draft.team not in ctx.roles.member_teams():
        return end(ctx, "log.team_gone")
    assert ctx.person_id is not None and draft.minutes is not None
    out_of_hours, kind = flags(draft.day, ctx.now, ctx)
    note, _ = clean_note(draft.note)
    session_id = assists.add_assist(
        ctx.session,
        person_id=ctx.person_id,
        team_id=draft.team,
        area_id=draft.area,
        day=draft.day,
        received_at=ctx.now,
        minutes=draft.minutes,
        channel=ctx.key.channel,
        note=note,
        out_of_hours=out_of_hours,
        day_kind=kind,
        items=draft.inputs(),
        kind=draft.kind,
        households=draft.households,
        attendees=draft.attendees if draft.kind != "assist" else None,
    )
    logger.info("Session %s logged by person %s", session_id, ctx.person_id)
    return end(ctx, "log.saved", id=session_id)


def changes_between(ctx: Context, record: AssistRecord, draft: Draft) -> Changes:
    """Return what the draft changes in the stored record."""
    changes = Changes()
    if draft.day != record.day:
        changes.day = draft.day
        changes.out_of_hours, changes.day_kind = flags(draft.day, record.received_at, ctx)
    if draft.minutes is not None and draft.minutes != record.minutes:
        changes.minutes = draft.minutes
    if draft.area != record.area_id:
        changes.area_id = draft.area
        changes.clear_area = draft.area is None
    note, _ = clean_note(draft.note)
    if note != record.note:
        changes.note = note
    if draft.inputs() != list(record.items):
        changes.items = draft.inputs()
    if draft.households != record.households and draft.households is not None:
        changes.households = draft.households
    if draft.attendees != record.attendees and draft.attendees is not None:
        changes.attendees = draft.attendees
    return changes


def save_changes(ctx: Context, draft: Draft, session_id: int) -> Outcome:
    """Apply a correction through update_assist (which keeps an audit entry)."""
    record = assists.get_assist(ctx.session, session_id)
    if record is None or not may_correct(ctx, record):
        return end(ctx, "log.edit.not_found", id=session_id)
    changes = changes_between(ctx, record, draft)
    if changes == Changes():
        return end(ctx, "log.unchanged", id=session_id)
    assists.update_assist(
        ctx.session, session_id=session_id, actor_person_id=ctx.person_id, now=ctx.now,
        changes=changes,
    )  # fmt: skip
    logger.info("Session %s corrected by person %s", session_id, ctx.person_id)
    return end(ctx, "log.updated", id=session_id)
