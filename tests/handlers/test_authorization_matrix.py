"""Authorization matrix: every command x every role, and own team / other team / other ward."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from bot.app import App
from storage import assists, handoff, links, people, teams
from storage.models import Membership, WardAdmin
from tests.factories import Harness, RecordingChannel, User

ROLES = ("resident", "volunteer", "leader", "ward_admin", "admin")


def _world(app: App, harness: Harness) -> dict[str, User]:
    """Ward A (teams A1, A2) and ward B (team B1), one person per role, all on the test channel."""
    now = app.parts.clock.now()
    users = {
        name: harness.user(name)
        for name in (
            "resident",
            "volunteer",
            "leader",
            "ward_admin",
            "admin",
            "leader_a2",
            "leader_b1",
            "volunteer_a2",
        )
    }

    def setup(session: object) -> None:
        from storage import people

        a1 = teams.create_team(
            session, ward_name="Phường A", name="Tổ A1", areas=["TDP 1"], now=now
        )  # type: ignore[arg-type]
        a2 = teams.create_team(
            session, ward_name="Phường A", name="Tổ A2", areas=["TDP 2"], now=now
        )  # type: ignore[arg-type]
        b1 = teams.create_team(
            session, ward_name="Phường B", name="Tổ B1", areas=["TDP 3"], now=now
        )  # type: ignore[arg-type]
        ids = {}
        for name in users:
            user_id = "admin-1" if name == "admin" else name
            ids[name] = people.ensure_person(
                session, channel="test", user_id=user_id, chat_id=user_id, now=now
            ).id  # type: ignore[arg-type]
        for name, team, role in (
            ("volunteer", a1, "volunteer"),
            ("leader", a1, "leader"),
            ("leader_a2", a2, "leader"),
            ("leader_b1", b1, "leader"),
            ("volunteer_a2", a2, "volunteer"),
        ):
            session.add(Membership(person_id=ids[name], team_id=team.id, role=role, joined_at=now))  # type: ignore[attr-defined]
        session.add(WardAdmin(person_id=ids["ward_admin"], ward_id=a1.ward_id))  # type: ignore[attr-defined]
        for name, team in (("volunteer", a1), ("volunteer_a2", a2)):
            assists.add_assist(
                session,
                person_id=ids[name],
                team_id=team.id or 0,
                area_id=None,  # type: ignore[arg-type]
                day=date(2026, 3, 3),
                received_at=now - timedelta(hours=1),
                minutes=30,
                channel="test",
                note="",
                out_of_hours=False,
                day_kind="workday",
                items=[assists.ItemInput("vneid_level2", 2, 2)],
            )

    app.db.run_sync(setup)
    users["admin"] = harness.user("admin-1")
    return users


@pytest.fixture
def world(app: App, harness: Harness) -> dict[str, User]:
    app.dispatcher.flood.limit = 10**9  # the fixed clock would otherwise trip flood control
    return _world(app, harness)


def vi(app: App, key: str, **params: object) -> str:
    return app.parts.translations.get("vi").text(key, **params)


async def test_every_command_for_every_role(app: App, world: dict[str, User]) -> None:
    not_allowed = vi(app, "error.not_allowed")
    unexpected = vi(app, "error.unexpected")
    checked = 0
    for name in sorted(app.dispatcher.router.commands):
        for role in ROLES:
            user = world[role]
            await user.say(f"/{name}")
            texts = [d.reply.text for d in user.last]
            replies = user.last
            await user.say("/cancel")
            allowed_by_role = app.dispatcher.router.commands[name].roles
            held = {"resident", role} if role != "admin" else set(ROLES)
            may = role == "admin" or bool(held & allowed_by_role)
            assert unexpected not in texts, (name, role)
            if may:
                assert not_allowed not in texts[:1] or name in ("undo", "edit"), (name, role, texts)
            else:
                assert texts == [not_allowed], (name, role, texts)
            assert replies is not None
            checked += 1
    assert checked >= 5 * 20


@pytest.mark.parametrize(
    ("who", "team", "allowed"),
    [
        ("leader", 1, True),  # own team
        ("leader", 2, False),  # other team, same ward
        ("leader", 3, False),  # other ward
        ("ward_admin", 2, True),  # a team of their ward
        ("ward_admin", 3, False),  # a team of another ward
        ("admin", 3, True),
        ("volunteer", 1, False),
        ("resident", 1, False),
    ],
)
async def test_invites_are_scoped(
    app: App, world: dict[str, User], who: str, team: int, allowed: bool
) -> None:
    user = world[who]
    await user.say(f"/invite volunteer {team}")
    created = "start=" in user.text() or vi(app, "invite.no_link")[:10] in user.text()
    assert created is allowed, user.text()


@pytest.mark.parametrize(
    ("who", "command", "allowed"),
    [
        ("leader", "/report #1", True),
        ("leader", "/report #2", False),
        ("leader", "/hours #3", False),
        ("leader", "/digest #2", False),
        ("ward_admin", "/report ward 1", True),
        ("ward_admin", "/report ward 2", False),
        ("ward_admin", "/digest #3", False),
        ("admin", "/report city", True),
        ("leader", "/report city", False),
    ],
)
async def test_reports_are_scoped(
    app: App, world: dict[str, User], who: str, command: str, allowed: bool
) -> None:
    user = world[who]
    await user.say(command)
    got_content = any(d.reply.document or d.reply.image for d in user.last) or (
        command.startswith("/hours") and len(user.text()) > 80
    )
    assert got_content is allowed, user.text()


@pytest.mark.parametrize(
    ("who", "command", "allowed"),
    [
        ("leader", "/report notes #1", True),
        ("leader", "/report notes #2", False),
        ("ward_admin", "/report notes #2", True),
        ("ward_admin", "/report notes #3", False),
        ("volunteer", "/report notes", False),
        ("resident", "/report notes", False),
        ("leader", "/report kyhieu TCNS #1", True),
        ("leader", "/report kyhieu TCNS #2", False),
        ("leader", "/report kyhieu TCNS ward 1", False),
        ("ward_admin", "/report kyhieu UBND ward 1", True),
        ("ward_admin", "/report kyhieu UBND ward 2", False),
        ("volunteer", "/report kyhieu X", False),
    ],
)
async def test_report_notes_and_prefix_are_scoped(
    app: App, world: dict[str, User], who: str, command: str, allowed: bool
) -> None:
    user = world[who]
    await user.say(command)
    refused = user.text() in (vi(app, "error.not_allowed"), vi(app, "scope.need_team"))
    assert refused is not allowed, user.text()


async def test_records_of_others_cannot_be_deleted_by_forged_buttons(
    app: App, world: dict[str, User]
) -> None:
    def count(session: object) -> int:
        return assists.count_assists(session)  # type: ignore[arg-type]

    before = app.db.run_sync(count)
    other_record = 2  # volunteer_a2's record, team A2
    for who in ("volunteer", "leader", "leader_b1", "resident"):
        user = world[who]
        await user.say(f"/edit {other_record}")
        for payload in user.payloads():
            if "del" in payload or "yes" in payload or "ok" in payload:
                await user.press(payload)
        for prefix in ("lg", "ed", "mine", "undo"):
            for forged in (
                f"{prefix}:del:{other_record}",
                f"{prefix}:delete:{other_record}",
                f"{prefix}:d:{other_record}",
                f"{prefix}:yes:{other_record}",
            ):
                await user.press(forged)
    assert app.db.run_sync(count) == before
    assert app.db.run_sync(lambda s: assists.get_assist(s, other_record)) is not None


# --- /link: a code never hands one person's powers to another -------------------------------

ROLE_HOLDERS = ("volunteer", "leader", "ward_admin", "admin")
STRANGER_NAME = "Tổ trưởng Lan (hỗ trợ)"


def _stranger(app: App, harness: Harness, channel: str) -> User:
    """A resident on another channel (registered on demand) who wants someone's powers."""
    if channel not in app.dispatcher.caps:
        app.dispatcher.register_channel(channel, app.dispatcher.caps["plain"], RecordingChannel())
    return harness.user(f"{channel}-stranger", name=STRANGER_NAME, channel=channel)


