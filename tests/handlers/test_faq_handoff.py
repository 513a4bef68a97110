"""Handoff to a volunteer on the neutral model: place, notify, first tap wins, relay, ending."""

from __future__ import annotations

from bot.app import App
from storage import conversations
from tests.factories import Harness, User
from tests.handlers.faq_helpers import (
    add_member,
    handoffs,
    make_team,
    payloads_to,
    stored_questions,
    texts_to,
    title,
    to,
    vi,
)

QUESTION = "Giá vàng hôm nay bao nhiêu? 048190001234 0905 123 456"


class World:
    """Two wards, three teams; Tổ 12 has two volunteers and a leader."""

    def __init__(self, app: App, harness: Harness) -> None:
        self.app = app
        self.team = make_team(app, areas=["Tổ dân phố 1", "Tổ dân phố 2"])
        self.other = make_team(app, "Tổ 5")
        self.far = make_team(app, "Tổ 3", ward="Phường Thanh Khê")
        for user_id, role in (("v1", "volunteer"), ("v2", "volunteer"), ("lead", "leader")):
            add_member(app, self.team, user_id, role=role)
        add_member(app, self.far, "v3")
        self.v1 = harness.user("v1", name="Minh Volunteer")
        self.v2 = harness.user("v2", name="Hoa")
        self.lead = harness.user("lead", name="Leader Tuấn")
        self.v3 = harness.user("v3")
        self.resident = harness.user("r1", name="Bà Lan")


async def ask_and_place(world: World) -> int:
    """The resident asks something unknown, asks for a volunteer and picks Tổ 12."""
    resident = world.resident
    await resident.say(QUESTION)
    [question] = stored_questions(world.app)
    await resident.press(f"ho:ask:q:{question.id}")
    assert resident.text() == vi(world.app, "handoff.pick_ward")
    assert resident.payloads() == ["ho:w:1", "ho:w:2"]
    await resident.press("ho:w:1")
    assert resident.text() == vi(world.app, "handoff.pick_team", ward="Phường Hải Châu")
    labels = [b.label for d in resident.last for b in d.reply.all_buttons()]
    assert labels == ["Tổ 12 · Tổ dân phố 1, Tổ dân phố 2", "Tổ 5"]
    await resident.press(f"ho:t:{world.team}")
    [handoff] = handoffs(world.app)
    assert handoff.id is not None
    return handoff.id


async def test_resident_picks_place_and_the_team_is_notified(harness: Harness, app: App) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    sent = world.resident.last
    assert texts_to(sent, "r1").startswith(
        vi(app, "handoff.sent", team="Tổ 12", ward="Phường Hải Châu")
    )
    notice = vi(
        app,
        "handoff.notify",
        team="Tổ 12",
        id=handoff_id,
        question="Giá vàng hôm nay bao nhiêu? [đã ẩn] [đã ẩn]",
    )
    for member in ("v1", "v2", "lead"):
        assert texts_to(sent, member) == notice
        assert payloads_to(sent, member) == [f"ho:take:{handoff_id}"]
    assert to(sent, "v3") == []
    assert "048190001234" not in str(handoffs(app)[0])


async def test_first_tap_wins_and_the_others_are_told(harness: Harness, app: App) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.v1.press(f"ho:take:{handoff_id}")
    taken = world.v1.last
    assert texts_to(taken, "v1").startswith(f"Bạn đã nhận yêu cầu #{handoff_id}")
    assert texts_to(taken, "r1") == vi(app, "handoff.taken_resident")
    for other in ("v2", "lead"):
        assert texts_to(taken, other) == vi(app, "handoff.taken_other", id=handoff_id)
    await world.v2.press(f"ho:take:{handoff_id}")
    assert world.v2.text() == vi(app, "handoff.already_taken")
    [handoff] = handoffs(app)
    assert handoff.status == "taken" and handoff.volunteer_id is not None


