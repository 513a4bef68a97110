"""Guided /log flow on the neutral model: taps counted, several services, bad taps, resume."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.core.clock import FixedClock
from domain.services import default_catalogue
from storage.models import Conversation
from tests.factories import Harness, User
from tests.handlers.log_helpers import (
    add_member,
    area_ids,
    make_team,
    records,
    vi,
    volunteer,
)

L2 = "vneid_level2"


def state_of(app: App, user: User) -> str:
    """Return the stored flow state of a user."""
    row = app.db.run_sync(
        lambda s: s.exec(select(Conversation).where(Conversation.user_id == user.user_id)).first()
    )
    return row.state if row else ""


async def run_script(user: User, script: list[str]) -> int:
    """Send '/...' commands and press 'lg:...' payloads; return the number of taps."""
    taps = 0
    for step in script:
        if step.startswith("lg:") or step.startswith("menu:"):
            assert step in user.payloads(), (step, user.payloads())
            await user.press(step)
            taps += 1
        else:
            await user.say(step)
    return taps


TAP_SCRIPTS = [
    pytest.param(
        ("Tổ dân phố 1", "Tổ dân phố 12"),
        ["/log", "lg:s:vneid_level2", "lg:n:0:3", "lg:k:0:3", "lg:m:30", "lg:a:{area}", "lg:save"],
        6,
        [(L2, 3, 3, ())],
        id="one-service-all-succeeded",
    ),
    pytest.param(
        (),
        ["/log", "lg:s:dvc_online", "lg:n:0:1", "lg:k:0:1", "lg:m:60", "lg:save"],
        5,
        [("dvc_online", 1, 1, ())],
        id="team-without-areas",
    ),
    pytest.param(
        ("Thôn A",),
        ["/log", "lg:s:vneid_level2", "lg:n:0:2", "lg:k:0:1", "lg:r:0:sim_not_own_name",
         "lg:m:15", "lg:save"],
        6,
        [(L2, 2, 1, ("sim_not_own_name",))],
        id="one-area-is-chosen-without-asking-and-a-failure-reason",
    ),
    pytest.param(
        ("Tổ dân phố 1", "Tổ dân phố 12"),
        ["/log", "lg:multi", "lg:s:vneid_level2", "lg:pg:1", "lg:s:cashless", "lg:done",
         "lg:n:0:3", "lg:k:0:3", "lg:n:1:2", "lg:k:1:0", "lg:r:1:ekyc_failed",
         "lg:r:1:other", "lg:nx:1", "lg:m:120", "lg:a:{area}", "lg:save"],
        15,
        [(L2, 3, 3, ()), ("cashless", 2, 0, ("ekyc_failed", "other"))],
        id="several-services-on-two-pages",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("areas", "script", "taps", "items"), TAP_SCRIPTS)
async def test_guided_log_counts_taps_and_stores_the_session(
    harness: Harness, app: App, areas: tuple[str, ...], script: list[str], taps: int,
    items: list[tuple[str, int, int, tuple[str, ...]]],
) -> None:  # fmt: skip
    team = make_team(app, areas=areas)
    area = min(area_ids(app, team).values(), default=0)
    user = volunteer(harness, team)
    assert await run_script(user, [s.format(area=area) for s in script]) == taps
    assert vi(app, "log.saved", id=1) in user.text()
    [record] = records(app)
    assert [(i.service, i.people, i.succeeded, i.reasons) for i in record.items] == items
    assert record.team_id == team and record.channel == "test"
    assert record.area_id == (area or None)
    assert state_of(app, user) == ""


async def test_main_menu_button_starts_the_guided_log(harness: Harness, app: App) -> None:
    team = make_team(app)
    user = volunteer(harness, team)
    await user.say("/start")
    assert "menu:log" in user.payloads()
    await user.press("menu:log")
    assert state_of(app, user) == "log.svc"
    assert "lg:s:vneid_level2" in user.payloads()


async def test_most_used_services_come_first_and_the_last_area_leads(
    harness: Harness, app: App
) -> None:
    team = make_team(app)
    areas = area_ids(app, team)
    user = volunteer(harness, team)
    for _ in range(2):
        await run_script(
            user,
            ["/log", "qr", "lg:n:0:1", "lg:k:0:1", "lg:m:15",
             f"lg:a:{areas['Tổ dân phố 12']}", "lg:save"],
        )  # fmt: skip
    await user.say("/log")
    assert user.payloads()[0] == "lg:s:cashless"
    await run_script(user, ["lg:s:cashless", "lg:n:0:1", "lg:k:0:1", "lg:m:15"])
    assert user.payloads()[0] == f"lg:a:{areas['Tổ dân phố 12']}"


async def test_typed_answers_work_and_text_for_buttons_gets_a_hint(
    harness: Harness, app: App
) -> None:
    team = make_team(app, areas=("Tổ dân phố 1", "Tổ dân phố 12"))
    user = volunteer(harness, team)
    await user.say("/log")
    await user.say("muc 2")  # a service alias typed instead of tapped
    assert state_of(app, user) == "log.people"
    await user.say("ba người")
    assert user.text().startswith(vi(app, "log.hint.number"))
    await user.say("2/3")
    assert state_of(app, user) == "log.why"
    await user.say("vì lý do khác")
    assert user.text().startswith(vi(app, "log.hint.buttons"))
    assert vi(app, "logx.way_out") in user.text()
    await user.say("vì sim")  # a reason typed in words; one failure, so no «Tiếp»
    assert state_of(app, user) == "log.min"
    await user.say("lâu lắm")
    assert user.text().startswith(vi(app, "log.hint.duration"))
    await user.say("1h30")
    assert state_of(app, user) == "log.area"
    await user.say("to dan pho 12")
    assert state_of(app, user) == "log.card"
    await user.press("lg:save")
    [record] = records(app)
    assert (record.minutes, record.items[0].people, record.items[0].succeeded) == (90, 3, 2)
    assert record.area_id == area_ids(app, team)["Tổ dân phố 12"]


async def test_typed_count_above_people_and_bare_minutes(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await run_script(user, ["/log", "lg:s:dvc_online", "lg:n:0:4"])
    await user.say("5")
    assert user.text().startswith(vi(app, "log.hint.ok_over", people=4))
    await user.say("tất cả")
    await user.say("45")
    assert state_of(app, user) == "log.card"
    assert "45 phút" in user.text()


FORGED = [
    "lg:s:not_a_service",
    "lg:n:0:99",
    "lg:n:1:3",
    "lg:k:0:1",
    "lg:m:45",
    "lg:a:999",
    "lg:t:1",
    "lg:save",
    "lg:e:num",
    "lg:go",
    "lg:zzz",
    "lg:pg:7",
    "lg",
]


@pytest.mark.parametrize("payload", FORGED)
async def test_stale_or_forged_buttons_change_nothing(
    harness: Harness, app: App, payload: str
) -> None:
    team = make_team(app)
    user = volunteer(harness, team)
    await run_script(user, ["/log", "lg:s:vneid_level2"])
    before = app.db.run_sync(lambda s: s.exec(select(Conversation)).one().model_dump())
    await user.press(payload)
    assert user.text() == vi(app, "error.stale_button")
    after = app.db.run_sync(lambda s: s.exec(select(Conversation)).one().model_dump())
    assert {k: before[k] for k in ("state", "data")} == {k: after[k] for k in ("state", "data")}


async def test_old_keyboard_of_a_finished_step_is_refused(harness: Harness, app: App) -> None:
    team = make_team(app)
    user = volunteer(harness, team)
    await run_script(user, ["/log", "lg:multi", "lg:s:dvc_online", "lg:s:dvc_payment", "lg:done"])
    await run_script(user, ["lg:n:0:2", "lg:k:0:2"])
    await user.press("lg:n:0:5")  # the first service's question again, from an old message
    assert user.text() == vi(app, "error.stale_button")
    assert state_of(app, user) == "log.people"


def test_every_payload_fits_telegrams_64_bytes() -> None:
    catalogue = default_catalogue().all()
    payloads = [f"lg:s:{s.key}" for s in catalogue]
    payloads += [f"lg:r:99:{r.key}" for s in catalogue for r in s.reasons]
    assert max(len(p.encode()) for p in payloads) <= 40


async def test_several_teams_ask_which_team_unless_one_is_led(harness: Harness, app: App) -> None:
    first, second = make_team(app, "Tổ 1"), make_team(app, "Tổ 2", areas=())
    user = volunteer(harness, first)
    add_member(app, second, user.user_id)
    await user.say("/log")
    assert user.text() == vi(app, "log.ask.team")
    assert user.payloads() == [f"lg:t:{first}", f"lg:t:{second}"]
    await run_script(user, [f"lg:t:{second}", "lg:s:dvc_online", "lg:n:0:1", "lg:k:0:1", "lg:m:15"])
    assert "Tổ 2" in user.text()
    await user.press("lg:save")
    assert records(app)[0].team_id == second
    leader = volunteer(harness, first, "L1", role="leader")
    add_member(app, second, "L1")
    await leader.say("/log")
    assert state_of(app, leader) == "log.svc"


async def test_resident_may_not_log(harness: Harness, app: App) -> None:
    resident = harness.user("r1")
    await resident.say("/log vneid2 3 45p")
    assert resident.text() == vi(app, "error.not_allowed")
    await resident.press("lg:s:vneid_level2")
    assert resident.text() == vi(app, "error.not_allowed")
    await resident.press("lg:dy:1")
    assert resident.text() == vi(app, "error.not_allowed")
    assert records(app) == []


async def test_cancel_and_edit_from_the_card(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await run_script(user, ["/log", "lg:s:dvc_online", "lg:n:0:2", "lg:k:0:2", "lg:m:30"])
    await run_script(user, ["lg:edit", "lg:e:day", "lg:d:1"])
    assert "03/03/2026" in user.text()
    await run_script(user, ["lg:edit", "lg:e:num", "lg:n:0:4", "lg:k:0:4"])
    await run_script(user, ["lg:note", "lg:skip", "lg:edit", "lg:e:back"])
    assert "4 người" in user.text()
    await user.press("lg:x")
    assert user.text() == vi(app, "log.cancelled")
    assert records(app) == [] and state_of(app, user) == ""


async def test_plain_channel_uses_numbered_options(harness: Harness, app: App) -> None:
    team = make_team(app)
    user = volunteer(harness, team, "z1", channel="plain")
    await user.say("/log")
    assert "2. Hỗ trợ định danh mức 2" in user.text()
    for typed in ("2", "3", "3", "2", "1"):  # service, people, all three, 30p, first area
        await user.say(typed)
    assert state_of(app, user) == "log.card"
    await user.say("1")
    [record] = records(app)
    assert (record.items[0].people, record.items[0].succeeded, record.minutes) == (3, 3, 30)


async def test_unfinished_log_resumes_after_a_restart(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    team = make_team(app)
    user = volunteer(harness, team)
    await run_script(user, ["/log", "lg:s:vneid_level2", "lg:n:0:3"])
    restarted = build_app(app.settings, clock=clock, migrate=False)
    try:
        again = Harness(restarted).user(user.user_id)
        await again.say("/log")
        assert again.text() == vi(restarted, "log.resume.ask")
        await again.press("lg:go")
        assert "3 người" in again.text() and "lg:k:0:3" in again.payloads()
        await run_script(again, ["lg:k:0:3", "lg:m:30"])
        await again.press(again.payloads()[0])
        await again.press("lg:save")
        assert len(records(restarted)) == 1
    finally:
        restarted.close()


async def test_start_over_drops_the_unfinished_log(harness: Harness, app: App) -> None:
    team = make_team(app)
    user = volunteer(harness, team)
    await run_script(user, ["/log", "lg:s:vneid_level2", "lg:n:0:3", "/log", "lg:new"])
    assert state_of(app, user) == "log.svc"
    await user.say("/log")
    await user.press("lg:x")
    assert state_of(app, user) == ""


async def test_unfinished_log_expires_after_a_day(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    team = make_team(app)
    user = volunteer(harness, team)
    await run_script(user, ["/log", "lg:s:vneid_level2"])
    clock.advance(timedelta(hours=25))
    await user.press("lg:n:0:3")
    assert vi(app, "flow.expired") in user.text()
    assert state_of(app, user) == ""
    assert records(app) == []
