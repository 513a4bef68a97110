"""/target: one-line and button flows, progress in percent, and target_progress for other features."""

from __future__ import annotations

from datetime import date

from bot.app import App
from domain.periods import Month
from storage import targets
from tests.factories import Harness
from tests.reports import world as w


def _march_work(app: App, world: w.World) -> None:
    now = app.parts.clock.now()

    def work(session: object) -> None:
        lan, minh, _ = world.volunteers
        w.log(
            session,
            person_id=lan,
            team_id=world.team,
            day=date(2026, 3, 2),
            now=now,  # type: ignore[arg-type]
            items=[("vneid_level2", 8, 6, ())],
            area_id=world.areas[0],
        )
        w.log(
            session,
            person_id=minh,
            team_id=world.team,
            day=date(2026, 3, 3),
            now=now,  # type: ignore[arg-type]
            items=[("vneid_level2", 5, 4, ()), ("dvc_online", 2, 1, ())],
            area_id=world.areas[1],
        )
        w.log(
            session,
            person_id=minh,
            team_id=world.team,
            day=date(2026, 2, 27),
            now=now,  # type: ignore[arg-type]
            items=[("vneid_level2", 9, 9, ())],
            area_id=world.areas[0],
        )

    app.db.run_sync(work)  # type: ignore[arg-type]


async def test_one_line_target_and_progress(harness: Harness, app: App) -> None:
    world = w.build(app)
    _march_work(app, world)
    hoa = harness.user("200")
    await hoa.say("/lang")
    await hoa.press("lang:en")
    await hoa.say("/target Tổ dân phố 1 vneid2 40")
    assert "Tổ dân phố 1" in hoa.text() and "= 40" in hoa.text()
    assert "6/40 (15%)" in hoa.text()
    await hoa.say("/target all buoi 4")
    assert "Whole team · Sessions: 2/4 (50%)" in hoa.text()
    await hoa.say("/target 2 muc 2 5")
    assert (
        "Tổ dân phố 2 · VNeID level-2 identification support (successful assists): 4/5 (80%)"
        in hoa.text()
    )
    await hoa.say("/target Tổ dân phố 1 vneid2 50")
    progress = app.db.run_sync(lambda s: targets.target_progress(s, world.team, Month(2026, 3)))
    assert [(p.area_name, p.metric, p.target, p.done, p.percent) for p in progress] == [
        ("Tổ dân phố 1", "vneid_level2", 50, 6, 12),
        ("", "sessions", 4, 2, 50),
        ("Tổ dân phố 2", "vneid_level2", 5, 4, 80),
    ]
    await hoa.say("/target Tổ dân phố 9 vneid2 5")
    assert "Tổ dân phố 9" in hoa.text()
    await hoa.say("/target 1 banana 5")
    assert hoa.text() == app.parts.translations.get("en").text("target.unknown_metric")
    await hoa.say("/target 1 vneid2")
    assert hoa.text() == app.parts.translations.get("en").text("target.usage")


async def test_a_target_says_what_it_counts_and_takes_units(harness: Harness, app: App) -> None:
    """'100 người' and '100 lượt' count assists, '80 thành công' successes, '50 buổi' sessions."""
    world = w.build(app)
    _march_work(app, world)  # March: 3 sessions... 2 of them in March, 15 assists, 11 successes
    hoa = harness.user("200")
    await hoa.say("/target 100 người")
    assert "Số lượt người được hỗ trợ = 100" in hoa.text()
    assert "• Cả tổ · Số lượt người được hỗ trợ: 15/100 (15%)" in hoa.text()
    await hoa.say("/target 80 thành công")
    assert "• Cả tổ · Số lượt thực hiện thành công: 11/80 (14%)" in hoa.text()
    await hoa.say("/target Tổ dân phố 1 50 buổi")
    assert "• Tổ dân phố 1 · Số buổi hỗ trợ: 1/50 (2%)" in hoa.text()
    await hoa.say("/target 120 lượt")  # "lượt" is an assist, as in the reports
    await hoa.say("/target 1 vneid2 40")
    assert (
        "• Tổ dân phố 1 · Hỗ trợ định danh mức 2 (số lượt thực hiện thành công): 6/40" in hoa.text()
    )
    progress = app.db.run_sync(lambda s: targets.target_progress(s, world.team, Month(2026, 3)))
    assert [(p.area_name, p.metric, p.target, p.done) for p in progress] == [
        ("", "people", 120, 15),
        ("", "succeeded", 80, 11),
        ("Tổ dân phố 1", "sessions", 50, 1),
        ("Tổ dân phố 1", "vneid_level2", 40, 6),
    ]
    await hoa.say("/target 50 hộ")  # households are not a target metric: say what is
    assert hoa.text() == app.parts.translations.get("vi").text("target.unknown_metric")
    assert "100 người" in hoa.text() and "20 buổi" in hoa.text()


async def test_targets_with_buttons(harness: Harness, app: App) -> None:
    world = w.build(app)
    _march_work(app, world)
    hoa = harness.user("200")
    await hoa.say("/target")
    await hoa.press_label("Tổ dân phố 1")
    await hoa.press_label("định danh mức 2")
    await hoa.say("bốn mươi")
    label = "Hỗ trợ định danh mức 2 (số lượt thực hiện thành công)"
    assert hoa.text() == app.parts.translations.get("vi").text("target.bad_number", metric=label)
    await hoa.say("40 buổi")  # a unit that contradicts the chosen metric is questioned
    assert hoa.text() == app.parts.translations.get("vi").text("target.bad_number", metric=label)
    await hoa.say("40")
    assert "6/40 (15%)" in hoa.text()
    await hoa.say("/target 2026-02")
    assert "02/2026" in hoa.text()
    await hoa.press_label("Cả tổ")
    await hoa.press_label("Số lượt người được hỗ trợ")
    assert "Số lượt người được hỗ trợ" in hoa.text()  # the question says what is counted
    await hoa.say("30 người")
    progress = app.db.run_sync(lambda s: targets.target_progress(s, world.team, Month(2026, 3)))
    assert {(p.metric, p.done) for p in progress} == {("vneid_level2", 6), ("people", 15)}


async def test_targets_appear_in_the_digest(harness: Harness, app: App) -> None:
    world = w.build(app)
    _march_work(app, world)
    hoa = harness.user("200")
    await hoa.say("/target 1 vneid2 40")
    deliveries = await hoa.say("/digest nay")
    text = deliveries[1].reply.text
    assert (
        "Tổ dân phố 1 · Hỗ trợ định danh mức 2 (số lượt thực hiện thành công): 6/40 (15%)" in text
    )