async def test_relay_both_ways_without_revealing_the_volunteer(harness: Harness, app: App) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.v1.press(f"ho:take:{handoff_id}")
    seen_by_resident = list(to(world.v1.last, "r1"))
    await world.resident.say("Tôi không nhận được mã OTP, số tôi 0905123456")
    assert texts_to(world.resident.last, "v1") == vi(
        app, "handoff.from_resident", text="Tôi không nhận được mã OTP, số tôi [đã ẩn]"
    )
    assert world.resident.text() == vi(app, "handoff.redacted")
    await world.v1.say("Bác thử bấm «Gửi lại mã» giúp cháu nhé")
    assert world.v1.text() == ""
    seen_by_resident += to(world.v1.last, "r1")
    assert seen_by_resident[-1].reply.text == vi(
        app, "handoff.from_volunteer", text="Bác thử bấm «Gửi lại mã» giúp cháu nhé"
    )
    await world.v1.say("mã OTP của bác là 123456 phải không")
    assert world.v1.text() == vi(app, "handoff.redacted")
    seen_by_resident += to(world.v1.last, "r1")
    assert "123456" not in seen_by_resident[-1].reply.text
    for delivery in seen_by_resident:
        assert "Minh" not in delivery.reply.text and "v1" not in delivery.reply.text
        assert not delivery.reply.buttons
    await world.resident.say("1")
    assert texts_to(world.resident.last, "v1") == vi(app, "handoff.from_resident", text="1")


async def test_resident_ends_and_both_are_told(harness: Harness, app: App) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.v1.press(f"ho:take:{handoff_id}")
    await world.resident.say("/end")
    assert world.resident.text() == vi(app, "handoff.ended_you")
    assert texts_to(world.resident.last, "v1") == "\n".join(
        [vi(app, "handoff.ended_by_resident", id=handoff_id), vi(app, "logx.handoff.offer")]
    )
    assert payloads_to(world.resident.last, "v1") == [f"lg:ho:{handoff_id}:"]
    [handoff] = handoffs(app)
    assert (handoff.status, handoff.closed_by, handoff.text) == ("closed", "resident", "")
    states = app.db.run_sync(conversations.all_states)
    assert all(not row.state for row in states)
    await world.v1.say("quen mat khau vneid")
    assert world.v1.text().startswith(title(app, "vneid_password"))
    assert to(world.v1.last, "r1") == []


async def test_volunteer_ends_and_the_resident_is_told(harness: Harness, app: App) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.v1.press(f"ho:take:{handoff_id}")
    await world.v1.say("/end")
    assert world.v1.texts() == [vi(app, "handoff.ended_you"), vi(app, "logx.handoff.offer")]
    assert world.v1.payloads() == [f"lg:ho:{handoff_id}:"]
    assert texts_to(world.v1.last, "r1") == vi(app, "handoff.ended_by_volunteer")
    await world.resident.say("quen mat khau vneid")
    assert world.resident.text().startswith(title(app, "vneid_password"))
    await world.resident.say("/end")
    assert world.resident.text() == vi(app, "handoff.nothing")


async def test_cancel_does_not_break_the_relay(harness: Harness, app: App) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.v1.press(f"ho:take:{handoff_id}")
    await world.resident.say("/cancel")
    await world.resident.say("Cháu ơi bác vẫn chưa làm được")
    assert texts_to(world.resident.last, "v1") == vi(
        app, "handoff.from_resident", text="Cháu ơi bác vẫn chưa làm được"
    )


async def test_waiting_resident_can_cancel(harness: Harness, app: App) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.resident.say("có ai không")
    assert world.resident.text() == vi(app, "handoff.waiting")
    await world.resident.press("ho:ask")
    assert world.resident.text() == vi(app, "handoff.already_open")
    await world.resident.say("/end")
    assert world.resident.text() == vi(app, "handoff.cancelled")
    await world.v1.press(f"ho:take:{handoff_id}")
    assert world.v1.text() == vi(app, "handoff.closed")


async def test_typed_request_asks_what_is_needed_and_remembers_the_team(
    harness: Harness, app: App
) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.resident.say("/end")
    await world.resident.say("Cho gặp người hỗ trợ")
    assert world.resident.text() == vi(app, "handoff.describe")
    await world.resident.say("Cài VNeID cho mẹ, mật khẩu: abc123")
    notices = world.resident.last
    assert vi(app, "faq.redacted") in texts_to(notices, "r1")
    assert vi(app, "handoff.sent", team="Tổ 12", ward="Phường Hải Châu") in texts_to(notices, "r1")
    second = handoffs(app)[-1]
    assert second.id != handoff_id and second.text == "Cài VNeID cho mẹ, mật khẩu: [đã ẩn]"
    assert "[đã ẩn]" in texts_to(notices, "v2")


