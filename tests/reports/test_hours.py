"""/hours: time per member, member-days ("ngày công"), the funding rule's two parts, the XLSX."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.app import App
from bot.core.clock import FixedClock
from handlers.leaders.commands import Funding
from storage import people
from tests.factories import Harness
from tests.reports import world as w
from tests.scheduler.support import VN

EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


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


def _log_days(app: App, world: w.World, month: int, days: int) -> None:
    """Two volunteers log on `days` days each of a month of 2026 (2 × days member-days)."""
    now = app.parts.clock.now()

    def work(session: object) -> None:
        for who in world.volunteers[:2]:
            for day in range(1, days + 1):
                w.log(
                    session, person_id=who, team_id=world.team, day=date(2026, month, day),  # type: ignore[arg-type]
                    minutes=45, items=[("vneid_level2", 2, 1, ())], now=now,
                )  # fmt: skip

    app.db.run_sync(work)  # type: ignore[arg-type]


async def test_hours_per_member_and_both_parts_of_the_funding(harness: Harness, app: App) -> None:
    world = w.build(app)
    _log_march(app, world)
    hoa = harness.user("200")
    await hoa.say("/lang")
    await hoa.press("lang:en")
    await hoa.say("/hours 2026-03")
    text = hoa.text()
    assert "Total: 5 h by 2 members, 3 member-days" in text
    assert "Outside office hours 50%, weekends 40%, public holidays 0%" in text
    assert "• Lan: 2 h, 1 member-days, outside office hours 25%" in text
    assert "• Minh: 3 h, 2 member-days, outside office hours 67%" in text
    assert "Busiest 02/03: 2 members" in text
    assert "Resolution 26/2025/NQ-HĐND of the Đà Nẵng City People's Council" in text
    assert "(in force 01/01/2026–31/12/2027)" in text
    assert "General level: 300,000 VND per team per month" in text
    assert "03/2026: 3 member-days × 50,000 VND = 150,000 VND" in text
    assert "300,000 − 150,000 = 150,000 VND" in text
    assert "at most 2 times" in text and "checked on 05/12/2026" in text
    assert "/hours 2026-03 xlsx" in text


async def test_vietnamese_hours_say_ngay_cong_and_make_no_eligibility_claim(
    harness: Harness, app: App
) -> None:
    w.build(app)
    hoa = harness.user("200")
    await hoa.say("/hours 2026-02")
    text = hoa.text()
    assert "chưa đủ điều kiện" not in text and "người-ngày" not in text
    assert vi(app, "hours.none") in text
    assert "Tháng 02/2026: 0 ngày công × 50.000 đồng = 0 đồng." in text
    assert "dịch vụ viễn thông, liên lạc, văn phòng phẩm: 300.000 − 0 = 300.000 đồng" in text
    assert "phường, xã rà soát và chi theo quy định" in text


async def test_more_member_days_than_the_envelope_is_shown_not_decided(
    harness: Harness, app: App
) -> None:
    world = w.build(app)
    _log_days(app, world, 5, 4)  # 8 member-days × 50,000 = 400,000 > 300,000
    hoa = harness.user("200")
    await hoa.say("/hours 2026-05")
    text = hoa.text()
    assert "8 ngày công × 50.000 đồng = 400.000 đồng" in text
    assert "nghị quyết không quy định cách chia" in text
    assert "Phần còn lại" not in text


async def test_a_month_outside_the_rule_and_a_province_without_one(
    harness: Harness, app: App
) -> None:
    w.build(app)
    hoa = harness.user("200")
    await hoa.say("/hours 2025-12")
    assert "nằm ngoài thời gian hiệu lực của Nghị quyết 26/2025/NQ-HĐND" in hoa.text()
    assert "01/01/2026–31/12/2027" in hoa.text()
    app.parts.add(Funding(None))  # BOT_PROVINCE=none or a province with no funding file
    await hoa.say("/hours 2026-03")
    assert vi(app, "funding.no_rule") in hoa.text()


def _widths(sheet: Worksheet) -> dict[str, float]:
    return {k: v.width for k, v in sheet.column_dimensions.items() if v.width}


async def test_hours_spreadsheet_reads_well(harness: Harness, app: App) -> None:
    world = w.build(app)
    _log_march(app, world)

    def rename(session: object) -> None:
        lan = session.get(people.Person, world.volunteers[0])  # type: ignore[attr-defined]
        lan.display_name = '=HYPERLINK("http://x","Nguyễn Thị Phương Lan")'
        session.add(lan)  # type: ignore[attr-defined]

    app.db.run_sync(rename)  # type: ignore[arg-type]
    hoa = harness.user("200")
    deliveries = await hoa.say("/hours 2026-03 xlsx")
    document = deliveries[1].reply.document
    assert document is not None and document.filename.endswith("-2026-03.xlsx")
    book = load_workbook(io.BytesIO(document.content))
    members, days, funding = book.worksheets
    cells = [
        c for s in book.worksheets for row in s.iter_rows() for c in row if c.value is not None
    ]
    assert not [c.value for c in cells if isinstance(c.value, str) and EMOJI.search(c.value)]
    assert members["A1"].value == "Giờ hoạt động của Tổ 12, tháng 03/2026 (01/03–31/03/2026)"
    names = [members.cell(row, 1).value for row in range(3, members.max_row + 1)]
    assert names[0] == "Minh" and names[2] == "Tổng cộng"
    assert names[1] == '\'=HYPERLINK("http://x","Nguyễn Thị Phương Lan")'  # cell_text
    assert members["C5"].value == 5 and members["C5"].number_format == "0.0"
    assert members["B3"].number_format == "0" and members["G5"].value == 3
    widths = _widths(members)
    assert widths["A"] >= len(str(names[1])) and all(w >= 8 for w in widths.values())
    assert len(widths) == 7
    day_cells = [days.cell(row, 1) for row in range(3, days.max_row + 1)]
    assert [c.value.date() for c in day_cells] == [date(2026, 3, 2), date(2026, 3, 7)]
    assert {c.number_format for c in day_cells} == {"dd/mm/yyyy"} and _widths(days)["A"] >= 10
    figures = {r[0]: (r[1], funding.cell(i, 2).number_format)
               for i, r in enumerate(funding.iter_rows(values_only=True), start=1) if r[1] is not None}  # fmt: skip
    assert figures["Mức hỗ trợ chung (đồng/tổ/tháng)"] == (300_000, "#,##0")
    assert figures["Số ngày công"] == (3, "0")
    assert figures["Phần nước uống, xăng xe theo số ngày công (đồng)"] == (150_000, "#,##0")
    assert figures["Phần còn lại cho dịch vụ viễn thông, liên lạc, văn phòng phẩm (đồng)"] == (
        150_000,
        "#,##0",
    )
    words = [r[0] for r in funding.iter_rows(values_only=True) if isinstance(r[0], str)]
    assert any("3 ngày công × 50.000 đồng = 150.000 đồng" in line for line in words)
    assert any("300.000 − 150.000 = 150.000 đồng" in line for line in words)
    assert members.page_setup.orientation == "landscape" and members.print_title_rows == "$2:$2"


async def test_leader_at_the_start_of_a_month(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    """2 April: /hours, its file and its hint are about March; on 10 April about April."""
    world = w.build(app)
    _log_march(app, world)
    clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=VN))
    hoa = harness.user("200")
    await hoa.say("/hours")
    text = hoa.text()
    assert text.startswith("⏱️ Giờ hoạt động của Tổ 12, tháng 03/2026 (01/03–31/03/2026)")
    assert vi(app, "hours.defaulted", month="03/2026", running="2026-04") in text
    assert text.endswith(vi(app, "hours.xlsx_hint", month="03/2026", month_key="2026-03"))
    deliveries = await hoa.say("/hours xlsx")
    document = deliveries[1].reply.document
    assert document is not None and document.filename == f"gio-{world.team}-2026-03.xlsx"
    await hoa.say("/target 100 người")  # targets stay on the running month
    assert "tháng 04/2026" in hoa.text() and "Số lượt người được hỗ trợ: 1/100" in hoa.text()
    await hoa.say("/settings")
    await hoa.press_label("Đổi giờ nhắc")
    await hoa.say("6 giờ chiều")  # typed instead of pressing a button
    assert "Thứ Sáu lúc 18:00" in hoa.text()
    clock.advance(timedelta(days=8))
    await hoa.say("/hours")
    assert "tháng 04/2026" in hoa.text() and "vừa qua" not in hoa.text()
    assert "1 thành viên, 1 ngày công" in hoa.text()  # Lan on 30/4
