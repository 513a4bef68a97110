"""Leaders review unanswered questions and teach the bot new phrasings; permissions."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.app import App
from handlers.faq.service import FaqService
from storage import handoff as store
from storage.faq_phrasing import FaqPhrasing
from tests.factories import Harness, User
from tests.handlers.faq_helpers import (
    add_member,
    add_ward_admin,
    make_team,
    stored_questions,
    title,
    vi,
)

WATER = "Lịch cắt nước tuần này ở đâu xem được?"
GOLD = "Giá vàng hôm nay bao nhiêu?"


def place(app: App, user: User, team_id: int) -> None:
    """Remember that a resident lives in a team's area."""
    now = app.parts.clock.now()

    def work(session: Session) -> None:
        from storage import people

        person = people.ensure_person(
            session, channel="test", user_id=user.user_id, chat_id=user.user_id, now=now
        )
        store.remember_place(session, person_id=person.id or 0, team_id=team_id, now=now)

    app.db.run_sync(work)


async def setup_questions(app: App, harness: Harness) -> tuple[int, int]:
    """Tổ 12 and Tổ 5 each get one unanswered question; a third has no team."""
    ours, theirs = make_team(app), make_team(app, "Tổ 5", ward="Phường Thanh Khê")
    add_member(app, ours, "lead", role="leader")
    add_member(app, ours, "v1")
    add_member(app, theirs, "lead5", role="leader")
    for user_id, team, question in (("r1", ours, WATER), ("r2", theirs, GOLD)):
        resident = harness.user(user_id)
        place(app, resident, team)
        await resident.say(question)
    await harness.user("r3").say("Hỏi giá xăng ngày mai")
    return ours, theirs


async def test_leader_attaches_a_question_and_the_bot_learns_it(harness: Harness, app: App) -> None:
    ours, _ = await setup_questions(app, harness)
    water = next(q for q in stored_questions(app) if q.team_id == ours)
    lead = harness.user("lead")
    await lead.say("/unanswered")
    assert lead.text().startswith(vi(app, "unans.header", count=1))
    assert f"#{water.id}" in lead.text() and "Giá vàng" not in lead.text()
    assert lead.payloads() == [f"faq:q:{water.id}"]
    await lead.press(f"faq:q:{water.id}")
    assert lead.text() == vi(app, "unans.detail", id=water.id, text=water.text)
    assert lead.payloads()[-2:] == [f"faq:ap:{water.id}:1", f"faq:x:{water.id}"]
    await lead.press(f"faq:ap:{water.id}:1")
    assert all(
        p.startswith(f"faq:a:{water.id}:") or p.startswith(f"faq:ap:{water.id}:")
        for p in lead.payloads()
    )
    await lead.press(f"faq:a:{water.id}:utility_bills")
    assert lead.text() == vi(app, "unans.attached", id=water.id, title=title(app, "utility_bills"))
    resident = harness.user("r4")
    await resident.say(WATER)
    assert resident.text().startswith(title(app, "utility_bills"))
    assert [q.status for q in stored_questions(app) if q.id == water.id] == ["attached"]
    await lead.say("/unanswered")
    assert lead.text() == vi(app, "unans.none")
    await lead.press(f"faq:a:{water.id}:utility_bills")
    assert lead.text() == vi(app, "unans.gone")


async def test_stored_phrasings_reach_a_freshly_built_service(harness: Harness, app: App) -> None:
    ours, _ = await setup_questions(app, harness)
    water = next(q for q in stored_questions(app) if q.team_id == ours)
    await harness.user("lead").press(f"faq:a:{water.id}:utility_bills")
    rows = app.db.run_sync(lambda s: list(s.exec(select(FaqPhrasing)).all()))
    assert [(r.key, r.text) for r in rows] == [("utility_bills", water.text)]
    fresh = FaqService()
    assert fresh.match(WATER).key is None
    assert app.db.run_sync(lambda s: fresh.sync(s)) == 1
    assert fresh.match(WATER).key == "utility_bills"
    assert app.db.run_sync(lambda s: fresh.sync(s, force=True)) == 0


async def test_leader_sees_only_their_teams_questions(harness: Harness, app: App) -> None:
    await setup_questions(app, harness)
    gold = next(q for q in stored_questions(app) if q.text == GOLD)
    lead = harness.user("lead")
    for payload in (f"faq:q:{gold.id}", f"faq:a:{gold.id}:cccd", f"faq:x:{gold.id}"):
        await lead.press(payload)
        assert lead.text() == vi(app, "unans.gone"), payload
    other = harness.user("lead5")
    await other.say("/unanswered")
    assert GOLD in other.text() and "Lịch cắt nước" not in other.text()
    assert stored_questions(app)[1].status == "unanswered"


async def test_residents_and_volunteers_cannot_review(harness: Harness, app: App) -> None:
    await setup_questions(app, harness)
    water = stored_questions(app)[0]
    for user_id in ("r1", "v1"):
        user = harness.user(user_id)
        await user.say("/unanswered")
        assert user.text() == vi(app, "error.not_allowed")
        await user.press(f"faq:a:{water.id}:utility_bills")
        assert user.text() == vi(app, "error.not_allowed")
    assert stored_questions(app)[0].status == "unanswered"


async def test_ward_admin_and_admin_scopes(harness: Harness, app: App) -> None:
    await setup_questions(app, harness)
    add_ward_admin(app, "Phường Thanh Khê", "wa")
    ward_admin = harness.user("wa")
    await ward_admin.say("/unanswered")
    assert GOLD in ward_admin.text() and "Lịch cắt nước" not in ward_admin.text()
    admin = harness.user("admin-1")
    await admin.say("/unanswered")
    assert admin.text().startswith(vi(app, "unans.header", count=3))


async def test_dismissing_a_question(harness: Harness, app: App) -> None:
    ours, _ = await setup_questions(app, harness)
    water = next(q for q in stored_questions(app) if q.team_id == ours)
    lead = harness.user("lead")
    await lead.press(f"faq:x:{water.id}")
    assert lead.text() == vi(app, "unans.dismissed", id=water.id)
    assert [q.status for q in stored_questions(app) if q.id == water.id] == ["dismissed"]


async def test_a_former_leader_cannot_review(harness: Harness, app: App) -> None:
    lead = harness.user("lead")
    await lead.say("/unanswered")
    assert lead.text() == vi(app, "error.not_allowed")
