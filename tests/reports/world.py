"""A small world for leader-tool tests: two wards, three teams, people on the test channel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.app import App
from domain.office_hours import day_kind
from storage import assists, people, teams
from storage.assists import ItemInput
from storage.models import Membership, Person, WardAdmin

Item = tuple[str, int, int, tuple[str, ...]]


@dataclass
class World:
    """Ids of everything the tests refer to."""

    ward: int = 0
    other_ward: int = 0
    team: int = 0
    sister_team: int = 0
    far_team: int = 0
    areas: list[int] = field(default_factory=list)
    leader: int = 0
    volunteers: list[int] = field(default_factory=list)
    ward_admin: int = 0
    other_leader: int = 0


def person(session: Session, user_id: str, name: str, now: datetime, locale: str = "") -> int:
    """Create a person with an identity on the test channel (chat id = user id)."""
    found = people.ensure_person(session, channel="test", user_id=user_id, chat_id=user_id, now=now)
    found.display_name = name
    found.locale = locale
    session.add(found)
    session.flush()
    return found.id or 0


def join(session: Session, person_id: int, team_id: int, role: str, now: datetime) -> None:
    """Make a person a member of a team."""
    session.add(Membership(person_id=person_id, team_id=team_id, role=role, joined_at=now))
    session.flush()


def log(
    session: Session,
    *,
    person_id: int,
    team_id: int,
    day: date,
    items: Sequence[Item],
    minutes: int = 60,
    area_id: int | None = None,
    out_of_hours: bool = False,
    now: datetime,
) -> int:
    """Store one assistance session."""
    return assists.add_assist(
        session,
        person_id=person_id,
        team_id=team_id,
        area_id=area_id,
        day=day,
        received_at=now,
        minutes=minutes,
        channel="test",
        note="",
        out_of_hours=out_of_hours,
        day_kind=day_kind(day),
        items=[ItemInput(s, p, ok, r) for s, p, ok, r in items],
    )


def build(app: App) -> World:
    """Create Phường Hải Châu (Tổ 12 with three areas, Tổ 13) and Phường Hòa Cường (Tổ 1)."""
    now = app.parts.clock.now()
    world = World()

    def work(session: Session) -> None:
        team = teams.create_team(
            session, ward_name="Phường Hải Châu", name="Tổ 12",
            areas=["Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 3"], now=now,
        )  # fmt: skip
        sister = teams.create_team(
            session, ward_name="Phường Hải Châu", name="Tổ 13", areas=["Tổ dân phố 5"], now=now
        )
        far = teams.create_team(
            session, ward_name="Phường Hòa Cường", name="Tổ 1", areas=["Thôn 1"], now=now
        )
        world.team, world.sister_team, world.far_team = team.id or 0, sister.id or 0, far.id or 0
        world.ward, world.other_ward = team.ward_id, far.ward_id
        world.areas = [a.id or 0 for a in teams.areas_of(session, world.team)]
        world.leader = person(session, "200", "Chị Hoa", now)
        join(session, world.leader, world.team, "leader", now)
        for index, name in enumerate(("Lan", "Minh", "Tuấn"), start=1):
            pid = person(session, f"30{index}", name, now)
            join(session, pid, world.team, "volunteer", now)
            world.volunteers.append(pid)
        world.other_leader = person(session, "400", "Anh Bình", now)
        join(session, world.other_leader, world.far_team, "leader", now)
        world.ward_admin = person(session, "500", "Cô Thu", now)
        session.add(WardAdmin(person_id=world.ward_admin, ward_id=world.ward))

    app.db.run_sync(work)
    return world


def set_locale(session: Session, person_id: int, locale: str) -> None:
    """Change a person's language."""
    found = session.get(Person, person_id)
    assert found is not None
    found.locale = locale
    session.add(found)
