"""A resident who runs /forgetme in the middle of a handoff: the volunteer is told it ended."""

from __future__ import annotations

from bot.app import App
from storage import conversations
from tests.factories import Harness
from tests.handlers.faq_helpers import handoffs, texts_to, vi
from tests.handlers.test_faq_handoff import World, ask_and_place


async def test_forgetme_during_a_live_handoff_ends_it_for_the_volunteer(
    harness: Harness, app: App
) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.v1.press(f"ho:take:{handoff_id}")
    await world.resident.say("/forgetme")
    await world.resident.press("forget:yes")
    sent = world.resident.last
    assert texts_to(sent, "r1") == vi(app, "privacy.forgotten")
    told = texts_to(sent, "v1")
    assert told.startswith(vi(app, "handoff.ended_by_resident", id=handoff_id)), told
    assert handoffs(app) == []
    states = app.db.run_sync(conversations.all_states)
    assert [s.state for s in states if s.user_id == "v1"] in ([], [""])
    await world.v1.say("Bác còn đó không ạ?")  # no longer relayed to anyone
    assert texts_to(world.v1.last, "r1") == ""


async def test_forgetme_while_waiting_cancels_the_request(harness: Harness, app: App) -> None:
    world = World(app, harness)
    handoff_id = await ask_and_place(world)
    await world.resident.say("/forgetme")
    await world.resident.press("forget:yes")
    assert world.resident.text() == vi(app, "privacy.forgotten")
    assert handoffs(app) == []
    await world.v1.press(f"ho:take:{handoff_id}")
    assert world.v1.text() == vi(app, "error.stale_button")
