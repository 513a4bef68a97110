"""A channel without buttons (Zalo-like): every FAQ and handoff step works with typed numbers."""

from __future__ import annotations

from bot.app import App
from tests.factories import Harness
from tests.handlers.faq_helpers import (
    add_member,
    faq,
    handoffs,
    make_team,
    texts_to,
    title,
    vi,
)


async def test_topics_and_answers_by_number(harness: Harness, app: App) -> None:
    resident = harness.user("z1", channel="plain")
    await resident.say("/faq")
    keys = faq(app).keys()
    text = resident.text()
    assert f"1. {title(app, keys[0])}" in text and f"2. {title(app, keys[1])}" in text
    assert not any(d.reply.buttons for d in resident.last)
    await resident.say("2")
    assert resident.text().startswith(title(app, keys[1]))
    assert "1. " + vi(app, "faq.helpful") in resident.text()


async def test_handoff_from_start_to_relay_by_numbers(harness: Harness, app: App) -> None:
    team = make_team(app, areas=["Tổ dân phố 1"])
    make_team(app, "Tổ 5")
    make_team(app, "Tổ 3", ward="Phường Thanh Khê")
    add_member(app, team, "zv", channel="plain")
    add_member(app, team, "tv")
    resident = harness.user("z1", channel="plain")
    volunteer = harness.user("zv", channel="plain")
    await resident.say("Giá vàng hôm nay bao nhiêu?")
    assert f"1. {vi(app, 'faq.ask_volunteer')}" in resident.text()
    await resident.say("1")
    assert resident.text().startswith(vi(app, "handoff.pick_ward"))
    assert "1. Phường Hải Châu" in resident.text()
    await resident.say("1")
    assert "1. Tổ 12 · Tổ dân phố 1" in resident.text()
    await resident.say("1")
    sent = resident.last
    assert texts_to(sent, "z1").startswith(
        vi(app, "handoff.sent", team="Tổ 12", ward="Phường Hải Châu")
    )
    assert f"1. {vi(app, 'handoff.take')}" in texts_to(sent, "zv")
    assert [b.payload for d in sent if d.address.chat_id == "tv" for b in d.reply.all_buttons()]
    await volunteer.say("1")
    assert texts_to(volunteer.last, "z1") == vi(app, "handoff.taken_resident")
    assert handoffs(app)[0].status == "taken"
    await resident.say("2")
    assert texts_to(resident.last, "zv") == vi(app, "handoff.from_resident", text="2")
    await volunteer.say("1")
    assert texts_to(volunteer.last, "z1") == vi(app, "handoff.from_volunteer", text="1")
