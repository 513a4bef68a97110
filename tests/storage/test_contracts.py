"""Storage contracts, run on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect

from storage import conversations, migrate, people
from storage.conversations import StateConflict
from storage.db import Database
from storage.models import Person

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)


def test_datetimes_come_back_aware_utc(db: Database) -> None:
    local = datetime(2026, 3, 4, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    person_id = db.run_sync(lambda s: _add_person(s, local))
    stored = db.run_sync(lambda s: s.get(Person, person_id))
    assert stored is not None
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == timedelta(0)
    assert stored.created_at == local


def _add_person(session: object, moment: datetime) -> int:
    person = Person(created_at=moment)
    session.add(person)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return person.id or 0


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive"):
        db.run_sync(lambda s: _add_person(s, datetime(2026, 1, 1)))


def test_duplicate_update_is_detected(db: Database) -> None:
    first = db.run_sync(
        lambda s: conversations.mark_processed(s, channel="telegram", update_id="7", now=NOW)
    )
    second = db.run_sync(
        lambda s: conversations.mark_processed(s, channel="telegram", update_id="7", now=NOW)
    )
    other_channel = db.run_sync(
        lambda s: conversations.mark_processed(s, channel="zalo", update_id="7", now=NOW)
    )
    assert (first, second, other_channel) == (True, False, True)


def test_state_and_json_round_trip(db: Database) -> None:
    key = {"channel": "telegram", "chat_id": "1", "user_id": "1"}
    data = {"services": [{"key": "vneid_level2", "people": 3}], "note": "Cụ bà 80 tuổi ✓"}

    def save(session: object) -> None:
        loaded = conversations.load(session, **key)  # type: ignore[arg-type]
        conversations.save(
            session,
            **key,
            loaded=loaded,
            state="log.people",
            data=data,
            now=NOW,
            expires_at=NOW + timedelta(hours=24),
        )  # type: ignore[arg-type]

    db.run_sync(save)
    loaded = db.run_sync(lambda s: conversations.load(s, **key))
    assert (loaded.state, loaded.data, loaded.version) == ("log.people", data, 1)
    assert loaded.expires_at == NOW + timedelta(hours=24)


def test_concurrent_saves_only_one_wins(db: Database) -> None:
    key = {"channel": "telegram", "chat_id": "1", "user_id": "1"}
    db.run_sync(
        lambda s: conversations.save(
            s,
            **key,
            loaded=conversations.load(s, **key),
            state="a",
            data={},
            now=NOW,
            expires_at=None,
        )
    )
    stale = db.run_sync(lambda s: conversations.load(s, **key))
    db.run_sync(
        lambda s: conversations.save(
            s, **key, loaded=stale, state="b", data={}, now=NOW, expires_at=None
        )
    )
    with pytest.raises(StateConflict):
        db.run_sync(
            lambda s: conversations.save(
                s, **key, loaded=stale, state="c", data={}, now=NOW, expires_at=None
            )
        )
    assert db.run_sync(lambda s: conversations.load(s, **key)).state == "b"


def test_identity_is_unique_per_channel_account(db: Database) -> None:
    a = db.run_sync(
        lambda s: people.ensure_person(s, channel="telegram", user_id="9", chat_id="9", now=NOW).id
    )
    b = db.run_sync(
        lambda s: people.ensure_person(s, channel="telegram", user_id="9", chat_id="9", now=NOW).id
    )
    c = db.run_sync(
        lambda s: people.ensure_person(s, channel="zalo", user_id="9", chat_id="9", now=NOW).id
    )
    assert a == b != c


def test_migrations_downgrade_and_upgrade_again(db: Database) -> None:
    tables_before = set(inspect(db.engine).get_table_names())
    assert {"person", "conversation", "processedupdate", "invite"} <= tables_before
    migrate.downgrade(db.engine, "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(db.engine)
    assert set(inspect(db.engine).get_table_names()) == tables_before
    assert migrate.current_heads(db.engine) == migrate.script_heads(db.engine)
