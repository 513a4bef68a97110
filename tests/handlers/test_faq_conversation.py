"""A conversation, not only a lookup (issue 14.7): greetings, mirroring, the way to a volunteer,
the area a resident already named, the usual wait, /faqaudit and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.app import App
from bot.core.clock import FixedClock
from handlers.faq.courtesy import ADDRESS_KEY
from storage import conversations, people
from storage.handoff import Handoff, ResidentPlace
from storage.models import Conversation
from tests.factories import Harness
from tests.handlers.faq_helpers import (
    add_member,
    add_ward_admin,
    handoffs,
    make_team,
    stored_questions,
    texts_to,
    vi,
)

WAY_FORWARD = ["ho:ask", "faq:p:1"]


def stored_address(app: App, user_id: str) -> object:
    """Return the form of address remembered for a test-channel user's chat."""
    state = app.db.run_sync(
        lambda s: conversations.load(s, channel="test", chat_id=user_id, user_id=user_id)
    )
    return state.data.get(ADDRESS_KEY)


def everything_stored(app: App) -> str:
    """Return every text the database keeps about conversations, questions and handoffs."""

    def work(session: object) -> str:
        rows: list[object] = []
        for model in (Conversation, Handoff):
            rows += list(session.exec(select(model)).all())  # type: ignore[attr-defined]
        return " ".join(repr(row) for row in rows)

    return app.db.run_sync(work) + " ".join(q.text for q in stored_questions(app))


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("alo", "chat.greeting"),
        ("xin chào", "chat.greeting"),
        ("cháu ơi", "chat.greeting"),
        ("cảm ơn cháu", "chat.thanks"),
        ("vâng ạ", "chat.ok"),
    ],
)
async def test_small_talk_gets_a_kind_reply_and_is_not_stored(
    harness: Harness, app: App, typed: str, key: str
) -> None:
    resident = harness.user("r1")
    await resident.say(typed)
    assert resident.text() == vi(app, key)
    assert resident.payloads() == WAY_FORWARD
    assert stored_questions(app) == []


async def test_english_thanks_gets_an_english_reply(harness: Harness, app: App) -> None:
    resident = harness.user("r1")
    await resident.say("thank you so much")
    assert resident.text() == app.parts.translations.get("en").text("chat.thanks")


async def test_transcript_of_an_elderly_resident_typing_without_diacritics(
    harness: Harness, app: App
) -> None:
    """72 years old, no diacritics: greeted, answered as "bác", thanked; nothing stored."""
    resident = harness.user("r1", name="Nguyen Van Ba")
    await resident.say("alo")
    assert resident.text() == vi(app, "chat.greeting")
    assert "Nhờ tình nguyện viên" in resident.text()

    await resident.say("chau oi bac muon cai vneid")
    answer = resident.text()
    assert answer.startswith("Cài ứng dụng VNeID")  # the install answer, not the ward names
    assert "App Store" in answer and "Nguồn:" in answer
    assert "Bác chỉ tải VNeID" in answer and "anh/chị" not in answer.casefold()
    assert resident.payloads() == ["faq:ok:vneid_install", "ho:ask:k:vneid_install"]
    assert stored_address(app, "r1") == "bác"

    await resident.say("cam on chau")
    assert resident.text() == vi(app, "chat.thanks").replace("Anh/chị", "Bác")
    assert "bác" in resident.text().casefold() and "anh/chị" not in resident.text()
    assert stored_questions(app) == [] and handoffs(app) == []


async def test_third_persons_are_not_mirrored(harness: Harness, app: App) -> None:
    resident = harness.user("r1")
    await resident.say("bà tôi 80 tuổi không có điện thoại thông minh thì đi khám bảo hiểm mang gì")
    assert "anh/chị" in resident.text().casefold()
    assert stored_address(app, "r1") is None


