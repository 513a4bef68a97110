"""Files by link: found by token until they expire, token never stored, purged by the cleanup."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.app import App
from bot.core.clock import FixedClock
from bot.core.files import FileStore, content_type_for
from storage import files
from storage.db import Database
from storage.files import StoredFile
from tests.scheduler.support import Recorder, make_service

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def test_a_file_is_found_by_its_token_until_it_expires(db: Database) -> None:
    content = bytes(range(256)) * 40  # binary, not text
    token, expires = db.run_sync(
        lambda s: files.put(
            s, content=content, filename="bao-cao.xlsx", content_type="x/y", now=NOW, ttl=WEEK
        )
    )
    assert expires == NOW + WEEK and files.looks_like_token(token)
    found = db.run_sync(lambda s: files.get(s, token=token, now=NOW + WEEK - timedelta(seconds=1)))
    assert found is not None and found.content == content
    assert (found.filename, found.content_type, found.expires_at) == (
        "bao-cao.xlsx",
        "x/y",
        expires,
    )
    assert db.run_sync(lambda s: files.get(s, token=token, now=NOW + WEEK)) is None
    assert db.run_sync(lambda s: files.get(s, token="x" * 43, now=NOW)) is None
    assert db.run_sync(lambda s: files.get(s, token="' OR 1=1 --", now=NOW)) is None
    rows = db.run_sync(lambda s: list(s.exec(select(StoredFile))))
    assert [row.token_hash for row in rows] == [files.token_hash(token)] != [token]


def test_tokens_are_unguessable() -> None:
    tokens = [files.new_token() for _ in range(2000)]
    assert len(set(tokens)) == len(tokens)
    assert all(files.looks_like_token(t) for t in tokens)
    symbols = Counter("".join(tokens))
    assert len(symbols) == 64  # the whole URL-safe alphabet is used
    assert math.log2(64) * 43 >= 256 - 2  # 43 symbols of 6 bits carry the 32 random bytes


def test_oversized_files_are_refused(db: Database) -> None:
    with pytest.raises(ValueError):
        db.run_sync(
            lambda s: files.put(
                s,
                content=b"0" * (files.MAX_FILE_BYTES + 1),
                filename="big.csv",
                content_type="text/csv",
                now=NOW,
                ttl=WEEK,
            )
        )


async def test_the_daily_cleanup_removes_expired_files_only(app_any_db: App) -> None:
    clock = FixedClock(NOW)
    store = FileStore(app_any_db.db, clock, public_base_url="https://bot.example.org", ttl_days=7)
    old = await store.save(b"old", "old.csv")
    clock.advance(timedelta(days=3))
    new = await store.save(b"new", "new.csv")
    assert new.url == f"https://bot.example.org/files/{new.token}"
    service = make_service(app_any_db, Recorder(), use_lease=False)
    removed = await service.cleanup(now=NOW + WEEK + timedelta(minutes=1))
    assert removed["files"] == 1
    clock.set(NOW + timedelta(days=4))
    assert await store.open(old.token) is None
    kept = await store.open(new.token)
    assert kept is not None and kept.content == b"new"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bao-cao.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "BIEN-BAN.DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("my-records.csv", "text/csv; charset=utf-8"),
        ("digest.png", "image/png"),
        ("huong-dan.pdf", "application/pdf"),
        ("no-extension", "application/octet-stream"),
    ],
)
def test_content_types_follow_the_extension(name: str, expected: str) -> None:
    assert content_type_for(name) == expected
