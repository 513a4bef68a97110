"""The monthly report as a Decree 30 document (DOCX) with its XLSX appendix, read back and checked.

The clock is 2026-03-04 09:00 in Vietnam; February 2026 holds the logged work.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from docx.text.paragraph import Paragraph
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from bot.app import App
from bot.core.clock import FixedClock
from bot.core.messages import Delivery, Document
from domain.office_hours import day_kind
from domain.periods import Month
from storage import assists, targets, teams
from storage.month_report import month_report
from tests.factories import Harness
from tests.reports import world as w
from tests.reports.documents import Docx, sheet_values, workbook

FONT = "Times New Roman"
FEBRUARY = date(2026, 2, 2)


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


def documents(deliveries: list[Delivery]) -> list[Document]:
    """Return the files of some deliveries, in order."""
    return [d.reply.document for d in deliveries if d.reply.document is not None]


def add(
    session: Session, world: w.World, app: App, *, day: date = FEBRUARY, minutes: int = 60,
    kind: str = "assist", items: tuple[w.Item, ...] = (), households: int | None = None,
    attendees: int | None = None, team: int | None = None,
) -> None:  # fmt: skip
    """Log one session of Tổ 12 (or another team)."""
    assists.add_assist(
        session, person_id=world.volunteers[0], team_id=team or world.team, area_id=world.areas[0],
        day=day, received_at=app.parts.clock.now(), minutes=minutes, channel="test", note="",
        out_of_hours=False, day_kind=day_kind(day),
        items=[assists.ItemInput(s, p, ok, r) for s, p, ok, r in items], kind=kind,
        households=households, attendees=attendees,
    )  # fmt: skip


@pytest.fixture
def world(app: App) -> w.World:
    """The small world with February's work: help sessions (19.5 hours), outreach, a target."""
    built = w.build(app)

    def work(session: Session) -> None:
        add(session, built, app, minutes=600, households=3,
            items=(("vneid_level2", 5, 3, ("otp_not_received", "otp_not_received")),))  # fmt: skip
        add(session, built, app, minutes=570, items=(("cashless", 2, 2, ()),))
        add(session, built, app, minutes=90, kind="awareness", attendees=30)
        add(session, built, app, minutes=120, kind="class", attendees=12)
        targets.set_target(
            session, team_id=built.team, area_id=None, metric="vneid_level2", month="2026-02",
            target=10, set_by=built.leader, now=app.parts.clock.now(),
        )  # fmt: skip

    app.db.run_sync(work)
    return built


def run_texts(paragraph: Paragraph) -> list[tuple[str | None, float | None, bool | None]]:
    return [
        (r.font.name, r.font.size.pt if r.font.size else None, r.font.bold)
        for r in paragraph.runs
        if r.text.strip()
    ]


