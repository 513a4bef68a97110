"""Seed a benchmark database: wards, teams without areas, and volunteers in them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlmodel import Session, col

from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Identity, Membership, Person, Team, Ward

FIRST_USER = 100_000
TEAM_SIZE = 20
TEAMS_PER_WARD = 10


def user_id(index: int) -> int:
    """Return the Telegram user id of the index-th volunteer."""
    return FIRST_USER + index


def seed(database_url: str, users: int) -> None:
    """Migrate the database and add `users` volunteers, twenty to a team, ten teams a ward."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        now = datetime.now(UTC)
        teams = (users + TEAM_SIZE - 1) // TEAM_SIZE
        with Session(engine) as session, session.begin():
            wards = (teams + TEAMS_PER_WARD - 1) // TEAMS_PER_WARD
            session.execute(
                insert(Ward),
                [{"name": f"Phường Tải {w + 1}", "created_at": now} for w in range(wards)],
            )
            ward_ids = list(session.scalars(select(col(Ward.id)).order_by(col(Ward.id))))
            session.execute(
                insert(Team),
                [
                    {
                        "ward_id": ward_ids[t // TEAMS_PER_WARD],
                        "name": f"Tổ {t + 1}",
                        "created_at": now,
                    }
                    for t in range(teams)
                ],
            )
            team_ids = list(session.scalars(select(col(Team.id)).order_by(col(Team.id))))
            session.execute(
                insert(Person),
                [{"display_name": "", "locale": "", "created_at": now} for _ in range(users)],
            )
            person_ids = list(session.scalars(select(col(Person.id)).order_by(col(Person.id))))
            session.execute(
                insert(Identity),
                [
                    {
                        "person_id": person_ids[i],
                        "channel": "telegram",
                        "user_id": str(user_id(i)),
                        "chat_id": str(user_id(i)),
                        "created_at": now,
                    }
                    for i in range(users)
                ],
            )
            session.execute(
                insert(Membership),
                [
                    {
                        "person_id": person_ids[i],
                        "team_id": team_ids[i // TEAM_SIZE],
                        "role": "volunteer",
                        "active": True,
                        "joined_at": now,
                    }
                    for i in range(users)
                ],
            )
    finally:
        engine.dispose()
