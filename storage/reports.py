"""Aggregates of logged sessions, computed in SQL with GROUP BY (never row by row in Python).

A service line's `sessions` counts the sessions that included that service and its `minutes`
are the minutes of those sessions; totals come from the sessions themselves, so a session that
covered two services is counted once in the totals. Each report needs two passes: one over the
service lines (joined to their sessions) and one over the sessions alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, Text, case, cast, func, literal_column, select
from sqlmodel import Session, col

from storage.assist_models import Assist, AssistItem
from storage.models import Membership

S = Assist.__table__.c  # type: ignore[attr-defined]
I = AssistItem.__table__.c  # type: ignore[attr-defined]  # noqa: E741
JOINED = Assist.__table__.join(AssistItem.__table__, I.session_id == S.id)  # type: ignore[attr-defined]
SESSIONS = Assist.__table__  # type: ignore[attr-defined]
NO_REASONS = ("", "[]")


@dataclass(frozen=True, slots=True)
class Counts:
    """Sessions, people helped, people who succeeded and minutes."""

    sessions: int = 0
    people: int = 0
    succeeded: int = 0
    minutes: int = 0


@dataclass(frozen=True, slots=True)
class Activity:
    """Session-level totals: sessions, minutes by kind of time, and distinct active members."""

    sessions: int = 0
    minutes: int = 0
    out_of_hours_minutes: int = 0
    weekend_minutes: int = 0
    holiday_minutes: int = 0
    active_members: int = 0


WeekLine = tuple[int, int, int, str, str, int, int, int]
"""(team, week index, person, service, reasons, sessions, people, succeeded); earlier weeks
come with person 0 and service and reasons '' (one line per team and week)."""


@lru_cache(maxsize=4096)
def parse_reasons(text: str) -> tuple[str, ...]:
    """Return the reason keys of a stored JSON list (as grouped by text)."""
    if text in NO_REASONS:
        return ()
    value = json.loads(text)
    return tuple(str(r) for r in value) if isinstance(value, list) else ()


def fetch(session: Session, statement: Any) -> list[Any]:
    """Run a statement on the session's connection and return every row at once."""
    return list(session.connection().execute(statement).all())


def _span(statement: Select[Any], start: date, end: date, team_ids: Sequence[int] | None) -> Any:
    statement = statement.where(S.day >= start, S.day < end)
    if team_ids is not None:
        statement = statement.where(S.team_id.in_(list(team_ids)))
    return statement


ServiceLine = tuple[int, str, str, int, int, int, int]
"""(team, service, reasons as stored, sessions, people, succeeded, minutes)."""
PersonLine = tuple[int, int, int, int, int, int, int, int]
"""(team, person, part, sessions, minutes, out-of-hours, weekend and holiday minutes)."""


def service_lines(
    session: Session, *, start: date, end: date, team_ids: Sequence[int] | None = None
) -> list[ServiceLine]:
    """Return counts per (team, service, reasons as stored) for days in [start, end)."""
    reasons = cast(I.reasons, Text)
    statement = select(
        S.team_id, I.service, reasons, func.count(), func.sum(I.people),
        func.sum(I.succeeded), func.sum(S.minutes),
    ).select_from(JOINED)  # fmt: skip
    return fetch(
        session, _span(statement, start, end, team_ids).group_by(S.team_id, I.service, reasons)
    )


def person_activity(
    session: Session,
    *,
    start: date,
    end: date,
    team_ids: Sequence[int] | None = None,
    split: date | None = None,
) -> list[PersonLine]:
    """Return session totals per (team, person, part); part is 1 from `split` on, else 0."""
    part: Any = case((S.day >= split, 1), else_=0) if split is not None else literal_column("0")
    inner = _span(
        select(
            S.team_id.label("team"), S.person_id.label("person"), part.label("part"),
            S.minutes.label("minutes"),
            case((S.out_of_hours.is_(True), S.minutes), else_=0).label("ooh"),
            case((S.day_kind == "weekend", S.minutes), else_=0).label("weekend"),
            case((S.day_kind == "holiday", S.minutes), else_=0).label("holiday"),
        ).select_from(SESSIONS),
        start, end, team_ids,
    ).subquery()  # fmt: skip
    c = inner.c
    statement = select(
        c.team, c.person, c.part, func.count(), func.sum(c.minutes), func.sum(c.ooh),
        func.sum(c.weekend), func.sum(c.holiday),
    ).group_by(c.team, c.person, c.part)  # fmt: skip
    return fetch(session, statement)


