"""Transcripts of the issue's personas, asserting the replies' meaning and what is stored.

A 58-year-old volunteer logging step by step, a volunteer in a hurry writing one line, and a
72-year-old resident whose question must never be taken for a log.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from bot.app import App
from domain.services import default_catalogue
from storage.models import Conversation
from storage.question_models import ResidentQuestion
from tests.factories import Harness, User
from tests.handlers.log_helpers import area_ids, make_team, records, vi, volunteer

L2 = "vneid_level2"


def state_of(app: App, user: User) -> str:
    row = app.db.run_sync(
        lambda s: s.exec(select(Conversation).where(Conversation.user_id == user.user_id)).first()
    )
    return row.state if row else ""


def questions(app: App) -> list[str]:
    return app.db.run_sync(lambda s: [q.text for q in s.exec(select(ResidentQuestion)).all()])


async def test_volunteer_step_by_step(harness: Harness, app: App) -> None:
    """Cô Hạnh, 58: menu, taps, one mistake undone with 'quay lại', a failure with its reason."""
    team = make_team(app)
    area = area_ids(app, team)["Tổ dân phố 12"]
    co = volunteer(harness, team, "hanh")
    await co.say("/start")
    await co.press("menu:log")
    assert co.text() == vi(app, "log.ask.services")
    await co.press(f"lg:s:{L2}")
    await co.press("lg:n:0:3")  # meant 2
    await co.say("quay lại")
    assert state_of(app, co) == "log.people"
    await co.press("lg:n:0:2")
    await co.press("lg:k:0:1")
    assert "lg:nx:0" not in co.payloads()  # one failure: one reason is enough
    await co.press("lg:r:0:sim_not_own_name")
    await co.say("lâu lắm")
    assert vi(app, "log.hint.duration") in co.text() and vi(app, "logx.way_out") in co.text()
    await co.say("40p")
    await co.press(f"lg:a:{area}")
    card = co.text()
    assert "2 người, 1 làm được" in card and "SIM không chính chủ" in card
    await co.press("lg:save")
    assert co.text() == vi(app, "log.saved", id=1)
    [record] = records(app)
    assert [(i.service, i.people, i.succeeded, i.reasons) for i in record.items] == [
        (L2, 2, 1, ("sim_not_own_name",))
    ]
    assert (record.minutes, record.area_id) == (40, area)
    # the next time, the usual 40 minutes in Tổ dân phố 12 is one tap
    await co.press("menu:log") if "menu:log" in co.payloads() else await co.say("/log")
    await co.press(f"lg:s:{L2}")
    await co.press("lg:n:0:1")
    await co.press("lg:k:0:1")
    assert co.payloads()[0] == f"lg:u:40:{area}"
    await co.press(f"lg:u:40:{area}")
    await co.press("lg:save")
    assert len(records(app)) == 2


async def test_volunteer_in_a_hurry_writes_one_line(harness: Harness, app: App) -> None:
    """Anh Nam types one line per session, sometimes vague, sometimes free text, and corrects."""
    team = make_team(app, areas=())
    nam = volunteer(harness, team, "nam")
    await nam.say("/log 2 nguoi muc 2, 1 that bai sim, 40 phut")
    assert "2 người, 1 làm được" in nam.text() and "SIM không chính chủ" in nam.text()
    await nam.press("lg:save")
    await nam.say("/log vneid 3 30p thứ năm")
    card = nam.text()
    label = default_catalogue().label(L2)
    assert vi(app, "logx.assumed.assumed_service", value="vneid", service=label) in card
    assert "26/02/2026 (Thứ Năm)" in card
    await nam.press("lg:save")
    await nam.say("hôm nay giúp 3 người cài vneid 20p")
    assert vi(app, "logx.offer.log") in nam.text()
    await nam.press("lg:save")
    await nam.say("ghi nhầm thời gian, đúng ra là 1 tiếng 10 phút")
    assert vi(app, "logx.offer.correct", id=3) in nam.text()
    await nam.press("lg:save")
    saved = [
        (r.day, r.minutes, [(i.service, i.people, i.succeeded) for i in r.items])
        for r in records(app)
    ]
    assert saved == [
        (date(2026, 3, 4), 40, [(L2, 2, 1)]),
        (date(2026, 2, 26), 30, [(L2, 3, 3)]),
        (date(2026, 3, 4), 70, [("vneid_install_l1", 3, 3)]),
    ]
    assert questions(app) == []  # nothing landed in /unanswered


async def test_elderly_resident_asking_is_never_taken_for_a_log(harness: Harness, app: App) -> None:
    """Bà Tư, 72, is not a member: her messages with numbers are questions for the FAQ."""
    make_team(app, areas=())
    ba = harness.user("ba-tu", name="Bà Tư")
    for text in (
        "cho bà hỏi cài vneid cho 2 người thì làm răng",
        "bà làm mức 2 3 lần không được",
        "hôm nay bà đi làm căn cước 2 lần rồi",
    ):
        await ba.say(text)
        assert vi(app, "logx.offer.log") not in ba.text()
        assert not any(p.startswith("lg:") for p in ba.payloads())
        assert state_of(app, ba) in ("", "handoff.describe")
    assert records(app) == []
