"""Every spreadsheet and CSV export writes what people typed as inert text (issue 12, point 7).

A volunteer named `=HYPERLINK("https://x","y")` with a bell character in the name, an area
called `+Tổ dân phố 1` and a note starting with `@` go through `/report` (XLSX appendix and
CSV), `/hours` (XLSX) and `/export` (CSV): no cell is a formula, no field starts with a
formula character, and no control character Excel cannot hold is left.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlmodel import Session

from bot.app import App
from bot.core.messages import Delivery, Document
from storage import assists
from storage.models import Area, Person
from tests.factories import Harness
from tests.reports import world as w

NAME = '=HYPERLINK("https://x","y")\x07 Lan'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _documents(deliveries: list[Delivery]) -> list[Document]:
    return [d.reply.document for d in deliveries if d.reply.document is not None]


def _poison(app: App) -> w.World:
    world = w.build(app)
    now = app.parts.clock.now()

    def work(session: Session) -> None:
        lan = session.get(Person, world.volunteers[0])
        area = session.get(Area, world.areas[0])
        assert lan is not None and area is not None
        lan.display_name = NAME
        area.name = "+Tổ dân phố 1"
        session.add_all([lan, area])
        assists.add_assist(
            session, person_id=world.volunteers[0], team_id=world.team, area_id=world.areas[0],
            day=date(2026, 2, 10), received_at=now, minutes=45, channel="test",
            note="@SUM(1+1) cụ bà", out_of_hours=False, day_kind="workday",
            items=[assists.ItemInput("vneid_level2", 2, 2, ())],
        )  # fmt: skip

    app.db.run_sync(work)
    return world


def _assert_inert_xlsx(content: bytes) -> int:
    """Check every cell of every sheet; return how many string cells were read."""
    book = load_workbook(io.BytesIO(content))
    strings = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    strings += 1
                    assert not CONTROL.search(cell.value), (sheet.title, cell.coordinate)
                    assert cell.value == "-" or not cell.value.startswith(FORMULA_START), (
                        sheet.title,
                        cell.coordinate,
                        cell.value,
                    )
    return strings


def _assert_inert_csv(content: bytes) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    for row in rows:
        for field in row:
            assert not CONTROL.search(field), field
            assert field == "-" or not field.startswith(FORMULA_START), field
    return rows


async def test_report_hours_and_export_write_typed_text_as_text(harness: Harness, app: App) -> None:
    _poison(app)
    leader = harness.user("200")
    files = _documents(await leader.say("/report 2026-02"))
    xlsx = [f for f in files if f.filename.endswith(".xlsx")]
    assert xlsx and _assert_inert_xlsx(xlsx[0].content) > 0
    report_csv = _documents(await leader.say("/report 2026-02 csv"))
    assert report_csv and _assert_inert_csv(report_csv[0].content)

    hours = _documents(await leader.say("/hours 2026-02 xlsx"))
    assert hours and _assert_inert_xlsx(hours[0].content) > 0
    book = load_workbook(io.BytesIO(hours[0].content))
    shown = [c for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r]
    assert '\'=HYPERLINK("https://x","y") Lan' in shown, "the name is kept, as text"

    export = _documents(await harness.user("301").say("/export"))
    rows = _assert_inert_csv(export[0].content)
    assert rows[1][-2:] == ["'+Tổ dân phố 1", "'@SUM(1+1) cụ bà"]
