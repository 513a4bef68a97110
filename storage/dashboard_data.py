"""What the web dashboard shows, computed in a few GROUP BY queries per page (never per row).

A scope is a list of team ids, or None for the whole city. "Active" means logged at least one
session in the period; a team is silent when its last session is 14 or more days old (or it
never logged one). Periods: the report month (with its cut-off day) and the ISO week of today.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from domain.periods import Month, Week, month_containing
from storage import report_notes, reports
from storage.models import Area, Membership, Person, Team, Ward
from storage.question_models import ResidentQuestion
from storage.questions import UNANSWERED
from storage.reports import Counts, S
from storage.targets import TargetProgress, progress_for_teams

TREND_WEEKS = 12
SILENT_DAYS = 14
TOP_REASONS = 5


@dataclass(frozen=True)
class Periods:
    """The week and the report month of a day, and the weeks of the trend chart."""

    today: date
    week: Week
    month: Month

    @classmethod
    def of(cls, today: date, *, cutoff: int = 1) -> Periods:
        """Return the periods that contain today."""
        return cls(today, Week.containing(today), month_containing(today, cutoff=cutoff))

    @property
    def weeks(self) -> list[Week]:
        """Return the trend's weeks, oldest first, ending with this week."""
        return [self.week.shift(i - TREND_WEEKS + 1) for i in range(TREND_WEEKS)]

    @property
    def silent_before(self) -> date:
        """Return the day a team's last session must be on or after not to be silent."""
        return self.today - timedelta(days=SILENT_DAYS - 1)


@dataclass
class ServiceLine:
    """One service in a period: sessions that included it, people, succeeded, minutes."""

    service: str
    counts: Counts


@dataclass
class TargetSummary:
    """Targets of a scope for the month, added up per metric."""

    metric: str
    target: int
    done: int
    teams: int
    met: int

    @property
    def percent(self) -> int:
        """Return the progress in whole percent (may exceed 100)."""
        return round(self.done * 100 / self.target) if self.target > 0 else 0


@dataclass
class Overview:
    """The overview page of a scope."""

    periods: Periods
    teams: int = 0
    wards: int = 0
    members: int = 0
    active_week: int = 0
    active_month: int = 0
    sessions_month: int = 0
    minutes_month: int = 0
    people_month: int = 0
    succeeded_month: int = 0
    services: list[ServiceLine] = field(default_factory=list)
    trend: list[tuple[Week, int]] = field(default_factory=list)
    targets: list[TargetSummary] = field(default_factory=list)
    reasons: list[tuple[str, str, int]] = field(default_factory=list)
    questions: list[tuple[str | None, int]] = field(default_factory=list)
    silent_teams: int = 0


@dataclass
class TeamRow:
    """One line of the teams table."""

    team_id: int
    name: str
    ward_id: int
    ward: str
    last_day: date | None = None
    sessions_month: int = 0
    active_month: int = 0
    members: int = 0
    target_percent: int | None = None
    silent: bool = True


@dataclass
class MemberLine:
    """A member of a team (display name only) and their activity."""

    person_id: int
    name: str
    role: str
    last_day: date | None
    sessions_month: int

    @property
    def active(self) -> bool:
        """Tell whether this member logged a session this month."""
        return self.sessions_month > 0


@dataclass
class TeamDetail:
    """The page of one team."""

    periods: Periods
    team_id: int
    name: str
    ward_id: int
    ward: str
    areas: list[str] = field(default_factory=list)
    members: list[MemberLine] = field(default_factory=list)
    services: list[ServiceLine] = field(default_factory=list)
    reasons: list[tuple[str, str, int]] = field(default_factory=list)
    targets: list[TargetProgress] = field(default_factory=list)
    trend: list[tuple[Week, int]] = field(default_factory=list)
    questions: list[tuple[str | None, int]] = field(default_factory=list)
    sessions_month: int = 0
    minutes_month: int = 0
    last_day: date | None = None
    notes: list[tuple[str, str]] | None = None
    """The leader's notes for the month's report: (catalog key of the part, text)."""


def _in_teams(statement: Any, column: Any, team_ids: Sequence[int] | None) -> Any:
    return statement if team_ids is None else statement.where(column.in_(list(team_ids)))


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _days(session: Session, team_ids: Sequence[int] | None, start: date, end: date) -> list[Any]:
    """Return (day, sessions, minutes) for days in [start, end)."""
    statement = select(S.day, func.count(), func.sum(S.minutes)).where(S.day >= start, S.day < end)
    statement = _in_teams(statement, S.team_id, team_ids).group_by(S.day)
    return reports.fetch(session, statement)


