"""The daily cleanup applies the retention rules /privacy promises (injected clock)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.app import App
from bot.core.clock import FixedClock
from storage import conversations, dashboard_access, inbox
from storage.dashboard_access import Scope
from storage.models import Person, ProcessedUpdate
from storage.question_models import ResidentQuestion
from tests.factories import Harness
from tests.scheduler.support import Recorder, make_service

UNKNOWN = "Giá vàng hôm nay bao nhiêu?"


def questions_of(app: App) -> list[str]:
    """Return the stored questions' texts, oldest first."""
    rows = app.db.run_sync(lambda s: s.exec(select(ResidentQuestion)).all())
    return [r.text for r in sorted(rows, key=lambda r: r.created_at)]


async def test_the_daily_cleanup_purges_what_is_past_its_retention(
    app_any_db: App, clock: FixedClock
) -> None:
    app = app_any_db
    app.dispatcher.flood.limit = 10**9
    harness = Harness(app)
    old, recent = harness.user("old"), harness.user("recent")
    await old.say(f"{UNKNOWN} (cũ)")
    await old.press("ho:ask")  # a flow left open: its state expires after the TTL
    someone = app.db.run_sync(lambda s: s.exec(select(Person)).first())
    assert someone is not None and someone.id is not None
    app.db.run_sync(
        lambda s: dashboard_access.create_link(
            s, person_id=someone.id or 0, scope=Scope(teams=(1,)), locale="vi", now=clock.now(),
            ttl=timedelta(minutes=15),
        )
    )  # fmt: skip
    stale_inbox = app.db.run_sync(
        lambda s: inbox.put(s, channel="telegram", body={"update_id": 1}, now=clock.now())
    )
    clock.advance(timedelta(days=690))
    await recent.say(f"{UNKNOWN} (mới)")
    await recent.say("/privacy")
    clock.advance(timedelta(days=10))
    assert len(questions_of(app)) == 2
    assert "old" in {c.user_id for c in app.db.run_sync(conversations.all_states)}
    removed = await make_service(app, Recorder(), use_lease=False).cleanup()
    assert questions_of(app) == [f"{UNKNOWN} (mới)"], "700 days old: gone; 10 days old: kept"
    assert app.parts.settings.question_retention_days < 700
    assert removed["questions"] == 1 and removed["inbox"] == 1
    assert removed["dashboard_access"] == 1, "an expired sign-in link is removed"
    assert app.db.run_sync(lambda s: s.exec(select(ProcessedUpdate)).all()) == []
    users = {c.user_id for c in app.db.run_sync(conversations.all_states)}
    assert "old" not in users
    remaining = app.db.run_sync(lambda s: inbox.pending(s, before=clock.now()))
    assert stale_inbox not in [item.id for item in remaining]


async def test_the_cleanup_keeps_what_is_still_in_use(app: App, clock: FixedClock) -> None:
    harness = Harness(app)
    user = harness.user("fresh")
    await user.say(UNKNOWN)
    await user.press("ho:ask")
    clock.advance(timedelta(hours=1))
    removed = await make_service(app, Recorder(), use_lease=False).cleanup()
    assert removed["questions"] == 0 and removed["conversations"] == 0
    assert questions_of(app) == [UNKNOWN]
    [state] = app.db.run_sync(conversations.all_states)
    assert state.state == "handoff.describe"
    assert len(app.db.run_sync(lambda s: s.exec(select(ProcessedUpdate)).all())) == 2
