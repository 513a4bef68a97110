"""The outbox: messages that must go out once, claimed atomically, and the scheduler lease.

Each row is unique per (kind, recipient, period), so planning twice never creates a second
message. Senders claim rows with a conditional UPDATE (status pending → sending), on
PostgreSQL after `FOR UPDATE SKIP LOCKED`, so two schedulers never send the same row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from storage.dialect import insert_ignore, rowcount
from storage.schedule_models import Outbox, SchedulerLease

logger = logging.getLogger(__name__)
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


@dataclass(frozen=True)
class OutboxItem:
    """A claimed row, detached from the database session."""

    id: int
    kind: str
    recipient: str
    period: str
    person_id: int | None
    team_id: int | None
    payload: dict[str, Any]
    image: bytes | None
    attempts: int
    parts_sent: int


def add(
    session: Session,
    *,
    kind: str,
    recipient: str,
    period: str,
    due_at: datetime,
    now: datetime,
    payload: dict[str, Any],
    person_id: int | None = None,
    team_id: int | None = None,
    image: bytes | None = None,
) -> bool:
    """Store a message unless one exists for (kind, recipient, period); True when stored."""
    values = {
        "kind": kind,
        "recipient": recipient,
        "period": period,
        "person_id": person_id,
        "team_id": team_id,
        "payload": payload,
        "image": image,
        "status": PENDING,
        "attempts": 0,
        "parts_sent": 0,
        "last_error": "",
        "claimed_by": "",
        "due_at": due_at,
        "created_at": now,
    }
    return insert_ignore(session, Outbox, values)


def existing_recipients(
    session: Session, *, kind: str, period: str, recipients: Sequence[str]
) -> set[str]:
    """Return which of these recipients already have a row for (kind, period)."""
    found: set[str] = set()
    for start in range(0, len(recipients), 500):
        chunk = list(recipients[start : start + 500])
        statement = select(col(Outbox.recipient)).where(
            col(Outbox.kind) == kind, col(Outbox.period) == period, col(Outbox.recipient).in_(chunk)
        )
        found.update(session.exec(statement).all())
    return found


def claim(session: Session, *, outbox_id: int, now: datetime, holder: str) -> bool:
    """Claim one pending row for sending; False when someone else has it (or it is done)."""
    result = session.execute(
        update(Outbox)
        .where(col(Outbox.id) == outbox_id, col(Outbox.status) == PENDING)
        .values(status=SENDING, claimed_at=now, claimed_by=holder, attempts=Outbox.attempts + 1)
    )
    return rowcount(result) == 1


def claim_due(session: Session, *, now: datetime, holder: str, limit: int) -> list[OutboxItem]:
    """Claim up to `limit` due pending rows (oldest first) and return them."""
    candidates = (
        select(col(Outbox.id))
        .where(col(Outbox.status) == PENDING, col(Outbox.due_at) <= now)
        .order_by(col(Outbox.due_at), col(Outbox.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.exec(candidates).all())
    claimed = [
        i for i in ids if i is not None and claim(session, outbox_id=i, now=now, holder=holder)
    ]
    return load(session, claimed)


def load(session: Session, ids: Sequence[int]) -> list[OutboxItem]:
    """Return rows by id, in the given order."""
    if not ids:
        return []
    rows = {r.id: r for r in session.exec(select(Outbox).where(col(Outbox.id).in_(list(ids))))}
    return [
        OutboxItem(
            id=r.id or 0,
            kind=r.kind,
            recipient=r.recipient,
            period=r.period,
            person_id=r.person_id,
            team_id=r.team_id,
            payload=dict(r.payload),
            image=r.image,
            attempts=r.attempts,
            parts_sent=r.parts_sent,
        )
        for i in ids
        if (r := rows.get(i)) is not None
    ]


def mark_part_sent(session: Session, *, outbox_id: int, parts_sent: int, holder: str) -> bool:
    """Remember how many parts of a claimed row the channel accepted."""
    result = session.execute(
        update(Outbox)
        .where(col(Outbox.id) == outbox_id, col(Outbox.status) == SENDING)
        .where(col(Outbox.claimed_by) == holder)
        .values(parts_sent=parts_sent)
    )
    return rowcount(result) == 1


def mark_sent(session: Session, *, outbox_id: int, now: datetime, holder: str) -> bool:
    """Mark a claimed row sent (after the channel accepted it) and drop its image."""
    result = session.execute(
        update(Outbox)
        .where(col(Outbox.id) == outbox_id, col(Outbox.status) == SENDING)
        .where(col(Outbox.claimed_by) == holder)
        .values(status=SENT, sent_at=now, image=None, last_error="")
    )
    done = rowcount(result) == 1
    if not done:
        logger.warning("Outbox row %s was no longer ours when marking it sent", outbox_id)
    return bool(done)


def release(
    session: Session,
    *,
    outbox_id: int,
    holder: str,
    error: str,
    retry_at: datetime,
    max_attempts: int,
) -> str:
    """Give a claimed row back after a failed send: pending again, or failed for good."""
    row = session.get(Outbox, outbox_id)
    if row is None or row.status != SENDING or row.claimed_by != holder:
        return row.status if row is not None else ""
    row.status = FAILED if row.attempts >= max_attempts else PENDING
    row.due_at = retry_at
    row.last_error = error[:200]
    row.claimed_at = None
    session.add(row)
    return row.status


def recover_stuck(session: Session, *, now: datetime, timeout: timedelta) -> int:
    """Put rows left in 'sending' longer than `timeout` (a crash) back to pending."""
    result = session.execute(
        update(Outbox)
        .where(col(Outbox.status) == SENDING, col(Outbox.claimed_at) <= now - timeout)
        .values(status=PENDING, claimed_at=None, claimed_by="")
    )
    count = rowcount(result)
    if count:
        logger.warning("Recovered %d outbox rows stuck in sending", count)
    return count


def purge_sent(session: Session, *, before: datetime) -> int:
    """Delete rows sent before a moment (their unique keys are for periods long gone)."""
    result = session.execute(
        delete(Outbox).where(col(Outbox.status) == SENT, col(Outbox.sent_at) < before)
    )
    return rowcount(result)


def status_counts(session: Session, *, kind: str | None = None) -> dict[str, int]:
    """Return how many rows are in each status."""
    statement = select(col(Outbox.status), func.count()).group_by(col(Outbox.status))
    if kind is not None:
        statement = statement.where(col(Outbox.kind) == kind)
    return {status: int(count) for status, count in session.exec(statement).all()}


def take_lease(session: Session, *, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew a lease when it is free, expired or already ours; True when we hold it."""
    result = session.execute(
        update(SchedulerLease)
        .where(col(SchedulerLease.name) == name)
        .where(or_(col(SchedulerLease.holder) == holder, col(SchedulerLease.expires_at) <= now))
        .values(holder=holder, expires_at=now + ttl)
    )
    if rowcount(result) == 1:
        return True
    return insert_ignore(
        session, SchedulerLease, {"name": name, "holder": holder, "expires_at": now + ttl}
    )


def release_lease(session: Session, *, name: str, holder: str, now: datetime) -> None:
    """Give the lease up (only when we hold it)."""
    session.execute(
        update(SchedulerLease)
        .where(col(SchedulerLease.name) == name, col(SchedulerLease.holder) == holder)
        .values(expires_at=now)
    )
