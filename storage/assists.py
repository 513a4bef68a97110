"""Repository of assistance sessions: add, read, edit and delete with an audit trail, totals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from storage import hotpath
from storage.assist_models import ASSIST_KINDS, Assist, AssistItem, AuditEntry


@dataclass(frozen=True)
class ItemInput:
    """One service line to store."""

    service: str
    people: int
    succeeded: int
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssistRecord:
    """A session with its lines, detached from the database session."""

    id: int
    person_id: int
    team_id: int
    area_id: int | None
    day: date
    received_at: datetime
    minutes: int
    channel: str
    note: str
    out_of_hours: bool
    day_kind: str
    items: tuple[ItemInput, ...]
    kind: str = "assist"
    households: int | None = None
    attendees: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready snapshot (for the audit trail)."""
        return {
            "team_id": self.team_id,
            "area_id": self.area_id,
            "day": self.day.isoformat(),
            "minutes": self.minutes,
            "note": self.note,
            "out_of_hours": self.out_of_hours,
            "kind": self.kind,
            "households": self.households,
            "attendees": self.attendees,
            "items": [
                {"service": i.service, "people": i.people, "succeeded": i.succeeded,
                 "reasons": list(i.reasons)}
                for i in self.items
            ],
        }  # fmt: skip


def add_assist(
    session: Session,
    *,
    person_id: int,
    team_id: int,
    area_id: int | None,
    day: date,
    received_at: datetime,
    minutes: int,
    channel: str,
    note: str,
    out_of_hours: bool,
    day_kind: str,
    items: Sequence[ItemInput],
    kind: str = "assist",
    households: int | None = None,
    attendees: int | None = None,
) -> int:
    """Store a session and its lines; return its id (kind is one of ASSIST_KINDS)."""
    if kind not in ASSIST_KINDS:
        raise ValueError(f"unknown session kind {kind!r}")
    db = hotpath.raw(session)
    params = {
        "person_id": person_id,
        "team_id": team_id,
        "area_id": area_id,
        "day": db.day(day),
        "received_at": db.time(received_at),
        "minutes": minutes,
        "channel": channel,
        "note": note,
        "out_of_hours": out_of_hours,
        "day_kind": day_kind,
        "kind": kind,
        "households": households,
        "attendees": attendees,
    }
    session_id = int(db.execute(hotpath.INSERT_SESSION, params).fetchone()[0])
    if items:
        db.execute_many(
            hotpath.INSERT_ITEM,
            [
                {
                    "session_id": session_id,
                    "service": i.service,
                    "people": i.people,
                    "succeeded": i.succeeded,
                    "reasons": db.json(list(i.reasons)),
                }
                for i in items
            ],
        )
    return session_id


def _item_rows(session_id: int, items: Sequence[ItemInput]) -> list[AssistItem]:
    return [
        AssistItem(
            session_id=session_id,
            service=i.service,
            people=i.people,
            succeeded=i.succeeded,
            reasons=list(i.reasons),
        )
        for i in items
    ]


def get_assist(session: Session, session_id: int) -> AssistRecord | None:
    """Return one session with its lines."""
    row = session.get(Assist, session_id)
    return None if row is None else _records(session, [row])[0]


def recent_assists(session: Session, *, person_id: int, limit: int = 10) -> list[AssistRecord]:
    """Return a person's latest sessions, newest first."""
    statement = (
        select(Assist)
        .where(col(Assist.person_id) == person_id)
        .order_by(col(Assist.received_at).desc(), col(Assist.id).desc())
        .limit(limit)
    )
    return _records(session, list(session.exec(statement).all()))


def recent_team_assists(
    session: Session, *, team_ids: Sequence[int], exclude_person_id: int, limit: int = 10
) -> list[AssistRecord]:
    """Return the latest sessions of some teams logged by other people, newest first."""
    if not team_ids:
        return []
    statement = (
        select(Assist)
        .where(
            col(Assist.team_id).in_(list(team_ids)),
            col(Assist.person_id) != exclude_person_id,
        )
        .order_by(col(Assist.received_at).desc(), col(Assist.id).desc())
        .limit(limit)
    )
    return _records(session, list(session.exec(statement).all()))


