"""Conversation state and update de-duplication, saved with optimistic concurrency."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage import hotpath
from storage.dialect import rowcount
from storage.models import ChatMenu, Conversation, ProcessedUpdate


class StateConflict(RuntimeError):
    """Another worker saved this conversation first; reload and retry."""


@dataclass
class ConversationState:
    """A loaded conversation: where the user stands, with the version it was read at."""

    state: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    exists: bool = False
    expires_at: datetime | None = None


def mark_processed(session: Session, *, channel: str, update_id: str, now: datetime) -> bool:
    """Record an update id; return False when it was already processed."""
    db = hotpath.raw(session)
    params = {"channel": channel, "update_id": update_id, "now": db.time(now)}
    return db.execute(hotpath.MARK_PROCESSED, params).fetchone() is not None


def load(session: Session, *, channel: str, chat_id: str, user_id: str) -> ConversationState:
    """Load the conversation row of one user in one chat, or an empty state."""
    db = hotpath.raw(session)
    params = {"channel": channel, "chat_id": chat_id, "user_id": user_id}
    row = db.execute(hotpath.LOAD_STATE, params).fetchone()
    if row is None:
        return ConversationState()
    state, data, version, expires_at = row
    return ConversationState(
        state=state,
        data=dict(db.read_json(data) or {}),
        version=version,
        exists=True,
        expires_at=db.read_time(expires_at),
    )


def save(
    session: Session,
    *,
    channel: str,
    chat_id: str,
    user_id: str,
    loaded: ConversationState,
    state: str,
    data: dict[str, Any],
    now: datetime,
    expires_at: datetime | None,
) -> None:
    """Save the new state if nobody else changed it since it was loaded; else StateConflict."""
    db = hotpath.raw(session)
    params = {
        "channel": channel,
        "chat_id": chat_id,
        "user_id": user_id,
        "state": state,
        "data": db.json(data),
        "now": db.time(now),
        "expires_at": db.time(expires_at),
        "version": loaded.version,
        "new_version": loaded.version + 1,
    }
    if not loaded.exists:
        if db.execute(hotpath.INSERT_STATE, params).fetchone() is None:
            raise StateConflict(f"conversation {channel}:{chat_id}:{user_id} appeared meanwhile")
        return
    if db.execute(hotpath.UPDATE_STATE, params).rowcount != 1:
        raise StateConflict(f"conversation {channel}:{chat_id}:{user_id} changed meanwhile")


def set_menu(
    session: Session,
    *,
    channel: str,
    chat_id: str,
    labels: list[str],
    payloads: list[str],
    now: datetime,
) -> None:
    """Remember the numbered options last shown in a chat without buttons."""
    row = session.get(ChatMenu, (channel, chat_id))
    if row is None:
        session.add(
            ChatMenu(
                channel=channel, chat_id=chat_id, labels=labels, payloads=payloads, updated_at=now
            )
        )
    else:
        row.labels, row.payloads, row.updated_at = labels, payloads, now
        session.add(row)


def get_menu(session: Session, *, channel: str, chat_id: str) -> ChatMenu | None:
    """Return the numbered options last shown in a chat, if any."""
    return session.get(ChatMenu, (channel, chat_id))


def purge_processed(session: Session, *, before: datetime) -> int:
    """Forget processed update ids older than a moment; return how many were removed."""
    result = session.execute(
        delete(ProcessedUpdate).where(col(ProcessedUpdate.received_at) < before)
    )
    return rowcount(result)


def all_states(session: Session) -> list[Conversation]:
    """Return every stored conversation (tests and diagnostics)."""
    return list(session.exec(select(Conversation)).all())
