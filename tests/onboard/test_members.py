"""/members, removing, handing over leadership, /leave, and /forgetme for a former member."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from bot.app import App
from storage import assists, reports
from storage.models import Identity, Membership, Person
from tests.factories import Harness, User, add_member, make_team


def vi(app: App, key: str, **params: object) -> str:
    return app.parts.translations.get("vi").text(key, **params)


def log_for(app: App, person_id: int, team_id: int, day: date) -> None:
    now = app.parts.clock.now()
    app.db.run_sync(
        lambda s: assists.add_assist(
            s, person_id=person_id, team_id=team_id, area_id=None, day=day,
            received_at=now - timedelta(hours=1), minutes=30, channel="test", note="",
            out_of_hours=False, day_kind="workday",
            items=[assists.ItemInput("vneid_level2", 2, 2)],
        )
    )  # fmt: skip


def set_name(app: App, person_id: int, name: str) -> None:
    def work(session: Session) -> None:
        person = session.get(Person, person_id)
        assert person is not None
        person.display_name = name
        session.add(person)

    app.db.run_sync(work)


def active_role(app: App, team_id: int, person_id: int) -> str | None:
    def work(session: Session) -> str | None:
        row = session.exec(
            select(Membership).where(
                Membership.team_id == team_id, Membership.person_id == person_id
            )
        ).first()
        return row.role if row is not None and row.active else None

    return app.db.run_sync(work)


class Team:
    """Tổ 12: leader Hoa, volunteers Lan (logged last week) and Minh (logged long ago)."""

    def __init__(self, app: App, harness: Harness) -> None:
        app.dispatcher.flood.limit = 10**9
        self.id = make_team(app)
        self.leader_id = add_member(app, self.id, "hoa", role="leader")
        self.lan_id = add_member(app, self.id, "lan")
        self.minh_id = add_member(app, self.id, "minh")
        for pid, name in ((self.leader_id, "Hoa"), (self.lan_id, "Lan"), (self.minh_id, "Minh")):
            set_name(app, pid, name)
        log_for(app, self.lan_id, self.id, date(2026, 3, 2))
        log_for(app, self.minh_id, self.id, date(2026, 1, 5))
        self.hoa = harness.user("hoa", name="Hoa")
        self.lan = harness.user("lan", name="Lan")
        self.minh = harness.user("minh", name="Minh")


def told(user: User, harness: Harness) -> str:
    return "\n".join(d.reply.text for d in user.last if d.address.chat_id != user.user_id)


async def test_leader_sees_members_with_role_dates_last_log_and_activity(
    app: App, harness: Harness
) -> None:
    team = Team(app, harness)
    await team.hoa.say("/members")
    text = team.hoa.text()
    assert vi(app, "members.header", team="Tổ 12", count=3) in text
    lan_line = next(line for line in text.splitlines() if "Lan" in line)
    assert "02/03/2026" in lan_line and vi(app, "members.active") in lan_line
    assert vi(app, "role.volunteer") in lan_line and "04/03/2026" in lan_line  # joined
    minh_line = next(line for line in text.splitlines() if "Minh" in line)
    assert "05/01/2026" in minh_line and vi(app, "members.inactive") in minh_line
    labels = [b.label for d in team.hoa.last for b in d.reply.all_buttons()]
    assert labels == ["Lan", "Minh"]  # not the leader themself


async def test_removal_is_confirmed_told_and_ends_access_but_keeps_the_records(
    app: App, harness: Harness
) -> None:
    team = Team(app, harness)
    before = app.db.run_sync(lambda s: assists.count_assists(s))
    await team.hoa.say("/members")
    await team.hoa.press_label("Lan")
    await team.hoa.press_label(vi(app, "members.remove_button"))
    assert vi(app, "members.remove_ask", name="Lan", team="Tổ 12") in team.hoa.text()
    assert active_role(app, team.id, team.lan_id) == "volunteer"  # nothing before confirming
    await team.hoa.press_label(vi(app, "members.remove_yes"))
    assert vi(app, "members.removed", name="Lan", team="Tổ 12") in team.hoa.text()
    assert vi(app, "members.told_removed", team="Tổ 12") in told(team.hoa, harness)
    assert active_role(app, team.id, team.lan_id) is None
    await team.lan.say("/log")
    assert team.lan.texts() == [vi(app, "error.not_allowed")]
    assert app.db.run_sync(lambda s: assists.count_assists(s)) == before
    people = app.db.run_sync(
        lambda s: reports.logged_people(
            s, start=date(2026, 3, 1), end=date(2026, 3, 31), person_ids=[team.lan_id]
        )
    )
    assert people == {team.lan_id}


async def test_hand_leadership_makes_the_old_leader_a_volunteer_and_tells_the_new_one(
    app: App, harness: Harness
) -> None:
    team = Team(app, harness)
    await team.hoa.say("/members")
    await team.hoa.press_label("Minh")
    await team.hoa.press_label(vi(app, "members.lead_button"))
    await team.hoa.press_label(vi(app, "members.lead_yes"))
    assert vi(app, "members.told_leader", team="Tổ 12") in told(team.hoa, harness)
    assert active_role(app, team.id, team.minh_id) == "leader"
    assert active_role(app, team.id, team.leader_id) == "volunteer"
    await team.hoa.say("/members")
    assert team.hoa.texts() == [vi(app, "error.not_allowed")]


async def test_leave_is_confirmed_and_the_leader_is_told(app: App, harness: Harness) -> None:
    team = Team(app, harness)
    await team.lan.say("/leave")
    assert vi(app, "members.leave_ask", team="Tổ 12") in team.lan.text()
    await team.lan.press_label(vi(app, "members.leave_yes"))
    assert vi(app, "members.left", team="Tổ 12") in team.lan.text()
    assert vi(app, "members.told_left", name="Lan", team="Tổ 12") in told(team.lan, harness)
    assert active_role(app, team.id, team.lan_id) is None


async def test_a_sole_leader_hands_over_before_leaving(app: App, harness: Harness) -> None:
    team = Team(app, harness)
    await team.hoa.say("/leave")
    assert team.hoa.texts() == [vi(app, "members.leave_hand_first", team="Tổ 12")]
    await team.hoa.press(f"mb:leaveok:{team.id}")  # a forged confirmation changes nothing
    assert active_role(app, team.id, team.leader_id) == "leader"


async def test_a_member_must_leave_before_forgetme_then_the_name_goes_and_records_stay(
    app: App, harness: Harness
) -> None:
    team = Team(app, harness)
    await team.lan.say("/forgetme")
    assert team.lan.texts() == [vi(app, "privacy.forget_member")]
    await team.lan.say("/leave")
    await team.lan.press_label(vi(app, "members.leave_yes"))
    await team.lan.say("/forgetme")
    assert vi(app, "members.anonymise_ask") in team.lan.text()
    before = app.db.run_sync(lambda s: assists.count_assists(s))
    await team.lan.press_label(vi(app, "members.anonymise_yes"))
    assert vi(app, "members.anonymised") in team.lan.text()

    def state(session: Session) -> tuple[str, int, bool]:
        person = session.get(Person, team.lan_id)
        assert person is not None
        accounts = session.exec(select(Identity).where(Identity.person_id == team.lan_id)).all()
        return person.display_name, len(accounts), person.forgotten_at is not None

    assert app.db.run_sync(state) == ("", 0, True)
    assert app.db.run_sync(lambda s: assists.count_assists(s)) == before
    await team.lan.say("/start")  # the same account now starts as a new person
    assert vi(app, "start.welcome.resident", name="Lan")[:20] in team.lan.text()
