"""Volunteer hours of a team in a month, by kind of time, and the allowance they qualify for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from domain.funding import Allowance, FundingRule, allowance, member_days
from domain.office_hours import day_kind
from domain.periods import Month
from storage import reports
from storage.member_labels import MemberLabel, member_labels
from storage.models import Team, Ward
from storage.reports import S


@dataclass(frozen=True)
class MemberHours:
    """One member's time in the month."""

    person_id: int
    who: MemberLabel
    sessions: int
    minutes: int
    out_of_hours_minutes: int
    weekend_minutes: int
    holiday_minutes: int
    days_active: int


@dataclass(frozen=True)
class DayActivity:
    """How many members were active on one day, and for how long."""

    day: date
    kind: str
    members: int
    minutes: int


@dataclass
class HoursReport:
    """A team's hours for a month and its allowance."""

    team_id: int
    month: Month
    rule: FundingRule | None
    members: list[MemberHours] = field(default_factory=list)
    days: list[DayActivity] = field(default_factory=list)
    allowance: Allowance | None = None

    @property
    def total_minutes(self) -> int:
        """Return all minutes logged."""
        return sum(m.minutes for m in self.members)

    def share(self, attribute: str) -> float:
        """Return the share of all minutes in one kind of time (0 when nothing was logged)."""
        total = self.total_minutes
        return sum(getattr(m, attribute) for m in self.members) / total if total else 0.0


def hours_report(
    session: Session, *, team_id: int, month: Month, rule: FundingRule | None
) -> HoursReport:
    """Return a team's hours per member and per day for a month, and the allowance (if a rule)."""
    per_person = reports.person_activity(
        session, start=month.start, end=month.end, team_ids=[team_id]
    )
    statement = (
        select(S.person_id, S.day, S.kind, func.sum(S.minutes))
        .where(S.team_id == team_id, S.day >= month.start, S.day < month.end)
        .group_by(S.person_id, S.day, S.kind)
    )
    by_kind = [(p, d, k, int(m or 0)) for p, d, k, m in session.connection().execute(statement)]
    person_days: dict[tuple[int, date], int] = {}
    for person, day, _kind, minutes in by_kind:
        person_days[(person, day)] = person_days.get((person, day), 0) + minutes
    names = member_labels(session, {line[1] for line in per_person})
    days_of: dict[int, int] = {}
    by_day: dict[date, tuple[int, int]] = {}
    for (person, day), minutes in person_days.items():
        days_of[person] = days_of.get(person, 0) + 1
        members, total = by_day.get(day, (0, 0))
        by_day[day] = (members + 1, total + minutes)
    report = HoursReport(team_id=team_id, month=month, rule=rule)
    for _team, person, _part, n, minutes, ooh, weekend, holiday in per_person:
        report.members.append(
            MemberHours(
                person, names[person], n, minutes, ooh, weekend, holiday, days_of.get(person, 0)
            )
        )
    report.members.sort(key=lambda m: (-m.minutes, m.who))
    report.days = [DayActivity(day, day_kind(day), *by_day[day]) for day in sorted(by_day)]
    if rule is not None:
        counted = [(p, d, m) for p, d, k, m in by_kind if k in rule.kinds]
        count = member_days(counted, rule)
        ward = _ward_name(session, team_id)
        report.allowance = allowance(
            rule, days=count, start=month.start, end=month.end, ward_name=ward
        )
    return report


def _ward_name(session: Session, team_id: int) -> str:
    statement = (
        select(col(Ward.name))
        .join(Team, col(Team.ward_id) == col(Ward.id))
        .where(col(Team.id) == team_id)
    )
    return str(session.connection().execute(statement).scalar() or "")
