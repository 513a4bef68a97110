"""The data of weekly team digests, for one team or every team at once (a few GROUP BY queries)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from domain.periods import Week, local_moment, month_containing
from storage import questions, reports, targets
from storage.models import Person, Team, Ward
from storage.question_models import ResidentQuestion
from storage.reports import Counts
from storage.targets import TargetProgress

HISTORY_WEEKS = 8
BULK_QUESTIONS_FROM = 20


@dataclass(frozen=True)
class VolunteerWeek:
    """What one member did in the week."""

    person_id: int
    name: str
    counts: Counts


@dataclass
class TeamWeek:
    """Everything a team's weekly digest shows."""

    team_id: int
    team_name: str
    ward_name: str
    week: Week
    totals: Counts = field(default_factory=Counts)
    previous: Counts = field(default_factory=Counts)
    services: dict[str, Counts] = field(default_factory=dict)
    volunteers: list[VolunteerWeek] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)
    reasons: list[tuple[str, str, int]] = field(default_factory=list)
    unanswered: int = 0
    targets: list[TargetProgress] = field(default_factory=list)
    history: list[tuple[Week, Counts]] = field(default_factory=list)
    members: int = 0


def week_bounds(week: Week, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the week as aware moments [Monday 00:00, next Monday 00:00) in local time."""
    return local_moment(week.start, time(), tz), local_moment(week.end, time(), tz)


def _unanswered(
    session: Session, team_ids: list[int], start: datetime, end: datetime, bulk: bool
) -> dict[int, int]:
    if not bulk:
        return {
            t: questions.count_unanswered(session, team_id=t, start=start, end=end)
            for t in team_ids
        }
    q = ResidentQuestion.__table__.c  # type: ignore[attr-defined]
    statement = (
        select(q.team_id, func.count())
        .where(q.status == questions.UNANSWERED, q.created_at >= start, q.created_at < end)
        .where(q.team_id.is_not(None))
        .group_by(q.team_id)
    )
    return {t: int(n) for t, n in session.connection().execute(statement)}


def _teams(session: Session, team_ids: Sequence[int] | None) -> list[tuple[int, str, str]]:
    statement = (
        select(col(Team.id), col(Team.name), col(Ward.name))
        .join(Ward, col(Ward.id) == col(Team.ward_id))
        .order_by(col(Team.id))
    )
    if team_ids is not None:
        statement = statement.where(col(Team.id).in_(list(team_ids)))
    return [(i, n, w) for i, n, w in session.connection().execute(statement)]


def person_names(session: Session, person_ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    ordered = sorted(person_ids)
    for start in range(0, len(ordered), 5000):
        chunk = ordered[start : start + 5000]
        statement = select(col(Person.id), col(Person.display_name)).where(
            col(Person.id).in_(chunk)
        )
        names.update({i: n or f"#{i}" for i, n in session.connection().execute(statement)})
    return names


def team_weeks(
    session: Session,
    *,
    week: Week,
    tz: ZoneInfo,
    cutoff: int = 1,
    team_ids: Sequence[int] | None = None,
) -> dict[int, TeamWeek]:
    """Return the digest data of some teams (all when None) for one week."""
    teams = _teams(session, team_ids)
    ids = [t[0] for t in teams]
    scope = None if team_ids is None else ids
    out = {i: TeamWeek(i, name, ward, week) for i, name, ward in teams}
    if not out:
        return out
    members = reports.members(session, scope)
    names = person_names(session, {p for _, p, _ in members})
    logged: dict[int, set[int]] = {}
    per_person: dict[tuple[int, int], Counts] = {}
    for (team, person, service), c in reports.service_counts(
        session, start=week.start, end=week.end, team_ids=scope, by_person=True
    ).items():
        if team not in out:
            continue
        helped = Counts(0, c.people, c.succeeded, 0)
        services = out[team].services
        services[service] = services.get(service, Counts()) + helped
        per_person[(team, person)] = per_person.get((team, person), Counts()) + helped
    for (team, person), a in reports.activity(
        session, start=week.start, end=week.end, team_ids=scope, by_person=True
    ).items():
        if team not in out:
            continue
        tw = out[team]
        helped = per_person.get((team, person), Counts())
        counts = Counts(a.sessions, helped.people, helped.succeeded, a.minutes)
        tw.totals = tw.totals + counts
        tw.volunteers.append(VolunteerWeek(person, names.get(person) or f"#{person}", counts))
        logged.setdefault(team, set()).add(person)
    _finish(session, out, members, names, logged, week, tz, cutoff, scope)
    return out


def _finish(
    session: Session,
    out: dict[int, TeamWeek],
    members: list[tuple[int, int, str]],
    names: dict[int, str],
    logged: dict[int, set[int]],
    week: Week,
    tz: ZoneInfo,
    cutoff: int,
    scope: list[int] | None,
) -> None:
    for team, person, _role in members:
        if team in out:
            out[team].members += 1
            if person not in logged.get(team, set()):
                out[team].silent.append(names.get(person) or f"#{person}")
    weeks = [week.shift(i - HISTORY_WEEKS + 1) for i in range(HISTORY_WEEKS)]
    history = reports.weekly_history(session, starts=[w.start for w in weeks], team_ids=scope)
    before = week.shift(-1)
    previous = reports.activity(session, start=before.start, end=before.end, team_ids=scope)
    reasons = reports.failure_reasons(session, start=week.start, end=week.end, team_ids=scope)
    start, end = week_bounds(week, tz)
    bulk = scope is None or len(scope) > BULK_QUESTIONS_FROM
    unanswered = _unanswered(session, list(out), start, end, bulk)
    month = month_containing(week.day(6), cutoff=cutoff)
    progress = targets.progress_for_teams(session, list(out), month)
    for team, tw in out.items():
        tw.history = [(w, history.get((team, i), Counts())) for i, w in enumerate(weeks)]
        last = history.get((team, HISTORY_WEEKS - 2), Counts())
        act = previous.get((team, 0))
        tw.previous = Counts(
            act.sessions if act else 0, last.people, last.succeeded, act.minutes if act else 0
        )
        tw.volunteers.sort(key=lambda v: (-v.counts.people, -v.counts.sessions, v.name))
        tw.silent.sort()
        top: Counter[tuple[str, str]] = reasons.get(team, Counter())
        tw.reasons = [(s, r, n) for (s, r), n in top.most_common(5)]
        tw.unanswered = unanswered.get(team, 0)
        tw.targets = progress.get(team, [])
