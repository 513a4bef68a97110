"""Replies kept for a web chat browser: taken once, in order, forgotten after the TTL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from storage import web_pending
from storage.db import Database

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)
ALICE, BOB = "browser-alice-0000001", "browser-bob-00000000002"


def put(db: Database, browser_id: str, text: str, now: datetime = NOW) -> None:
    db.run_sync(lambda s: web_pending.put(s, browser_id=browser_id, reply={"text": text}, now=now))


def take(db: Database, browser_id: str, now: datetime = NOW) -> list[str]:
    replies = db.run_sync(lambda s: web_pending.take(s, browser_id=browser_id, now=now))
    return [reply["text"] for reply in replies]


def test_a_poll_takes_its_own_replies_once_in_order(db: Database) -> None:
    for text in ("một", "hai", "ba"):
        put(db, ALICE, text)
    put(db, BOB, "của Bob")
    assert take(db, ALICE) == ["một", "hai", "ba"]
    assert take(db, ALICE) == []
    assert take(db, BOB) == ["của Bob"]
    assert db.run_sync(web_pending.count) == 0


def test_expired_replies_are_neither_given_nor_kept(db: Database) -> None:
    put(db, ALICE, "cũ")
    put(db, ALICE, "mới", now=NOW + timedelta(days=6))
    later = NOW + web_pending.TTL + timedelta(seconds=1)
    assert take(db, ALICE, now=later) == ["mới"]
    put(db, BOB, "cũ của Bob")
    put(db, ALICE, "sau cùng", now=later + web_pending.TTL)  # sweeps what expired meanwhile
    assert db.run_sync(web_pending.count) == 1
    assert take(db, ALICE, now=later + web_pending.TTL) == ["sau cùng"]


def test_a_browser_keeps_only_its_newest_replies(db: Database) -> None:
    total = web_pending.KEEP_PER_BROWSER + 5
    for n in range(total):
        put(db, ALICE, f"tin {n}")
    put(db, BOB, "của Bob")
    kept = take(db, ALICE)
    assert kept == [f"tin {n}" for n in range(5, total)]
    assert take(db, BOB) == ["của Bob"]


def test_two_polls_at_once_never_hand_out_the_same_reply(db: Database) -> None:
    for round_ in range(20):
        texts = [f"{round_}-{n}" for n in range(5)]
        for text in texts:
            put(db, ALICE, text)
        with ThreadPoolExecutor(max_workers=2) as pool:
            first, second = pool.map(lambda _: take(db, ALICE), range(2))
        assert sorted(first + second) == sorted(texts), (first, second)
        assert not set(first) & set(second)
