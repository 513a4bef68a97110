"""Webhook inbox: an accepted update is stored before the 200 answer and removed once applied."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select

from storage import hotpath
from storage.models import utc_column


class InboxItem(SQLModel, table=True):
    """A webhook update accepted but not yet applied (replayed after a crash)."""

    __tablename__ = "webhook_inbox"
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    received_at: datetime = utc_column()


def put(session: Session, *, channel: str, body: dict[str, Any], now: datetime) -> int:
    """Store an accepted update; return its inbox id (plain SQL: it runs for every update)."""
    db = hotpath.raw(session)
    params = {"channel": channel, "body": db.json(body), "now": db.time(now)}
    return int(db.execute(hotpath.INBOX_PUT, params).fetchone()[0])


def done(session: Session, item_ids: list[int]) -> None:
    """Forget updates once they have been applied."""
    hotpath.raw(session).execute_many(hotpath.INBOX_DONE, [{"id": i} for i in item_ids])


def pending(session: Session, *, before: datetime, limit: int = 10_000) -> list[InboxItem]:
    """Return updates accepted before a moment and never applied, oldest first."""
    statement = (
        select(InboxItem)
        .where(col(InboxItem.received_at) < before)
        .order_by(col(InboxItem.id))
        .limit(limit)
    )
    return list(session.exec(statement).all())
