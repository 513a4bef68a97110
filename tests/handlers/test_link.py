"""One person on two channels: /link codes, merging people carefully, and /notify."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.app import App
from bot.channels.registry import channel_names
from bot.core.clock import FixedClock
from bot.core.messages import Incoming, Kind
from storage import teams
from storage.links import LinkCode, contact_identity, preferred_channel
from storage.models import Identity, Invite, Membership, Person, WardAdmin
from tests.factories import Harness, RecordingChannel, User


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


def two_channels(app: App) -> Harness:
    """A harness that also knows the telegram and zalo channels."""
    harness = Harness(app)
    app.dispatcher.register_channel("telegram", app.dispatcher.caps["test"], RecordingChannel())
    app.dispatcher.register_channel("zalo", app.dispatcher.caps["plain"], RecordingChannel())
    return harness


async def link_code(user: User) -> str:
    """Ask for a link code and return it."""
    await user.say("/link")
    text = user.texts()[0]
    return text.split("/link ", 1)[1].split()[0]


async def type_code(user: User, code: str) -> None:
    """Type a link code, check the confirmation was asked, and confirm it."""
    await user.say(f"/link {code}")
    no = user.harness.app.parts.translations.get("vi").text("link.button.no")
    assert no in user.text() or "link:no" in user.payloads(), user.text()
    await user.press("link:yes")


def person_of(app: App, channel: str, user_id: str) -> int:
    """Return the person id behind a channel account."""
    return app.db.run_sync(
        lambda s: s.exec(
            select(Identity.person_id).where(
                Identity.channel == channel, Identity.user_id == user_id
            )
        ).one()
    )


def add_membership(app: App, user: User, team: str, role: str) -> int:
    """Put a user's person into a team (created on demand) with a role; return the team id."""
    now = app.parts.clock.now()
    person_id = person_of(app, user.channel, user.user_id)

    def work(session: Session) -> int:
        found = teams.find_team(session, ward_name="Phường Hải Châu", name=team)
        made = found or teams.create_team(
            session, ward_name="Phường Hải Châu", name=team, areas=[], now=now
        )
        assert made.id is not None
        session.add(Membership(person_id=person_id, team_id=made.id, role=role, joined_at=now))
        return made.id

    return app.db.run_sync(work)


async def test_link_attaches_the_other_account_to_the_same_person(app: App) -> None:
    harness = two_channels(app)
    lan_tg = harness.user("111", name="Lan", channel="telegram")
    lan_zalo = harness.user("zalo-lan", name="Lan", channel="zalo")
    await lan_zalo.say("/start")
    code = await link_code(lan_tg)
    assert len(code) == 8
    assert vi(app, "link.linked", channels="Telegram") in lan_tg.text()
    await type_code(lan_zalo, f"{code[:4].lower()}-{code[4:].lower()}")
    assert lan_zalo.text() == vi(app, "link.done", channel="Zalo")
    assert person_of(app, "zalo", "zalo-lan") == person_of(app, "telegram", "111")
    await lan_tg.say("/link")
    assert vi(app, "link.linked", channels="Telegram, Zalo") in lan_tg.text()
    people = app.db.run_sync(lambda s: len(s.exec(select(Person)).all()))
    assert people == 1, "the emptied person is removed"


async def test_memberships_merge_keeping_the_stronger_role(app: App) -> None:
    harness = two_channels(app)
    tg = harness.user("222", channel="telegram")
    zalo = harness.user("zalo-222", channel="zalo")
    await tg.say("/start")
    await zalo.say("/start")
    shared = add_membership(app, tg, "Tổ 1", "volunteer")
    add_membership(app, zalo, "Tổ 1", "leader")
    own = add_membership(app, zalo, "Tổ 2", "volunteer")
    source = person_of(app, "zalo", "zalo-222")
    app.db.run_sync(lambda s: s.add(WardAdmin(person_id=source, ward_id=1)))
    now = app.parts.clock.now()
    app.db.run_sync(
        lambda s: s.add(
            Invite(
                code="inv-1",
                team_id=own,
                role="volunteer",
                created_by=source,
                created_at=now,
                expires_at=now + timedelta(days=7),
            )
        )
    )
    code = await link_code(tg)
    await type_code(zalo, code)
    target = person_of(app, "telegram", "222")

    def check(session: Session) -> None:
        rows = session.exec(select(Membership).where(Membership.person_id == target)).all()
        assert sorted((m.team_id, m.role) for m in rows) == [(shared, "leader"), (own, "volunteer")]
        assert len(session.exec(select(Membership)).all()) == 2
        assert session.exec(select(WardAdmin)).one().person_id == target
        assert session.get(Invite, "inv-1").created_by == target  # type: ignore[union-attr]
        assert session.get(Person, source) is None

    app.db.run_sync(check)
    await tg.say("/help")
    assert vi(app, "help.intro.ward_admin").splitlines()[0] in tg.text()


