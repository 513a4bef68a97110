"""Aggregates over assistance sessions for one volunteer or team: totals, favourites, last area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import hotpath
from storage.assist_models import Assist, AssistItem


@dataclass(frozen=True)
class ServiceTotal:
    """People helped with one service in a period, and how many succeeded."""

    service: str
    people: int
    succeeded: int


@dataclass(frozen=True)
class PeriodTotals:
    """What a person logged in a period: sessions, people, successes, minutes, per service."""

    sessions: int = 0
    people: int = 0
    succeeded: int = 0
    minutes: int = 0
    services: tuple[ServiceTotal, ...] = ()


def period_totals(session: Session, *, person_id: int, start: date, end: date) -> PeriodTotals:
    """Return a person's totals for the days in [start, end)."""
    in_period = (
        col(Assist.person_id) == person_id,
        col(Assist.day) >= start,
        col(Assist.day) < end,
    )
    count, minutes = session.exec(
        select(func.count(col(Assist.id)), func.coalesce(func.sum(Assist.minutes), 0))
        .where(*in_period)
    ).one()  # fmt: skip
    if not count:
        return PeriodTotals()
    per_service = session.exec(
        select(
            col(AssistItem.service),
            func.sum(AssistItem.people),
            func.sum(AssistItem.succeeded),
        )
        .join(Assist, col(Assist.id) == col(AssistItem.session_id))
        .where(*in_period)
        .group_by(col(AssistItem.service))
    ).all()
    services = sorted(
        (ServiceTotal(name, int(people or 0), int(ok or 0)) for name, people, ok in per_service),
        key=lambda s: (-s.people, s.service),
    )
    return PeriodTotals(
        sessions=int(count),
        people=sum(s.people for s in services),
        succeeded=sum(s.succeeded for s in services),
        minutes=int(minutes or 0),
        services=tuple(services),
    )


def favourite_services(session: Session, *, person_id: int, limit: int = 6) -> list[str]:
    """Return the services a person logged most often in their latest 50 sessions."""
    recent = (
        select(col(Assist.id))
        .where(col(Assist.person_id) == person_id)
        .order_by(col(Assist.id).desc())
        .limit(50)
        .scalar_subquery()
    )
    uses = func.count(col(AssistItem.id))
    statement = (
        select(col(AssistItem.service), uses)
        .where(col(AssistItem.session_id).in_(recent))
        .group_by(col(AssistItem.service))
        .order_by(uses.desc(), func.max(col(AssistItem.id)).desc())
        .limit(limit)
    )
    return [service for service, _ in session.exec(statement).all()]


def last_area(session: Session, *, person_id: int, team_id: int) -> int | None:
    """Return the area of a person's latest session in a team that had one."""
    params = {"person_id": person_id, "team_id": team_id}
    row = hotpath.raw(session).execute(hotpath.LAST_AREA, params).fetchone()
    return None if row is None else int(row[0])


USUAL_LOOKBACK = 20


def usual_minutes(session: Session, *, person_id: int) -> int | None:
    """Return the duration a person logs most often in their latest sessions (ties: latest)."""
    statement = (
        select(col(Assist.minutes))
        .where(col(Assist.person_id) == person_id)
        .order_by(col(Assist.id).desc())
        .limit(USUAL_LOOKBACK)
    )
    latest = [int(m) for m in session.exec(statement).all() if m]
    if not latest:
        return None
    return max(dict.fromkeys(latest), key=latest.count)


def recent_services(session: Session, *, person_id: int, limit: int = 3) -> list[str]:
    """Return the distinct services of a person's latest sessions, the most recent first."""
    recent = (
        select(col(Assist.id))
        .where(col(Assist.person_id) == person_id)
        .order_by(col(Assist.id).desc())
        .limit(USUAL_LOOKBACK)
        .scalar_subquery()
    )
    statement = (
        select(col(AssistItem.service))
        .where(col(AssistItem.session_id).in_(recent))
        .order_by(col(AssistItem.session_id).desc(), col(AssistItem.id))
    )
    found = dict.fromkeys(session.exec(statement).all())
    return list(found)[:limit]
