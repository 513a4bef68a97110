"""The data of a monthly report for a team, a ward (one line per team) or the city (per ward)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy import Text, cast, func, select
from sqlmodel import Session, col

from domain.periods import Month
from storage import reports
from storage.models import Area, Membership, Person, Team, Ward
from storage.report_models import OUTREACH_WHERE
from storage.reports import Activity, Counts, ServiceLine
from storage.targets import TargetProgress, progress_for_teams

ScopeKind = Literal["team", "ward", "city"]


@dataclass
class Outreach:
    """Awareness sessions and digital-skills classes, households reached (None: never given).

    Attendees and learners are counted per session (lượt): the bot does not identify people.
    """

    awareness_sessions: int = 0
    awareness_attendees: int = 0
    class_sessions: int = 0
    class_learners: int = 0
    households: int | None = None

    def add(self, kind: str, sessions: int, attendees: int, households: int | None) -> None:
        """Add one (kind) line of the outreach query."""
        if kind == "awareness":
            self.awareness_sessions += sessions
            self.awareness_attendees += attendees
        elif kind == "class":
            self.class_sessions += sessions
            self.class_learners += attendees
        if households is not None:
            self.households = (self.households or 0) + households


@dataclass
class UnitLine:
    """One team (in a ward report) or one ward (in a city report)."""

    unit_id: int
    name: str
    detail: str
    counts: Counts = field(default_factory=Counts)
    activity: Activity = field(default_factory=Activity)
    outreach: Outreach = field(default_factory=Outreach)
    members: int = 0


@dataclass
class MonthReport:
    """Everything a monthly report shows."""

    scope: ScopeKind
    scope_id: int | None
    month: Month
    team_name: str = ""
    ward_name: str = ""
    areas: list[str] = field(default_factory=list)
    services: dict[str, Counts] = field(default_factory=dict)
    activity: Activity = field(default_factory=Activity)
    people: int = 0
    succeeded: int = 0
    members: int = 0
    units: list[UnitLine] = field(default_factory=list)
    reasons: list[tuple[str, str, int]] = field(default_factory=list)
    outreach: Outreach = field(default_factory=Outreach)
    targets: list[tuple[str, TargetProgress]] = field(default_factory=list)
    """(team name, target) of the scope's teams (team and ward reports only)."""
    leaders: list[str] = field(default_factory=list)
    """Names of the team's leaders, first joined first (team reports only)."""

    @property
    def totals(self) -> Counts:
        """Return sessions, people, succeeded and minutes of the whole scope."""
        return Counts(self.activity.sessions, self.people, self.succeeded, self.activity.minutes)

    @property
    def assist_sessions(self) -> int:
        """Return the one-to-one help sessions (all sessions but awareness and classes)."""
        o = self.outreach
        return self.activity.sessions - o.awareness_sessions - o.class_sessions


def _team_map(session: Session, ward_id: int | None) -> dict[int, tuple[str, int]]:
    statement = select(col(Team.id), col(Team.name), col(Team.ward_id)).order_by(col(Team.id))
    if ward_id is not None:
        statement = statement.where(col(Team.ward_id) == ward_id)
    return {i: (n, w) for i, n, w in session.connection().execute(statement)}


def _areas(session: Session, team_ids: list[int]) -> dict[int, list[str]]:
    statement = (
        select(col(Area.team_id), col(Area.name))
        .where(col(Area.team_id).in_(team_ids))
        .order_by(col(Area.id))
    )
    found: dict[int, list[str]] = {}
    for team, name in session.connection().execute(statement):
        found.setdefault(team, []).append(name)
    return found


def _members(session: Session, team_ids: list[int] | None) -> int:
    statement = select(func.count(func.distinct(col(Membership.person_id)))).where(
        col(Membership.active).is_(True)
    )
    if team_ids is not None:
        statement = statement.where(col(Membership.team_id).in_(team_ids))
    return int(session.connection().execute(statement).scalar() or 0)


def _members_per_team(session: Session, team_ids: list[int]) -> dict[int, int]:
    statement = (
        select(col(Membership.team_id), func.count(func.distinct(col(Membership.person_id))))
        .where(col(Membership.active).is_(True), col(Membership.team_id).in_(team_ids))
        .group_by(col(Membership.team_id))
    )
    return {t: int(n) for t, n in session.connection().execute(statement)}


