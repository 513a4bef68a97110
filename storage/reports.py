"""Aggregates of logged sessions, computed in SQL with GROUP BY (never row by row in Python).

A service line's `sessions` counts the sessions that included that service and its `minutes`
are the minutes of those sessions; totals come from the sessions themselves, so a session that
covered two services is counted once in the totals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from storage.models import Membership, Team
from storage.session_models import AssistItem, AssistSession

S = AssistSession.__table__.c  # type: ignore[attr-defined]
I = AssistItem.__table__.c  # type: ignore[attr-defined]  # noqa: E741


@dataclass(frozen=True, slots=True)
class Counts:
    """Sessions, people helped, people who succeeded and minutes."""

    sessions: int = 0
    people: int = 0
    succeeded: int = 0
    minutes: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.sessions + other.sessions,
            self.people + other.people,
            self.succeeded + other.succeeded,
            self.minutes + other.minutes,
        )


@dataclass(frozen=True, slots=True)
class Activity:
    """Session-level totals: sessions, minutes by kind of time, and distinct active members."""

    sessions: int = 0
    minutes: int = 0
    out_of_hours_minutes: int = 0
    weekend_minutes: int = 0
    holiday_minutes: int = 0
    active_members: int = 0

    def __add__(self, other: Activity) -> Activity:
        return Activity(*(getattr(self, n) + getattr(other, n) for n in self.__dataclass_fields__))


def _scope(statement: Select[Any], start: date, end: date, team_ids: Sequence[int] | None) -> Any:
    statement = statement.where(S.day >= start, S.day < end)
    if team_ids is not None:
        statement = statement.where(S.team_id.in_(list(team_ids)))
    return statement


def service_counts(
    session: Session,
    *,
    start: date,
    end: date,
    team_ids: Sequence[int] | None = None,
    by_person: bool = False,
) -> dict[tuple[int, int, str], Counts]:
    """Return counts per (team, person or 0, service) for sessions with day in [start, end)."""
    person = S.person_id if by_person else literal_column("0")
    keys: list[ColumnElement[Any]] = [S.team_id, S.person_id] if by_person else [S.team_id]
    statement = select(
        S.team_id,
        person,
        I.service,
        func.count(),
        func.sum(I.people),
        func.sum(I.succeeded),
        func.sum(S.minutes),
    ).select_from(AssistSession.__table__.join(AssistItem.__table__, I.session_id == S.id))  # type: ignore[attr-defined]
    statement = _scope(statement, start, end, team_ids).group_by(*keys, I.service)
    return {
        (team, who or 0, service): Counts(n, people or 0, ok or 0, minutes or 0)
        for team, who, service, n, people, ok, minutes in session.connection().execute(statement)
    }


def activity(
    session: Session,
    *,
    start: date,
    end: date,
    team_ids: Sequence[int] | None = None,
    by_person: bool = False,
) -> dict[tuple[int, int], Activity]:
    """Return session-level totals per (team, person or 0) for days in [start, end)."""

    def minutes_if(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, S.minutes), else_=0))

    person = S.person_id if by_person else literal_column("0")
    keys = [S.team_id, S.person_id] if by_person else [S.team_id]
    statement = select(
        S.team_id,
        person,
        func.count(),
        func.sum(S.minutes),
        minutes_if(S.out_of_hours.is_(True)),
        minutes_if(S.day_kind == "weekend"),
        minutes_if(S.day_kind == "holiday"),
        func.count(func.distinct(S.person_id)),
    ).select_from(AssistSession.__table__)  # type: ignore[attr-defined]
    statement = _scope(statement, start, end, team_ids).group_by(*keys)
    return {
        (team, who or 0): Activity(n, m or 0, ooh or 0, we or 0, hol or 0, active)
        for team, who, n, m, ooh, we, hol, active in session.connection().execute(statement)
    }


def active_members(
    session: Session, *, start: date, end: date, team_ids: Sequence[int] | None = None
) -> int:
    """Return how many distinct people logged a session in [start, end)."""
    statement = select(func.count(func.distinct(S.person_id))).select_from(
        AssistSession.__table__  # type: ignore[attr-defined]
    )
    return int(session.connection().execute(_scope(statement, start, end, team_ids)).scalar() or 0)


def active_members_by_ward(session: Session, *, start: date, end: date) -> dict[int, int]:
    """Return distinct active people per ward in [start, end)."""
    team = Team.__table__.c  # type: ignore[attr-defined]
    statement = (
        select(team.ward_id, func.count(func.distinct(S.person_id)))
        .select_from(AssistSession.__table__.join(Team.__table__, team.id == S.team_id))  # type: ignore[attr-defined]
        .where(S.day >= start, S.day < end)
        .group_by(team.ward_id)
    )
    return {ward: int(n) for ward, n in session.connection().execute(statement)}


def failure_reasons(
    session: Session, *, start: date, end: date, team_ids: Sequence[int] | None = None
) -> dict[int, Counter[tuple[str, str]]]:
    """Count failure reasons per team as (service, reason) for items where not all succeeded."""
    statement = (
        select(S.team_id, I.service, I.reasons)
        .select_from(AssistSession.__table__.join(AssistItem.__table__, I.session_id == S.id))  # type: ignore[attr-defined]
        .where(I.succeeded < I.people)
    )
    found: dict[int, Counter[tuple[str, str]]] = {}
    for team, service, reasons in session.connection().execute(
        _scope(statement, start, end, team_ids)
    ):
        counter = found.setdefault(team, Counter())
        for reason in reasons or ():
            counter[(service, str(reason))] += 1
    return found


def weekly_history(
    session: Session,
    *,
    starts: Sequence[date],
    team_ids: Sequence[int] | None = None,
) -> dict[tuple[int, int], Counts]:
    """Return counts per (team, week index) for consecutive weeks beginning on `starts`."""
    if not starts:
        return {}
    end = starts[-1].toordinal() + 7
    bucket = case(
        *((S.day < date.fromordinal(s.toordinal() + 7), i) for i, s in enumerate(starts)),
        else_=len(starts),
    )
    statement = select(
        S.team_id, bucket, func.count(), func.sum(I.people), func.sum(I.succeeded)
    ).select_from(AssistSession.__table__.join(AssistItem.__table__, I.session_id == S.id))  # type: ignore[attr-defined]
    statement = _scope(statement, starts[0], date.fromordinal(end), team_ids)
    return {
        (team, week): Counts(n, people or 0, ok or 0, 0)
        for team, week, n, people, ok in session.connection().execute(
            statement.group_by(S.team_id, bucket)
        )
    }


def members(session: Session, team_ids: Sequence[int] | None = None) -> list[tuple[int, int, str]]:
    """Return (team, person, role) of active memberships."""
    statement = select(
        col(Membership.team_id), col(Membership.person_id), col(Membership.role)
    ).where(col(Membership.active).is_(True))
    if team_ids is not None:
        statement = statement.where(col(Membership.team_id).in_(list(team_ids)))
    return [(t, p, r) for t, p, r in session.connection().execute(statement)]


def logged_people(
    session: Session, *, start: date, end: date, person_ids: Sequence[int]
) -> set[int]:
    """Return which of these people logged at least one session in [start, end)."""
    found: set[int] = set()
    ordered = sorted(set(person_ids))
    for first in range(0, len(ordered), 5000):
        statement = (
            select(S.person_id)
            .where(S.day >= start, S.day < end, S.person_id.in_(ordered[first : first + 5000]))
            .distinct()
        )
        found.update(p for (p,) in session.connection().execute(statement))
    return found


def area_counts(
    session: Session, *, start: date, end: date, team_ids: Sequence[int]
) -> dict[tuple[int, int | None, str], Counts]:
    """Return counts per (team, area, service) for days in [start, end)."""
    statement = select(
        S.team_id, S.area_id, I.service, func.count(), func.sum(I.people), func.sum(I.succeeded)
    ).select_from(AssistSession.__table__.join(AssistItem.__table__, I.session_id == S.id))  # type: ignore[attr-defined]
    statement = _scope(statement, start, end, team_ids).group_by(S.team_id, S.area_id, I.service)
    return {
        (team, area, service): Counts(n, people or 0, ok or 0, 0)
        for team, area, service, n, people, ok in session.connection().execute(statement)
    }


def area_sessions(
    session: Session, *, start: date, end: date, team_ids: Sequence[int]
) -> dict[tuple[int, int | None], int]:
    """Return the number of sessions per (team, area) for days in [start, end)."""
    statement = select(S.team_id, S.area_id, func.count()).select_from(AssistSession.__table__)  # type: ignore[attr-defined]
    statement = _scope(statement, start, end, team_ids).group_by(S.team_id, S.area_id)
    return {(t, a): int(n) for t, a, n in session.connection().execute(statement)}
