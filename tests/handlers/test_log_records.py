"""Correcting records (/undo, /edit, /mine buttons) with audit and permissions; /mine figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.app import App
from bot.core.clock import FixedClock
from storage import assists
from storage.assist_models import AuditEntry
from storage.assists import ItemInput
from tests.factories import Harness
from tests.handlers.log_helpers import (
    add_member,
    area_ids,
    make_team,
    records,
    store,
    vi,
    volunteer,
)

L2 = "vneid_level2"
TODAY = date(2026, 3, 4)  # a Wednesday


def audit(app: App, session_id: int) -> list[AuditEntry]:
    """Return the audit entries of a record."""
    return app.db.run_sync(lambda s: assists.audit_of(s, session_id))


async def test_undo_within_a_day_deletes_with_an_audit_entry(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await user.say("/log vneid2 3 45p")
    await user.press("lg:save")
    await user.say("/undo")
    assert user.payloads() == ["lg:uy:1", "lg:keep"]
    await user.press("lg:keep")
    assert user.text() == vi(app, "log.kept") and len(records(app)) == 1
    await user.say("/undo")
    await user.press("lg:uy:1")
    assert user.text() == vi(app, "log.deleted", id=1)
    assert records(app) == []
    [entry] = audit(app, 1)
    assert entry.action == "delete" and entry.before["items"][0]["people"] == 3
    await user.say("/undo")
    assert user.text() == vi(app, "log.undo.none")


async def test_undo_after_a_day_is_refused(harness: Harness, app: App, clock: FixedClock) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await user.say("/log vneid2 3 45p")
    await user.press("lg:save")
    await user.say("/undo")
    clock.advance(timedelta(hours=24, minutes=1))
    await user.press("lg:uy:1")  # the button from before is too late now
    assert user.text() == vi(app, "error.stale_button")
    await user.say("/undo")
    assert user.text() == vi(app, "log.undo.too_old", id=1)
    assert len(records(app)) == 1


async def test_edit_from_mine_keeps_before_and_after(harness: Harness, app: App) -> None:
    team = make_team(app)
    areas = area_ids(app, team)
    user = volunteer(harness, team)
    await user.say("/log vneid2 2/3 45p @tdp1 -- hai cụ")
    await user.press("lg:nx:0")
    await user.press("lg:save")
    await user.say("/mine")
    assert user.payloads() == ["lg:me:1", "lg:md:1"]
    await user.press("lg:me:1")
    assert vi(app, "log.edit.menu") in user.text()
    for payload in ("lg:e:min", "lg:m:120", "lg:edit", "lg:e:num", "lg:n:0:4", "lg:k:0:4"):
        await user.press(payload)
    await user.press("lg:edit")
    await user.press("lg:e:area")
    await user.press(f"lg:a:{areas['Tổ dân phố 12']}")
    await user.press("lg:edit")
    await user.press("lg:e:day")
    await user.press("lg:d:2")
    await user.say("ba cụ")
    labels = [b.label for d in user.last for b in d.reply.all_buttons()]
    assert vi(app, "log.button.save_changes") in labels
    await user.press("lg:save")
    assert user.text() == vi(app, "log.updated", id=1)
    [record] = records(app)
    assert (record.minutes, record.day, record.note) == (120, date(2026, 3, 2), "ba cụ")
    assert record.area_id == areas["Tổ dân phố 12"]
    assert [(i.people, i.succeeded, i.reasons) for i in record.items] == [(4, 4, ())]
    [entry] = audit(app, 1)
    assert entry.action == "edit"
    assert (entry.before["minutes"], entry.after["minutes"]) == (45, 120)
    assert entry.before["items"][0]["people"] == 3 and entry.after["items"][0]["people"] == 4
    assert (entry.before["day"], entry.after["day"]) == ("2026-03-04", "2026-03-02")


async def test_saving_an_unchanged_record_writes_no_audit(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    person = add_member(app, team, "other")
    sid = store(app, person_id=person, team_id=team, day=TODAY, items=[ItemInput(L2, 1, 1)])
    leader = volunteer(harness, team, "L1", role="leader")
    await leader.say(f"/edit {sid}")
    await leader.press("lg:e:back")
    await leader.press("lg:save")
    assert leader.text() == vi(app, "log.unchanged", id=sid)
    assert audit(app, sid) == []
    await user.say("/edit abc")
    assert user.text() == vi(app, "log.edit.usage")


async def test_volunteer_cannot_touch_someone_elses_record(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    owner = add_member(app, team, "owner")
    sid = store(app, person_id=owner, team_id=team, day=TODAY, items=[ItemInput(L2, 2, 2)])
    other = volunteer(harness, team, "v2")
    for payload in (f"lg:me:{sid}", f"lg:md:{sid}", f"lg:dy:{sid}", f"lg:uy:{sid}"):
        await other.press(payload)
        assert other.text() == vi(app, "error.stale_button"), payload
    await other.say(f"/edit {sid}")
    assert other.text() == vi(app, "log.edit.not_found", id=sid)
    await other.say("/undo")
    assert other.text() == vi(app, "log.undo.none")
    assert len(records(app)) == 1 and audit(app, sid) == []


async def test_leader_corrects_a_member_record_but_not_another_teams(
    harness: Harness, app: App
) -> None:
    team, elsewhere = make_team(app, areas=()), make_team(app, "Tổ 3", areas=())
    member = add_member(app, team, "member")
    sid = store(app, person_id=member, team_id=team, day=TODAY, items=[ItemInput(L2, 2, 2)])
    stranger = volunteer(harness, elsewhere, "L9", role="leader")
    await stranger.say(f"/edit {sid}")
    assert stranger.text() == vi(app, "log.edit.not_found", id=sid)
    await stranger.press(f"lg:dy:{sid}")
    assert stranger.text() == vi(app, "error.stale_button")
    leader = volunteer(harness, team, "L1", role="leader")
    await leader.say("/mine")
    assert vi(app, "log.mine.team") in leader.text()
    assert f"lg:me:{sid}" in leader.payloads()
    await leader.press(f"lg:me:{sid}")
    await leader.press("lg:e:min")
    await leader.press("lg:m:60")
    await leader.press("lg:save")
    assert leader.text() == vi(app, "log.updated", id=sid)
    [entry] = audit(app, sid)
    assert records(app)[0].person_id == member  # the record still belongs to the volunteer
    assert entry.actor_person_id not in (member, None)
    await leader.press(f"lg:md:{sid}")
    await leader.press(f"lg:dy:{sid}")
    assert records(app) == []


def week_item(people: int, ok: int | None = None) -> list[ItemInput]:
    """Return one VNeID level-2 line."""
    return [ItemInput(L2, people, people if ok is None else ok)]


async def test_mine_shows_week_month_by_service_and_streak(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    me = add_member(app, team, "v1")
    user = harness.user("v1")
    person = add_member(app, team, "x")  # another member: not counted
    days_items = [
        (date(2026, 3, 2), week_item(3, 2), 30),  # Monday this week
        (date(2026, 3, 4), [ItemInput("cashless", 4, 4), ItemInput(L2, 1, 1)], 60),
        (date(2026, 3, 1), week_item(5), 90),  # Sunday last week, this month
        (date(2026, 2, 16), week_item(1), 15),  # two weeks ago
        (date(2026, 2, 2), week_item(1), 15),  # after a gap: not in the streak
    ]
    for day, items, minutes in days_items:
        store(app, person_id=me, team_id=team, day=day, items=items, minutes=minutes)
    store(app, person_id=person, team_id=team, day=TODAY, items=week_item(9))
    await user.say("/mine")
    text = user.text()
    week = vi(app, "log.mine.week", start="02/03", end="08/03")
    assert vi(app, "log.mine.period", period=week, sessions=2, people=8, succeeded=7,
              hours="1,5") in text  # fmt: skip
    month = vi(app, "log.mine.month", month="03/2026")
    assert vi(app, "log.mine.period", period=month, sessions=3, people=13, succeeded=12,
              hours="3") in text  # fmt: skip
    assert vi(app, "log.mine.service", service="Hỗ trợ định danh mức 2", people=9,
              succeeded=8) in text  # fmt: skip
    assert vi(app, "log.mine.streak", weeks=3) in text
    assert len(user.payloads()) == 2 * 5


@pytest.mark.parametrize(
    ("days", "streak"),
    [
        ([], 0),
        ([date(2026, 2, 24)], 1),  # last week only: the streak still counts
        ([date(2026, 2, 17)], 0),  # two weeks ago only: broken
        ([date(2026, 3, 8), date(2026, 3, 2), date(2026, 2, 26), date(2026, 2, 16)], 3),
    ],
)
def test_weekly_streak(days: list[date], streak: int) -> None:
    from handlers.assistlog.stats import weekly_streak

    assert weekly_streak(days, TODAY) == streak


async def test_mine_when_nothing_is_logged(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await user.say("/mine")
    assert vi(app, "log.mine.empty") in user.text()
    assert vi(app, "log.mine.no_streak") in user.text()


async def test_full_log_edit_and_undo_on_every_database(app_any_db: App) -> None:
    app = app_any_db
    harness = Harness(app)
    team = make_team(app)
    user = volunteer(harness, team)
    await user.say("/log")
    for payload in ("lg:s:vneid_level2", "lg:n:0:3", "lg:k:0:1", "lg:r:0:no_chip_card",
                    "lg:r:0:otp_not_received", "lg:nx:0", "lg:m:60"):  # fmt: skip
        await user.press(payload)
    await user.press(user.payloads()[0])
    await user.say("mk 12ab34cd, cụ 80 tuổi")
    await user.press("lg:save")
    [record] = records(app)
    assert record.items[0].reasons == ("no_chip_card", "otp_not_received")
    assert "12ab34cd" not in record.note and record.out_of_hours is False
    await user.say(f"/edit {record.id}")
    await user.press("lg:e:num")
    await user.say("3/3")
    await user.press("lg:save")
    [entry] = audit(app, record.id)
    assert entry.before["items"][0]["reasons"] == ["no_chip_card", "otp_not_received"]
    assert entry.after["items"][0] == {"service": L2, "people": 3, "succeeded": 3, "reasons": []}
    await user.say("/mine")
    assert "(3/3)" in user.text()
    await user.say("/undo")
    await user.press(f"lg:uy:{record.id}")
    assert records(app) == [] and [e.action for e in audit(app, record.id)] == ["edit", "delete"]


async def test_mine_figures_and_team_records_on_every_database(app_any_db: App) -> None:
    app = app_any_db
    harness = Harness(app)
    team = make_team(app, areas=())
    me = add_member(app, team, "L1", role="leader")
    member = add_member(app, team, "v2")
    store(app, person_id=me, team_id=team, day=TODAY, items=week_item(2, 1), minutes=45)
    store(app, person_id=me, team_id=team, day=date(2026, 2, 25), items=week_item(1))
    other = store(app, person_id=member, team_id=team, day=TODAY, items=week_item(7))
    leader = harness.user("L1")
    await leader.say("/mine")
    week = vi(app, "log.mine.week", start="02/03", end="08/03")
    assert vi(app, "log.mine.period", period=week, sessions=1, people=2, succeeded=1,
              hours="0,8") in leader.text()  # fmt: skip
    assert vi(app, "log.mine.streak", weeks=2) in leader.text()
    assert vi(app, "log.mine.team") in leader.text()
    assert f"lg:me:{other}" in leader.payloads()
    await leader.say("/log")
    assert leader.payloads()[0] == f"lg:s:{L2}"
