"""Wards, teams and the areas teams cover."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage import hotpath
from storage.dialect import insert_ignore
from storage.models import Area, Team, Ward


def get_or_create_ward(session: Session, *, name: str, now: datetime) -> Ward:
    """Return the ward with this name, creating it if needed (safe when two admins race)."""
    by_name = select(Ward).where(col(Ward.name) == name)
    ward = session.exec(by_name).first()
    if ward is None:
        # Insert-if-absent: on PostgreSQL a concurrent insert of the same name makes this
        # wait for the other transaction, then do nothing; the select then sees its row.
        insert_ignore(session, Ward, {"name": name, "created_at": now})
        ward = session.exec(by_name).one()
    return ward


def create_team(
    session: Session, *, ward_name: str, name: str, areas: list[str], now: datetime
) -> Team:
    """Create a team in a ward (created if new), with its named areas."""
    ward = get_or_create_ward(session, name=ward_name, now=now)
    assert ward.id is not None
    team = Team(ward_id=ward.id, name=name, created_at=now)
    session.add(team)
    session.flush()
    assert team.id is not None
    for area in dict.fromkeys(a.strip() for a in areas if a.strip()):
        session.add(Area(team_id=team.id, name=area))
    session.flush()
    return team


def find_team(session: Session, *, ward_name: str, name: str) -> Team | None:
    """Return the team with this name in this ward, if any."""
    statement = (
        select(Team)
        .join(Ward, col(Ward.id) == col(Team.ward_id))
        .where(col(Ward.name) == ward_name, col(Team.name) == name)
    )
    return session.exec(statement).first()


def get_team(session: Session, team_id: int) -> Team | None:
    """Return a team by id."""
    return session.get(Team, team_id)


def get_ward(session: Session, ward_id: int) -> Ward | None:
    """Return a ward by id."""
    return session.get(Ward, ward_id)


@dataclass(frozen=True)
class AreaRef:
    """An area of a team, as read for choosing and showing (not an ORM object)."""

    id: int
    team_id: int
    name: str


def areas_of(session: Session, team_id: int) -> list[AreaRef]:
    """Return the areas of a team in the order they were added."""
    rows = hotpath.raw(session).execute(hotpath.AREAS, {"team_id": team_id}).fetchall()
    return [AreaRef(area_id, team, name) for area_id, team, name in rows]


def add_area(session: Session, *, team_id: int, name: str) -> Area:
    """Add an area to a team (or return the existing one with that name)."""
    existing = session.exec(
        select(Area).where(col(Area.team_id) == team_id, col(Area.name) == name)
    ).first()
    if existing is not None:
        return existing
    area = Area(team_id=team_id, name=name)
    session.add(area)
    session.flush()
    return area


def list_teams(session: Session, *, ward_id: int | None = None) -> list[Team]:
    """Return all teams, or those of one ward."""
    statement = select(Team).order_by(col(Team.id))
    if ward_id is not None:
        statement = statement.where(col(Team.ward_id) == ward_id)
    return list(session.exec(statement).all())


def list_wards(session: Session) -> list[Ward]:
    """Return all wards."""
    return list(session.exec(select(Ward).order_by(col(Ward.id))).all())


def all_areas(session: Session) -> list[AreaRef]:
    """Return every team's areas (for finding the one a resident names), in a single query."""
    rows = session.exec(select(Area).order_by(col(Area.id))).all()
    return [AreaRef(area.id or 0, area.team_id, area.name) for area in rows]


class TeamChangeError(ValueError):
    """A team change that cannot be made; the message says why, for the admin."""


def rename_team(session: Session, team_id: int, new_name: str) -> Team:
    """Rename a team; raise TeamChangeError when the ward already has a team of that name."""
    team = _existing(session, team_id)
    name = new_name.strip()[:200]
    if not name:
        raise TeamChangeError("the new name is empty")
    clash = session.exec(
        select(Team).where(col(Team.ward_id) == team.ward_id, col(Team.name) == name)
    ).first()
    if clash is not None and clash.id != team.id:
        raise TeamChangeError(f"ward {team.ward_id} already has a team named {name!r}")
    team.name = name
    session.add(team)
    session.flush()
    return team


def move_team(session: Session, team_id: int, *, ward_name: str, now: datetime) -> Team:
    """Move a team to another ward (created if new), e.g. after two wards merged."""
    team = _existing(session, team_id)
    ward = get_or_create_ward(session, name=ward_name.strip()[:200], now=now)
    assert ward.id is not None
    if find_team(session, ward_name=ward.name, name=team.name) not in (None, team):
        raise TeamChangeError(f"{ward.name} already has a team named {team.name!r}")
    team.ward_id = ward.id
    session.add(team)
    session.flush()
    return team


def close_team(session: Session, team_id: int, *, now: datetime) -> Team:
    """Close a team: its history stays in the reports; no reminders, digests or new members."""
    team = _existing(session, team_id)
    if team.closed_at is None:
        team.closed_at = now
        session.add(team)
        session.flush()
    return team


def reopen_team(session: Session, team_id: int) -> Team:
    """Undo closing a team."""
    team = _existing(session, team_id)
    team.closed_at = None
    session.add(team)
    session.flush()
    return team


def _existing(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise TeamChangeError(f"no team with id {team_id}")
    return team
