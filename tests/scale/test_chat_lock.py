"""The per-chat lock: a stable key, a real wait on PostgreSQL, nothing at all on SQLite."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, text
from sqlmodel import Session

from storage.db import make_engine
from storage.dialect import chat_lock_key, lock_chat


def test_the_key_is_stable_across_processes_and_releases() -> None:
    # Every worker must compute the same key; a change here breaks mixed-version deploys.
    assert chat_lock_key("telegram", "12345") == 7178529528944081653
    assert chat_lock_key("zalo", "abc") == 6220276091023882882
    keys = {chat_lock_key(channel, str(n)) for channel in ("telegram", "zalo") for n in range(5000)}
    assert len(keys) == 10_000
    assert all(-(2**63) <= key < 2**63 for key in keys)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_runs_no_statement(db_url: str) -> None:
    engine = make_engine(db_url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        with Session(engine) as session, session.begin():
            lock_chat(session, "telegram", "1")
        assert statements == []
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_postgres_holds_the_chat_until_commit(db_url: str) -> None:
    engine = make_engine(db_url)
    entered = threading.Event()
    order: list[str] = []

    def second() -> None:
        with Session(engine) as session, session.begin():
            entered.set()
            lock_chat(session, "telegram", "42")
            order.append("second")

    try:
        with Session(engine) as first, first.begin():
            lock_chat(first, "telegram", "42")
            lock_chat(first, "telegram", "43")  # another chat: no conflict with itself
            worker = threading.Thread(target=second)
            worker.start()
            entered.wait(10)
            with Session(engine) as probe:
                waiting, deadline = 0, time.monotonic() + 10
                while not waiting and time.monotonic() < deadline:  # until the second one blocks
                    waiting = probe.execute(
                        text(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                            "AND NOT granted"
                        )
                    ).scalar_one()
                    probe.rollback()
            assert waiting == 1
            order.append("first")
        worker.join(10)
        assert order == ["first", "second"]
    finally:
        engine.dispose()