def _trend(days: list[Any], periods: Periods) -> list[tuple[Week, int]]:
    per_week: Counter[date] = Counter()
    for day, n, _minutes in days:
        per_week[Week.containing(_day(day) or periods.today).start] += int(n)
    return [(week, per_week.get(week.start, 0)) for week in periods.weeks]


def _services(
    session: Session, team_ids: Sequence[int] | None, month: Month
) -> tuple[list[ServiceLine], list[tuple[str, str, int]]]:
    """Return the month's services (most people first) and its top failure reasons."""
    totals: dict[str, list[int]] = {}
    merged: Counter[tuple[str, str]] = Counter()
    lines = reports.service_lines(session, start=month.start, end=month.end, team_ids=team_ids)
    for _team, service, reasons, n, people, ok, minutes in lines:
        row = totals.setdefault(service, [0, 0, 0, 0])
        row[0] += n
        row[1] += people or 0
        row[2] += ok or 0
        row[3] += minutes or 0
        if reasons not in reports.NO_REASONS:
            for reason in reports.parse_reasons(reasons):
                merged[(service, reason)] += n
    services = [ServiceLine(k, Counts(*v)) for k, v in totals.items()]
    services.sort(key=lambda line: (-line.counts.people, line.service))
    return services, [(s, r, n) for (s, r), n in merged.most_common(TOP_REASONS)]


def _questions(session: Session, team_ids: Sequence[int] | None) -> list[tuple[str | None, int]]:
    """Return unanswered resident questions counted by the topic they came closest to."""
    q = ResidentQuestion.__table__.c  # type: ignore[attr-defined]
    statement = select(q.best_key, func.count()).where(q.status == UNANSWERED)
    statement = _in_teams(statement, q.team_id, team_ids).group_by(q.best_key)
    found = [(key, int(n)) for key, n in reports.fetch(session, statement)]
    return sorted(found, key=lambda pair: (-pair[1], pair[0] or ""))


def _target_summary(progress: dict[int, list[TargetProgress]]) -> list[TargetSummary]:
    summary: dict[str, TargetSummary] = {}
    for team_targets in progress.values():
        for metric in {t.metric for t in team_targets}:
            mine = [t for t in team_targets if t.metric == metric]
            line = summary.setdefault(metric, TargetSummary(metric, 0, 0, 0, 0))
            line.target += sum(t.target for t in mine)
            line.done += sum(t.done for t in mine)
            line.teams += 1
            line.met += all(t.done >= t.target for t in mine)
    return sorted(summary.values(), key=lambda s: (-s.teams, s.metric))


def _scope_team_ids(session: Session, team_ids: Sequence[int] | None) -> list[int]:
    if team_ids is not None:
        return list(team_ids)
    return [i for (i,) in reports.fetch(session, select(col(Team.id)))]


def overview(
    session: Session, *, team_ids: Sequence[int] | None, today: date, cutoff: int = 1
) -> Overview:
    """Return the overview of a scope (team ids, or None for the city) on a day."""
    periods = Periods.of(today, cutoff=cutoff)
    month, week = periods.month, periods.week
    found = Overview(periods)
    all_teams = _scope_team_ids(session, team_ids)
    found.teams = len(all_teams)
    wards = select(func.count(func.distinct(col(Team.ward_id))))
    found.wards = int(reports.fetch(session, _in_teams(wards, col(Team.id), team_ids))[0][0])
    members = select(func.count(func.distinct(col(Membership.person_id)))).where(
        col(Membership.active).is_(True)
    )
    members = _in_teams(members, col(Membership.team_id), team_ids)
    found.members = int(reports.fetch(session, members)[0][0] or 0)
    start = min(periods.weeks[0].start, month.start)
    end = max(week.end, month.end)
    days = _days(session, team_ids, start, end)
    found.trend = _trend(days, periods)
    for day, n, minutes in days:
        if month.start <= (_day(day) or start) < month.end:
            found.sessions_month += int(n)
            found.minutes_month += int(minutes or 0)
    in_week = (S.day >= week.start) & (S.day < week.end)
    in_month = (S.day >= month.start) & (S.day < month.end)
    active = select(
        func.count(func.distinct(case((in_week, S.person_id)))),
        func.count(func.distinct(case((in_month, S.person_id)))),
    ).where(S.day >= min(week.start, month.start), S.day < end)
    found.active_week, found.active_month = (
        int(v or 0) for v in reports.fetch(session, _in_teams(active, S.team_id, team_ids))[0]
    )
    found.services, found.reasons = _services(session, team_ids, month)
    found.people_month = sum(s.counts.people for s in found.services)
    found.succeeded_month = sum(s.counts.succeeded for s in found.services)
    found.targets = _target_summary(progress_for_teams(session, all_teams, month))
    found.questions = _questions(session, team_ids)
    last = select(S.team_id).where(S.day >= periods.silent_before, S.day <= today).distinct()
    heard = {t for (t,) in reports.fetch(session, _in_teams(last, S.team_id, team_ids))}
    found.silent_teams = len(set(all_teams) - heard)
    return found


