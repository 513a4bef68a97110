"""Volunteer hours of a team in a month, by kind of time, and the allowance they qualify for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from domain.funding import Allowance, FundingRule, allowance, member_days
from domain.office_hours import day_kind
from domain.periods import Month
from storage import reports
from storage.people import person_names
from storage.reports import S


@dataclass(frozen=True)
class MemberHours:
    """One member's time in the month."""

    person_id: int
    name: str
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
    rule: FundingRule
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


def hours_report(session: Session, *, team_id: int, month: Month, rule: FundingRule) -> HoursReport:
    """Return a team's hours per member and per day for a month, and the allowance."""
    per_person = reports.person_activity(
        session, start=month.start, end=month.end, team_ids=[team_id]
    )
    statement = (
        select(S.person_id, S.day, func.sum(S.minutes))
        .where(S.team_id == team_id, S.day >= month.start, S.day < month.end)
        .group_by(S.person_id, S.day)
    )
    person_days = [(p, d, int(m or 0)) for p, d, m in session.connection().execute(statement)]
    names = person_names(session, {line[1] for line in per_person})
    days_of: dict[int, int] = {}
    by_day: dict[date, tuple[int, int]] = {}
    for person, day, minutes in person_days:
        days_of[person] = days_of.get(person, 0) + 1
        members, total = by_day.get(day, (0, 0))
        by_day[day] = (members + 1, total + minutes)
    report = HoursReport(team_id=team_id, month=month, rule=rule)
    for _team, person, _part, n, minutes, ooh, weekend, holiday in per_person:
        name = names.get(person, f"#{person}")
        report.members.append(
            MemberHours(person, name, n, minutes, ooh, weekend, holiday, days_of.get(person, 0))
        )
    report.members.sort(key=lambda m: (-m.minutes, m.name))
    report.days = [DayActivity(day, day_kind(day), *by_day[day]) for day in sorted(by_day)]
    count = member_days(person_days, rule)
    report.allowance = allowance(rule, days=count, start=month.start, end=month.end)
    return report