async def test_team_report_is_a_decree_30_document(
    harness: Harness, app: App, world: w.World
) -> None:
    docx_file, xlsx_file = documents(await harness.user("200").say("/report 2026-02"))
    report = Docx.load(docx_file.content)
    header = report.header
    assert report.cell_lines(header, 0, 0) == [
        "UBND PHƯỜNG HẢI CHÂU", "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG VÀ ĐỀ ÁN 06 TỔ 12",
    ]  # fmt: skip
    authority, issuer = [p for p in header.rows[0].cells[0].paragraphs if p.text]
    assert not authority.runs[0].font.bold and issuer.runs[0].font.bold
    assert report.cell_lines(header, 0, 1) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    ]  # fmt: skip
    assert report.cell_lines(header, 1, 0) == ["Số: 01/BC-TCNSCĐ"]
    dated = header.rows[1].cells[1].paragraphs[0]
    assert dated.text == "Hải Châu, ngày 04 tháng 3 năm 2026" and dated.runs[0].font.italic
    lines = report.lines()
    assert lines[:3] == [
        "BÁO CÁO", "Kết quả hoạt động tháng 2 năm 2026",
        "(Số liệu từ ngày 01/02/2026 đến ngày 28/02/2026)",
    ]  # fmt: skip
    assert report.section_headings() == [
        "I. KẾT QUẢ HOẠT ĐỘNG", "II. KHÓ KHĂN, VƯỚNG MẮC",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG 3 NĂM 2026", "IV. KIẾN NGHỊ, ĐỀ XUẤT",
    ]  # fmt: skip
    recipients = report.cell_lines(report.closing, 0, 0)
    assert recipients == ["Nơi nhận:", "- UBND phường Hải Châu;", "- Lưu: Tổ."]
    assert report.cell_lines(report.closing, 0, 1) == ["TỔ TRƯỞNG", "Chị Hoa"]
    section = report.document.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin]  # fmt: skip
    assert [round(m.mm) if m is not None else None for m in sizes] == [210, 297, 20, 20, 30, 15]
    for paragraph in report.all_paragraphs():
        for name, size, _bold in run_texts(paragraph):
            assert name == FONT, paragraph.text
            assert size is not None and 11 <= size <= 14, paragraph.text
    for paragraph in report.body():
        for _name, size, _bold in run_texts(paragraph):
            assert size is not None and 13 <= size <= 14, paragraph.text
    closing_left = report.closing.rows[0].cells[0].paragraphs
    assert [run_texts(p)[0][1] for p in closing_left if p.text] == [12, 11, 11]
    assert docx_file.caption.startswith("Báo cáo tháng 02/2026 (01/02/2026–28/02/2026)\n")
    assert xlsx_file.caption == vi(app, "rep.appendix_caption", month="02/2026")


async def test_indicators_say_what_they_count(harness: Harness, app: App, world: w.World) -> None:
    docx_file, _xlsx = documents(await harness.user("200").say("/report 2026-02"))
    section = Docx.load(docx_file.content).between("I. KẾT QUẢ", "II.")
    for line in (
        "- Số buổi hỗ trợ người dân: 2 buổi.",
        "- Số lượt người được hỗ trợ: 7 lượt.",
        "- Số lượt thực hiện thành công: 5 lượt (đạt 71,4% số lượt được hỗ trợ).",
        "- Số lượt hộ gia đình được tiếp cận: 3 lượt hộ (theo số hộ tình nguyện viên ghi nhận).",
        "- Tổng thời gian hoạt động: 23 giờ.",
        "- Số buổi tuyên truyền: 1 buổi, với 30 lượt người tham dự.",
        "- Số buổi học kỹ năng số (Bình dân học vụ số): 1 buổi, với 12 lượt học viên.",
    ):
        assert line in section, line
    assert not any("số người" in line.casefold() for line in section), "never distinct people"
    tables = Docx.load(docx_file.content).document.tables
    target = [[c.text for c in r.cells] for r in tables[2].rows]
    assert target[0] == ["STT", "Chỉ tiêu", "Địa bàn", "Kế hoạch", "Đạt", "Tỷ lệ hoàn thành"]
    assert target[1] == [
        "1", "Số lượt thực hiện thành công: Hỗ trợ định danh mức 2", "Toàn tổ", "10", "3", "30%",
    ]  # fmt: skip


async def test_households_line_only_when_given(harness: Harness, app: App) -> None:
    world = w.build(app)
    app.db.run_sync(lambda s: add(s, world, app, items=(("vneid_level2", 1, 1, ()),)))
    docx_file, _xlsx = documents(await harness.user("200").say("/report 2026-02"))
    lines = Docx.load(docx_file.content).lines()
    assert not any("hộ gia đình" in line for line in lines)
    assert "- Trong tháng chưa ghi nhận buổi tuyên truyền hoặc buổi học kỹ năng số." in lines
    assert "- Chưa đặt chỉ tiêu cho tháng này." in lines


