"""Core conversations on the neutral model: invites, help, language, cancel, bad input."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.app import App
from bot.core.clock import FixedClock
from storage import invites, teams
from storage.models import Conversation, Membership, ProcessedUpdate
from tests.factories import Harness


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


def make_team_and_invite(app: App, *, role: str = "volunteer", uses: int = 1) -> str:
    """Create Tổ 12 in Phường Hải Châu and an invite code for it."""
    now = app.parts.clock.now()

    def work(session: object) -> str:
        team = teams.create_team(
            session,  # type: ignore[arg-type]
            ward_name="Phường Hải Châu",
            name="Tổ 12",
            areas=["Tổ dân phố 1"],
            now=now,
        )
        invite = invites.create_invite(
            session,  # type: ignore[arg-type]
            team_id=team.id or 0,
            role=role,
            now=now,
            ttl=timedelta(days=7),
            max_uses=uses,
        )
        return invite.code

    return app.db.run_sync(work)


async def test_start_with_invite_joins_team_as_volunteer(harness: Harness, app: App) -> None:
    code = make_team_and_invite(app)
    lan = harness.user("100", name="Lan")
    await lan.say(f"/start {code}")
    assert vi(app, "invite.joined", team="Tổ 12", role=vi(app, "role.volunteer")) in lan.text()
    assert vi(app, "start.welcome.volunteer", name="Lan") in lan.text()
    memberships = app.db.run_sync(lambda s: list(s.exec(select(Membership)).all()))
    assert [(m.role, m.team_id) for m in memberships] == [("volunteer", 1)]


async def test_used_unknown_and_expired_codes_get_clear_messages(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    code = make_team_and_invite(app)
    await harness.user("100").say(f"/start {code}")
    second = harness.user("200")
    await second.say(f"/start {code}")
    assert vi(app, "invite.used") in second.text()
    await second.say("/start not-a-real-code")
    assert vi(app, "invite.unknown") in second.text()
    fresh = make_team_and_invite_again(app)
    clock.advance(timedelta(days=8))
    await second.say(f"/start {fresh}")
    assert vi(app, "invite.expired") in second.text()
    roles = app.db.run_sync(lambda s: [m.person_id for m in s.exec(select(Membership)).all()])
    assert len(roles) == 1


def make_team_and_invite_again(app: App) -> str:
    """Create another invite for team 1."""
    now = app.parts.clock.now()
    return app.db.run_sync(
        lambda s: (
            invites.create_invite(
                s, team_id=1, role="volunteer", now=now, ttl=timedelta(days=7)
            ).code
        )
    )


async def test_multi_use_invite_admits_several_people(harness: Harness, app: App) -> None:
    code = make_team_and_invite(app, uses=2)
    for user_id in ("1", "2"):
        user = harness.user(user_id)
        await user.say(f"/start {code}")
        assert "✅" in user.text()
    third = harness.user("3")
    await third.say(f"/start {code}")
    assert vi(app, "invite.used") in third.text()


async def test_help_differs_by_role(harness: Harness, app: App) -> None:
    resident, admin = harness.user("r1"), harness.user("admin-1")
    await resident.say("/help")
    await admin.say("/help")
    assert resident.text().startswith(vi(app, "help.intro.resident")[:20])
    assert admin.text().startswith(vi(app, "help.intro.admin")[:20])
    assert resident.text() != admin.text()


async def test_leader_invites_volunteer_but_not_leader(harness: Harness, app: App) -> None:
    code = make_team_and_invite(app, role="leader")
    leader = harness.user("L1", name="Hùng")
    await leader.say(f"/start {code}")
    await leader.say("/invite")
    assert "https://t.me/tcns_test_bot?start=" in leader.text()
    new_code = leader.text().split("?start=")[1].split()[0]
    volunteer = harness.user("V1")
    await volunteer.say(f"/start {new_code}")
    assert vi(app, "role.volunteer") in volunteer.text()
    await leader.say("/invite leader")
    assert vi(app, "invite.leader_needs_admin") in leader.text()


async def test_resident_may_not_invite(harness: Harness, app: App) -> None:
    resident = harness.user("r1")
    await resident.say("/invite")
    assert resident.text() == vi(app, "error.not_allowed")


async def test_language_choice_is_remembered(harness: Harness, app: App) -> None:
    user = harness.user("u1")
    await user.say("/lang")
    assert user.payloads() == ["lang:vi", "lang:en"]
    await user.press("lang:en")
    assert user.text() == "Language set to English."
    await user.say("/cancel")
    assert user.text() == "There is nothing in progress."


async def test_duplicate_update_takes_effect_once(harness: Harness, app: App) -> None:
    code = make_team_and_invite(app, uses=5)
    user = harness.user("u1")
    first = await user.say(f"/start {code}", update_id="same-1")
    again = await user.say(f"/start {code}", update_id="same-1")
    assert first and again == []
    count = app.db.run_sync(lambda s: len(s.exec(select(ProcessedUpdate)).all()))
    assert count == 1
    uses = app.db.run_sync(
        lambda s: invites.redeem_invite(s, code="x", person_id=1, now=app.parts.clock.now())
    )
    assert uses[0].value == "unknown"


async def test_guided_team_creation_survives_a_restart(
    harness: Harness, app: App, settings: object, clock: FixedClock
) -> None:
    admin = harness.user("admin-1")
    await admin.say("/newteam")
    assert admin.text() == vi(app, "team.ask_ward")
    await admin.say("Phường Hải Châu")
    # A new dispatcher on the same database stands for a restarted process.
    from bot.app import build_app

    restarted = build_app(app.settings, clock=clock, migrate=False)
    try:
        harness2 = Harness(restarted)
        admin2 = harness2.user("admin-1")
        await admin2.say("Tổ 7")
        assert admin2.text() == vi(restarted, "team.ask_areas")
        await admin2.say("Tổ dân phố 3, Tổ dân phố 4")
        assert "Tổ 7" in admin2.text() and "Tổ dân phố 4" in admin2.text()
        await admin2.press("team:ok")
        assert "✅" in admin2.text()
        names = restarted.db.run_sync(
            lambda s: [
                (t.name, [a.name for a in teams.areas_of(s, t.id or 0)])
                for t in teams.list_teams(s)
            ]
        )
        assert names == [("Tổ 7", ["Tổ dân phố 3", "Tổ dân phố 4"])]
    finally:
        restarted.close()


async def test_unfinished_flow_expires_after_a_day(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    admin = harness.user("admin-1")
    await admin.say("/newteam")
    clock.advance(timedelta(hours=25))
    await admin.say("Phường Hải Châu")
    assert vi(app, "flow.expired") in admin.text()
    state = app.db.run_sync(lambda s: s.exec(select(Conversation)).one())
    assert state.state == ""


async def test_non_admin_cannot_drive_team_flow(harness: Harness, app: App) -> None:
    resident = harness.user("r1")
    await resident.say("/newteam Phường A | Tổ 1")
    assert resident.text() == vi(app, "error.not_allowed")
    await resident.press("team:ok")
    assert resident.text() == vi(app, "error.not_allowed")
    assert app.db.run_sync(lambda s: teams.list_teams(s)) == []


async def test_bad_input_gets_polite_replies(harness: Harness, app: App) -> None:
    user = harness.user("u1")
    await user.say("/doesnotexist")
    assert user.text() == vi(app, "error.unknown_command", command="doesnotexist")
    await user.press("forged:payload:123")
    assert user.text() == vi(app, "error.stale_button")
    await user.press("lang:xx")
    assert user.text() == vi(app, "error.stale_button")
    await user.send_photo()
    assert user.text() == vi(app, "error.text_only")
    await user.say("   ")
    assert user.text() == vi(app, "error.empty")
    for odd in ("😀😀😀", "\u200b\u200f", "א" * 50, "x" * 10_000):
        replies = await user.say(odd)
        assert replies and all(d.reply.text for d in replies)


async def test_channel_without_buttons_gets_numbered_options(harness: Harness, app: App) -> None:
    user = harness.user("p1", channel="plain")
    await user.say("/lang")
    text = user.text()
    assert "1. Tiếng Việt" in text and "2. English" in text
    assert harness.app.dispatcher.caps["plain"].buttons is False
    await user.say("2")
    assert user.text() == "Language set to English."
    await user.say("/lang")
    await user.say("tieng viet")
    assert user.text() == vi(app, "lang.set")


async def test_flood_control_sends_one_polite_notice(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    user = harness.user("fast")
    answered = 0
    notices = 0
    for _ in range(30):
        replies = await user.say("/cancel")
        answered += sum(1 for d in replies if d.reply.text == vi(app, "cancel.nothing"))
        notices += sum(1 for d in replies if d.reply.text == vi(app, "error.flood"))
    assert (answered, notices) == (20, 1)
    other = harness.user("calm")
    assert await other.say("/cancel")
    clock.advance(timedelta(seconds=11))
    assert user.texts() == [] and await user.say("/cancel")


async def test_group_message_keeps_the_private_chat_address(harness: Harness, app: App) -> None:
    from bot.core.messages import ChatKey, Incoming, Kind
    from storage import people

    user = harness.user("u-group")
    await user.say("/help")
    group = Incoming(
        ChatKey("test", "-100500", "u-group"), "g1", Kind.TEXT, text="/help", is_group=True
    )
    await app.dispatcher.handle(group)
    identity = app.db.run_sync(lambda s: people.find_identity(s, channel="test", user_id="u-group"))
    assert identity is not None and identity.chat_id == "u-group"


async def test_vietnamese_ways_out_end_any_flow(harness: Harness, app: App) -> None:
    from tests.factories import add_member, make_team

    team = make_team(app, areas=["Tổ dân phố 1"])
    add_member(app, team, "v1")
    volunteer = harness.user("v1")
    for way_out in ("hủy", "huỷ", "huy", "Thôi", "dừng", "cancel", "/huy", "/cancel"):
        await volunteer.say("/log")
        assert volunteer.payloads(), "the guided log asks with buttons"
        await volunteer.say(way_out)
        assert volunteer.text() == vi(app, "cancel.done"), way_out
        state = app.db.run_sync(lambda s: s.exec(select(Conversation)).first())
        assert state is None or state.state == "", way_out


async def test_words_that_only_fold_like_a_way_out_do_not_cancel(
    harness: Harness, app: App
) -> None:
    admin = harness.user("admin-1")
    await admin.say("/newteam")
    await admin.say("Đúng")  # folds to "dung" like "dừng" (stop), but is an answer here
    assert admin.text() == vi(app, "team.ask_name")


async def test_a_way_out_with_no_flow_open_is_not_taken_for_a_question(
    harness: Harness, app: App
) -> None:
    from storage.question_models import ResidentQuestion as Question

    resident = harness.user("r1")
    for word in ("thôi", "Huỷ", "dừng", "cancel"):
        await resident.say(word)
        assert resident.text() == vi(app, "cancel.nothing"), word
    assert app.db.run_sync(lambda s: s.exec(select(Question)).all()) == []
