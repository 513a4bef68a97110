"""Logging the way volunteers talk (issue 13 items 1-5 and 7, issue 15 items 3 and 7).

One-line logs never saved wrong, service words as people say them, free text offered as a log or a
correction, guided taps counted, ways back and out, a finished handoff offered as a log, awareness
sessions, classes and households.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.app import App
from domain.services import default_catalogue
from storage import assists
from storage.models import Conversation
from storage.question_models import ResidentQuestion
from tests.factories import Harness, User
from tests.handlers.faq_helpers import handoffs
from tests.handlers.log_helpers import area_ids, make_team, records, vi, volunteer
from tests.handlers.log_tap_paths import PATHS, play, stored
from tests.handlers.test_faq_handoff import World

L2 = "vneid_level2"
TODAY = date(2026, 3, 4)  # the test clock: a Wednesday


def state_of(app: App, user: User) -> str:
    row = app.db.run_sync(
        lambda s: s.exec(select(Conversation).where(Conversation.user_id == user.user_id)).first()
    )
    return row.state if row else ""


def unanswered(app: App) -> int:
    return len(app.db.run_sync(lambda s: list(s.exec(select(ResidentQuestion)).all())))


def label(key: str) -> str:
    return default_catalogue().label(key)


# --- 13.1 one-line logs ---------------------------------------------------------------------------

ISSUE_LINES = [
    pytest.param("2 nguoi muc 2, 1 that bai sim, 40 phut", [], (L2, 2, 1, ("sim_not_own_name",)),
                 40, TODAY, id="failure-and-reason-from-the-line"),
    pytest.param("mức 2 2 người (1 lỗi sim) 40p", [], (L2, 2, 1, ("sim_not_own_name",)), 40, TODAY,
                 id="failure-in-brackets"),
    pytest.param("vneid2 2 1 40p", ["lg:r:0:otp_not_received"], (L2, 2, 1, ("otp_not_received",)),
                 40, TODAY, id="two-bare-counts-assumed-and-reason-asked"),
    pytest.param("mức 2 2 người 40p thứ năm", [], (L2, 2, 2, ()), 40, date(2026, 2, 26),
                 id="weekday"),
    pytest.param("vneid 3 30p", [], (L2, 3, 3, ()), 30, TODAY, id="vneid-alone"),
    pytest.param("thanh toán 2 30p", [], ("cashless", 2, 2, ()), 30, TODAY, id="thanh-toan"),
    pytest.param("không dùng tiền mặt 2 20p", [], ("cashless", 2, 2, ()), 20, TODAY,
                 id="the-bots-own-name"),
    pytest.param("vneid2 2/1 30p", ["lg:k:0:0"], (L2, 1, 0, ("other",)), 30, TODAY,
                 id="2/1-is-asked"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "answers", "item", "minutes", "day"), ISSUE_LINES)
async def test_issue_lines_are_saved_as_meant_or_asked_first(
    harness: Harness, app: App, line: str, answers: list[str],
    item: tuple[str, int, int, tuple[str, ...]], minutes: int, day: date,
) -> None:  # fmt: skip
    user = volunteer(harness, make_team(app, areas=()))
    await user.say(f"/log {line}")
    for step in answers:
        assert step in user.payloads(), user.text()
        await user.press(step)
    if state_of(app, user) == "log.why":  # a reason not given in the line is asked
        await user.press(f"lg:r:0:{item[3][0] if item[3] else 'other'}")
    assert state_of(app, user) == "log.card", user.text()
    card = user.text()
    assert f"{day.strftime('%d/%m/%Y')}" in card
    await user.press("lg:save")
    [record] = records(app)
    [saved] = record.items
    assert (saved.service, saved.people, saved.succeeded, saved.reasons) == item
    assert (record.minutes, record.day) == (minutes, day)


async def test_the_card_says_what_was_assumed(harness: Harness, app: App) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await user.say("/log vneid 3 30p")
    card = user.text()
    assert vi(app, "logx.card.assumed") in card
    assert vi(app, "logx.assumed.assumed_service", value="vneid", service=label(L2)) in card
    assert "lg:edit" in user.payloads()
    await user.say("/cancel")
    await user.say("/log vneid2 2 1 40p")
    await user.press("lg:r:0:other")
    assert vi(app, "logx.assumed.two_counts", value="2 1", people=2, ok=1) in user.text()


async def test_a_second_log_line_typed_at_the_card_is_not_taken_for_a_note(
    harness: Harness, app: App
) -> None:
    """A volunteer in a hurry types the next session while the first card waits: nothing lost."""
    user = volunteer(harness, make_team(app, areas=()))
    await user.say("/log vneid2 3 30p")
    await user.say("thanh toán 2 20p")
    assert vi(app, "logx.card.pending", line="thanh toán 2 20p") in user.text()
    await user.say("cụ bà 80 tuổi")  # an ordinary note is still a note
    await user.press("lg:save")
    [record] = records(app)
    assert record.note == "cụ bà 80 tuổi"
    assert [(i.service, i.people) for i in record.items] == [(L2, 3)]


async def test_words_not_understood_are_shown_as_typed(harness: Harness, app: App) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await user.say("/log vneid2 3 30p Bà Tư nhờ")
    assert vi(app, "log.problem.unknown_tokens", tokens="Bà Tư nhờ") in user.text()


async def test_a_number_not_understood_is_asked_again(harness: Harness, app: App) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await user.say("/log vneid2 2 5 30p")
    assert vi(app, "logx.problem.loose_number", value="5") in user.text()
    assert state_of(app, user) == "log.people"


async def test_households_from_the_line_are_shown_and_stored(harness: Harness, app: App) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await user.say("/log vneid2 3 2hộ 30p")
    assert vi(app, "logx.card.households", households=2) in user.text()
    await user.press("lg:save")
    [record] = records(app)
    assert (record.kind, record.households, record.attendees) == ("assist", 2, None)


@pytest.mark.parametrize(
    ("line", "kind", "attendees"),
    [("tuyên truyền 35 người 60p", "awareness", 35), ("lớp học 20 học viên 90p", "class", 20)],
)
async def test_awareness_sessions_and_classes_in_one_line(
    harness: Harness, app: App, line: str, kind: str, attendees: int
) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await user.say(f"/log {line}")
    assert vi(app, f"logx.card.{kind}", attendees=attendees) in user.text()
    await user.press("lg:save")
    [record] = records(app)
    assert (record.kind, record.attendees, record.items) == (kind, attendees, ())
    await user.say("/mine")
    assert vi(app, f"logx.record.{kind}", attendees=attendees) in user.text()


# --- 13.2 service words -----------------------------------------------------------------------

SAID = {
    "vneid_install_l1": ["cài vneid", "cai vneid", "đăng ký mức 1"],
    L2: ["định danh mức 2", "dinh danh muc 2", "vneid2", "mức 2"],
    "vneid_account_issue": ["sự cố tài khoản vneid", "quên mật khẩu"],
    "vneid_documents": ["tích hợp giấy tờ", "tich hop giay to"],
    "dvc_online": ["dịch vụ công trực tuyến", "dvc"],
    "dvc_payment": ["thanh toán lệ phí", "le phi"],
    "residence": ["cư trú", "cu tru"],
    "social_insurance": ["vssid", "bhxh", "bhyt", "bảo hiểm xã hội"],
    "health": ["y tế số", "sổ sức khỏe", "so suc khoe"],
    "smart_city_feedback": ["phản ánh", "góp ý"],
    "cashless": ["thanh toán không dùng tiền mặt", "khong dung tien mat", "qr"],
    "ecommerce_business": ["kinh tế số", "bán hàng online"],
    "cyber_safety": ["an toàn thông tin", "chống lừa đảo"],
    "digital_literacy": ["bình dân học vụ số", "kỹ năng số"],
    "etax": ["thuế điện tử", "etax", "etax mobile", "thue dien tu"],
    "digital_signature": ["chữ ký số cá nhân", "chu ky so"],
    "id_card_vneid": ["cấp đổi căn cước", "căn cước", "can cuoc"],
    "civil_status": ["hộ tịch trực tuyến", "khai sinh", "kết hôn", "ket hon"],
    "passport_vneid": ["hộ chiếu", "ho chieu"],
    "criminal_record_vneid": ["phiếu lý lịch tư pháp", "ly lich tu phap"],
    "land_records": ["đất đai", "dat dai"],
    "school_enrolment": ["tuyển sinh trực tuyến", "tuyen sinh", "giáo dục"],
}


def test_every_service_is_reachable_by_the_words_people_say() -> None:
    catalogue = default_catalogue()
    assert set(SAID) | {"other"} == {s.key for s in catalogue.all()}
    for key, words in SAID.items():
        for word in words:
            found = catalogue.by_word(word)
            assert found is not None and found[0].key == key, (word, key)


def test_new_services_are_appended_before_other_and_land_is_no_longer_other() -> None:
    keys = [s.key for s in default_catalogue().all()]
    new = ["etax", "digital_signature", "id_card_vneid", "civil_status", "passport_vneid",
           "criminal_record_vneid", "land_records", "school_enrolment"]  # fmt: skip
    assert keys[-len(new) - 1 :] == [*new, "other"]
    assert default_catalogue().get("other").aliases == ("khác",)  # type: ignore[union-attr]
    for key in new:
        assert default_catalogue().get(key).reasons[-1].key == "other"  # type: ignore[union-attr]


async def test_an_unknown_service_word_gets_the_words_and_the_buttons(
    harness: Harness, app: App
) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await user.say("/log vnid 3 30p")
    words = ", ".join(default_catalogue().short_words())
    assert vi(app, "logx.hint.words", words=words) in user.text()
    assert f"lg:s:{L2}" in user.payloads()
    await user.say("xyz")
    assert vi(app, "logx.hint.service", words=words) in user.text()
    await user.say("vneid")  # a vague word typed at the service question: assumed and said
    assert vi(app, "logx.assumed.service", value="vneid", service=label(L2)) in user.text()
    assert state_of(app, user) == "log.people"


# --- 13.3 free text from a member ---------------------------------------------------------------


async def test_a_members_text_that_reads_like_a_log_is_offered_as_one(
    harness: Harness, app: App
) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await user.say("hôm nay giúp 3 người cài vneid")
    assert vi(app, "logx.offer.log") in user.text()
    assert state_of(app, user) == "log.min"
    await user.press("lg:m:30")
    assert state_of(app, user) == "log.card"
    await user.press("lg:save")
    [record] = records(app)
    assert [(i.service, i.people, i.succeeded) for i in record.items] == [
        ("vneid_install_l1", 3, 3)
    ]
    assert unanswered(app) == 0


async def test_a_correction_offers_to_edit_the_last_record(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await user.say("/log vneid2 2 30p")
    await user.press("lg:save")
    await user.say("Cô ghi nhầm thời gian, đúng ra là 1 tiếng 10 phút")
    assert vi(app, "logx.offer.correct", id=1) in user.text()
    assert "1 giờ 10 phút" in user.text()
    await user.press("lg:save")
    [record] = records(app)
    assert record.minutes == 70
    audit = app.db.run_sync(lambda s: assists.audit_of(s, 1))
    assert [a.action for a in audit] == ["edit"]
    assert unanswered(app) == 0


@pytest.mark.parametrize(
    "question",
    ["cài vneid cho 3 người thì làm sao?", "làm sao cài vneid mức 2 cho 2 người",
     "cho hỏi 2 người đăng ký mức 2 ở đâu"],
)  # fmt: skip
async def test_a_member_can_still_ask_the_faq(harness: Harness, app: App, question: str) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await user.say(question)
    assert vi(app, "logx.offer.log") not in user.text()
    assert state_of(app, user) == ""
    assert records(app) == []


# --- 13.4 taps ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PATHS))
async def test_guided_log_taps(harness: Harness, app: App, name: str) -> None:
    player, most = PATHS[name]
    count = await player(harness, app)
    print(f"{name}: {count.taps} taps, {count.typed} typed")
    assert count.taps <= most
    assert len(records(app)) >= 1


async def test_common_case_takes_six_taps_and_failure_seven(harness: Harness, app: App) -> None:
    count = await PATHS["common case (returning volunteer)"][0](harness, app)
    assert (count.taps, count.typed) == (6, 0)
    assert stored(app) == [(L2, 3, 3, ())]
    [_, record] = records(app)
    assert (record.minutes, record.area_id) == (30, 2)


async def test_service_order_is_fixed_and_recent_services_are_an_extra_row(
    harness: Harness, app: App
) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await user.say("/log")
    fixed = [p for p in user.payloads() if p.startswith("lg:s:")]
    assert fixed[:6] == [f"lg:s:{s.key}" for s in default_catalogue().all()[:6]]
    await play(user, ["qr", "lg:n:0:1", "lg:k:0:1", "lg:m:15", "lg:save"])
    await user.say("/log")
    after = [p for p in user.payloads() if p.startswith("lg:s:")]
    assert after[0] == "lg:s:cashless"  # the extra first row
    assert after[1:] == fixed  # the catalogue's order did not move


async def test_usual_duration_is_one_tap_and_one_failure_needs_no_next(
    harness: Harness, app: App
) -> None:
    team = make_team(app, areas=("Thôn A",))
    user = volunteer(harness, team)
    await play(user, ["/log", f"lg:s:{L2}", "lg:n:0:1", "lg:k:0:1", "45p", "lg:save"])
    await play(user, ["/log", f"lg:s:{L2}", "lg:n:0:2", "lg:k:0:1"])
    assert "lg:nx:0" not in user.payloads()
    await user.press("lg:r:0:phone_no_nfc")
    assert state_of(app, user) == "log.min"
    assert user.payloads()[0] == "lg:m:45"
    assert user.last[-1].reply.buttons[0][0].label == vi(
        app, "logx.button.usual", duration="45 phút"
    )


# --- 13.5 ways out and back -------------------------------------------------------------------------


async def test_back_button_and_quay_lai_go_back_one_step(harness: Harness, app: App) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await play(user, ["/log", f"lg:s:{L2}", "lg:n:0:3", "lg:k:0:2", "lg:r:0:other"])
    assert state_of(app, user) == "log.min"
    await user.press("lg:bk")
    assert state_of(app, user) == "log.why"
    await user.say("quay lại")
    assert state_of(app, user) == "log.ok"
    await user.say("Quay lai")
    assert state_of(app, user) == "log.people"
    await user.say("quay lại")
    assert state_of(app, user) == "log.svc"
    await user.say("quay lại")
    assert vi(app, "logx.back.first") in user.text()
    assert state_of(app, user) == "log.svc"
    await play(user, [f"lg:s:{L2}", "lg:n:0:1", "lg:k:0:1", "lg:m:30", "lg:save"])
    assert stored(app) == [(L2, 1, 1, ())]


@pytest.mark.parametrize("word", ["hủy", "huỷ", "thôi", "dừng", "cancel", "/huy", "/cancel"])
async def test_vietnamese_ways_out_end_the_flow(harness: Harness, app: App, word: str) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await play(user, ["/log", f"lg:s:{L2}"])
    await user.say(word)
    assert state_of(app, user) == ""
    assert records(app) == []


@pytest.mark.parametrize(
    ("script", "typed"),
    [([], "abc"), ([f"lg:s:{L2}"], "nhiều"), ([f"lg:s:{L2}", "lg:n:0:1", "lg:k:0:1"], "lâu")],
)
async def test_every_not_understood_names_the_way_out(
    harness: Harness, app: App, script: list[str], typed: str
) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await play(user, ["/log", *script])
    await user.say(typed)
    assert vi(app, "logx.way_out") in user.text()


# --- 15.3 guided awareness sessions, classes, households -------------------------------------------


async def test_guided_awareness_session_with_households(harness: Harness, app: App) -> None:
    team = make_team(app)
    user = volunteer(harness, team)
    area = area_ids(app, team)["Tổ dân phố 1"]
    await play(user, ["/log", "lg:kd:awareness"])
    assert user.text() == vi(app, "logx.ask.attendees.awareness")
    await user.say("ba mươi lăm")
    assert vi(app, "logx.hint.attendees", max=5000) in user.text()
    await play(user, ["35 người", "lg:m:60", f"lg:a:{area}", "lg:hh"])
    await user.say("12")
    card = user.text()
    assert vi(app, "logx.card.awareness", attendees=35) in card
    assert vi(app, "logx.card.households", households=12) in card
    await user.press("lg:save")
    [record] = records(app)
    assert (record.kind, record.attendees, record.households, record.items) == (
        "awareness", 35, 12, (),
    )  # fmt: skip
    await user.say("/mine")
    assert vi(app, "logx.record.households", households=12) in user.text()


async def test_guided_class(harness: Harness, app: App) -> None:
    user = volunteer(harness, make_team(app, areas=()))
    await play(user, ["/log", "lg:kd:class", "20", "lg:m:120", "lg:save"])
    [record] = records(app)
    assert (record.kind, record.attendees, record.minutes) == ("class", 20, 120)


# --- 13.7 after a handoff ---------------------------------------------------------------------


async def test_a_finished_handoff_is_offered_as_a_prefilled_log(harness: Harness, app: App) -> None:
    world = World(app, harness)
    await world.resident.press(f"ho:ask:k:{'vneid_level2'}")
    await world.resident.press("ho:w:1")
    await world.resident.press(f"ho:t:{world.team}")
    [handoff] = handoffs(app)
    await world.v1.press(f"ho:take:{handoff.id}")
    await world.resident.say("/end")
    offer = f"lg:ho:{handoff.id}:{L2}"
    assert [p for d in world.resident.last if d.address.chat_id == "v1"
            for p in (b.payload for b in d.reply.all_buttons())] == [offer]  # fmt: skip
    await world.v1.press(offer)
    assert vi(app, "logx.handoff.prefilled", service=label(L2)) in world.v1.text()
    assert state_of(app, world.v1) == "log.ok"
    await play(world.v1, ["lg:k:0:1", "lg:m:15"])
    area = area_ids(app, world.team)["Tổ dân phố 1"]
    await play(world.v1, [f"lg:a:{area}", "lg:save"])
    assert stored(app) == [(L2, 1, 1, ())]
    await world.v2.press(offer)  # not the volunteer who took it
    assert world.v2.text() == vi(app, "error.stale_button")


async def test_records_keep_their_fields_when_corrected(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await user.say("/log tuyên truyền 35 người 60p")
    await user.press("lg:save")
    await user.say("ghi nhầm, đúng ra là 90 phút")
    await user.press("lg:save")
    [record] = records(app)
    assert (record.kind, record.attendees, record.minutes) == ("awareness", 35, 90)
