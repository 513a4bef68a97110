"""The monthly report as an XLSX file laid out like a commune report, plus its Data sheet and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.i18n import Catalog
from domain.services import default_catalogue
from handlers.common import decimal
from storage.month_report import MonthReport
from storage.reports import Counts

DATA_COLUMNS = ("service", "sessions", "people", "succeeded", "minutes")
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WIDTHS = {"A": 6, "B": 38, "C": 11, "D": 14, "E": 14, "F": 12, "G": 12, "H": 14}


def data_rows(report: MonthReport) -> list[tuple[str, int, int, int, int]]:
    """Return one row per service key: every catalogue service, then any other key logged."""
    keys = [s.key for s in default_catalogue().all()]
    keys += sorted(k for k in report.services if k not in keys)
    rows = []
    for key in keys:
        c = report.services.get(key, Counts())
        rows.append((key, c.sessions, c.people, c.succeeded, c.minutes))
    return rows


def report_csv(report: MonthReport) -> bytes:
    """Return the Data sheet as CSV (UTF-8 with BOM so spreadsheet programs read it right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DATA_COLUMNS)
    writer.writerows(data_rows(report))
    return buffer.getvalue().encode("utf-8-sig")


def _merged(sheet: Worksheet, cells: str, value: str, *, bold: bool = False, size: int = 11,
            italic: bool = False) -> None:  # fmt: skip
    sheet.merge_cells(cells)
    cell = sheet[cells.split(":")[0]]
    cell.value = value
    cell.font = Font(bold=bold, italic=italic, size=size)
    cell.alignment = CENTER


def _table(sheet: Worksheet, row: int, header: list[str], body: list[list[object]]) -> int:
    for col, title in enumerate(header, start=1):
        cell = sheet.cell(row=row, column=col, value=title)
        cell.font, cell.alignment, cell.border = Font(bold=True), CENTER, BOX
    for offset, values in enumerate(body, start=1):
        last = offset == len(body)
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row + offset, column=col, value=value)
            cell.border = BOX
            if isinstance(value, float):
                cell.number_format = "0%"
            if last and body and values[0] == "":
                cell.font = Font(bold=True)
    return row + len(body) + 2


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _header(sheet: Worksheet, catalog: Catalog, report: MonthReport, issued: date) -> int:
    scope_name = report.ward_name or catalog.text("report.city")
    _merged(sheet, "A1:C1", catalog.text("report.authority", ward=scope_name).upper(), bold=True)
    _merged(sheet, "E1:H1", catalog.text("report.motto_1"), bold=True)
    issuer = (
        catalog.text("report.issuer.team", team=report.team_name)
        if report.scope == "team"
        else catalog.text("report.issuer.many")
    )
    _merged(sheet, "A2:C2", issuer.upper(), bold=True)
    _merged(sheet, "E2:H2", catalog.text("report.motto_2"), bold=True)
    place = report.ward_name or catalog.text("report.city")
    _merged(sheet, "E3:H3", catalog.text("report.dated", place=place, day=issued.day,
            month=issued.month, year=issued.year), italic=True)  # fmt: skip
    _merged(sheet, "A5:H5", catalog.text("report.title").upper(), bold=True, size=14)
    month = report.month
    period = catalog.text(
        "report.period",
        month=f"{month.month:02d}/{month.year}",
        start=month.start.strftime("%d/%m/%Y"),
        end=month.last_day.strftime("%d/%m/%Y"),
    )
    _merged(sheet, "A6:H6", period, italic=True)
    info = [
        catalog.text("report.team", team=report.team_name or "—"),
        catalog.text("report.areas", areas=", ".join(report.areas) or "—"),
        catalog.text("report.ward", ward=report.ward_name or "—"),
    ]
    if report.scope != "team":
        info = [catalog.text(f"report.scope.{report.scope}", name=report.ward_name)]
    for offset, line in enumerate(info):
        sheet.cell(row=8 + offset, column=1, value=line)
    return 9 + len(info)


