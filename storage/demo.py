"""Demo data: a ward with teams, areas, volunteers and months of realistic sessions (seeded)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from domain.office_hours import day_kind
from domain.periods import month_containing
from domain.services import default_catalogue
from storage import assists, questions, targets, teams
from storage.assist_models import Assist
from storage.assists import ItemInput
from storage.models import Membership, Person, Team

NAMES = (
    "Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Châu", "Phạm Quốc Dũng", "Hoàng Thị Hạnh",
    "Võ Thanh Hải", "Đặng Thị Hồng", "Bùi Văn Khánh", "Đỗ Thị Lan", "Hồ Minh Long",
    "Ngô Thị Mai", "Dương Văn Nam", "Lý Thị Ngọc", "Phan Thanh Phong", "Vũ Thị Quỳnh",
    "Trương Văn Sơn", "Huỳnh Thị Thảo", "Mai Văn Thắng", "Đinh Thị Trang", "Tạ Quang Vinh",
)  # fmt: skip
WEIGHTS = {
    "vneid_level2": 30, "vneid_install_l1": 14, "vneid_account_issue": 10, "dvc_online": 12,
    "vneid_documents": 6, "social_insurance": 6, "health": 5, "cashless": 6, "residence": 3,
    "cyber_safety": 4, "digital_literacy": 4, "dvc_payment": 2, "smart_city_feedback": 2,
    "ecommerce_business": 1, "other": 1,
}  # fmt: skip
QUESTIONS = (
    "Làm sao đổi số điện thoại trên VNeID khi SIM cũ bị mất?",
    "Bà tôi 85 tuổi không đi lại được thì làm căn cước ở đâu?",
    "Nộp hồ sơ đăng ký kết hôn trực tuyến cần những giấy tờ gì?",
)


@dataclass(frozen=True)
class DemoSummary:
    """What the demo created (created False: it was there already)."""

    created: bool
    ward_id: int
    team_ids: tuple[int, ...]
    people: int
    sessions: int


def _ensure_team(session: Session, ward: str, name: str, areas: list[str], now: datetime) -> Team:
    team = teams.find_team(session, ward_name=ward, name=name)
    if team is None:
        return teams.create_team(session, ward_name=ward, name=name, areas=areas, now=now)
    for area in areas:
        teams.add_area(session, team_id=team.id or 0, name=area)
    return team


def _items(rng: random.Random) -> list[ItemInput]:
    catalogue = default_catalogue()
    keys, weights = list(WEIGHTS), list(WEIGHTS.values())
    chosen = dict.fromkeys(rng.choices(keys, weights, k=rng.choice((1, 1, 1, 2, 2, 3))))
    items = []
    for key in chosen:
        people = rng.choice((1, 1, 2, 2, 3, 4, 5, 8))
        succeeded = sum(rng.random() < 0.78 for _ in range(people))
        service = catalogue.get(key)
        reasons: tuple[str, ...] = ()
        if service is not None and succeeded < people:
            pool = [r.key for r in service.reasons]
            reasons = tuple(rng.choice(pool[:3] + pool) for _ in range(people - succeeded))
        items.append(ItemInput(key, people, succeeded, reasons))
    return items


def create_demo(
    session: Session,
    *,
    now: datetime,
    tz: ZoneInfo,
    ward_name: str,
    team_name: str,
    seed: int = 2026,
    extra_teams: int = 2,
    team_size: int = 7,
    days: int = 92,
    cutoff: int = 1,
) -> DemoSummary:
    """Create (once) a demo ward whose first team is `team_name`, with sessions up to today."""
    rng = random.Random(seed)
    names = [team_name] + [f"{team_name} {i}" for i in range(2, extra_teams + 2)]
    created_teams = []
    for index, name in enumerate(names):
        areas = [f"Tổ dân phố {index * 3 + k}" for k in (1, 2, 3)]
        created_teams.append(_ensure_team(session, ward_name, name, areas, now))
    team_ids = tuple(t.id or 0 for t in created_teams)
    ward_id = created_teams[0].ward_id
    existing = session.exec(
        select(Assist.id).where(col(Assist.team_id).in_(team_ids)).limit(1)
    ).first()
    if existing is not None:
        return DemoSummary(False, ward_id, team_ids, 0, 0)
    today = now.astimezone(tz).date()
    stored = made = 0
    for team in created_teams:
        assert team.id is not None
        area_ids = [a.id for a in teams.areas_of(session, team.id)]
        members = []
        for position, name in enumerate(rng.sample(NAMES, k=min(team_size, len(NAMES)))):
            person = Person(display_name=name, created_at=now)
            session.add(person)
            session.flush()
            role = "leader" if position == 0 else "volunteer"
            session.add(
                Membership(person_id=person.id or 0, team_id=team.id, role=role, joined_at=now)
            )
            members.append((person.id or 0, rng.uniform(0.15, 0.45)))
            made += 1
        for offset in range(days, -1, -1):
            day = today - timedelta(days=offset)
            kind = day_kind(day)
            factor = {"workday": 1.0, "weekend": 0.6, "holiday": 0.3}[kind]
            for person_id, activity in members:
                if rng.random() >= activity * factor:
                    continue
                hour = rng.choice((8, 9, 10, 14, 15, 17, 19, 20))
                moment = datetime.combine(day, time(hour, rng.choice((0, 15, 30))), tzinfo=tz)
                assists.add_assist(
                    session, person_id=person_id, team_id=team.id, area_id=rng.choice(area_ids),
                    day=day, received_at=min(moment, now), minutes=rng.choice((30, 45, 60, 60, 90, 120)),
                    channel="demo", note="", out_of_hours=kind != "workday" or hour >= 17,
                    day_kind=kind, items=_items(rng),
                )  # fmt: skip
                stored += 1
    _extras(session, created_teams[0], now=now, today=today, cutoff=cutoff)
    return DemoSummary(True, ward_id, team_ids, made, stored)


def _extras(session: Session, team: Team, *, now: datetime, today: date, cutoff: int) -> None:
    """Add this month's targets and a few unanswered resident questions to the first team."""
    assert team.id is not None
    month = month_containing(today, cutoff=cutoff).key
    area = teams.areas_of(session, team.id)[0]
    for area_id, metric, number in ((area.id, "vneid_level2", 40), (None, "sessions", 60)):
        targets.set_target(
            session, team_id=team.id, area_id=area_id, metric=metric, month=month,
            target=number, set_by=None, now=now,
        )  # fmt: skip
    for hours_ago, text in enumerate(QUESTIONS, start=1):
        questions.add_question(
            session, text=text, now=now - timedelta(hours=hours_ago * 20), channel="demo",
            person_id=None, team_id=team.id, best_key=None, score=0.2,
        )  # fmt: skip