async def test_help_under_an_answer_sends_the_topic(harness: Harness, app: App) -> None:
    world = World(app, harness)
    await world.resident.say("quen mat khau vneid")
    await world.resident.press_label("tình nguyện viên")
    await world.resident.press("ho:w:1")
    await world.resident.press(f"ho:t:{world.team}")
    topic = vi(app, "handoff.topic", title=title(app, "vneid_password"))
    assert topic in texts_to(world.resident.last, "v1")


async def test_resident_can_move_a_waiting_request_to_another_team(
    harness: Harness, app: App
) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.resident.press(f"ho:chg:{handoff_id}")
    await world.resident.press("ho:w:2")
    assert texts_to(world.resident.last, "r1").startswith(
        vi(app, "handoff.sent", team="Tổ 3", ward="Phường Thanh Khê")
    )
    assert payloads_to(world.resident.last, "v3") == [f"ho:take:{handoff_id}"]
    await world.v1.press(f"ho:take:{handoff_id}")
    assert world.v1.text() == vi(app, "error.not_allowed")
    await world.v3.press(f"ho:take:{handoff_id}")
    assert texts_to(world.v3.last, "r1") == vi(app, "handoff.taken_resident")


async def test_forged_and_foreign_handoff_ids_are_refused(harness: Harness, app: App) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    [question] = stored_questions(app)
    stranger: User = harness.user("r2")
    await world.v3.press(f"ho:take:{handoff_id}")
    assert world.v3.text() == vi(app, "error.not_allowed")
    await stranger.press(f"ho:take:{handoff_id}")
    assert stranger.text() == vi(app, "error.not_allowed")
    await stranger.press(f"ho:chg:{handoff_id}")
    assert stranger.text() == vi(app, "error.not_allowed")
    await stranger.press(f"ho:ask:q:{question.id}")
    assert stranger.text() == vi(app, "error.not_allowed")
    await stranger.press(f"ho:end:{handoff_id}")
    assert stranger.text() == vi(app, "handoff.nothing")
    await world.resident.press(f"ho:take:{handoff_id}")
    assert world.resident.text() == vi(app, "handoff.own")
    for payload in ("ho:take:999", "ho:take:x", "ho:w:1", "ho:zz:1", "ho:ask:k:nope"):
        await stranger.press(payload)
        assert stranger.text() == vi(app, "error.stale_button"), payload
    assert handoffs(app)[0].status == "open"


async def test_a_volunteer_handles_one_conversation_at_a_time(harness: Harness, app: App) -> None:
    world = World(app, harness)
    first = await ask_and_place(world)
    await world.v1.press(f"ho:take:{first}")
    other = harness.user("r2")
    await other.say("quen mat khau vneid")
    await other.press("ho:ask:k:vneid_password")
    await other.press("ho:w:1")
    await other.press(f"ho:t:{world.team}")
    second = handoffs(app)[-1].id
    await world.v1.press(f"ho:take:{second}")
    assert world.v1.text() == vi(app, "handoff.busy")
    await world.v2.press(f"ho:take:{second}")
    await other.say("chào em")
    assert texts_to(other.last, "v2") == vi(app, "handoff.from_resident", text="chào em")
    assert to(other.last, "v1") == []


async def test_a_team_without_reachable_members_is_said_honestly(
    harness: Harness, app: App
) -> None:
    make_team(app, "Tổ trống")
    resident = harness.user("r1")
    await resident.say("quen mat khau vneid")
    await resident.press("ho:ask:k:vneid_password")
    assert resident.text() == vi(app, "handoff.no_members", team="Tổ trống")
    assert handoffs(app)[0].status == "expired"


async def test_no_teams_at_all(harness: Harness, app: App) -> None:
    resident = harness.user("r1")
    await resident.press("ho:ask:k:vneid_password")
    assert resident.text() == vi(app, "handoff.no_teams")
