"""/settings buttons and typed time, /mute and /unmute, /linkgroup in a group chat."""

from __future__ import annotations

from bot.app import App
from bot.core.messages import ChatKey, Incoming, Kind
from storage import team_prefs
from tests.factories import Harness
from tests.reports import world as w


def en(app: App, key: str, **params: object) -> str:
    """Return an English catalog text."""
    return app.parts.translations.get("en").text(key, **params)


async def test_leader_changes_day_time_and_turns_reminders_off(harness: Harness, app: App) -> None:
    world = w.build(app)
    hoa = harness.user("200")
    await hoa.say("/lang")
    await hoa.press("lang:en")
    await hoa.say("/settings")
    assert "Friday at 17:00" in hoa.text() and "Monday at 07:00" in hoa.text()
    await hoa.press_label("Change the day")
    await hoa.press_label("Wednesday")
    assert "Wednesday at 17:00" in hoa.text()
    await hoa.press_label("Change the time")
    await hoa.press_label("08:00")
    assert "Wednesday at 08:00" in hoa.text()
    await hoa.press_label("Change the time")
    await hoa.press_label("Other time")
    await hoa.say("25:99")
    assert hoa.text() == en(app, "tsettings.bad_time")
    await hoa.say("16h30")
    assert "Wednesday at 16:30" in hoa.text()
    await hoa.press_label("Turn reminders off")
    assert "Nudge volunteers who logged nothing: off" in hoa.text()
    await hoa.press_label("Turn the digest off")
    prefs = app.db.run_sync(lambda s: team_prefs.get(s, world.team))
    assert (prefs.reminder_enabled, prefs.reminder_weekday, prefs.reminder_minute) == (
        False,
        2,
        990,
    )
    assert prefs.digest_enabled is False
    await hoa.press_label("Turn reminders on")
    assert app.db.run_sync(lambda s: team_prefs.get(s, world.team)).reminder_enabled is True


async def test_a_time_typed_at_the_time_buttons_is_taken(harness: Harness, app: App) -> None:
    """'18h30', '18:30', '6 giờ chiều' typed instead of pressing a button stay in the flow."""
    world = w.build(app)
    hoa = harness.user("200")
    for typed, minute in (("18h30", 18 * 60 + 30), ("18:30", 18 * 60 + 30),
                          ("6 giờ chiều", 18 * 60), ("6h chiều", 18 * 60), ("7h tối", 19 * 60)):  # fmt: skip
        await hoa.say("/settings")
        await hoa.press_label("Đổi giờ nhắc")
        await hoa.say(typed)
        assert hoa.texts()[0] == app.parts.translations.get("vi").text("tsettings.saved"), typed
        prefs = app.db.run_sync(lambda s: team_prefs.get(s, world.team))
        assert prefs.reminder_minute == minute, typed
    await hoa.press_label("Đổi giờ nhắc")
    await hoa.say("chiều mai")
    assert hoa.text() == app.parts.translations.get("vi").text("tsettings.bad_time")
    await hoa.press(f"ldr:s:{world.team}:time:480")  # a pressed time ends the typed-time step
    await hoa.say("Cách cài VNeID?")
    assert hoa.text() != app.parts.translations.get("vi").text("tsettings.bad_time")
    assert app.db.run_sync(lambda s: team_prefs.get(s, world.team)).reminder_minute == 8 * 60


async def test_volunteer_mutes_and_unmutes(harness: Harness, app: App) -> None:
    world = w.build(app)
    lan = harness.user("301")
    await lan.say("/mute")
    assert "/unmute" in lan.text()
    assert app.db.run_sync(lambda s: team_prefs.is_muted(s, world.volunteers[0]))
    await lan.say("/mute")
    assert "/unmute" in lan.text()
    await lan.say("/unmute")
    assert not app.db.run_sync(lambda s: team_prefs.is_muted(s, world.volunteers[0]))
    await lan.say("/unmute")
    assert lan.text() == app.parts.translations.get("vi").text("mute.not_muted")


async def _group_command(app: App, user_id: str, text: str, update: str) -> list[str]:
    incoming = Incoming(
        ChatKey("test", "-100777", user_id), update, Kind.TEXT, text=text, is_group=True
    )
    return [d.reply.text for d in await app.dispatcher.handle(incoming)]


async def test_linkgroup_only_in_a_group_by_the_leader(harness: Harness, app: App) -> None:
    world = w.build(app)
    hoa = harness.user("200")
    await hoa.say("/linkgroup")
    assert hoa.text() == app.parts.translations.get("vi").text("group.only_in_group")
    refused = await _group_command(app, "301", "/linkgroup", "g1")
    assert refused == [app.parts.translations.get("vi").text("error.not_allowed")]
    other = await _group_command(app, "400", f"/linkgroup #{world.team}", "g2")
    assert other == [app.parts.translations.get("vi").text("error.not_allowed")]
    ignored = await _group_command(app, "200", "chào cả nhà", "g3")
    assert ignored == []
    linked = await _group_command(app, "200", "/linkgroup@tcns_test_bot", "g4")
    assert "Tổ 12" in linked[0]
    prefs = app.db.run_sync(lambda s: team_prefs.get(s, world.team))
    assert (prefs.group_channel, prefs.group_chat_id) == ("test", "-100777")
    await hoa.say("/unlinkgroup")
    assert not app.db.run_sync(lambda s: team_prefs.get(s, world.team)).has_group