async def test_the_form_of_address_outlives_flows(harness: Harness, app: App) -> None:
    make_team(app, areas=["Tổ dân phố 1"])
    resident = harness.user("r1")
    await resident.say("cô muốn hỏi cách cài vneid")
    assert stored_address(app, "r1") == "cô"
    await resident.say("cho gặp tình nguyện viên")
    assert resident.text() == vi(app, "handoff.describe").replace("Anh/chị", "Cô")
    await resident.say("hủy")
    await resident.say("alo")
    assert resident.text().startswith("Dạ, chào cô ạ!")


async def test_answer_steps_cannot_be_taken_for_reply_options(harness: Harness, app: App) -> None:
    """On a channel without buttons, options are "1. 2."; an answer's steps are "- "."""
    resident = harness.user("z1", channel="plain")
    await resident.say("quên mật khẩu vneid thì làm sao")
    lines = resident.text().splitlines()
    steps = [line for line in lines if line.startswith("- ")]
    options = [line for line in lines if line[:1].isdigit() and line[1:3] == ". "]
    assert len(steps) >= 3
    assert [line[:2] for line in options] == ["1.", "2."]
    assert lines.index(options[0]) > lines.index(steps[-1])


async def test_the_welcome_offers_a_volunteer_directly(harness: Harness, app: App) -> None:
    make_team(app, areas=["Tổ dân phố 1"])
    resident = harness.user("r1")
    await resident.say("/start")
    assert "Nhờ tình nguyện viên" in resident.text()
    assert "menu:volunteer" in resident.payloads()
    await resident.press("menu:volunteer")
    assert resident.text() == vi(app, "handoff.describe")
    await resident.say("/volunteer")
    assert resident.text() == vi(app, "handoff.describe")


async def test_a_named_area_is_not_asked_for_again(harness: Harness, app: App) -> None:
    team = make_team(app, areas=["Tổ dân phố 1", "Tổ dân phố 2"])
    make_team(app, "Tổ 5", areas=["Tổ dân phố 21"])
    make_team(app, "Tổ 3", ward="Phường Thanh Khê", areas=["Thôn Phú Lộc"])
    add_member(app, team, "v1")
    resident = harness.user("r1")
    await resident.say("nhờ tình nguyện viên")
    await resident.say("bác ở tdp 2, muốn cài VNeID cho cháu")
    assert vi(app, "handoff.sent", team="Tổ 12", ward="Phường Hải Châu") in resident.text()
    assert vi(app, "handoff.pick_ward") not in resident.text()
    [handoff] = handoffs(app)
    assert handoff.team_id == team and handoff.status == "open"
    place = app.db.run_sync(lambda s: s.get(ResidentPlace, handoff.resident_id))
    assert place is not None and place.team_id == team


async def test_an_area_shared_or_only_a_prefix_still_asks(harness: Harness, app: App) -> None:
    make_team(app, areas=["Tổ dân phố 21"])
    make_team(app, "Tổ 3", ward="Phường Thanh Khê", areas=["Tổ dân phố 21"])
    resident = harness.user("r1")
    await resident.say("nhờ tình nguyện viên")
    await resident.say("tổ dân phố 2, cần cài VNeID")
    assert resident.text() == vi(app, "handoff.pick_ward")
    await resident.say("/cancel")
    await resident.say("nhờ tình nguyện viên")
    await resident.say("tổ dân phố 21, cần cài VNeID")  # two wards have one: still asked
    assert resident.text() == vi(app, "handoff.pick_ward")


