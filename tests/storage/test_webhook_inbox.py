"""The webhook inbox: accepted updates survive until applied; forgetting them is batched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.clock import FixedClock
from bot.web.inbox import APPLIED_BATCH, WebhookInbox
from storage import inbox
from storage.db import Database

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)


def stored(db: Database) -> list[int]:
    """Return the update ids still in the inbox, oldest first."""
    items = db.run_sync(lambda s: inbox.pending(s, before=NOW + timedelta(days=1)))
    return [int(item.body["update_id"]) for item in items]


async def test_applied_updates_leave_with_the_next_accept(db: Database) -> None:
    box = WebhookInbox(db, FixedClock(NOW))
    ids = [await box.accept("telegram", {"update_id": n}) for n in (1, 2, 3)]
    await box.applied(ids[0])
    await box.applied(ids[1])
    assert stored(db) == [1, 2, 3]  # not yet: no extra transaction per applied update
    await box.accept("telegram", {"update_id": 4})
    assert stored(db) == [3, 4]


async def test_a_full_batch_and_a_flush_forget_without_new_updates(db: Database) -> None:
    box = WebhookInbox(db, FixedClock(NOW))
    ids = [await box.accept("zalo", {"update_id": n}) for n in range(APPLIED_BATCH + 2)]
    for item_id in ids[:APPLIED_BATCH]:
        await box.applied(item_id)
    assert stored(db) == [APPLIED_BATCH, APPLIED_BATCH + 1]
    await box.applied(ids[APPLIED_BATCH])
    await box.flush()
    assert stored(db) == [APPLIED_BATCH + 1]


async def test_replay_after_a_crash_applies_leftovers_in_order_then_forgets_them(
    db: Database,
) -> None:
    crashed = WebhookInbox(db, FixedClock(NOW))
    first = await crashed.accept("telegram", {"update_id": 1})
    await crashed.accept("telegram", {"update_id": 2})
    await crashed.accept("zalo", {"update_id": 3})
    await crashed.applied(first)  # applied, but the process died before forgetting it
    seen: list[tuple[str, int]] = []

    def processor(channel: str) -> Any:
        async def process(body: dict[str, Any], _received: float) -> None:
            seen.append((channel, int(body["update_id"])))

        return process

    restarted = WebhookInbox(db, FixedClock(NOW + timedelta(seconds=5)))
    replayed = await restarted.replay(
        {"telegram": processor("telegram"), "zalo": processor("zalo")}, 0.0
    )
    # The applied update 1 comes again: the dispatcher's update-id record makes it a no-op.
    assert seen == [("telegram", 1), ("telegram", 2), ("zalo", 3)]
    assert replayed == 3
    assert stored(db) == []
