"""Handoffs of residents' questions to their team's volunteers, and the team a resident chose.

A handoff goes draft → open (sent to the team) → taken (one volunteer claimed it, atomically)
→ closed; an open one nobody takes ends as expired. Its text is redacted before it is stored
and blanked when it ends; relayed chat messages are never stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Index, delete, func, or_, update
from sqlmodel import Field, Session, SQLModel, col, select

from storage.dialect import rowcount
from storage.models import utc_column


class Status(StrEnum):
    """Where a handoff stands."""

    DRAFT = "draft"
    QUEUED = "queued"
    OPEN = "open"
    TAKEN = "taken"
    CLOSED = "closed"
    EXPIRED = "expired"


ACTIVE = (Status.QUEUED.value, Status.OPEN.value, Status.TAKEN.value)
WAITING = (Status.QUEUED.value, Status.OPEN.value)


class Handoff(SQLModel, table=True):
    """A resident's request to talk with a volunteer of their team, relayed through the bot."""

    __tablename__ = "handoff"
    __table_args__ = (Index("ix_handoff_status_opened", "status", "opened_at"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    resident_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    resident_channel: str = Field(max_length=16)
    resident_chat: str = Field(max_length=64)
    resident_user: str = Field(max_length=64)
    volunteer_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="SET NULL"
    )
    volunteer_channel: str = Field(default="", max_length=16)
    volunteer_chat: str = Field(default="", max_length=64)
    volunteer_user: str = Field(default="", max_length=64)
    text: str = Field(default="", max_length=1000)
    topic: str | None = Field(default=None, max_length=64)
    status: str = Field(default=Status.DRAFT.value, max_length=16)
    closed_by: str = Field(default="", max_length=16)
    created_at: datetime = utc_column()
    opened_at: datetime | None = utc_column(nullable=True)
    taken_at: datetime | None = utc_column(nullable=True)
    active_at: datetime | None = utc_column(nullable=True)
    escalated_at: datetime | None = utc_column(nullable=True)
    closed_at: datetime | None = utc_column(nullable=True)


class ResidentPlace(SQLModel, table=True):
    """The team a resident picked the first time they asked for a volunteer."""

    __tablename__ = "resident_place"
    person_id: int = Field(primary_key=True, foreign_key="person.id", ondelete="CASCADE")
    team_id: int = Field(foreign_key="team.id")
    updated_at: datetime = utc_column()


def create_draft(
    session: Session,
    *,
    resident_id: int,
    address: tuple[str, str, str],
    text: str,
    topic: str | None,
    now: datetime,
) -> Handoff:
    """Store a new draft (redacted text; address is channel, chat id, user id)."""
    channel, chat, user = address
    row = Handoff(
        resident_id=resident_id,
        resident_channel=channel,
        resident_chat=chat,
        resident_user=user,
        text=text[:1000],
        topic=topic,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def get(session: Session, handoff_id: int) -> Handoff | None:
    """Return a handoff by id."""
    return session.get(Handoff, handoff_id)


def open_for_team(session: Session, *, handoff_id: int, team_id: int, now: datetime) -> bool:
    """Send a draft (or move an open handoff) to a team; False if it is no longer pending."""
    statement = (
        update(Handoff)
        .where(
            col(Handoff.id) == handoff_id,
            col(Handoff.status).in_((Status.DRAFT.value, *WAITING)),
        )
        .values(team_id=team_id, status=Status.OPEN.value, opened_at=now, escalated_at=None)
    )
    return rowcount(session.execute(statement)) == 1


def queue_for_team(session: Session, *, handoff_id: int, team_id: int, now: datetime) -> bool:
    """Keep a draft (or waiting handoff) for a team whose volunteers were told enough this
    hour; it is sent by the handoff sweep once the team is under its cap."""
    statement = (
        update(Handoff)
        .where(
            col(Handoff.id) == handoff_id,
            col(Handoff.status).in_((Status.DRAFT.value, *WAITING)),
        )
        .values(team_id=team_id, status=Status.QUEUED.value, opened_at=now, escalated_at=None)
    )
    return rowcount(session.execute(statement)) == 1


def sent_to_team_since(session: Session, *, team_id: int, since: datetime) -> int:
    """Count the handoffs whose notices went to a team's volunteers since a moment."""
    statement = select(func.count()).where(
        col(Handoff.team_id) == team_id,
        col(Handoff.opened_at) >= since,
        col(Handoff.status).not_in((Status.DRAFT.value, Status.QUEUED.value)),
    )
    return int(session.exec(statement).one())


def queued(session: Session) -> list[Handoff]:
    """Return the queued handoffs, oldest first."""
    statement = (
        select(Handoff).where(col(Handoff.status) == Status.QUEUED.value).order_by(col(Handoff.id))
    )
    return list(session.exec(statement).all())


def claim(
    session: Session,
    *,
    handoff_id: int,
    volunteer_id: int,
    address: tuple[str, str, str],
    now: datetime,
) -> bool:
    """Give an open handoff to one volunteer; exactly one of concurrent claims returns True."""
    channel, chat, user = address
    statement = (
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, col(Handoff.status) == Status.OPEN.value)
        .values(
            status=Status.TAKEN.value,
            volunteer_id=volunteer_id,
            volunteer_channel=channel,
            volunteer_chat=chat,
            volunteer_user=user,
            taken_at=now,
            active_at=now,
        )
    )
    return rowcount(session.execute(statement)) == 1


def finish(
    session: Session,
    *,
    handoff_id: int,
    by: str,
    now: datetime,
    status: Status = Status.CLOSED,
    only: tuple[str, ...] = ACTIVE,
) -> bool:
    """End a handoff that is still in one of `only` states, blanking its text; True if it ended."""
    statement = (
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, col(Handoff.status).in_(only))
        .values(status=status.value, closed_by=by[:16], closed_at=now, text="")
    )
    return rowcount(session.execute(statement)) == 1


