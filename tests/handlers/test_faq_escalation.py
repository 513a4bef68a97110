"""The 30-minute escalation sweep, timeouts, and the atomic claim on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.app import App
from bot.core.clock import FixedClock
from bot.core.messages import Delivery
from handlers.faq.escalation import escalate_handoffs
from storage import handoff as store
from storage import people, teams
from storage.db import Database
from tests.factories import Harness
from tests.handlers.faq_helpers import add_ward_admin, handoffs, make_team, texts_to, vi
from tests.handlers.test_faq_handoff import World, ask_and_place

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)


def sweep(app: App) -> list[Delivery]:
    """Run the escalation sweep at the app's clock."""
    now = app.parts.clock.now()
    return app.db.run_sync(lambda s: escalate_handoffs(s, now=now, parts=app.parts))


async def test_leader_is_told_once_after_30_minutes(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    clock.advance(timedelta(minutes=29))
    assert sweep(app) == []
    clock.advance(timedelta(minutes=2))
    sent = sweep(app)
    assert {d.address.chat_id for d in sent} == {"lead", "r1"}
    leader = texts_to(sent, "lead")
    assert leader.startswith(f"⏰ Yêu cầu #{handoff_id}") and "Tổ 12" in leader
    assert [
        b.payload for d in sent if d.address.chat_id == "lead" for b in d.reply.all_buttons()
    ] == [f"ho:take:{handoff_id}"]
    assert texts_to(sent, "r1") == vi(app, "handoff.escalated_resident")
    assert "chưa có" in texts_to(sent, "r1").casefold()
    clock.advance(timedelta(minutes=5))
    assert sweep(app) == []
    assert handoffs(app)[0].escalated_at is not None
    await world.lead.press(f"ho:take:{handoff_id}")
    assert texts_to(world.lead.last, "r1") == vi(app, "handoff.taken_resident")


async def test_taken_handoffs_are_not_escalated(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.v2.press(f"ho:take:{handoff_id}")
    clock.advance(timedelta(hours=1))
    assert sweep(app) == []


async def test_ward_admin_is_told_when_the_team_has_no_leader(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    from tests.handlers.faq_helpers import add_member

    team = make_team(app, "Tổ 9", ward="Phường An Hải")
    add_member(app, team, "v9")
    add_ward_admin(app, "Phường An Hải", "wa")
    resident = harness.user("r9")
    await resident.press("ho:ask:k:vneid_otp")
    clock.advance(timedelta(minutes=31))
    sent = sweep(app)
    assert {d.address.chat_id for d in sent} == {"wa", "r9"}
    admin = harness.user("wa")
    await admin.press(f"ho:take:{handoffs(app)[0].id}")
    assert texts_to(admin.last, "r9") == vi(app, "handoff.taken_resident")


async def test_nobody_takes_it_for_a_day(harness: Harness, app: App, clock: FixedClock) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    clock.advance(timedelta(minutes=31))
    sweep(app)
    clock.advance(timedelta(hours=24))
    sent = sweep(app)
    assert texts_to(sent, "r1") == vi(app, "handoff.expired")
    [handoff] = handoffs(app)
    assert (handoff.status, handoff.text) == ("expired", "")
    assert sweep(app) == []
    await world.v1.press(f"ho:take:{handoff_id}")
    assert world.v1.text() == vi(app, "handoff.closed")
    await world.resident.say("quen mat khau vneid")
    assert not world.resident.text().startswith("⏳")


async def test_quiet_conversations_end_after_a_day(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.v1.press(f"ho:take:{handoff_id}")
    clock.advance(timedelta(hours=23))
    await world.resident.say("cảm ơn cháu")
    clock.advance(timedelta(hours=23))
    assert sweep(app) == []
    clock.advance(timedelta(hours=2))
    sent = sweep(app)
    assert texts_to(sent, "r1") == vi(app, "handoff.idle_closed")
    assert texts_to(sent, "v1") == vi(app, "handoff.idle_closed_volunteer", id=handoff_id)
    assert handoffs(app)[0].status == "closed"


def _open_handoff(db: Database) -> tuple[int, int, int]:
    def work(session: Session) -> tuple[int, int, int]:
        team = teams.create_team(
            session, ward_name="Phường Hải Châu", name="Tổ 1", areas=[], now=NOW
        )
        ids = [
            people.ensure_person(session, channel="test", user_id=u, chat_id=u, now=NOW).id or 0
            for u in ("r", "a", "b")
        ]
        draft = store.create_draft(
            session, resident_id=ids[0], address=("test", "r", "r"), text="?", topic=None, now=NOW
        )
        store.open_for_team(session, handoff_id=draft.id or 0, team_id=team.id or 0, now=NOW)
        return draft.id or 0, ids[1], ids[2]

    return db.run_sync(work)


def test_two_claims_on_the_same_handoff_exactly_one_wins(db_url: str) -> None:
    db = Database(db_url)
    try:
        handoff_id, first_id, second_id = _open_handoff(db)
        results: dict[str, bool] = {}
        with Session(db.engine, expire_on_commit=False) as first, first.begin():
            results["first"] = store.claim(
                first,
                handoff_id=handoff_id,
                volunteer_id=first_id,
                address=("test", "a", "a"),
                now=NOW,
            )

            def second() -> None:
                results["second"] = db.run_sync(
                    lambda s: store.claim(
                        s,
                        handoff_id=handoff_id,
                        volunteer_id=second_id,
                        address=("test", "b", "b"),
                        now=NOW,
                    )
                )

            racer = threading.Thread(target=second)
            racer.start()
            time.sleep(0.3)
        racer.join(timeout=30)
        assert results == {"first": True, "second": False}
        row = db.run_sync(lambda s: store.get(s, handoff_id))
        assert row is not None and row.volunteer_id == first_id and row.status == "taken"
    finally:
        db.close()


def test_concurrent_claims_race_freely(db_url: str) -> None:
    db = Database(db_url)
    try:
        handoff_id, first_id, second_id = _open_handoff(db)
        barrier = threading.Barrier(2)
        results: list[bool] = []

        def claim(person_id: int, user: str) -> None:
            def work(session: Session) -> bool:
                barrier.wait(timeout=10)
                return store.claim(
                    session,
                    handoff_id=handoff_id,
                    volunteer_id=person_id,
                    address=("test", user, user),
                    now=NOW,
                )

            results.append(db.run_sync(work))

        racers = [
            threading.Thread(target=claim, args=(first_id, "a")),
            threading.Thread(target=claim, args=(second_id, "b")),
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(timeout=30)
        assert sorted(results) == [False, True]
    finally:
        db.close()


async def test_run_escalation_sends_what_the_sweep_returns(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    from handlers.faq.escalation import run_escalation

    await ask_and_place(World(app, harness))
    clock.advance(timedelta(minutes=31))
    sent: list[Delivery] = []

    async def send(delivery: Delivery) -> None:
        if delivery.address.chat_id == "lead":
            raise RuntimeError("channel down")
        sent.append(delivery)

    assert await run_escalation(app.db, app.parts, send) == 1
    assert [d.address.chat_id for d in sent] == ["r1"]
    assert await run_escalation(app.db, app.parts, send) == 0


async def test_the_scheduler_runs_the_sweep_every_minute(app: App) -> None:
    from scheduler.runner import HANDOFF_JOB, SchedulerService

    service = SchedulerService(app.db, app.dispatcher, app.parts, charts=False, use_lease=False)
    service.start()
    try:
        assert service._scheduler is not None
        job = service._scheduler.get_job(HANDOFF_JOB)
        assert job is not None and job.trigger.interval == timedelta(minutes=1)
    finally:
        await service.shutdown()
