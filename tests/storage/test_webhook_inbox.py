"""The webhook inbox: an update stays only until it is applied (deleted in that transaction)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import App
from bot.core.clock import FixedClock
from bot.web.inbox import WebhookInbox
from storage import inbox
from storage.db import Database
from tests.factories import Harness

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)


def stored(db: Database) -> list[int]:
    """Return the update ids still in the inbox, oldest first."""
    items = db.run_sync(lambda s: inbox.pending(s, before=NOW + timedelta(days=1)))
    return [int(item.body["update_id"]) for item in items]


async def test_an_applied_update_leaves_the_inbox_in_the_transaction_that_applies_it(
    app: App, harness: Harness
) -> None:
    box = WebhookInbox(app.db, app.parts.clock)
    item = await box.accept("test", {"update_id": 1, "text": "cccd 052198765432"})
    user = harness.user("lan")
    async with box.applying(item) as ticket:
        await user.say("/help")
        assert ticket.consumed and stored(app.db) == [], "gone with the update's own commit"
    await user.say("/help", update_id="dup")
    item = await box.accept("test", {"update_id": 2})
    async with box.applying(item) as ticket:
        await user.say("/help", update_id="dup")  # a duplicate: recorded, and its row deleted
        assert ticket.consumed and stored(app.db) == []


async def test_ignored_updates_leave_and_failed_ones_stay_for_replay(db: Database) -> None:
    box = WebhookInbox(db, FixedClock(NOW))
    ignored = await box.accept("zalo", {"update_id": 1})
    async with box.applying(ignored):
        pass  # the channel ignored it: no dispatcher run
    failing = await box.accept("zalo", {"update_id": 2})
    with pytest.raises(RuntimeError):
        async with box.applying(failing):
            raise RuntimeError("the process died here")
    assert stored(db) == [2]


async def test_replay_applies_leftovers_in_order_and_drops_bodies_that_are_not_updates(
    db: Database,
) -> None:
    crashed = WebhookInbox(db, FixedClock(NOW))
    for channel, number in (("telegram", 1), ("telegram", 2), ("zalo", 3), ("zalo", 4)):
        await crashed.accept(channel, {"update_id": number})
    seen: list[tuple[str, int]] = []

    def processor(channel: str) -> Any:
        async def process(body: dict[str, Any], _received: float) -> None:
            seen.append((channel, int(body["update_id"])))

        return process

    restarted = WebhookInbox(db, FixedClock(NOW + timedelta(seconds=5)))
    replayed = await restarted.replay(
        {"telegram": processor("telegram"), "zalo": processor("zalo")},
        0.0,
        {"zalo": lambda body: body["update_id"] != 4},
    )
    assert seen == [("telegram", 1), ("telegram", 2), ("zalo", 3)]
    assert replayed == 3
    assert stored(db) == []