async def test_appendix_number_formats_print_setup_and_data_sheet(
    harness: Harness, app: App, world: w.World
) -> None:
    _docx, xlsx_file = documents(await harness.user("200").say("/report 2026-02"))
    book = workbook(xlsx_file.content)
    assert book.sheetnames == [
        "1. Theo nội dung",
        "2. Tuyên truyền, lớp học",
        "3. Chỉ tiêu",
        "4. Nguyên nhân",
        "Data",
    ]
    sheet = book["1. Theo nội dung"]
    values = sheet_values(book)
    for text in (
        "UBND PHƯỜNG HẢI CHÂU", "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG VÀ ĐỀ ÁN 06 TỔ 12", "Số: 01/BC-TCNSCĐ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "PHỤ LỤC",
        "Hải Châu, ngày 04 tháng 3 năm 2026", "Kết quả hoạt động tháng 2 năm 2026",
        "(Kèm theo Báo cáo số 01/BC-TCNSCĐ ngày 04/03/2026)",
    ):  # fmt: skip
        assert text in values, text
    rows = list(sheet.iter_rows())
    header = next(i for i, r in enumerate(rows) if r[0].value == "STT")
    titles = [c.value for c in rows[header]][:7]
    assert titles == [
        "STT", "Nội dung hỗ trợ", "Số buổi", "Số lượt người được hỗ trợ",
        "Số lượt thực hiện thành công", "Tỷ lệ thành công", "Số giờ",
    ]  # fmt: skip
    formats = ["0", "@", "#,##0", "#,##0", "#,##0", "0.0%", "#,##0.0"]
    body = [r for r in rows[header + 1 :] if r[1].value][: len(titles)]
    for row in body:
        assert [c.number_format for c in row[:7]] == formats, row[1].value
    total = next(r for r in rows if r[1].value == "Tổng cộng")
    assert [c.number_format for c in total[2:7]] == formats[2:]
    assert total[6].value == pytest.approx(1380 / 60)  # 23.0 hours: shown "23.0", never "2300%"
    vneid = next(r for r in rows if r[1].value == "Hỗ trợ định danh mức 2")
    assert vneid[5].value == pytest.approx(0.6) and vneid[6].value == pytest.approx(10.0)
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${header + 1}:${header + 1}"
    data = list(book["Data"].iter_rows(values_only=True))
    assert data[0] == ("service", "sessions", "people", "succeeded", "minutes")
    assert ("vneid_level2", 1, 5, 3, 600) in data and ("cashless", 1, 2, 2, 570) in data
    assert all(c.number_format == "General" for r in book["Data"].iter_rows() for c in r)
    for each in book.worksheets[:-1]:
        assert_every_column_has_its_format(each)


def expected_format(title: str, value: object) -> str:
    """Return the format a column must have, from its title and the kind of value."""
    if title == "STT":
        return "0"
    if isinstance(value, str):
        return "@"
    if title.startswith("Tỷ lệ"):
        return "0.0%"
    return "#,##0.0" if title == "Số giờ" else "#,##0"


def assert_every_column_has_its_format(sheet: Worksheet) -> None:
    """Check every body cell of a sheet's table: whole numbers, hours, ratios, text."""
    rows = list(sheet.iter_rows())
    header = next(i for i, r in enumerate(rows) if r[0].value == "STT")
    titles = [str(c.value) for c in rows[header] if c.value]
    assert sheet.print_title_rows == f"${header + 1}:${header + 1}", sheet.title
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    for row in rows[header + 1 :]:
        for title, cell in zip(titles, row, strict=False):
            if cell.value in (None, "", "—"):
                continue
            assert cell.number_format == expected_format(title, cell.value), (
                sheet.title, title, cell.value,
            )  # fmt: skip