async def test_wrong_expired_used_and_own_codes(app: App, clock: FixedClock) -> None:
    harness = two_channels(app)
    tg = harness.user("333", channel="telegram")
    zalo = harness.user("zalo-333", channel="zalo")
    await zalo.say("/link ABCDEFGH")
    assert zalo.text() == vi(app, "link.unknown")
    code = await link_code(tg)
    await tg.say(f"/link {code}")
    assert tg.text() == vi(app, "link.already")
    clock.advance(timedelta(minutes=16))
    await zalo.say(f"/link {code}")
    assert zalo.text() == vi(app, "link.expired")
    fresh = await link_code(tg)
    await type_code(zalo, fresh)
    assert zalo.text() == vi(app, "link.done", channel="Zalo")
    other = harness.user("zalo-intruder", channel="zalo")
    await other.say(f"/link {fresh}")
    assert other.text() == vi(app, "link.unknown"), "a code works once"
    remaining = app.db.run_sync(lambda s: len(s.exec(select(LinkCode)).all()))
    assert remaining == 0


async def test_a_new_code_replaces_the_previous_one(app: App) -> None:
    harness = two_channels(app)
    tg = harness.user("444", channel="telegram")
    first = await link_code(tg)
    second = await link_code(tg)
    zalo = harness.user("zalo-444", channel="zalo")
    await zalo.say(f"/link {first}")
    assert zalo.text() == vi(app, "link.unknown")
    await type_code(zalo, second)
    assert zalo.text() == vi(app, "link.done", channel="Zalo")


async def test_link_is_refused_in_groups(app: App) -> None:
    harness = two_channels(app)
    deliveries = await app.dispatcher.handle(
        Incoming(
            harness.user("555", channel="telegram").key,
            "g-1",
            Kind.TEXT,
            text="/link",
            is_group=True,
        )
    )
    assert [d.reply.text for d in deliveries] == [vi(app, "link.private_only")]
    assert app.db.run_sync(lambda s: s.exec(select(LinkCode)).all()) == []


async def test_notify_chooses_a_linked_channel(app: App) -> None:
    harness = two_channels(app)
    tg = harness.user("666", channel="telegram")
    zalo = harness.user("zalo-666", channel="zalo")
    await tg.say("/notify")
    assert tg.text() == vi(app, "notify.current", channel="Telegram")
    assert tg.payloads() == ["notify:telegram", "notify:zalo"]
    await tg.press("notify:zalo")
    assert tg.text() == vi(app, "notify.not_linked", channel="Zalo")
    await tg.say("/notify fax")
    assert tg.text() == vi(app, "notify.usage")
    code = await link_code(tg)
    await type_code(zalo, code)
    await tg.press("notify:zalo")
    assert tg.text() == vi(app, "notify.set", channel="Zalo")
    person = person_of(app, "telegram", "666")

    def contact(session: Session) -> tuple[str, str]:
        identity = contact_identity(session, person, channel_names())
        assert identity is not None
        return preferred_channel(session, person), identity.user_id

    assert app.db.run_sync(contact) == ("zalo", "zalo-666")
    await zalo.say("/notify")
    assert "1. Telegram" in zalo.text() and "2. Zalo" in zalo.text()
    await zalo.say("1")
    assert zalo.text() == vi(app, "notify.set", channel="Telegram")
    assert app.db.run_sync(contact) == ("telegram", "666")


async def test_linking_merges_on_every_database(app_any_db: App) -> None:
    harness = two_channels(app_any_db)
    tg = harness.user("777", channel="telegram")
    zalo = harness.user("zalo-777", channel="zalo")
    await zalo.say("/notify zalo")
    await tg.say("/start")
    add_membership(app_any_db, zalo, "Tổ 7", "volunteer")
    add_membership(app_any_db, tg, "Tổ 7", "volunteer")
    code = await link_code(tg)
    await type_code(zalo, code)
    assert zalo.text() == vi(app_any_db, "link.done", channel="Zalo")
    person = person_of(app_any_db, "telegram", "777")
    assert person_of(app_any_db, "zalo", "zalo-777") == person
    memberships = app_any_db.db.run_sync(lambda s: s.exec(select(Membership)).all())
    assert [(m.person_id, m.role) for m in memberships] == [(person, "volunteer")]
    assert app_any_db.db.run_sync(lambda s: preferred_channel(s, person)) == "zalo"