def _leaders(session: Session, team_id: int) -> list[str]:
    statement = (
        select(col(Person.display_name))
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .where(
            col(Membership.team_id) == team_id,
            col(Membership.role) == "leader",
            col(Membership.active).is_(True),
        )
        .order_by(col(Membership.joined_at), col(Membership.id))
    )
    return [str(n) for (n,) in session.connection().execute(statement)]


def _members_per_ward(session: Session) -> dict[int, int]:
    statement = (
        select(col(Team.ward_id), func.count(func.distinct(col(Membership.person_id))))
        .join(Team, col(Team.id) == col(Membership.team_id))
        .where(col(Membership.active).is_(True))
        .group_by(col(Team.ward_id))
    )
    return {w: int(n) for w, n in session.connection().execute(statement)}


def ward_service_lines(session: Session, *, start: date, end: date) -> list[ServiceLine]:
    """Return reports.service_lines summed per ward: (ward, service, reasons, sessions, people,
    succeeded, minutes). The per-team grouping runs first (the plan of service_lines), then a
    small second GROUP BY over its rows, so a city report reads thousands of rows, not 100,000."""
    s, i = reports.S, reports.I
    reasons = cast(i.reasons, Text)
    inner = (
        select(
            s.team_id.label("team"), i.service.label("service"), reasons.label("reasons"),
            func.count().label("n"), func.sum(i.people).label("people"),
            func.sum(i.succeeded).label("ok"), func.sum(s.minutes).label("minutes"),
        )
        .select_from(reports.JOINED)
        .where(s.day >= start, s.day < end)
        .group_by(s.team_id, i.service, reasons)
        .subquery()
    )  # fmt: skip
    c = inner.c
    ward = col(Team.ward_id)
    statement = (
        select(
            ward, c.service, c.reasons, func.sum(c.n), func.sum(c.people), func.sum(c.ok),
            func.sum(c.minutes),
        )
        .join(Team, col(Team.id) == c.team)
        .group_by(ward, c.service, c.reasons)
    )  # fmt: skip
    return [
        (w, svc, why, int(n), int(p), int(ok), int(m))
        for w, svc, why, n, p, ok, m in reports.fetch(session, statement)
    ]


def outreach_lines(
    session: Session, *, start: date, end: date, team_ids: list[int] | None
) -> list[tuple[int, str, int, int, int | None]]:
    """Return (team, kind, sessions, attendees, households or None) for days in [start, end).

    Only awareness sessions, classes and sessions that gave households are read (a partial
    index holds just those), so the pass costs nothing while few sessions carry them.
    """
    s = reports.S
    statement = (
        select(
            s.team_id, s.kind, func.count(), func.coalesce(func.sum(s.attendees), 0),
            func.sum(s.households),
        )
        .where(OUTREACH_WHERE, s.day >= start, s.day < end)
        .group_by(s.team_id, s.kind)
    )  # fmt: skip
    if team_ids is not None:
        statement = statement.where(s.team_id.in_(team_ids))
    return [(t, k, int(n), int(a), h) for t, k, n, a, h in reports.fetch(session, statement)]