def team_rows(
    session: Session, *, team_ids: Sequence[int] | None, today: date, cutoff: int = 1
) -> list[TeamRow]:
    """Return one line per team of a scope (by id; the caller sorts and filters)."""
    periods = Periods.of(today, cutoff=cutoff)
    month = periods.month
    statement = select(col(Team.id), col(Team.name), col(Team.ward_id), col(Ward.name)).join(
        Ward, col(Ward.id) == col(Team.ward_id)
    )
    statement = _in_teams(statement, col(Team.id), team_ids).order_by(col(Team.id))
    rows = {t: TeamRow(t, n, w, wn) for t, n, w, wn in reports.fetch(session, statement)}
    last = select(S.team_id, func.max(S.day)).where(S.day <= today)
    for team, day in reports.fetch(
        session, _in_teams(last, S.team_id, team_ids).group_by(S.team_id)
    ):
        if team in rows:
            rows[team].last_day = _day(day)
            rows[team].silent = (_day(day) or today) < periods.silent_before
    in_month = select(S.team_id, func.count(), func.count(func.distinct(S.person_id))).where(
        S.day >= month.start, S.day < month.end
    )
    in_month = _in_teams(in_month, S.team_id, team_ids).group_by(S.team_id)
    for team, n, people in reports.fetch(session, in_month):
        if team in rows:
            rows[team].sessions_month, rows[team].active_month = int(n), int(people)
    members = select(col(Membership.team_id), func.count()).where(col(Membership.active).is_(True))
    members = _in_teams(members, col(Membership.team_id), team_ids).group_by(
        col(Membership.team_id)
    )
    for team, n in reports.fetch(session, members):
        if team in rows:
            rows[team].members = int(n)
    for team, progress in progress_for_teams(session, sorted(rows), month).items():
        shares = [min(p.percent, 100) for p in progress if p.target > 0]
        if team in rows and shares:
            rows[team].target_percent = round(sum(shares) / len(shares))
    return list(rows.values())


def team_detail(session: Session, *, team_id: int, today: date, cutoff: int = 1) -> TeamDetail:
    """Return the page of one team (LookupError when it does not exist)."""
    periods = Periods.of(today, cutoff=cutoff)
    month = periods.month
    team = session.get(Team, team_id)
    if team is None or team.id is None:
        raise LookupError(f"no team {team_id}")
    ward = session.get(Ward, team.ward_id)
    found = TeamDetail(periods, team.id, team.name, team.ward_id, ward.name if ward else "")
    areas = select(col(Area.name)).where(col(Area.team_id) == team_id).order_by(col(Area.id))
    found.areas = [name for (name,) in reports.fetch(session, areas)]
    ids = [team_id]
    in_month = case(((S.day >= month.start) & (S.day < month.end), 1), else_=0)
    per_person = (
        select(S.person_id, func.max(S.day), func.sum(in_month))
        .where(S.team_id == team_id, S.day <= today)
        .group_by(S.person_id)
    )
    activity = {p: (_day(d), int(n or 0)) for p, d, n in reports.fetch(session, per_person)}
    people = (
        select(col(Membership.person_id), col(Person.display_name), col(Membership.role))
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(col(Membership.team_id) == team_id, col(Membership.active).is_(True))
    )
    for person, name, role in reports.fetch(session, people):
        last, n = activity.get(person, (None, 0))
        found.members.append(MemberLine(person, name, role, last, n))
    found.members.sort(key=lambda m: (m.role != "leader", -m.sessions_month, m.name.casefold()))
    found.last_day = max((d for d, _n in activity.values() if d is not None), default=None)
    start = min(periods.weeks[0].start, month.start)
    days = _days(session, ids, start, max(periods.week.end, month.end))
    found.trend = _trend(days, periods)
    for day, n, minutes in days:
        if month.start <= (_day(day) or start) < month.end:
            found.sessions_month += int(n)
            found.minutes_month += int(minutes or 0)
    found.services, found.reasons = _services(session, ids, month)
    found.targets = progress_for_teams(session, ids, month).get(team_id, [])
    found.questions = _questions(session, ids)
    kept = report_notes.notes_of(session, team_id, month.key)
    parts = (("difficulties", kept.difficulties), ("plan", kept.plan), ("requests", kept.requests))
    found.notes = [(f"rep.notes.part.{part}", text) for part, text in parts if text]
    return found
