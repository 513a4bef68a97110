"""A team's members: who they are, leaving, removal, handing over leadership, anonymising."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.assist_models import Assist
from storage.models import Membership, Person, WardAdmin

ACTIVE_DAYS = 30
"""A member who logged a session within this many days is shown as active."""


class Ended(StrEnum):
    """Why a membership ended."""

    LEFT = "left"
    REMOVED = "removed"


@dataclass(frozen=True)
class MemberLine:
    """One current member of a team, as /members and `member list` show them."""

    person_id: int
    name: str
    role: str
    joined_at: datetime
    last_logged: date | None

    def active(self, today: date) -> bool:
        """Tell whether the member logged a session within ACTIVE_DAYS of today."""
        return self.last_logged is not None and self.last_logged > today - timedelta(
            days=ACTIVE_DAYS
        )


def membership(session: Session, *, team_id: int, person_id: int) -> Membership | None:
    """Return a person's current (active) membership of a team."""
    return session.exec(
        select(Membership).where(
            col(Membership.team_id) == team_id,
            col(Membership.person_id) == person_id,
            col(Membership.active).is_(True),
        )
    ).first()


def list_members(session: Session, team_id: int) -> list[MemberLine]:
    """Return a team's current members, leaders first, then by name, with their last log day."""
    last = (
        select(col(Assist.person_id), func.max(col(Assist.day)))
        .where(col(Assist.team_id) == team_id)
        .group_by(col(Assist.person_id))
    )
    last_day = {p: d for p, d in session.connection().execute(last)}
    rows = session.exec(
        select(Membership, Person)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(col(Membership.team_id) == team_id, col(Membership.active).is_(True))
    ).all()
    lines = [
        MemberLine(
            person_id=m.person_id,
            name=p.display_name,
            role=m.role,
            joined_at=m.joined_at,
            last_logged=_as_date(last_day.get(m.person_id)),
        )
        for m, p in rows
    ]
    return sorted(lines, key=lambda m: (m.role != "leader", m.name.casefold(), m.person_id))


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def end_membership(
    session: Session, *, team_id: int, person_id: int, reason: Ended, now: datetime
) -> Membership | None:
    """End a current membership at once (access goes; logged sessions stay in the reports)."""
    row = membership(session, team_id=team_id, person_id=person_id)
    if row is None:
        return None
    row.active, row.left_at, row.left_reason = False, now, reason.value
    session.add(row)
    session.flush()
    return row


def leaders_of(session: Session, team_id: int) -> list[int]:
    """Return the person ids of a team's current leaders."""
    return [
        m.person_id
        for m in session.exec(
            select(Membership).where(
                col(Membership.team_id) == team_id,
                col(Membership.active).is_(True),
                col(Membership.role) == "leader",
            )
        ).all()
    ]


def hand_leadership(session: Session, *, team_id: int, to_person: int) -> list[int]:
    """Make a current member the team's leader; the former leaders become volunteers.

    Returns the former leaders' ids. Raises LookupError when the person is not a member.
    """
    target = membership(session, team_id=team_id, person_id=to_person)
    if target is None:
        raise LookupError(f"person {to_person} is not a member of team {team_id}")
    former = [p for p in leaders_of(session, team_id) if p != to_person]
    for person_id in former:
        row = membership(session, team_id=team_id, person_id=person_id)
        assert row is not None
        row.role = "volunteer"
        session.add(row)
    target.role = "leader"
    session.add(target)
    session.flush()
    return former


def holds_any_role(session: Session, person_id: int) -> bool:
    """Tell whether a person is still a current member of a team or a ward admin."""
    member = session.exec(
        select(col(Membership.id)).where(
            col(Membership.person_id) == person_id, col(Membership.active).is_(True)
        )
    ).first()
    admin = session.exec(
        select(col(WardAdmin.id)).where(col(WardAdmin.person_id) == person_id)
    ).first()
    return member is not None or admin is not None
