"""Shared builders for the session-logging handler tests (teams, members, records, texts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from bot.app import App
from storage import assists, teams
from storage.assists import AssistRecord, ItemInput
from tests import factories
from tests.factories import Harness, User, add_member

AREAS = ("Tổ dân phố 1", "Tổ dân phố 12")


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


def make_team(
    app: App, name: str = "Tổ 12", *, ward: str = "Phường Hải Châu", areas: Sequence[str] = AREAS
) -> int:
    """Create a team with the usual test areas; return its id."""
    return factories.make_team(app, name, ward=ward, areas=areas)


def volunteer(
    harness: Harness,
    team_id: int,
    user_id: str = "v1",
    *,
    role: str = "volunteer",
    channel: str = "test",
) -> User:
    """Return a harness user who belongs to the team."""
    add_member(harness.app, team_id, user_id, role=role, channel=channel)
    return harness.user(user_id, channel=channel)


def records(app: App, person_id: int | None = None) -> list[AssistRecord]:
    """Return every stored session (or one person's), oldest first."""

    def work(session: Session) -> list[AssistRecord]:
        found = assists.assists_between(
            session, start=date(2000, 1, 1), end=date(2100, 1, 1), person_id=person_id
        )
        return found

    return app.db.run_sync(work)


def store(
    app: App,
    *,
    person_id: int,
    team_id: int,
    day: date,
    items: Sequence[ItemInput],
    minutes: int = 30,
    area_id: int | None = None,
    note: str = "",
) -> int:
    """Store a session directly; return its id."""
    now = app.parts.clock.now()
    return app.db.run_sync(
        lambda s: assists.add_assist(
            s,
            person_id=person_id,
            team_id=team_id,
            area_id=area_id,
            day=day,
            received_at=now,
            minutes=minutes,
            channel="test",
            note=note,
            out_of_hours=False,
            day_kind="workday",
            items=items,
        )
    )


def area_ids(app: App, team_id: int) -> dict[str, int]:
    """Return the team's areas by name."""
    return app.db.run_sync(lambda s: {a.name: a.id or 0 for a in teams.areas_of(s, team_id)})