async def test_the_handoff_says_when_a_volunteer_usually_answers(
    harness: Harness, app: App
) -> None:
    team = make_team(app)
    add_member(app, team, "v1")
    first = harness.user("r1")
    await first.say("nhờ tình nguyện viên")
    await first.say("cần cài VNeID")
    assert vi(app, "handoff.wait_unknown", minutes=30) in first.text()  # no history: honest

    now = app.parts.clock.now()

    def history(session: object) -> None:
        for index, minutes in enumerate((4, 8, 12, 15, 40)):
            person = people.ensure_person(
                session,  # type: ignore[arg-type]
                channel="test",
                user_id=f"old{index}",
                chat_id=f"old{index}",
                now=now,
            )
            opened = now - timedelta(days=index + 1)
            session.add(  # type: ignore[attr-defined]
                Handoff(
                    team_id=team,
                    resident_id=person.id or 0,
                    resident_channel="test",
                    resident_chat=f"old{index}",
                    resident_user=f"old{index}",
                    status="closed",
                    created_at=opened,
                    opened_at=opened,
                    taken_at=opened + timedelta(minutes=minutes),
                )
            )

    app.db.run_sync(history)
    second = harness.user("r2")
    await second.say("nhờ tình nguyện viên")
    await second.say("cần cài VNeID")
    assert vi(app, "handoff.wait_minutes", minutes=15, count=5) in second.text()  # median 12


async def test_leaders_and_admins_can_ask_for_the_faq_audit(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 12, 5, 3, 0, tzinfo=UTC))  # today; topics were checked 29/11-5/12
    app.dispatcher.flood.limit = 10**9
    team = make_team(app)
    add_member(app, team, "lead", role="leader")
    add_ward_admin(app, "Phường Hải Châu", "wa")
    leader = harness.user("lead")
    await leader.say("/faqaudit")
    text = leader.text()
    assert text.startswith(vi(app, "faqaudit.header", days=180, province="da_nang"))
    assert "(vneid_passcode)" in text and vi(app, "faqaudit.no_source", count=3) in text
    assert "Quá hạn" not in text  # every topic was checked in 2026
    await leader.say("/faqaudit 1")
    assert (
        "Quá hạn kiểm tra (" in leader.text()
        and ": kiểm tra lần cuối 29/11/2026, 6 ngày trước" in leader.text()
    )
    await leader.say("/faqaudit abc")
    assert leader.text() == vi(app, "faqaudit.usage")
    admin = harness.user("admin-1")
    await admin.say("/faqaudit")
    assert "(vneid_passcode)" in admin.text()
    ward_admin = harness.user("wa")
    await ward_admin.say("/faqaudit")
    assert "(vneid_passcode)" in ward_admin.text()
    for who in ("r1", "v1"):
        if who == "v1":
            add_member(app, team, "v1")
        user = harness.user(who)
        await user.say("/faqaudit")
        assert user.text() == vi(app, "error.not_allowed")


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("a", "chat.no_words"),
        ("?", "chat.no_words"),
        ("👍👍😀", "chat.no_words"),
        ("0905123456", "chat.digits"),
        ("0905 123 456", "chat.digits"),
        ("+84 905-123-456", "chat.digits"),
        ("048190001234", "chat.digits"),
        ("7", "chat.digits"),
    ],
)
async def test_wordless_input_gets_a_polite_reply_and_nothing_is_stored(
    harness: Harness, app: App, typed: str, key: str
) -> None:
    resident = harness.user("r1")
    await resident.say(typed)
    assert resident.text() == vi(app, key)
    assert resident.payloads() == WAY_FORWARD
    assert stored_questions(app) == []
    if len(typed) > 3:
        assert typed not in resident.text()
        assert typed.replace(" ", "") not in everything_stored(app).replace(" ", "")


async def test_very_long_and_mixed_script_questions_get_an_honest_reply(
    harness: Harness, app: App
) -> None:
    resident = harness.user("r1")
    long_question = "Cho bác hỏi " + "thủ tục giấy tờ nhà đất rườm rà quá " * 120 + "0905123456"
    assert len(long_question) >= 4000
    for typed in (long_question, "VNeID 你好 làm sao", "你好吗", "Привет как дела"):
        await resident.say(typed)
        assert resident.text(), typed
        assert vi(app, "error.unexpected") not in resident.text()
        shown = resident.payloads()
        assert any(p.startswith("ho:ask") for p in shown) or any(
            p.startswith("faq:ok") for p in shown
        ), (typed[:30], shown)
    assert "0905123456" not in everything_stored(app)
    assert all(len(q.text) <= 1000 for q in stored_questions(app))
    assert texts_to(resident.last, "r1")