async def test_ward_report_sums_teams_and_lists_each_one(
    harness: Harness, app: App, world: w.World
) -> None:
    docx_file, xlsx_file = documents(await harness.user("500").say("/report 2026-02"))
    report = Docx.load(docx_file.content)
    assert report.cell_lines(report.header, 0, 0) == ["ỦY BAN NHÂN DÂN", "PHƯỜNG HẢI CHÂU"]
    assert all(p.runs[0].font.bold for p in report.header.rows[0].cells[0].paragraphs if p.text)
    assert report.cell_lines(report.header, 1, 0) == ["Số: 01/BC-UBND"]
    signer = report.closing.rows[0].cells[1].paragraphs
    assert [p.text for p in signer if p.text] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert signer[-1].text == "", "the chair signs and writes the name by hand"
    units = [[c.text for c in r.cells] for r in report.document.tables[-2].rows]
    assert units[0][:2] == ["STT", "Tổ"]
    assert units[1][:5] == ["1", "Tổ 12", "2", "7", "5"]
    assert units[2][:5] == ["2", "Tổ 13", "0", "0", "0"], "a team that logged nothing has its row"
    assert units[3][1:5] == ["Tổng cộng", "2", "7", "5"]
    book = workbook(xlsx_file.content)
    assert book.sheetnames[1] == "2. Theo tổ"
    rows = list(book.worksheets[1].iter_rows())
    team_row = next(r for r in rows if str(r[1].value).startswith("Tổ 13"))
    assert [c.number_format for c in team_row[:13]] == [
        "0", "@", "#,##0", "#,##0", "#,##0", "0.0%", "#,##0.0", "#,##0", "#,##0", "#,##0",
        "#,##0", "#,##0", "@",
    ]  # fmt: skip
    tổ12 = next(r for r in rows if str(r[1].value).startswith("Tổ 12 ("))
    assert [c.value for c in tổ12[7:13]] == [1, 30, 1, 12, 3, "1/4"]
    for each in book.worksheets[:-1]:
        assert_every_column_has_its_format(each)


async def test_numbers_per_issuer_and_year_same_month_same_number(
    harness: Harness, app: App, world: w.World
) -> None:
    hoa = harness.user("200")

    async def number(command: str, user: str = "200") -> str:
        docx_file = documents(await harness.user(user).say(command))[0]
        return Docx.load(docx_file.content).cell_lines(Docx.load(docx_file.content).header, 1, 0)[0]

    first, again = await asyncio.gather(
        hoa.say("/report 2026-02 docx"), harness.user("200").say("/report 2026-02 docx")
    )
    numbers = {
        Docx.load(documents(d)[0].content).cell_lines(
            Docx.load(documents(d)[0].content).header, 1, 0
        )[0]
        for d in (first, again)
    }
    assert numbers == {"Số: 01/BC-TCNSCĐ"}, "asked twice at once: one document, one number"
    assert await number("/report 2026-01") == "Số: 02/BC-TCNSCĐ"
    assert await number("/report 2026-02") == "Số: 01/BC-TCNSCĐ"
    assert await number("/report 2026-02", "500") == "Số: 01/BC-UBND"
    await hoa.say("/report kyhieu tcns-tdp12")
    assert hoa.text() == vi(app, "rep.prefix.saved", example="Số: 05/BC-TCNS-TDP12")
    assert await number("/report 2026-02") == "Số: 01/BC-TCNS-TDP12"
    await hoa.say("/report kyhieu =cmd|x")
    assert hoa.text() == vi(app, "rep.prefix.bad")


async def test_default_month_is_the_one_just_ended_in_the_first_days(
    harness: Harness, app: App, world: w.World, clock: FixedClock
) -> None:
    hoa = harness.user("200")
    docx_file = documents(await hoa.say("/report"))[0]
    assert docx_file.filename.endswith("2026-02.docx")
    assert vi(app, "rep.defaulted", month="02/2026", current="2026-03") in docx_file.caption
    clock.advance(timedelta(days=6))
    docx_file = documents(await hoa.say("/report"))[0]
    assert docx_file.filename.endswith("2026-03.docx")
    assert vi(app, "rep.in_progress", month="03/2026", day="10/03/2026") in docx_file.caption


