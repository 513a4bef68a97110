"""The data of a monthly report for a team, a ward (one line per team) or the city (per ward)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import func, select
from sqlmodel import Session, col

from domain.periods import Month
from storage import reports
from storage.models import Area, Membership, Team, Ward
from storage.reports import Activity, Counts

ScopeKind = Literal["team", "ward", "city"]


@dataclass
class UnitLine:
    """One team (in a ward report) or one ward (in a city report)."""

    unit_id: int
    name: str
    detail: str
    counts: Counts = field(default_factory=Counts)
    activity: Activity = field(default_factory=Activity)


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

    @property
    def totals(self) -> Counts:
        """Return sessions, people, succeeded and minutes of the whole scope."""
        return Counts(self.activity.sessions, self.people, self.succeeded, self.activity.minutes)


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


def month_report(
    session: Session, *, scope: ScopeKind, scope_id: int | None, month: Month, top_reasons: int = 5
) -> MonthReport:
    """Aggregate a month for a team, a ward or the whole city."""
    report = MonthReport(scope=scope, scope_id=scope_id, month=month)
    ward_filter = scope_id if scope == "ward" else None
    teams = _team_map(session, ward_filter)
    if scope == "team":
        found = session.get(Team, scope_id)
        if found is None or found.id is None:
            raise LookupError(f"no team {scope_id}")
        teams = {found.id: (found.name, found.ward_id)}
        report.team_name = found.name
        report.areas = _areas(session, [found.id]).get(found.id, [])
    team_ids = None if scope == "city" else sorted(teams)
    wards = {i: n for i, n in session.connection().execute(select(col(Ward.id), col(Ward.name)))}
    if scope in ("team", "ward"):
        ward_id = next(iter(teams.values()))[1] if scope == "team" else scope_id
        report.ward_name = wards.get(ward_id or 0, "")
    start, end = month.start, month.end
    unit_of = (lambda t: teams[t][1]) if scope == "city" else (lambda t: t)
    units: dict[int, UnitLine] = {}
    if scope == "ward":
        areas = _areas(session, sorted(teams))
        units = {t: UnitLine(t, n, ", ".join(areas.get(t, []))) for t, (n, _w) in teams.items()}
    elif scope == "city":
        units = {w: UnitLine(w, name, "") for w, name in sorted(wards.items())}
    for (team, _p, service), c in reports.service_counts(
        session, start=start, end=end, team_ids=team_ids
    ).items():
        report.services[service] = report.services.get(service, Counts()) + c
        report.people += c.people
        report.succeeded += c.succeeded
        line = units.get(unit_of(team)) if team in teams else None
        if line is not None:
            line.counts = line.counts + Counts(0, c.people, c.succeeded, 0)
    active_by_ward = (
        reports.active_members_by_ward(session, start=start, end=end) if scope == "city" else {}
    )
    for (team, _p), a in reports.activity(session, start=start, end=end, team_ids=team_ids).items():
        report.activity = report.activity + a
        line = units.get(unit_of(team)) if team in teams else None
        if line is not None:
            line.counts = line.counts + Counts(a.sessions, 0, 0, a.minutes)
            line.activity = line.activity + a
    for ward, count in active_by_ward.items():
        if ward in units:
            units[ward].activity = _with_active(units[ward].activity, count)
    active = reports.active_members(session, start=start, end=end, team_ids=team_ids)
    report.activity = _with_active(report.activity, active)
    report.members = _members(session, team_ids)
    report.units = list(units.values())
    merged: Counter[tuple[str, str]] = Counter()
    for counter in reports.failure_reasons(
        session, start=start, end=end, team_ids=team_ids
    ).values():
        merged.update(counter)
    report.reasons = [(s, r, n) for (s, r), n in merged.most_common(top_reasons)]
    return report


def _with_active(activity: Activity, active: int) -> Activity:
    return Activity(
        activity.sessions,
        activity.minutes,
        activity.out_of_hours_minutes,
        activity.weekend_minutes,
        activity.holiday_minutes,
        active,
    )