def month_report(
    session: Session,
    *,
    scope: ScopeKind,
    scope_id: int | None,
    month: Month,
    top_reasons: int | None = None,
) -> MonthReport:
    """Aggregate a month for a team, a ward or the whole city (reasons: most frequent first)."""
    report = MonthReport(scope=scope, scope_id=scope_id, month=month)
    if scope == "team":
        found = session.get(Team, scope_id)
        if found is None or found.id is None:
            raise LookupError(f"no team {scope_id}")
        teams = {found.id: (found.name, found.ward_id)}
        report.team_name = found.name
        report.areas = _areas(session, [found.id]).get(found.id, [])
    else:
        teams = _team_map(session, scope_id if scope == "ward" else None)
    team_ids = None if scope == "city" else sorted(teams)
    wards: dict[int, str] = {}
    if scope == "city":
        rows = session.connection().execute(select(col(Ward.id), col(Ward.name)))
        wards = {i: n for i, n in rows}
    else:
        ward = session.get(Ward, teams[next(iter(teams))][1] if scope == "team" else scope_id)
        report.ward_name = ward.name if ward is not None else ""
    start, end = month.start, month.end
    unit_of = (lambda t: teams[t][1]) if scope == "city" else (lambda t: t)
    units: dict[int, UnitLine] = {}
    if scope == "ward":
        areas = _areas(session, sorted(teams))
        units = {t: UnitLine(t, n, ", ".join(areas.get(t, []))) for t, (n, _w) in teams.items()}
    elif scope == "city":
        units = {w: UnitLine(w, name, "") for w, name in sorted(wards.items())}
    merged: Counter[tuple[str, str]] = Counter()
    services: dict[str, list[int]] = {}
    helped: dict[int, list[int]] = {}
    unit_map = {t: unit_of(t) for t in teams}
    if scope == "city":  # summed per ward in SQL: 94 wards' lines instead of 3,800 teams'
        lines = ward_service_lines(session, start=start, end=end)
        line_unit: dict[int, int] = {w: w for w in units}
    else:
        lines = reports.service_lines(session, start=start, end=end, team_ids=team_ids)
        line_unit = unit_map
    no_reasons, parse = reports.NO_REASONS, reports.parse_reasons
    for team, service, reasons, n, people, ok, minutes in lines:
        row = services.get(service)
        if row is None:
            services[service] = [n, people, ok, minutes]
        else:
            row[0] += n
            row[1] += people
            row[2] += ok
            row[3] += minutes
        unit = line_unit.get(team)
        if unit is not None:
            pair = helped.get(unit)
            if pair is None:
                helped[unit] = [people, ok]
            else:
                pair[0] += people
                pair[1] += ok
        if reasons not in no_reasons:
            for reason in parse(reasons):
                merged[(service, reason)] += n
    report.services = {k: Counts(*v) for k, v in services.items()}
    report.people = sum(v[1] for v in services.values())
    report.succeeded = sum(v[2] for v in services.values())
    totals: dict[int, list[int]] = {}
    active_in: dict[int, set[int]] = {}
    for team, person, _part, n, minutes, ooh, weekend, holiday in reports.person_activity(
        session, start=start, end=end, team_ids=team_ids
    ):
        unit = unit_map.get(team, -1)
        row = totals.get(unit)
        if row is None:
            totals[unit] = [n, minutes, ooh, weekend, holiday]
            active_in[unit] = {person}
        else:
            row[0] += n
            row[1] += minutes
            row[2] += ooh
            row[3] += weekend
            row[4] += holiday
            active_in[unit].add(person)
    for unit_id, line in units.items():
        people, ok = helped.get(unit_id, [0, 0])
        n, minutes, ooh, weekend, holiday = totals.get(unit_id, [0, 0, 0, 0, 0])
        line.counts = Counts(n, people, ok, minutes)
        line.activity = Activity(n, minutes, ooh, weekend, holiday, len(active_in.get(unit_id, ())))
    n, minutes, ooh, weekend, holiday = (sum(v[i] for v in totals.values()) for i in range(5))
    everyone = set().union(*active_in.values()) if active_in else set()
    report.activity = Activity(n, minutes, ooh, weekend, holiday, len(everyone))
    report.reasons = [(s, r, n) for (s, r), n in merged.most_common(top_reasons)]
    report.members = _members(session, team_ids)
    for team, kind, sessions, attendees, households in outreach_lines(
        session, start=start, end=end, team_ids=team_ids
    ):
        report.outreach.add(kind, sessions, attendees, households)
        target = units.get(unit_map.get(team, -1))
        if target is not None:
            target.outreach.add(kind, sessions, attendees, households)
    if scope != "team":
        per_unit = (
            _members_per_team(session, sorted(teams))
            if scope == "ward"
            else _members_per_ward(session)
        )
        for each in units.values():
            each.members = per_unit.get(each.unit_id, 0)
    if scope != "city":
        progress = progress_for_teams(session, sorted(teams), month)
        report.targets = [(teams[t][0], p) for t in sorted(progress) for p in progress[t]]
    if scope == "team" and scope_id is not None:
        report.leaders = _leaders(session, scope_id)
    report.units = list(units.values())
    return report