async def test_bad_months(harness: Harness, app: App, world: w.World) -> None:
    hoa = harness.user("200")
    await hoa.say("/report 2026-04")
    assert hoa.text() == vi(app, "rep.future", month="04/2026") and not documents(hoa.last)
    await hoa.say("/report 2026-13")
    assert hoa.text() == vi(app, "rep.usage") and not documents(hoa.last)
    docx_file, xlsx_file = documents(await hoa.say("/report 2025-06"))
    assert vi(app, "rep.empty", month="06/2025") in docx_file.caption
    assert "- Số lượt người được hỗ trợ: 0 lượt." in Docx.load(docx_file.content).lines()
    assert workbook(xlsx_file.content).sheetnames == [
        "1. Theo nội dung",
        "2. Tuyên truyền, lớp học",
        "3. Chỉ tiêu",
        "4. Nguyên nhân",
        "Data",
    ]


async def test_team_without_members_and_names_with_formulas_or_control_characters(
    harness: Harness, app: App, world: w.World
) -> None:
    def work(session: Session) -> int:
        team = teams.create_team(
            session, ward_name="Phường Hải Châu", name="=HYPERLINK(\"x\")\x07 Tổ 99",
            areas=["+Thôn\x1b 1"], now=app.parts.clock.now(),
        )  # fmt: skip
        return team.id or 0

    empty = app.db.run_sync(work)
    admin = harness.user("admin-1")
    docx_file, xlsx_file = documents(await admin.say(f"/report #{empty} 2026-02"))
    report = Docx.load(docx_file.content)
    assert report.cell_lines(report.header, 0, 0)[1] == (
        'TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG VÀ ĐỀ ÁN 06 =HYPERLINK("X") TỔ 99'
    )
    assert "- Số thành viên có ghi nhận hoạt động: 0/0 thành viên." in report.lines()
    signer = report.cell_lines(report.closing, 0, 1)
    assert signer == ["TỔ TRƯỞNG"], "no leader yet: the name line stays empty"
    values = sheet_values(workbook(xlsx_file.content))
    issuer = 'TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG VÀ ĐỀ ÁN 06 =HYPERLINK("X") TỔ 99'
    assert issuer in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) and v != "-"
                   for v in values)  # fmt: skip

    def rename(session: Session) -> None:
        from storage.models import Person

        leader = session.get(Person, world.leader)
        assert leader is not None
        leader.display_name = "=cmd|' /C calc'!A0\x00\x1f Hoa"
        session.add(leader)

    app.db.run_sync(rename)
    docx_file = documents(await harness.user("200").say("/report 2026-02 docx"))[0]
    report = Docx.load(docx_file.content)
    assert report.cell_lines(report.closing, 0, 1) == ["TỔ TRƯỞNG", "=cmd|' /C calc'!A0 Hoa"]