def _services(sheet: Worksheet, catalog: Catalog, lang: str, report: MonthReport, row: int) -> int:
    sheet.cell(row=row, column=1, value=catalog.text("report.section.services")).font = Font(
        bold=True
    )
    header = [
        catalog.text(f"report.col.{k}")
        for k in ("no", "service", "sessions", "people", "succeeded", "rate", "hours")
    ]
    labels = default_catalogue()
    body: list[list[object]] = []
    for number, (key, sessions, people, ok, minutes) in enumerate(data_rows(report), start=1):
        body.append(
            [
                number,
                labels.label(key, lang),
                sessions,
                people,
                ok,
                _share(ok, people),
                round(minutes / 60, 1),
            ]
        )
    t = report.totals
    body.append(
        [
            "",
            catalog.text("report.total"),
            t.sessions,
            t.people,
            t.succeeded,
            _share(t.succeeded, t.people),
            round(t.minutes / 60, 1),
        ]
    )
    return _table(sheet, row + 1, header, body)  # fmt: skip


def _units(sheet: Worksheet, catalog: Catalog, report: MonthReport, row: int) -> int:
    if report.scope == "team":
        return row
    kind = "teams" if report.scope == "ward" else "wards"
    sheet.cell(row=row, column=1, value=catalog.text(f"report.section.{kind}")).font = Font(
        bold=True
    )
    header = [
        catalog.text(f"report.col.{k}")
        for k in (
            "no",
            f"unit_{kind}",
            "sessions",
            "people",
            "succeeded",
            "rate",
            "hours",
            "active",
        )
    ]
    body: list[list[object]] = [
        [n, f"{u.name} ({u.detail})" if u.detail else u.name, u.counts.sessions, u.counts.people, u.counts.succeeded,
         _share(u.counts.succeeded, u.counts.people), round(u.counts.minutes / 60, 1), u.activity.active_members]
        for n, u in enumerate(report.units, start=1)
    ]  # fmt: skip
    return _table(sheet, row + 1, header, body)


def _activity(sheet: Worksheet, catalog: Catalog, lang: str, report: MonthReport, row: int) -> int:
    a = report.activity
    sheet.cell(row=row, column=1, value=catalog.text("report.section.activity")).font = Font(
        bold=True
    )
    lines = [
        catalog.text("report.active_members", active=a.active_members, members=report.members),
        catalog.text("report.sessions_total", n=a.sessions),
        catalog.text("report.hours_total", hours=decimal(a.minutes / 60, lang)),
        catalog.text("report.out_of_hours", percent=round(_share(a.out_of_hours_minutes, a.minutes) * 100)),
        catalog.text("report.weekend_holiday", weekend=decimal(a.weekend_minutes / 60, lang), holiday=decimal(a.holiday_minutes / 60, lang)),
    ]  # fmt: skip
    for offset, line in enumerate(lines, start=1):
        sheet.cell(row=row + offset, column=1, value=line)
    return row + len(lines) + 2


def _difficulties(
    sheet: Worksheet, catalog: Catalog, lang: str, report: MonthReport, row: int
) -> int:
    sheet.cell(row=row, column=1, value=catalog.text("report.section.difficulties")).font = Font(
        bold=True
    )
    labels = default_catalogue()
    lines = [
        catalog.text("report.difficulty", reason=labels.reason_label(s, r, lang), service=labels.label(s, lang), n=n)
        for s, r, n in report.reasons
    ] or [catalog.text("report.no_difficulties")]  # fmt: skip
    for offset, line in enumerate(lines, start=1):
        sheet.cell(row=row + offset, column=1, value=line)
    row += len(lines) + 3
    sheet.cell(row=row, column=2, value=catalog.text("report.preparer")).font = Font(bold=True)
    sheet.cell(row=row, column=6, value=catalog.text(f"report.signer.{report.scope}")).font = Font(
        bold=True
    )
    return row + 1


def report_xlsx(report: MonthReport, catalog: Catalog, lang: str, *, issued: date) -> bytes:
    """Return the report workbook: the formatted sheet and the plain Data sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = catalog.text("report.sheet")[:31]
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    row = _header(sheet, catalog, report, issued) + 1
    row = _services(sheet, catalog, lang, report, row)
    row = _units(sheet, catalog, report, row)
    row = _activity(sheet, catalog, lang, report, row)
    _difficulties(sheet, catalog, lang, report, row)
    data = book.create_sheet("Data")
    data.append(list(DATA_COLUMNS))
    for values in data_rows(report):
        data.append(list(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
