"""The report's appendix (Phụ lục) as XLSX: one sheet per table, each with the document's header
and its own print setup, then the machine-readable Data sheet.

Every numeric column has its own number format: row numbers and counts are whole numbers with a
thousands separator, hours have one decimal, and only ratios are percentages. The `Data` sheet is
machine-readable and never changes shape: columns service, sessions, people, succeeded, minutes.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from domain.services import default_catalogue
from domain.spreadsheet import cell_text
from handlers.leaders.report_content import Content, Table
from storage.month_report import MonthReport
from storage.reports import Counts

DATA_COLUMNS = ("service", "sessions", "people", "succeeded", "minutes")
NUMBER_FORMATS = {
    "no": "0", "int": "#,##0", "hours": "#,##0.0", "ratio": "0.0%", "text": "@", "fraction": "@",
}  # fmt: skip
"""The number format of each kind of column (see report_content.Table.kinds)."""
FONT = "Times New Roman"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
MIN_COLUMNS = 7
WIDTHS = {"no": 6, "int": 14, "hours": 11, "ratio": 12, "fraction": 12}


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
    writer.writerows((cell_text(key), *numbers) for key, *numbers in data_rows(report))
    return buffer.getvalue().encode("utf-8-sig")


def _font(*, bold: bool = False, italic: bool = False, size: int = 13) -> Font:
    return Font(name=FONT, bold=bold, italic=italic, size=size)


def _merged(sheet: Worksheet, row: int, first: int, last: int, value: str, font: Font) -> None:
    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = sheet.cell(row=row, column=first, value=cell_text(value))
    cell.font, cell.alignment = font, CENTER


def _widths(sheet: Worksheet, kinds: tuple[str, ...]) -> int:
    """Size the columns for their kind of value; return how many the header spans (at least 7)."""
    columns = max(len(kinds), MIN_COLUMNS)
    first_text = True
    for index in range(columns):
        kind = kinds[index] if index < len(kinds) else "int"
        width = WIDTHS.get(kind, 14)
        if kind == "text":
            width, first_text = (46 if first_text else 30), False
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = width
    return columns


def _header(sheet: Worksheet, c: Content, columns: int) -> int:
    """Write the document's header block; return the first free row."""
    _merged(sheet, 1, 1, 2, c.authority, _font(bold=c.issuer_is_authority))
    _merged(sheet, 2, 1, 2, c.issuer, _font(bold=True))
    _merged(sheet, 3, 1, 2, c.number, _font())
    _merged(sheet, 1, 4, columns, c.motto[0], _font(bold=True))
    _merged(sheet, 2, 4, columns, c.motto[1], _font(bold=True, size=14))
    _merged(sheet, 3, 4, columns, c.dated, _font(italic=True, size=14))
    sheet.row_dimensions[2].height = 50
    _merged(sheet, 5, 1, columns, c.appendix_title, _font(bold=True, size=14))
    _merged(sheet, 6, 1, columns, c.summary, _font(bold=True, size=14))
    _merged(sheet, 7, 1, columns, c.appendix_ref, _font(italic=True))
    _merged(sheet, 8, 1, columns, c.period, _font(italic=True))
    return 10


def _table(sheet: Worksheet, row: int, title: str, table: Table) -> int:
    """Write a titled table from `row`; return its header row."""
    cell = sheet.cell(row=row, column=1, value=cell_text(title))
    cell.font = _font(bold=True)
    header_row = row + 1
    for column, text in enumerate(table.header, start=1):
        cell = sheet.cell(row=header_row, column=column, value=cell_text(text))
        cell.font, cell.alignment, cell.border = _font(bold=True, size=12), CENTER, BOX
    sheet.row_dimensions[header_row].height = 48
    for offset, values in enumerate(table.rows, start=1):
        bold = table.total and offset == len(table.rows)
        for column, (value, kind) in enumerate(zip(values, table.kinds, strict=True), start=1):
            written = cell_text(value) if isinstance(value, str) else value
            cell = sheet.cell(row=header_row + offset, column=column, value=written)
            cell.border, cell.font = BOX, _font(bold=bold, size=12)
            cell.alignment = LEFT if kind == "text" else CENTER
            if not (value == "" and kind != "text"):
                cell.number_format = NUMBER_FORMATS[kind]
    if not table.rows:
        cell = sheet.cell(row=header_row + 1, column=1, value="—")
        cell.border, cell.alignment = BOX, CENTER
    return header_row


def _print_setup(sheet: Worksheet, repeat_row: int) -> None:
    """A4 landscape, fit to the page width, the table's header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{repeat_row}:{repeat_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.6
    sheet.page_margins.top = sheet.page_margins.bottom = 0.8
    sheet.print_options.horizontalCentered = True


def report_xlsx(report: MonthReport, content: Content) -> bytes:
    """Return the appendix workbook: one printable sheet per table, then the Data sheet."""
    book = Workbook()
    first = book.active
    assert first is not None
    for number, (title, short, table) in enumerate(content.appendix_tables, start=1):
        sheet = first if number == 1 else book.create_sheet()
        sheet.title = cell_text(f"{number}. {short}")[:31]
        columns = _widths(sheet, table.kinds)
        header_row = _table(sheet, _header(sheet, content, columns), f"{number}. {title}", table)
        _print_setup(sheet, header_row)
    data = book.create_sheet("Data")
    data.append(list(DATA_COLUMNS))
    for key, *numbers in data_rows(report):
        data.append([cell_text(key), *numbers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
