"""Replies waiting for a web chat browser: delivered outside its own request, taken by its poll.

A volunteer's relayed answer or an escalation notice may be produced by any worker; the
browser polls whichever worker its load balancer picks. Rows are kept here, not in a
process's memory, and leave the table when a poll takes them (a conditional DELETE, so two
workers polling at once never hand out the same row) or when they are older than the TTL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, delete, func
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import utc_column

TTL = timedelta(days=7)
KEEP_PER_BROWSER = 50


class WebPending(SQLModel, table=True):
    """One rendered reply (text, buttons, file links) waiting for a browser's next poll."""

    __tablename__ = "web_pending"
    id: int | None = Field(default=None, primary_key=True)
    browser_id: str = Field(max_length=64, index=True)
    reply: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = utc_column(index=True)


def put(
    session: Session, *, browser_id: str, reply: dict[str, Any], now: datetime, ttl: timedelta = TTL
) -> None:
    """Keep a reply for a browser; forget expired rows and all but its newest KEEP_PER_BROWSER."""
    session.execute(delete(WebPending).where(col(WebPending.created_at) < now - ttl))
    session.add(WebPending(browser_id=browser_id, reply=reply, created_at=now))
    session.flush()
    newest = (
        select(WebPending.id)
        .where(col(WebPending.browser_id) == browser_id)
        .order_by(col(WebPending.id).desc())
        .offset(KEEP_PER_BROWSER)
    )
    surplus = list(session.exec(newest).all())
    if surplus:
        session.execute(delete(WebPending).where(col(WebPending.id).in_(surplus)))


def take(
    session: Session, *, browser_id: str, now: datetime, ttl: timedelta = TTL
) -> list[dict[str, Any]]:
    """Remove and return the browser's unexpired replies, oldest first (each to one caller only).

    Reads first, so a poll that finds nothing (the usual case) writes nothing.
    """
    waiting = session.exec(
        select(WebPending.id, WebPending.reply)
        .where(col(WebPending.browser_id) == browser_id)
        .where(col(WebPending.created_at) >= now - ttl)
        .order_by(col(WebPending.id))
        .limit(KEEP_PER_BROWSER)
    ).all()
    if not waiting:
        return []
    claimed = set(
        session.execute(
            delete(WebPending)
            .where(col(WebPending.id).in_([row_id for row_id, _reply in waiting]))
            .returning(col(WebPending.id))
        ).scalars()
    )
    return [dict(reply) for row_id, reply in waiting if row_id in claimed]


def count(session: Session) -> int:
    """Return how many replies are waiting, for every browser."""
    return int(session.exec(select(func.count()).select_from(WebPending)).one())
