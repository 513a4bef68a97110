"""A small city for the dashboard tests: two wards, three teams, one person per role."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from bot.app import App
from storage import assists, people, questions, targets, teams
from storage.assists import ItemInput
from storage.models import Membership, WardAdmin
from tests.factories import Harness, User

LINK = re.compile(r"(https?://[^\s/]+)(/dashboard/login/[A-Za-z0-9_-]{43})")


@dataclass
class World:
    """Ids of the seeded teams and wards, and the chat users of each role."""

    a1: int = 0
    a2: int = 0
    b1: int = 0
    ward_a: int = 0
    ward_b: int = 0
    users: dict[str, User] = field(default_factory=dict)


def seed(app: App, harness: Harness) -> World:
    """Ward A (Tổ A1 with a leader and two volunteers, Tổ A2), ward B (Tổ B1, silent)."""
    now = app.parts.clock.now()
    world = World()
    names = {"leader": "Trần Thị Lan", "vol_1": "Nguyễn Văn Hùng", "vol_2": "Lê Thu Hà",
             "ward_admin": "Phạm Minh", "leader_b1": "Đỗ Quang", "volunteer": "Vũ Mai"}  # fmt: skip

    def work(session: Session) -> None:
        a1 = teams.create_team(session, ward_name="Phường An Hải", name="Tổ A1",
                               areas=["Tổ dân phố 1"], now=now)  # fmt: skip
        a2 = teams.create_team(session, ward_name="Phường An Hải", name="Tổ A2", areas=[], now=now)
        b1 = teams.create_team(
            session, ward_name="Phường Bình Hiên", name="Tổ B1", areas=[], now=now
        )
        assert a1.id and a2.id and b1.id
        world.a1, world.a2, world.b1 = a1.id, a2.id, b1.id
        world.ward_a, world.ward_b = a1.ward_id, b1.ward_id
        ids: dict[str, int] = {}
        for user, name in names.items():
            person = people.ensure_person(
                session, channel="test", user_id=user, chat_id=user, now=now
            )
            person.display_name = name
            session.add(person)
            assert person.id is not None
            ids[user] = person.id
        people.ensure_person(session, channel="test", user_id="admin-1", chat_id="admin-1", now=now)
        for user, team, role in (("leader", a1.id, "leader"), ("vol_1", a1.id, "volunteer"),
                                 ("vol_2", a1.id, "volunteer"), ("leader_b1", b1.id, "leader"),
                                 ("volunteer", a2.id, "volunteer")):  # fmt: skip
            session.add(Membership(person_id=ids[user], team_id=team, role=role, joined_at=now))
        session.add(WardAdmin(person_id=ids["ward_admin"], ward_id=a1.ward_id))
        sessions = (
            ("leader", a1.id, date(2026, 3, 2), "vneid_level2", 3, 2, 60),
            ("vol_1", a1.id, date(2026, 3, 3), "vneid_level2", 2, 2, 30),
            ("vol_1", a1.id, date(2026, 2, 10), "vssid", 1, 0, 45),
            ("volunteer", a2.id, date(2026, 3, 4), "vssid", 4, 3, 90),
            ("leader_b1", b1.id, date(2026, 1, 20), "vneid_level2", 1, 1, 15),
        )
        for user, team, day, service, helped, ok, minutes in sessions:
            reasons = ("otp_not_received",) if ok < helped else ()
            assists.add_assist(
                session, person_id=ids[user], team_id=team, area_id=None, day=day,
                received_at=now - timedelta(hours=1), minutes=minutes, channel="test",
                note="gọi 0905123456", out_of_hours=False, day_kind="workday",
                items=[ItemInput(service, helped, ok, reasons)],
            )  # fmt: skip
        targets.set_target(
            session, team_id=a1.id, area_id=None, metric="vneid_level2", month="2026-03",
            target=10, set_by=ids["leader"], now=now,
        )  # fmt: skip
        questions.add_question(
            session, text="lam sao cai vneid", now=now, channel="test", person_id=None,
            team_id=a1.id, best_key=None, score=0.1,
        )  # fmt: skip

    app.db.run_sync(work)
    world.users = {u: harness.user(u, name=names.get(u, "Admin")) for u in names}
    world.users["admin"] = harness.user("admin-1", name="Admin")
    return world