async def _code_of(user: User) -> str:
    await user.say("/link")
    return user.texts()[0].split("/link ", 1)[1].split()[0]


def _person(app: App, user: User) -> int:
    return app.db.run_sync(
        lambda s: people.find_identity(s, channel=user.channel, user_id=user.user_id).person_id  # type: ignore[union-attr]
    )


async def _powerless(app: App, stranger: User, victim: User) -> None:
    """The stranger is still a separate person who may not run a manager's command."""
    assert _person(app, stranger) != _person(app, victim)
    for command in ("/invite volunteer 1", "/hours", "/report #1", "/members"):
        await stranger.say(command)
        assert stranger.texts() in (
            [vi(app, "error.not_allowed")],
            [vi(app, "error.unknown_command", command=command[1:].split()[0])],
        ), (command, stranger.text())


@pytest.mark.parametrize("role", ROLE_HOLDERS)
async def test_a_strangers_code_typed_by_a_role_holder_asks_first_and_no_means_no(
    app: App, harness: Harness, world: dict[str, User], role: str
) -> None:
    victim = world[role]
    stranger = _stranger(app, harness, "zalo")
    code = await _code_of(stranger)
    await victim.say(f"/link {code}")
    preview = victim.text()
    assert STRANGER_NAME in preview and "Zalo" in preview, preview
    assert victim.payloads() == ["link:no", "link:yes"]
    await stranger.press("link:yes")  # the stranger cannot confirm for the victim
    assert stranger.text() == vi(app, "error.stale_button")
    await victim.say("ok")  # anything but the Yes button is a no
    assert victim.text() == vi(app, "link.cancelled")
    await victim.press("link:yes")  # a Yes without a fresh preview does nothing
    assert victim.text() == vi(app, "error.stale_button")
    await victim.say(f"/link {code}")
    await victim.press("link:no")
    assert victim.text() == vi(app, "link.cancelled")
    await _powerless(app, stranger, victim)
    assert app.db.run_sync(links.link_events) == []