def touch(session: Session, *, handoff_id: int, now: datetime) -> None:
    """Record activity in a relayed conversation."""
    session.execute(update(Handoff).where(col(Handoff.id) == handoff_id).values(active_at=now))


def pending_of_resident(session: Session, person_id: int) -> Handoff | None:
    """Return the resident's open or taken handoff, if any."""
    statement = (
        select(Handoff)
        .where(col(Handoff.resident_id) == person_id, col(Handoff.status).in_(ACTIVE))
        .order_by(col(Handoff.id).desc())
    )
    return session.exec(statement).first()


def taken_with(session: Session, person_id: int) -> Handoff | None:
    """Return the taken handoff this person is in, as resident or as volunteer."""
    statement = (
        select(Handoff)
        .where(
            col(Handoff.status) == Status.TAKEN.value,
            or_(col(Handoff.resident_id) == person_id, col(Handoff.volunteer_id) == person_id),
        )
        .order_by(col(Handoff.id).desc())
    )
    return session.exec(statement).first()


def due_for_escalation(session: Session, *, opened_before: datetime) -> list[Handoff]:
    """Return open handoffs waiting since before a moment and never escalated."""
    statement = (
        select(Handoff)
        .where(
            col(Handoff.status) == Status.OPEN.value,
            col(Handoff.opened_at) <= opened_before,
            col(Handoff.escalated_at).is_(None),
        )
        .order_by(col(Handoff.id))
    )
    return list(session.exec(statement).all())


def mark_escalated(session: Session, *, handoff_id: int, now: datetime) -> bool:
    """Flag a handoff as escalated; True only for the first caller."""
    statement = (
        update(Handoff)
        .where(
            col(Handoff.id) == handoff_id,
            col(Handoff.status) == Status.OPEN.value,
            col(Handoff.escalated_at).is_(None),
        )
        .values(escalated_at=now)
    )
    return rowcount(session.execute(statement)) == 1


def stale(session: Session, *, opened_before: datetime, idle_before: datetime) -> list[Handoff]:
    """Return open handoffs nobody took for too long and taken ones idle for too long."""
    statement = (
        select(Handoff)
        .where(
            or_(
                col(Handoff.status).in_(WAITING) & (col(Handoff.opened_at) <= opened_before),
                (col(Handoff.status) == Status.TAKEN.value)
                & (col(Handoff.active_at) <= idle_before),
            )
        )
        .order_by(col(Handoff.id))
    )
    return list(session.exec(statement).all())


def purge_drafts(session: Session, *, before: datetime) -> int:
    """Delete drafts the resident never sent; return how many."""
    statement = delete(Handoff).where(
        col(Handoff.status) == Status.DRAFT.value, col(Handoff.created_at) < before
    )
    return rowcount(session.execute(statement))


def place_of(session: Session, person_id: int) -> int | None:
    """Return the team a resident picked before, if any."""
    row = session.get(ResidentPlace, person_id)
    return row.team_id if row is not None else None


def remember_place(session: Session, *, person_id: int, team_id: int, now: datetime) -> None:
    """Remember the team a resident picked."""
    row = session.get(ResidentPlace, person_id)
    if row is None:
        session.add(ResidentPlace(person_id=person_id, team_id=team_id, updated_at=now))
    else:
        row.team_id, row.updated_at = team_id, now
        session.add(row)


def take_delays(
    session: Session, *, since: datetime, team_id: int | None = None, limit: int = 100
) -> list[timedelta]:
    """Return how long the handoffs taken since a moment waited for a volunteer, newest first."""
    statement = select(Handoff).where(
        col(Handoff.taken_at) >= since, col(Handoff.opened_at).is_not(None)
    )
    if team_id is not None:
        statement = statement.where(col(Handoff.team_id) == team_id)
    rows = session.exec(statement.order_by(col(Handoff.taken_at).desc()).limit(limit)).all()
    return [
        row.taken_at - row.opened_at
        for row in rows
        if row.taken_at is not None and row.opened_at is not None
    ]