def assists_between(
    session: Session,
    *,
    start: date,
    end: date,
    team_ids: Sequence[int] | None = None,
    person_id: int | None = None,
) -> list[AssistRecord]:
    """Return the sessions whose day is in [start, end), optionally for some teams or a person."""
    statement = select(Assist).where(col(Assist.day) >= start, col(Assist.day) < end)
    if team_ids is not None:
        statement = statement.where(col(Assist.team_id).in_(list(team_ids)))
    if person_id is not None:
        statement = statement.where(col(Assist.person_id) == person_id)
    return _records(session, list(session.exec(statement.order_by(col(Assist.id))).all()))


def _records(session: Session, rows: list[Assist]) -> list[AssistRecord]:
    ids = [r.id for r in rows if r.id is not None]
    items: dict[int, list[ItemInput]] = {i: [] for i in ids}
    if ids:
        statement = (
            select(AssistItem)
            .where(col(AssistItem.session_id).in_(ids))
            .order_by(col(AssistItem.id))
        )
        for item in session.exec(statement).all():
            items[item.session_id].append(
                ItemInput(item.service, item.people, item.succeeded, tuple(item.reasons or ()))
            )
    return [
        AssistRecord(
            id=r.id or 0,
            person_id=r.person_id,
            team_id=r.team_id,
            area_id=r.area_id,
            day=r.day,
            received_at=r.received_at,
            minutes=r.minutes,
            channel=r.channel,
            note=r.note,
            out_of_hours=r.out_of_hours,
            day_kind=r.day_kind,
            items=tuple(items.get(r.id or 0, ())),
            kind=r.kind,
            households=r.households,
            attendees=r.attendees,
        )
        for r in rows
    ]


@dataclass
class Changes:
    """Fields to change on a session; None means unchanged."""

    day: date | None = None
    minutes: int | None = None
    area_id: int | None = None
    note: str | None = None
    out_of_hours: bool | None = None
    day_kind: str | None = None
    kind: str | None = None
    households: int | None = None
    attendees: int | None = None
    items: Sequence[ItemInput] | None = None
    clear_area: bool = field(default=False)


def update_assist(
    session: Session, *, session_id: int, actor_person_id: int, now: datetime, changes: Changes
) -> AssistRecord | None:
    """Apply changes to a session and keep an audit entry with before and after."""
    row = session.get(Assist, session_id)
    if row is None:
        return None
    before = _records(session, [row])[0]
    for name in (
        "day",
        "minutes",
        "note",
        "out_of_hours",
        "day_kind",
        "kind",
        "households",
        "attendees",
    ):
        value = getattr(changes, name)
        if value is not None:
            setattr(row, name, value)
    if changes.area_id is not None or changes.clear_area:
        row.area_id = changes.area_id
    session.add(row)
    if changes.items is not None:
        session.execute(delete(AssistItem).where(col(AssistItem.session_id) == session_id))
        session.add_all(_item_rows(session_id, changes.items))
    session.flush()
    after = _records(session, [row])[0]
    session.add(
        AuditEntry(
            session_id=session_id,
            actor_person_id=actor_person_id,
            action="edit",
            at=now,
            before=before.as_dict(),
            after=after.as_dict(),
        )
    )
    return after


def delete_assist(
    session: Session, *, session_id: int, actor_person_id: int, now: datetime
) -> AssistRecord | None:
    """Delete a session and its lines, keeping an audit entry with what was removed."""
    row = session.get(Assist, session_id)
    if row is None:
        return None
    before = _records(session, [row])[0]
    session.execute(delete(AssistItem).where(col(AssistItem.session_id) == session_id))
    session.delete(row)
    session.add(
        AuditEntry(
            session_id=session_id,
            actor_person_id=actor_person_id,
            action="delete",
            at=now,
            before=before.as_dict(),
            after={},
        )
    )
    session.flush()
    return before


def audit_of(session: Session, session_id: int) -> list[AuditEntry]:
    """Return the audit entries of a session, oldest first."""
    statement = (
        select(AuditEntry)
        .where(col(AuditEntry.session_id) == session_id)
        .order_by(col(AuditEntry.id))
    )
    return list(session.exec(statement).all())


def active_days(session: Session, *, person_id: int, since: date) -> list[date]:
    """Return the distinct days since a date on which a person logged something."""
    statement = (
        select(col(Assist.day))
        .where(col(Assist.person_id) == person_id, col(Assist.day) >= since)
        .group_by(col(Assist.day))
    )
    return sorted(session.exec(statement).all())


def count_assists(session: Session) -> int:
    """Return how many sessions are stored."""
    return int(session.exec(select(func.count()).select_from(Assist)).one())
