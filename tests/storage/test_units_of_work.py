"""Short units of work (one update each): atomic, and the raw hot-path SQL agrees with the ORM."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from storage import assists, conversations, people, teams
from storage.assist_models import Assist, AssistItem
from storage.assists import ItemInput
from storage.db import Database
from storage.models import Conversation, Person, ProcessedUpdate

NOW = datetime(2026, 3, 4, 2, 0, 0, 123456, tzinfo=UTC)
KEY = {"channel": "telegram", "chat_id": "5", "user_id": "5"}


def _save_state(session: Session, data: dict[str, object]) -> None:
    loaded = conversations.load(session, **KEY)
    conversations.save(
        session,
        **KEY,
        loaded=loaded,
        state="log.people",
        data=data,
        now=NOW,
        expires_at=NOW + timedelta(hours=24),
    )


async def test_a_unit_commits_orm_and_raw_writes_together(db: Database) -> None:
    def work(session: Session) -> int:
        assert conversations.mark_processed(session, channel="telegram", update_id="1", now=NOW)
        person = Person(created_at=NOW)
        session.add(person)
        session.flush()
        _save_state(session, {"note": "Cụ bà 80 tuổi"})
        return person.id or 0

    person_id = await db.run_short(work)
    assert db.run_sync(lambda s: s.get(Person, person_id)) is not None
    stored = db.run_sync(lambda s: s.exec(select(Conversation)).one())
    assert (stored.state, stored.data, stored.version) == (
        "log.people",
        {"note": "Cụ bà 80 tuổi"},
        1,
    )
    assert stored.updated_at == NOW
    assert stored.expires_at == NOW + timedelta(hours=24)


async def test_a_failing_unit_leaves_nothing_behind(db: Database) -> None:
    def work(session: Session) -> None:
        conversations.mark_processed(session, channel="telegram", update_id="2", now=NOW)
        session.add(Person(created_at=NOW))
        session.flush()
        _save_state(session, {"step": 1})
        raise RuntimeError("handler bug")

    with pytest.raises(RuntimeError):
        await db.run_short(work)
    assert db.run_sync(lambda s: s.exec(select(Person)).all()) == []
    assert db.run_sync(lambda s: s.exec(select(Conversation)).all()) == []
    # the update id was not consumed either: a retry is processed
    assert await db.run_short(
        lambda s: conversations.mark_processed(s, channel="telegram", update_id="2", now=NOW)
    )


async def test_a_driver_error_does_not_spoil_the_next_unit(db: Database) -> None:
    with pytest.raises(DBAPIError):
        await db.run_short(lambda s: s.connection().execute(text("SELECT * FROM no_such_table")))
    assert await db.run_short(
        lambda s: conversations.mark_processed(s, channel="telegram", update_id="3", now=NOW)
    )
    assert db.run_sync(lambda s: len(s.exec(select(ProcessedUpdate)).all())) == 1


async def test_raw_times_compare_and_sort_like_orm_times(db: Database) -> None:
    """Rows written by the hot path and by the ORM are found by the same time conditions."""
    early, late = NOW - timedelta(days=3), NOW + timedelta(seconds=1)
    await db.run_short(
        lambda s: conversations.mark_processed(s, channel="telegram", update_id="old", now=early)
    )
    db.run_sync(
        lambda s: s.add(ProcessedUpdate(channel="telegram", update_id="orm", received_at=NOW))
    )
    await db.run_short(
        lambda s: conversations.mark_processed(s, channel="telegram", update_id="new", now=late)
    )
    ordered = db.run_sync(
        lambda s: [
            p.update_id
            for p in s.exec(select(ProcessedUpdate).order_by(col(ProcessedUpdate.received_at)))
        ]
    )
    assert ordered == ["old", "orm", "new"]
    removed = db.run_sync(lambda s: conversations.purge_processed(s, before=NOW))
    assert removed == 1


async def test_a_raw_session_reads_back_through_the_orm(db: Database) -> None:
    def setup(session: Session) -> tuple[int, int]:
        team = teams.create_team(
            session, ward_name="Phường Hải Châu", name="Tổ 1", areas=["TDP 1"], now=NOW
        )
        person = people.ensure_person(
            session, channel="telegram", user_id="5", chat_id="5", now=NOW
        )
        return team.id or 0, person.id or 0

    team_id, person_id = db.run_sync(setup)
    area = db.run_sync(lambda s: teams.areas_of(s, team_id))[0]
    items = [
        ItemInput("vneid_level2", 3, 2, ("otp_not_received",)),
        ItemInput("qr_payment", 1, 1, ()),
    ]
    session_id = await db.run_short(
        lambda s: assists.add_assist(
            s, person_id=person_id, team_id=team_id, area_id=area.id, day=date(2026, 3, 3),
            received_at=NOW, minutes=45, channel="telegram", note="", out_of_hours=True,
            day_kind="workday", items=items,
        )
    )  # fmt: skip
    stored = db.run_sync(lambda s: s.get(Assist, session_id))
    assert stored is not None
    assert (stored.day, stored.received_at, stored.out_of_hours) == (date(2026, 3, 3), NOW, True)
    lines = db.run_sync(
        lambda s: s.exec(select(AssistItem).where(col(AssistItem.session_id) == session_id)).all()
    )
    assert sorted((i.service, i.people, i.succeeded, i.reasons) for i in lines) == [
        ("qr_payment", 1, 1, []),
        ("vneid_level2", 3, 2, ["otp_not_received"]),
    ]
    found = db.run_sync(
        lambda s: s.exec(select(Assist).where(col(Assist.day) == date(2026, 3, 3))).all()
    )
    assert [s.id for s in found] == [session_id]


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite has no server
async def test_a_connection_killed_while_pooled_is_replaced_without_an_error(
    db: Database, db_url: str
) -> None:
    """The server dropped our idle connections (restart, failover): the next unit still works."""
    await db.run_short(
        lambda s: conversations.mark_processed(s, channel="telegram", update_id="a", now=NOW)
    )
    killer = create_engine(db_url)
    with killer.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    killer.dispose()
    assert killed >= 1
    assert await db.run_short(
        lambda s: conversations.mark_processed(s, channel="telegram", update_id="b", now=NOW)
    )
    assert db.run_sync(lambda s: len(s.exec(select(ProcessedUpdate)).all())) == 2