def week_lines(
    session: Session, *, starts: Sequence[date], team_ids: Sequence[int] | None = None
) -> list[WeekLine]:
    """Return one pass over consecutive weeks: the last week per person, service and reasons;
    earlier weeks per team only (for the history chart and the change from last week)."""
    if not starts:
        return []
    current = starts[-1]
    end = date.fromordinal(current.toordinal() + 7)
    week = case(
        *((S.day < date.fromordinal(s.toordinal() + 7), i) for i, s in enumerate(starts)),
        else_=len(starts) - 1,
    )
    now = S.day >= current
    inner = _span(
        select(
            S.team_id.label("team"), week.label("week"),
            case((now, S.person_id), else_=0).label("person"),
            case((now, I.service), else_="").label("service"),
            case((now, cast(I.reasons, Text)), else_="").label("reasons"),
            I.people.label("people"), I.succeeded.label("ok"),
        ).select_from(JOINED),
        starts[0], end, team_ids,
    ).subquery()  # fmt: skip
    c = inner.c
    keys = (c.team, c.week, c.person, c.service, c.reasons)
    statement = select(*keys, func.count(), func.sum(c.people), func.sum(c.ok)).group_by(*keys)
    return fetch(session, statement)


def members(session: Session, team_ids: Sequence[int] | None = None) -> list[tuple[int, int, str]]:
    """Return (team, person, role) of active memberships."""
    statement = select(
        col(Membership.team_id), col(Membership.person_id), col(Membership.role)
    ).where(col(Membership.active).is_(True))
    if team_ids is not None:
        statement = statement.where(col(Membership.team_id).in_(list(team_ids)))
    return [(t, p, r) for t, p, r in fetch(session, statement)]


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


def silent_volunteers(
    session: Session, *, members: Sequence[tuple[int, int, str]], start: date, end: date
) -> dict[int, list[int]]:
    """Return, per team, its silent volunteers: the one definition the digest and the reminder share.

    A silent volunteer is a member with the volunteer role who logged no session at all in
    [start, end), in any of their teams (someone active in another team is not silent).
    `members` are rows of `members()`.
    """
    volunteers = [(team, person) for team, person, role in members if role == "volunteer"]
    logged = logged_people(session, start=start, end=end, person_ids=[p for _, p in volunteers])
    silent: dict[int, list[int]] = {}
    for team, person in volunteers:
        if person not in logged:
            silent.setdefault(team, []).append(person)
    return silent


def area_counts(
    session: Session, *, start: date, end: date, team_ids: Sequence[int]
) -> dict[tuple[int, int | None, str], Counts]:
    """Return counts per (team, area, service) for days in [start, end)."""
    statement = select(
        S.team_id, S.area_id, I.service, func.count(), func.sum(I.people), func.sum(I.succeeded)
    ).select_from(JOINED)
    statement = _span(statement, start, end, team_ids).group_by(S.team_id, S.area_id, I.service)
    return {
        (team, area, service): Counts(n, people or 0, ok or 0, 0)
        for team, area, service, n, people, ok in fetch(session, statement)
    }


def area_sessions(
    session: Session, *, start: date, end: date, team_ids: Sequence[int]
) -> dict[tuple[int, int | None], int]:
    """Return the number of sessions per (team, area) for days in [start, end)."""
    statement = select(S.team_id, S.area_id, func.count()).select_from(SESSIONS)
    statement = _span(statement, start, end, team_ids).group_by(S.team_id, S.area_id)
    return {(t, a): int(n) for t, a, n in session.connection().execute(statement)}
