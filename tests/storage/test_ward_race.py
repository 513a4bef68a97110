"""Two admins creating the first teams of the same new ward at the same moment get one ward."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from storage import teams
from storage.db import Database
from storage.models import Ward

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)
NAME = "Xã Hòa Vang"


def wait_until_someone_waits_for_a_lock(db: Database) -> None:
    """Poll PostgreSQL until a session is blocked on a lock (at most 30 s)."""
    deadline = time.monotonic() + 30
    query = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
    while db.run_sync(lambda s: s.connection().execute(query).scalar_one()) == 0:
        assert time.monotonic() < deadline, "the second admin never waited for the first"
        time.sleep(0.01)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite has a single writer
def test_the_same_new_ward_created_twice_at_once_is_one_ward(db: Database) -> None:
    with Session(db.engine) as first, first.begin():
        mine = teams.get_or_create_ward(first, name=NAME, now=NOW)  # not committed yet
        found: dict[str, object] = {}

        def second_admin() -> None:
            try:
                found["id"] = db.run_sync(
                    lambda s: teams.get_or_create_ward(s, name=NAME, now=NOW).id
                )
            except Exception as problem:  # the failure the test looks for
                found["error"] = problem

        thread = threading.Thread(target=second_admin)
        thread.start()
        wait_until_someone_waits_for_a_lock(db)
        mine_id = mine.id
    thread.join(30)
    assert found == {"id": mine_id}
    assert len(db.run_sync(lambda s: s.exec(select(Ward)).all())) == 1


def test_an_existing_ward_is_found_not_duplicated(db: Database) -> None:
    first = db.run_sync(lambda s: teams.get_or_create_ward(s, name=NAME, now=NOW).id)
    again = db.run_sync(lambda s: teams.get_or_create_ward(s, name=NAME, now=NOW).id)
    assert first == again
