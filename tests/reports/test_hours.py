"""/hours: time per member by kind of time, members active per day, and the allowance."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from bot.app import App
from tests.factories import Harness
from tests.reports import world as w


def _log_march(app: App, world: w.World) -> None:
    now = app.parts.clock.now()
    lan, minh, _ = world.volunteers

    def work(session: object) -> None:
        for who, day, minutes, outside in (
            (lan, date(2026, 3, 2), 90, False),
            (lan, date(2026, 3, 2), 30, True),
            (minh, date(2026, 3, 2), 60, False),
            (minh, date(2026, 3, 7), 120, True),
            (lan, date(2026, 4, 30), 60, True),
        ):
            w.log(
                session,
                person_id=who,
                team_id=world.team,
                day=day,
                minutes=minutes,  # type: ignore[arg-type]
                out_of_hours=outside,
                items=[("vneid_level2", 1, 1, ())],
                now=now,
            )

    app.db.run_sync(work)  # type: ignore[arg-type]


async def test_hours_per_member_and_allowance(harness: Harness, app: App) -> None:
    world = w.build(app)
    _log_march(app, world)
    hoa = harness.user("200")
    await hoa.say("/lang")
    await hoa.press("lang:en")
    await hoa.say("/hours 2026-03")
    text = hoa.text()
    assert "Total: 5 h by 2 members" in text
    assert "Outside office hours 50%, weekends 40%, public holidays 0%" in text
    assert "• Lan: 2 h, 1 days, outside office hours 25%" in text
    assert "• Minh: 3 h, 2 days, outside office hours 67%" in text
    assert "Busiest 02/03: 2 members" in text
    assert "300,000 VND" in text and "3 participating member-days" in text
    assert "150,000 VND for water and fuel" in text
    deliveries = await hoa.say("/hours 2026-04 xlsx")
    assert "Public holiday" not in deliveries[0].reply.text
    assert "public holidays 100%" in deliveries[0].reply.text
    document = deliveries[1].reply.document
    assert document is not None
    book = load_workbook(io.BytesIO(document.content))
    members, days, money = book.worksheets
    assert list(members.iter_rows(min_row=3, values_only=True)) == [("Lan", 1, 1, 1, 0, 1, 1)]
    assert [r[1] for r in days.iter_rows(min_row=2, values_only=True)] == ["Public holiday"]
    assert ("Total (VND)", 300_000) in list(money.iter_rows(values_only=True))


async def test_hours_without_activity(harness: Harness, app: App) -> None:
    w.build(app)
    hoa = harness.user("200")
    await hoa.say("/hours 2026-02")
    assert "chưa đủ điều kiện" in hoa.text()