@pytest.mark.parametrize("role", ROLE_HOLDERS)
async def test_web_chat_identities_never_join_a_role_holder(
    app: App, harness: Harness, world: dict[str, User], role: str
) -> None:
    victim = world[role]
    web = _stranger(app, harness, "web")
    await victim.say(f"/link {await _code_of(web)}")
    assert victim.text() == vi(app, "link.web_with_role") and victim.payloads() == []
    await victim.press("link:yes")
    own = await _code_of(victim)
    await web.say(f"/link {own}")
    assert web.text() == vi(app, "link.web_with_role")
    await web.press("link:yes")
    await _powerless(app, web, victim)


@pytest.mark.parametrize("role", ROLE_HOLDERS)
async def test_two_accounts_of_one_channel_are_never_linked(
    app: App, harness: Harness, world: dict[str, User], role: str
) -> None:
    victim = world[role]
    stranger = harness.user("test-stranger", name=STRANGER_NAME)  # the same channel as everyone
    await victim.say(f"/link {await _code_of(stranger)}")
    assert victim.text() == vi(app, "link.same_channel") and victim.payloads() == []
    await victim.press("link:yes")
    await _powerless(app, stranger, victim)


@pytest.mark.parametrize("role", ("volunteer", "leader", "ward_admin"))
async def test_a_leaked_code_of_a_role_holder_gives_the_typer_nothing(
    app: App, harness: Harness, world: dict[str, User], role: str
) -> None:
    victim = world[role]
    stranger = _stranger(app, harness, "zalo")
    await stranger.say(f"/link {await _code_of(victim)}")
    assert "/link" in stranger.text() and stranger.payloads() == []
    assert stranger.text().startswith(vi(app, "link.creator_has_roles", roles="")[:40])
    await stranger.press("link:yes")
    await _powerless(app, stranger, victim)


async def test_the_relay_attack_a_resident_in_a_handoff_asks_the_leader_to_type_a_code(
    app: App, harness: Harness, world: dict[str, User]
) -> None:
    """The resident chats with the leader through the bot and asks them to type /link C."""
    leader = world["leader"]
    stranger = _stranger(app, harness, "zalo")
    code = await _code_of(stranger)
    now = app.parts.clock.now()
    resident_id, leader_id = _person(app, stranger), _person(app, leader)

    def live_handoff(session: Session) -> None:
        draft = handoff.create_draft(
            session,
            resident_id=resident_id,
            address=("zalo", stranger.user_id, stranger.user_id),
            text="",
            topic=None,
            now=now,
        )
        assert draft.id is not None
        handoff.open_for_team(session, handoff_id=draft.id, team_id=1, now=now)
        me = ("test", leader.user_id, leader.user_id)
        assert handoff.claim(
            session, handoff_id=draft.id, volunteer_id=leader_id, address=me, now=now
        )

    app.db.run_sync(live_handoff)
    await leader.say(f"/link {code}")
    assert leader.text() == vi(app, "link.from_partner") and leader.payloads() == []
    await leader.press("link:yes")
    await _powerless(app, stranger, leader)


