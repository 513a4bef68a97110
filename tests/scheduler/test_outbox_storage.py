"""Outbox contracts on SQLite and PostgreSQL: unique key, atomic claims, crash recovery, lease."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from storage import outbox
from storage.db import Database
from storage.models import Person
from storage.schedule_models import Outbox

NOW = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.close()


def _add(
    session: Session, recipient: str, *, period: str = "2026-W10", kind: str = "reminder"
) -> bool:
    return outbox.add(
        session, kind=kind, recipient=recipient, period=period, due_at=NOW, now=NOW,
        payload={"texts": ["hi"], "locale": "vi"}, image=b"\x89PNG",
    )  # fmt: skip


def _person(session: Session) -> int:
    person = Person(created_at=NOW)
    session.add(person)
    session.flush()
    return person.id or 0


def test_one_row_per_kind_recipient_and_period(db: Database) -> None:
    assert db.run_sync(lambda s: _add(s, "p:1")) is True
    assert db.run_sync(lambda s: _add(s, "p:1")) is False
    assert db.run_sync(lambda s: _add(s, "p:1", period="2026-W11")) is True
    assert db.run_sync(lambda s: _add(s, "p:1", kind="digest")) is True
    rows = db.run_sync(lambda s: list(s.exec(select(Outbox)).all()))
    assert len(rows) == 3
    assert rows[0].payload == {"texts": ["hi"], "locale": "vi"} and rows[0].image == b"\x89PNG"
    assert rows[0].due_at == NOW
    existing = db.run_sync(
        lambda s: outbox.existing_recipients(
            s, kind="reminder", period="2026-W10", recipients=["p:1", "p:2"]
        )
    )
    assert existing == {"p:1"}


def test_a_row_is_claimed_once(db: Database) -> None:
    db.run_sync(lambda s: _add(s, "p:1"))
    row_id = db.run_sync(lambda s: s.exec(select(Outbox.id)).one())
    first = db.run_sync(lambda s: outbox.claim(s, outbox_id=row_id or 0, now=NOW, holder="a"))
    second = db.run_sync(lambda s: outbox.claim(s, outbox_id=row_id or 0, now=NOW, holder="b"))
    assert (first, second) == (True, False)
    assert db.run_sync(lambda s: outbox.claim_due(s, now=NOW, holder="b", limit=10)) == []


def test_concurrent_claims_get_disjoint_rows(db: Database) -> None:
    db.run_sync(lambda s: [_add(s, f"p:{i}") for i in range(60)])
    got: dict[str, list[int]] = {}
    start = threading.Barrier(3)

    def worker(name: str) -> None:
        start.wait()
        claimed: list[int] = []
        while True:
            with Session(db.engine) as session, session.begin():
                batch = outbox.claim_due(session, now=NOW, holder=name, limit=7)
            if not batch:
                break
            claimed += [item.id for item in batch]
        got[name] = claimed

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    every = got["a"] + got["b"] + got["c"]
    assert len(every) == 60 and len(set(every)) == 60


def test_sent_only_by_the_claimer_and_image_dropped(db: Database) -> None:
    db.run_sync(lambda s: _add(s, "p:1"))
    [item] = db.run_sync(lambda s: outbox.claim_due(s, now=NOW, holder="a", limit=5))
    assert item.image == b"\x89PNG" and item.attempts == 1
    assert (
        db.run_sync(lambda s: outbox.mark_sent(s, outbox_id=item.id, now=NOW, holder="b")) is False
    )
    assert (
        db.run_sync(lambda s: outbox.mark_sent(s, outbox_id=item.id, now=NOW, holder="a")) is True
    )
    row = db.run_sync(lambda s: s.get(Outbox, item.id))
    assert row is not None and (row.status, row.image, row.sent_at) == ("sent", None, NOW)


def test_rows_stuck_in_sending_come_back_after_the_timeout(db: Database) -> None:
    db.run_sync(lambda s: _add(s, "p:1"))
    [item] = db.run_sync(lambda s: outbox.claim_due(s, now=NOW, holder="crashed", limit=5))
    timeout = timedelta(minutes=10)
    early = db.run_sync(
        lambda s: outbox.recover_stuck(s, now=NOW + timedelta(minutes=5), timeout=timeout)
    )
    late = db.run_sync(
        lambda s: outbox.recover_stuck(s, now=NOW + timedelta(minutes=11), timeout=timeout)
    )
    assert (early, late) == (0, 1)
    [again] = db.run_sync(
        lambda s: outbox.claim_due(s, now=NOW + timedelta(minutes=11), holder="new", limit=5)
    )
    assert again.id == item.id and again.attempts == 2
    assert (
        db.run_sync(lambda s: outbox.mark_sent(s, outbox_id=item.id, now=NOW, holder="crashed"))
        is False
    )


def test_failed_sends_retry_later_then_give_up(db: Database) -> None:
    db.run_sync(lambda s: _add(s, "p:1"))
    later = NOW + timedelta(minutes=1)
    for attempt in range(1, 4):
        [item] = db.run_sync(lambda s: outbox.claim_due(s, now=later, holder="a", limit=5))
        assert item.attempts == attempt
        status = db.run_sync(
            lambda s, i=item.id: outbox.release(  # type: ignore[misc]
                s, outbox_id=i, holder="a", error="boom", retry_at=later, max_attempts=3
            )
        )
        assert status == ("failed" if attempt == 3 else "pending")
    assert db.run_sync(lambda s: outbox.claim_due(s, now=later, holder="a", limit=5)) == []
    assert db.run_sync(lambda s: outbox.status_counts(s)) == {"failed": 1}


def test_lease_is_held_by_one_process_until_it_expires(db: Database) -> None:
    ttl = timedelta(minutes=2)
    take = outbox.take_lease
    assert db.run_sync(lambda s: take(s, name="scheduler", holder="a", now=NOW, ttl=ttl)) is True
    assert db.run_sync(lambda s: take(s, name="scheduler", holder="b", now=NOW, ttl=ttl)) is False
    renewed = NOW + timedelta(minutes=1)
    assert (
        db.run_sync(lambda s: take(s, name="scheduler", holder="a", now=renewed, ttl=ttl)) is True
    )
    assert (
        db.run_sync(
            lambda s: take(s, name="scheduler", holder="b", now=NOW + timedelta(minutes=2), ttl=ttl)
        )
        is False
    )
    expired = NOW + timedelta(minutes=4)
    assert (
        db.run_sync(lambda s: take(s, name="scheduler", holder="b", now=expired, ttl=ttl)) is True
    )
    db.run_sync(lambda s: outbox.release_lease(s, name="scheduler", holder="b", now=expired))
    assert (
        db.run_sync(lambda s: take(s, name="scheduler", holder="a", now=expired, ttl=ttl)) is True
    )


def test_person_rows_and_purge(db: Database) -> None:
    person_id = db.run_sync(_person)
    db.run_sync(
        lambda s: outbox.add(
            s, kind="digest", recipient=f"p:{person_id}", period="2026-W09", due_at=NOW, now=NOW,
            payload={}, person_id=person_id,
        )
    )  # fmt: skip
    [item] = db.run_sync(lambda s: outbox.claim_due(s, now=NOW, holder="a", limit=5))
    db.run_sync(lambda s: outbox.mark_sent(s, outbox_id=item.id, now=NOW, holder="a"))
    assert db.run_sync(lambda s: outbox.purge_sent(s, before=NOW)) == 0
    assert db.run_sync(lambda s: outbox.purge_sent(s, before=NOW + timedelta(days=1))) == 1
    left = db.run_sync(
        lambda s: s.exec(select(Outbox).where(col(Outbox.person_id) == person_id)).all()
    )
    assert list(left) == []


def test_bulk_address_resolution_matches_contact_identity(db: Database) -> None:
    from bot.channels.registry import channel_names
    from scheduler.sender import OutboxItem, private_address, resolve
    from storage import people
    from storage.links import contact_identity, set_preferred_channel

    def work(session: Session) -> list[int]:
        ids = []
        for index, channels in enumerate((["telegram"], ["zalo", "telegram"], ["zalo"], [])):
            person = Person(created_at=NOW)
            session.add(person)
            session.flush()
            for channel in channels:
                identity = people.ensure_person(
                    session,
                    channel=channel,
                    user_id=f"{channel}-{index}",
                    chat_id=f"chat-{index}",
                    now=NOW,
                )
                from storage.models import Identity

                found = session.exec(
                    select(Identity).where(Identity.person_id == identity.id)
                ).one()
                found.person_id = person.id or 0
                session.add(found)
            ids.append(person.id or 0)
        session.flush()
        set_preferred_channel(session, person_id=ids[1], channel="zalo", now=NOW)
        return ids

    ids = db.run_sync(work)
    items = [
        OutboxItem(i, "digest", f"p:{p}", "w", p, None, {}, None, 1, 0) for i, p in enumerate(ids)
    ]
    items.append(OutboxItem(99, "digest", "g:telegram:-1001", "w", None, 1, {}, None, 1, 0))
    found = db.run_sync(lambda s: resolve(s, items))
    for item in items[:4]:
        single = db.run_sync(lambda s, p=item.person_id: contact_identity(s, p, channel_names()))  # type: ignore[misc]
        expected = private_address(single) if single is not None else None
        assert found.get(item.id) == expected
    assert found[99].chat_id == "-1001" and found[1].channel == "zalo"
