"""Who may see what: leaders their team, ward admins their ward, admins all; forged ids refused."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.factories import Harness
from tests.reports import world as w


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


@pytest.fixture
def world(app: App) -> w.World:
    return w.build(app)


@pytest.mark.parametrize("command", ["/report", "/hours", "/digest", "/target", "/settings"])
async def test_leader_of_another_team_is_refused(
    harness: Harness, app: App, world: w.World, command: str
) -> None:
    binh = harness.user("400")
    await binh.say(f"{command} #{world.team}")
    assert binh.text() == vi(app, "error.not_allowed")
    await binh.say(f"{command} #999")
    assert binh.text() == vi(app, "error.not_allowed")


async def test_volunteers_and_residents_cannot_use_leader_tools(
    harness: Harness, app: App, world: w.World
) -> None:
    for user in ("301", "999"):
        person = harness.user(user)
        for command in ("/report", "/hours", "/digest", "/target", "/settings"):
            await person.say(command)
            assert person.text() == vi(app, "error.not_allowed"), command


async def test_ward_admin_sees_own_ward_only(harness: Harness, app: App, world: w.World) -> None:
    thu = harness.user("500")
    deliveries = await thu.say("/report")
    document = deliveries[0].reply.document
    assert document is not None and document.filename == f"bao-cao-ward-{world.ward}-2026-02.docx"
    await thu.say(f"/report #{world.sister_team}")
    assert thu.last[0].reply.document is not None
    await thu.say(f"/report #{world.far_team}")
    assert thu.text() == vi(app, "error.not_allowed")
    await thu.say(f"/report ward {world.other_ward}")
    assert thu.text() == vi(app, "error.not_allowed")
    await thu.say("/report city")
    assert thu.text() == vi(app, "error.not_allowed")
    await thu.say(f"/hours #{world.far_team}")
    assert thu.text() == vi(app, "error.not_allowed")


async def test_admin_sees_city_ward_and_any_team(
    harness: Harness, app: App, world: w.World
) -> None:
    admin = harness.user("admin-1")
    assert (await admin.say("/report"))[0].reply.document.filename == "bao-cao-city-2026-02.docx"  # type: ignore[union-attr]
    ward = (await admin.say(f"/report ward {world.other_ward} 2026-02 csv"))[0].reply.document
    assert ward is not None and ward.filename == f"bao-cao-ward-{world.other_ward}-2026-02.csv"
    await admin.say(f"/hours #{world.far_team}")
    assert "Tổ 1" in admin.text()
    await admin.say("/hours")
    assert admin.text() == vi(app, "scope.need_team")


async def test_forged_button_ids_are_refused(harness: Harness, app: App, world: w.World) -> None:
    hoa = harness.user("200")
    for payload in (
        f"ldr:s:{world.far_team}:rem",
        f"ldr:s:{world.far_team}:time:600",
        f"ldr:t:{world.far_team}:a:0",
    ):
        await hoa.press(payload)
        assert hoa.text() == vi(app, "error.not_allowed"), payload
    await hoa.press(f"ldr:t:{world.team}:m:999999:vneid_level2")
    assert hoa.text() == vi(app, "error.stale_button")
    await hoa.press(f"ldr:t:{world.team}:m:0:not_a_service")
    assert hoa.text() == vi(app, "error.stale_button")
    await hoa.press("ldr:zz")
    assert hoa.text() == vi(app, "error.stale_button")


async def test_bad_arguments_get_the_usage(harness: Harness, app: App, world: w.World) -> None:
    hoa = harness.user("200")
    await hoa.say("/report 2026-13")
    assert hoa.text() == vi(app, "rep.usage")
    await hoa.say("/report banana")
    assert hoa.text() == vi(app, "rep.usage")
    await hoa.say("/hours csv")
    assert hoa.text() == vi(app, "hours.usage")