async def test_residents_still_link_and_every_link_and_unlink_is_recorded(
    app: App, harness: Harness, world: dict[str, User]
) -> None:
    resident = world["resident"]
    web = _stranger(app, harness, "web")
    await resident.say(f"/link {await _code_of(web)}")
    assert vi(app, "link.role.none") in resident.text()
    await resident.press("link:yes")
    assert resident.text() == vi(app, "link.done", channel="test")
    assert _person(app, web) == _person(app, resident)
    await resident.say("/link")
    assert resident.payloads()[-1].startswith("link:unlink:")
    await resident.press(resident.payloads()[-1])
    assert resident.text() == vi(app, "link.unlink.ask", channel="trang trò chuyện web")
    await resident.press(resident.payloads()[-1])
    assert resident.text() == vi(app, "link.unlink.done", channel="trang trò chuyện web")
    assert _person(app, web) != _person(app, resident)
    events = app.db.run_sync(links.link_events)
    assert [e.action for e in events] == ["link", "unlink"]
    assert {i["channel"] for i in events[0].identities} == {"web", "test"}
    assert events[1].identities[0]["channel"] == "web"


def _person_id(app: App, user_id: str) -> int:
    from storage import people

    def work(session: object) -> int:
        found = people.find_identity(session, channel="test", user_id=user_id)  # type: ignore[arg-type]
        assert found is not None
        return found.person_id

    return app.db.run_sync(work)


def _active_role(app: App, team_id: int, person_id: int) -> str | None:
    from sqlmodel import select

    def work(session: object) -> str | None:
        row = session.exec(  # type: ignore[attr-defined]
            select(Membership).where(
                Membership.team_id == team_id, Membership.person_id == person_id
            )
        ).first()
        return row.role if row is not None and row.active else None

    return app.db.run_sync(work)


# Teams: 1 = A1 (volunteer, leader), 2 = A2 (leader_a2, volunteer_a2), 3 = B1 (leader_b1).
MEMBER_CHANGES = [
    ("leader", "volunteer", 1, True),  # a leader removes a volunteer of their team
    ("leader", "leader", 1, False),  # nobody removes themself (that is /leave)
    ("leader", "volunteer_a2", 2, False),  # other team, same ward
    ("leader", "leader_a2", 2, False),
    ("leader", "leader_b1", 3, False),  # other ward
    ("leader_a2", "leader", 1, False),
    ("ward_admin", "leader", 1, True),  # a ward admin acts on leaders of their ward too
    ("ward_admin", "volunteer_a2", 2, True),
    ("ward_admin", "leader_b1", 3, False),  # not their ward
    ("admin", "leader_b1", 3, True),
    ("volunteer", "volunteer_a2", 2, False),
    ("volunteer", "leader", 1, False),
    ("resident", "volunteer", 1, False),
]


@pytest.mark.parametrize(("who", "target", "team", "allowed"), MEMBER_CHANGES)
async def test_who_may_remove_whom(
    app: App, world: dict[str, User], who: str, target: str, team: int, allowed: bool
) -> None:
    target_id = _person_id(app, target)
    before = _active_role(app, team, target_id)
    await world[who].press(f"mb:rmok:{team}:{target_id}")  # the confirmation, forged or not
    after = _active_role(app, team, target_id)
    assert (after is None) is allowed, world[who].text()
    assert before is not None


@pytest.mark.parametrize(("who", "target", "team", "allowed"), MEMBER_CHANGES)
async def test_who_may_hand_leadership_to_whom(
    app: App, world: dict[str, User], who: str, target: str, team: int, allowed: bool
) -> None:
    target_id = _person_id(app, target)
    already_leader = _active_role(app, team, target_id) == "leader"
    await world[who].press(f"mb:leadok:{team}:{target_id}")
    promoted = _active_role(app, team, target_id) == "leader"
    if already_leader:
        assert promoted  # nothing to hand over; never demoted by someone else's button
    else:
        assert promoted is allowed, world[who].text()


@pytest.mark.parametrize(
    ("who", "team", "allowed"),
    [
        ("leader", 1, True),
        ("leader", 2, False),
        ("ward_admin", 2, True),
        ("ward_admin", 3, False),
        ("admin", 3, True),
    ],
)
async def test_members_lists_are_scoped(
    app: App, world: dict[str, User], who: str, team: int, allowed: bool
) -> None:
    await world[who].say(f"/members {team}")
    listed = "👥" in world[who].text() and vi(app, "error.not_allowed") not in world[who].text()
    assert listed is allowed, world[who].text()


async def test_leave_ends_only_the_senders_own_membership(app: App, world: dict[str, User]) -> None:
    volunteer_a2 = _person_id(app, "volunteer_a2")
    await world["volunteer"].press("mb:leaveok:2")  # forged: leave someone else's team
    assert _active_role(app, 2, volunteer_a2) == "volunteer"
    await world["volunteer"].press("mb:leaveok:1")
    assert _active_role(app, 1, _person_id(app, "volunteer")) is None