async def test_notes_go_into_sections_two_to_four(
    harness: Harness, app: App, world: w.World
) -> None:
    hoa = harness.user("200")
    deliveries = await hoa.say("/report 2026-02")
    offer = f"rpt:n:{world.team}:2026-02"
    assert offer in hoa.payloads(), "the report offers to add the team's words"
    assert documents(deliveries)[0].filename.endswith(".docx")
    await hoa.press(offer)
    assert hoa.text().startswith("Ý kiến của tổ cho báo cáo tháng 02/2026 (Tổ 12), bước 1/3.")
    sentence = "Người cao tuổi chưa có điện thoại thông minh để cài ứng dụng. "
    long_text = (sentence * 90)[:4999] + "."
    split = next(i for i in range(4096, 0, -1) if long_text[i - 1] != " " != long_text[i])
    pieces = [long_text[:split], long_text[split:]]  # a chat app splits a long text
    await hoa.say(pieces[0])
    assert hoa.text().startswith(f"Đã ghi vào mục “Khó khăn, vướng mắc” ({split}/5000 ký tự).")
    await hoa.say(pieces[1])
    assert hoa.text().startswith("Đã ghi vào mục “Khó khăn, vướng mắc” (5000/5000 ký tự).")
    await hoa.say("x")
    assert hoa.text() == vi(app, "rep.notes.too_long", length=5001, limit=5000)
    await hoa.press("rpt:next")
    assert hoa.text().startswith("Bước 2/3.")
    await hoa.press("rpt:next")
    assert hoa.text().startswith("Bước 3/3.")
    await hoa.say("Đề nghị phường hỗ trợ\nthêm 2 máy tính bảng, liên hệ 0905123456.")
    assert vi(app, "rep.notes.redacted") in hoa.texts()
    await hoa.press("rpt:next")
    assert hoa.text().startswith("✅ Đã lưu ý kiến của tổ cho báo cáo tháng 02/2026.")
    docx_file, _xlsx = documents(await hoa.press(f"rpt:r:{world.team}:2026-02"))
    report = Docx.load(docx_file.content)
    second = report.between("II. KHÓ KHĂN", "III.")
    assert second == pieces, "two messages, two paragraphs, every character kept"
    third = report.between("III.", "IV.")
    assert third[0] == "- Tiếp tục thực hiện các chỉ tiêu chưa đạt:"
    assert third[1] == "+ Số lượt thực hiện thành công: Hỗ trợ định danh mức 2, Toàn tổ: đạt 3/10."
    assert third[-1].startswith("……"), "a line for the leader to complete"
    assert report.between("IV.", None)[:2] == [
        "Đề nghị phường hỗ trợ", "thêm 2 máy tính bảng, liên hệ [đã ẩn].",
    ]  # fmt: skip
    assert offer not in hoa.payloads(), "nothing more to offer once the team has spoken"
    ward = Docx.load(documents(await harness.user("500").say("/report 2026-02"))[0].content)
    assert ward.between("IV.", None)[0] == "- Tổ 12: Đề nghị phường hỗ trợ"


async def test_notes_flow_ways_out_and_photos(harness: Harness, app: App, world: w.World) -> None:
    hoa = harness.user("200")
    await hoa.say("/report notes")
    assert hoa.text().startswith("Ý kiến của tổ cho báo cáo tháng 02/2026")
    await hoa.send_photo()
    assert hoa.text() and not documents(hoa.last)
    await hoa.say("hủy")
    await hoa.say("Khó khăn gì đó")
    assert not hoa.text().startswith("Bước 2/3"), "the flow ended"
    notes = documents(await hoa.say("/report 2026-02 docx"))[0]
    assert "Khó khăn gì đó" not in Docx.load(notes.content).lines()


async def test_city_and_ward_roll_ups_agree_on_sqlite_and_postgresql(app_any_db: App) -> None:
    app = app_any_db
    world = w.build(app)

    def work(session: Session) -> None:
        add(session, world, app, minutes=60, households=2, items=(("cashless", 3, 2, ("other",)),))
        add(session, world, app, minutes=30, items=(("cashless", 1, 1, ()),))
        add(session, world, app, kind="class", attendees=9)
        add(session, world, app, team=world.far_team, kind="awareness", attendees=25)
        add(session, world, app, team=world.far_team, items=(("dvc_online", 4, 4, ()),))

    app.db.run_sync(work)
    month = Month(2026, 2)
    city = app.db.run_sync(lambda s: month_report(s, scope="city", scope_id=None, month=month))
    ward = app.db.run_sync(
        lambda s: month_report(s, scope="ward", scope_id=world.ward, month=month)
    )
    hai_chau, hoa_cuong = city.units
    assert (hai_chau.counts.people, hai_chau.counts.succeeded) == (ward.people, ward.succeeded)
    assert (hai_chau.counts.sessions, hoa_cuong.counts.sessions) == (3, 2)
    assert (hoa_cuong.counts.people, hoa_cuong.outreach.awareness_attendees) == (4, 25)
    assert (hai_chau.outreach.class_learners, hai_chau.outreach.households) == (9, 2)
    assert (hai_chau.members, hoa_cuong.members) == (4, 1)
    assert [u.name for u in ward.units] == ["Tổ 12", "Tổ 13"] and ward.units[1].members == 0
    assert city.reasons == [("cashless", "other", 1)]
    assert city.totals.people == 8 and city.outreach.households == 2
