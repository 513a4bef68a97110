"""Correcting stored sessions: /undo, /edit <id>, and the Edit / Delete buttons of /mine."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply, rows
from handlers.assistlog import steps
from handlers.assistlog.draft import Draft
from handlers.assistlog.render import record_line
from handlers.assistlog.save import may_correct
from handlers.common import number, say
from storage import assists
from storage.assists import AssistRecord

logger = logging.getLogger(__name__)
UNDO_WINDOW = timedelta(hours=24)


def _stale(ctx: Context) -> Outcome:
    logger.info("Refused a record button from %s", ctx.key)
    return say(ctx, "error.stale_button")


def _id(text: str) -> int | None:
    return number(text.strip().lstrip("#"))


def _areas(ctx: Context, record: AssistRecord) -> dict[int, str]:
    return {a.id or 0: a.name for a in steps.team_areas(ctx, record.team_id)}


def _confirm_delete(ctx: Context, record: AssistRecord, key: str, payload: str) -> Outcome:
    text = ctx.t(key, record=record_line(ctx, record, _areas(ctx, record)))
    buttons = rows(
        Button(ctx.t("log.button.delete", id=record.id), payload),
        Button(ctx.t("log.button.keep"), "lg:keep"),
        per_row=2,
    )
    return Outcome([Reply(text=text, buttons=buttons)])


def _undoable(ctx: Context, record: AssistRecord | None) -> bool:
    return (
        record is not None
        and record.person_id == ctx.person_id
        and ctx.now - record.received_at <= UNDO_WINDOW
    )


def undo(ctx: Context) -> Outcome:
    """Offer to delete the sender's latest record, if it came in less than 24 hours ago."""
    latest = assists.recent_assists(ctx.session, person_id=ctx.person_id, limit=1)
    if not latest:
        return say(ctx, "log.undo.none")
    record = latest[0]
    if not _undoable(ctx, record):
        return say(ctx, "log.undo.too_old", id=record.id)
    return _confirm_delete(ctx, record, "log.undo.ask", f"lg:uy:{record.id}")


def _delete(ctx: Context, record: AssistRecord) -> Outcome:
    assists.delete_assist(
        ctx.session, session_id=record.id, actor_person_id=ctx.person_id, now=ctx.now
    )
    logger.info("Session %s deleted by person %s", record.id, ctx.person_id)
    return say(ctx, "log.deleted", id=record.id)


def undo_yes(ctx: Context, args: list[str]) -> Outcome:
    """Delete the record /undo offered (still the sender's and still within 24 hours)."""
    record_id = _id(args[0]) if args else None
    record = assists.get_assist(ctx.session, record_id) if record_id is not None else None
    if record is None or not _undoable(ctx, record):
        return _stale(ctx)
    return _delete(ctx, record)


def _correctable(ctx: Context, args: list[str]) -> AssistRecord | None:
    record_id = _id(args[0]) if args else None
    record = assists.get_assist(ctx.session, record_id) if record_id is not None else None
    return record if record is not None and may_correct(ctx, record) else None


def delete_ask(ctx: Context, args: list[str]) -> Outcome:
    """Ask before deleting a record from /mine."""
    record = _correctable(ctx, args)
    if record is None:
        return _stale(ctx)
    return _confirm_delete(ctx, record, "log.delete.ask", f"lg:dy:{record.id}")


def delete_yes(ctx: Context, args: list[str]) -> Outcome:
    """Delete a record the sender may correct."""
    record = _correctable(ctx, args)
    if record is None:
        return _stale(ctx)
    return _delete(ctx, record)


def keep(ctx: Context, args: list[str]) -> Outcome:
    """Keep the record."""
    return say(ctx, "log.kept")


def start_edit(ctx: Context, record: AssistRecord) -> Outcome:
    """Open the edit menu of a stored record."""
    draft = Draft.from_record(record)
    return steps.reask(ctx, draft, steps.EDIT, ctx.t("log.edit.intro", id=record.id))


def edit_button(ctx: Context, args: list[str]) -> Outcome:
    """Correct a record from a /mine button."""
    record = _correctable(ctx, args)
    if record is None:
        return _stale(ctx)
    return start_edit(ctx, record)


def edit_command(ctx: Context) -> Outcome:
    """Correct a record by id: /edit 12."""
    words = ctx.msg.args.split()
    if not words or _id(words[0]) is None:
        return say(ctx, "log.edit.usage")
    record = _correctable(ctx, words[:1])
    if record is None:
        return say(ctx, "log.edit.not_found", id=_id(words[0]))
    return start_edit(ctx, record)


def _log_handoff(ctx: Context, args: list[str]) -> Outcome:
    from handlers.assistlog.from_handoff import log_handoff

    return log_handoff(ctx, args)


RECORD_ACTIONS = {
    "ho": _log_handoff,
    "uy": undo_yes,
    "md": delete_ask,
    "dy": delete_yes,
    "keep": keep,
    "me": edit_button,
}
