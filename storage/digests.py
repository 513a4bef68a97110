"""The data of weekly team digests, for one team or every team at once (a few GROUP BY queries)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from domain.periods import Week, local_moment, month_containing
from storage import questions, reports, targets
from storage.member_labels import MemberLabel, member_labels
from storage.models import Team, Ward
from storage.reports import Counts
from storage.targets import TargetProgress

HISTORY_WEEKS = 8
K = TypeVar("K")


@dataclass(frozen=True)
class VolunteerWeek:
    """What one member did in the week."""

    person_id: int
    who: MemberLabel
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
    silent: list[MemberLabel] = field(default_factory=list)
    reasons: list[tuple[str, str, int]] = field(default_factory=list)
    unanswered: int = 0
    """Questions of the team's residents waiting now (the count /unanswered shows)."""
    unanswered_in_week: int = 0
    """Of those, the ones asked during the digest's week."""
    targets: list[TargetProgress] = field(default_factory=list)
    history: list[tuple[Week, Counts]] = field(default_factory=list)
    members: int = 0


def week_bounds(week: Week, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the week as aware moments [Monday 00:00, next Monday 00:00) in local time."""
    return local_moment(week.start, time(), tz), local_moment(week.end, time(), tz)


def _teams(session: Session, team_ids: Sequence[int] | None) -> list[tuple[int, str, str]]:
    statement = (
        select(col(Team.id), col(Team.name), col(Ward.name))
        .join(Ward, col(Ward.id) == col(Team.ward_id))
        .order_by(col(Team.id))
    )
    if team_ids is not None:
        statement = statement.where(col(Team.id).in_(list(team_ids)))
    return [(i, n, w) for i, n, w in session.connection().execute(statement)]


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
    scope = None if team_ids is None else [t[0] for t in teams]
    out = {i: TeamWeek(i, name, ward, week) for i, name, ward in teams}
    if not out:
        return out
    weeks = [week.shift(i - HISTORY_WEEKS + 1) for i in range(HISTORY_WEEKS)]
    current = HISTORY_WEEKS - 1
    history: dict[tuple[int, int], list[int]] = {}
    services: dict[tuple[int, str], list[int]] = {}
    helped: dict[tuple[int, int], list[int]] = {}
    reasons: dict[int, Counter[tuple[str, str]]] = {}
    lines = reports.week_lines(session, starts=[w.start for w in weeks], team_ids=scope)
    for team, index, person, service, why, n, people, ok in lines:
        if team not in out:
            continue
        key = (team, index)
        row = history.get(key)
        if row is None:
            history[key] = [n, people, ok]
        else:
            row[0] += n
            row[1] += people
            row[2] += ok
        if index != current:
            continue
        _add(services, (team, service), people, ok)
        _add(helped, (team, person), people, ok)
        if why not in reports.NO_REASONS:
            for reason in reports.parse_reasons(why):
                reasons.setdefault(team, Counter())[(service, reason)] += n
    for (team, service), (people, ok) in services.items():
        out[team].services[service] = Counts(0, people, ok, 0)
    members = reports.members(session, scope)
    names = member_labels(session, {p for _, p, _ in members} | {p for _, p in helped})
    before = week.shift(-1)
    activity = reports.person_activity(
        session, start=before.start, end=week.end, team_ids=scope, split=week.start
    )
    previous: dict[int, list[int]] = {}
    for team, person, part, n, minutes, *_kinds in activity:
        tw = out.get(team)
        if tw is None:
            continue
        if part == 0:
            _add(previous, team, n, minutes)
            continue
        people, ok = helped.get((team, person), (0, 0))
        counts = Counts(n, people, ok, minutes)
        tw.volunteers.append(VolunteerWeek(person, names[person], counts))
    for team, _person, _role in members:
        tw = out.get(team)
        if tw is not None:
            tw.members += 1
    silent = reports.silent_volunteers(session, members=members, start=week.start, end=week.end)
    for team, people_of_team in silent.items():
        tw = out.get(team)
        if tw is not None:
            tw.silent += [names[person] for person in people_of_team]
    empty = [0, 0, 0]
    for team, tw in out.items():
        tw.history = [(w, _counts(history.get((team, i), empty))) for i, w in enumerate(weeks)]
        _n, people, ok = history.get((team, current - 1), empty)
        sessions, minutes = previous.get(team, (0, 0))
        tw.previous = Counts(sessions, people, ok, minutes)
        v = tw.volunteers
        tw.totals = Counts(
            sum(x.counts.sessions for x in v), sum(x.counts.people for x in v),
            sum(x.counts.succeeded for x in v), sum(x.counts.minutes for x in v),
        )  # fmt: skip
        tw.reasons = [(s, r, n) for (s, r), n in reasons.get(team, Counter()).most_common(5)]
        if len(v) > 1:
            v.sort(key=lambda x: (-x.counts.people, -x.counts.sessions, x.who))
        if len(tw.silent) > 1:
            tw.silent.sort()
    _extras(session, out, week, tz, cutoff, scope)
    return out


def _counts(values: list[int]) -> Counts:
    return Counts(values[0], values[1], values[2], 0)


def _add(into: dict[K, list[int]], key: K, *values: int) -> None:
    """Add values to the running sums under a key."""
    found = into.get(key)
    if found is None:
        into[key] = list(values)
    else:
        for index, value in enumerate(values):
            found[index] += value


def _extras(
    session: Session,
    out: dict[int, TeamWeek],
    week: Week,
    tz: ZoneInfo,
    cutoff: int,
    scope: list[int] | None,
) -> None:
    """Add the unanswered resident questions and this month's target progress."""
    start, end = week_bounds(week, tz)
    team_ids = list(out)
    waiting = questions.open_counts(session, team_ids=team_ids)
    asked = questions.open_counts(session, team_ids=team_ids, asked=(start, end)) if waiting else {}
    month = month_containing(week.day(6), cutoff=cutoff)
    progress = targets.progress_for_teams(session, list(out), month)
    for team, tw in out.items():
        tw.unanswered = waiting.get(team, 0)
        tw.unanswered_in_week = asked.get(team, 0)
        tw.targets = progress.get(team, [])
