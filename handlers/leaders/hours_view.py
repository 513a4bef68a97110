"""Volunteer hours and the team allowance: the chat text and the XLSX file."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.i18n import Catalog
from domain.funding import Allowance
from domain.periods import Month
from domain.spreadsheet import cell_text
from handlers.common import decimal
from handlers.leaders.digest_view import member_text
from storage.hours import HoursReport

MAX_MEMBERS_IN_TEXT = 25
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = "#,##0"
HOURS_FORMAT = "0.0"
COUNT_FORMAT = "0"
WIDEST = 60
MIN_WIDTH = 8
LINE_HEIGHT = 15
TEXT_COLUMN = 80


def money(amount: int, lang: str) -> str:
    """Return an amount of VND with the locale's thousands separator."""
    grouped = f"{amount:,}"
    return grouped.replace(",", ".") if lang == "vi" else grouped


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def _pct(value: float) -> int:
    return round(value * 100)


def _day(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def month_text(month: Month) -> str:
    """Return a month as MM/YYYY."""
    return f"{month.month:02d}/{month.year}"


def allowance_lines(catalog: Catalog, lang: str, report: HoursReport) -> list[str]:
    """Return the allowance lines: the rule, both parts of the envelope with their arithmetic."""
    a = report.allowance
    if a is None or report.rule is None:
        return [catalog.text("funding.no_rule")]
    rule = a.rule
    head = {"rule": rule.text("title", lang), "start": _day(rule.valid_from), "end": _day(rule.valid_until)}  # fmt: skip
    if not a.in_force:
        return [catalog.text("funding.not_in_force", month=month_text(report.month), **head)]
    m = {"lang": lang}
    lines = [
        catalog.text("funding.head", **head),
        catalog.text("funding.envelope", amount=money(rule.team_per_month, lang)),
        catalog.text(
            "funding.day_part", purpose=rule.text("per_member_day_for", lang),
            per_day=money(rule.per_member_day, lang), days=a.member_days, month=month_text(report.month),
            amount=money(a.at_day_rate, lang),
        ),
        _rest_line(catalog, a, **m),
        _top_up_line(catalog, a, report, **m),
        catalog.text("funding.day_meaning"),
        catalog.text(
            "funding.source", source=rule.source_name, published=_day(rule.published),
            checked=_day(rule.checked),
        ),
    ]  # fmt: skip
    return lines


def _rest_line(catalog: Catalog, a: Allowance, *, lang: str) -> str:
    rule = a.rule
    if a.exceeds_envelope:
        return catalog.text(
            "funding.exceeds", amount=money(a.at_day_rate, lang),
            envelope=money(rule.team_per_month, lang), purpose=rule.text("rest_for", lang),
        )  # fmt: skip
    return catalog.text(
        "funding.rest", purpose=rule.text("rest_for", lang), envelope=money(rule.team_per_month, lang),
        days_amount=money(a.at_day_rate, lang), amount=money(a.rest, lang),
    )  # fmt: skip


def _top_up_line(catalog: Catalog, a: Allowance, report: HoursReport, *, lang: str) -> str:
    times = decimal(a.rule.top_up_max_times, lang)
    if a.top_up:
        return catalog.text("funding.top_up_known", amount=money(a.top_up, lang), times=times)
    return catalog.text("funding.top_up_possible", times=times)


def _title(catalog: Catalog, key: str, report: HoursReport, team_name: str) -> str:
    month = report.month
    return catalog.text(
        key, team=team_name, month=month_text(month),
        start=month.start.strftime("%d/%m"), end=month.last_day.strftime("%d/%m/%Y"),
    )  # fmt: skip


def hours_text(
    catalog: Catalog,
    lang: str,
    report: HoursReport,
    team_name: str,
    *,
    running: Month | None = None,
) -> str:
    """Return the /hours answer; `running` (today's month) adds a note when it shows another."""
    month = report.month
    lines = [_title(catalog, "hours.title", report, team_name)]
    if running is not None and running != month:
        lines.append(catalog.text("hours.defaulted", month=month_text(month), running=running.key))
    days = sum(m.days_active for m in report.members)
    lines += [
        catalog.text("hours.total", hours=decimal(_hours(report.total_minutes), lang), members=len(report.members),
                     member_days=days, out=_pct(report.share("out_of_hours_minutes")),
                     weekend=_pct(report.share("weekend_minutes")),
                     holiday=_pct(report.share("holiday_minutes"))),
        "",
    ]  # fmt: skip
    if not report.members:
        lines.append(catalog.text("hours.none"))
    for m in report.members[:MAX_MEMBERS_IN_TEXT]:
        lines.append(
            catalog.text("hours.member", name=member_text(catalog, m.who), hours=decimal(_hours(m.minutes), lang),
                         days=m.days_active, out=_pct(m.out_of_hours_minutes / m.minutes) if m.minutes else 0)
        )  # fmt: skip
    if len(report.members) > MAX_MEMBERS_IN_TEXT:
        lines.append(catalog.text("digest.more", n=len(report.members) - MAX_MEMBERS_IN_TEXT))
    if report.days:
        busiest = max(report.days, key=lambda d: (d.members, d.minutes))
        lines += ["", catalog.text("hours.days", days=len(report.days), busiest=busiest.day.strftime("%d/%m"), members=busiest.members)]  # fmt: skip
    money_lines = allowance_lines(catalog, lang, report)
    money_lines[0] = "💰 " + money_lines[0]
    hint = catalog.text("hours.xlsx_hint", month=month_text(month), month_key=month.key)
    lines += ["", *money_lines, "", hint]
    return "\n".join(lines)


def _fit_columns(
    sheet: Worksheet, *, skip_rows: int = 0, header_row: int = 0, wrap: set[int] | None = None
) -> None:
    """Set each column's width to its longest shown value (dates 10, numbers grouped).

    The header row wraps, so it only asks for half its length (and its longest word).
    """
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            value = cell.value
            if value is None:
                continue
            if cell.row == header_row:
                text = str(value)
                shown = max(max(len(word) for word in text.split()), (len(text) + 1) // 2)
            elif isinstance(value, date):
                shown = 10
            elif isinstance(value, int | float):
                shown = len(f"{value:,.1f}" if isinstance(value, float) else f"{value:,}")
            else:
                shown = max(len(part) for part in str(value).split("\n"))
            widths[cell.column] = max(widths.get(cell.column, 0), shown)
    lines = 1
    for column, width in widths.items():
        limit = TEXT_COLUMN if wrap and column in wrap else WIDEST
        fitted = min(max(width, MIN_WIDTH) + 2, limit)
        sheet.column_dimensions[get_column_letter(column)].width = fitted
        if header_row:
            text = str(sheet.cell(header_row, column).value or "")
            lines = max(lines, -(-len(text) // (fitted - 2)))
    if header_row:
        sheet.row_dimensions[header_row].height = LINE_HEIGHT * lines


def _header_row(sheet: Worksheet, labels: list[str]) -> None:
    sheet.append(labels)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _formats(sheet: Worksheet, first_row: int, formats: list[str]) -> None:
    for row in sheet.iter_rows(min_row=first_row):
        for cell, fmt in zip(row, formats, strict=False):
            if fmt:
                cell.number_format = fmt


def _print_setup(sheet: Worksheet, *, landscape: bool = True) -> None:
    """A4, fit to the page width, the header row repeated on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"


def _title_row(sheet: Worksheet, text: str) -> None:
    sheet.append([cell_text(text)])
    sheet["A1"].font = Font(bold=True, size=13)  # not merged: it runs over the empty cells


def hours_xlsx(catalog: Catalog, lang: str, report: HoursReport, team_name: str) -> bytes:
    """Return the hours workbook: members, days and the allowance with its arithmetic in words."""
    book = Workbook()
    title = _title(catalog, "hours.file_title", report, team_name)
    sheet = book.active
    assert sheet is not None
    sheet.title = catalog.text("hours.sheet.members")[:31]
    header = ["name", "sessions", "hours", "out_of_hours", "weekend", "holiday", "days"]
    _title_row(sheet, title)
    _header_row(sheet, [catalog.text(f"hours.col.{k}") for k in header])
    for m in report.members:
        sheet.append([cell_text(member_text(catalog, m.who)), m.sessions, _hours(m.minutes),
                      _hours(m.out_of_hours_minutes), _hours(m.weekend_minutes),
                      _hours(m.holiday_minutes), m.days_active])  # fmt: skip
    members = report.members
    sheet.append([catalog.text("hours.col.total_row"), sum(m.sessions for m in members),
                  _hours(report.total_minutes), _hours(sum(m.out_of_hours_minutes for m in members)),
                  _hours(sum(m.weekend_minutes for m in members)),
                  _hours(sum(m.holiday_minutes for m in members)),
                  sum(m.days_active for m in members)])  # fmt: skip
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _formats(sheet, 3, ["", COUNT_FORMAT, *[HOURS_FORMAT] * 4, COUNT_FORMAT])
    sheet.freeze_panes = "B3"
    _fit_columns(sheet, skip_rows=1, header_row=2)
    _print_setup(sheet)

    days = book.create_sheet(catalog.text("hours.sheet.days")[:31])
    _title_row(days, title)
    _header_row(days, [catalog.text(f"hours.col.{k}") for k in ("day", "kind", "members", "hours")])
    for d in report.days:
        days.append([d.day, catalog.text(f"hours.kind.{d.kind}"), d.members, _hours(d.minutes)])
    _formats(days, 3, [DATE_FORMAT, "", COUNT_FORMAT, HOURS_FORMAT])
    days.freeze_panes = "A3"
    _fit_columns(days, skip_rows=1, header_row=2)
    _print_setup(days, landscape=False)

    funding = book.create_sheet(catalog.text("hours.sheet.allowance")[:31])
    _title_row(funding, title)
    a = report.allowance
    if a is not None and a.in_force:
        _header_row(funding, [catalog.text("hours.col.item"), catalog.text("hours.col.amount")])
        rule = a.rule
        figures: list[tuple[str, int, str]] = [
            (catalog.text("hours.col.envelope"), rule.team_per_month, MONEY_FORMAT),
            (catalog.text("hours.col.per_day", purpose=rule.text("per_member_day_for", lang)), rule.per_member_day, MONEY_FORMAT),
            (catalog.text("hours.col.member_days"), a.member_days, COUNT_FORMAT),
            (catalog.text("hours.col.day_part", purpose=rule.text("per_member_day_for", lang)), a.at_day_rate, MONEY_FORMAT),
            (catalog.text("hours.col.rest", purpose=rule.text("rest_for", lang)), a.rest, MONEY_FORMAT),
            (catalog.text("hours.col.top_up"), a.top_up, MONEY_FORMAT),
        ]  # fmt: skip
        for label, value, fmt in figures:
            funding.append([label, value])
            funding.cell(funding.max_row, 2).number_format = fmt
        funding.append([])
    for line in allowance_lines(catalog, lang, report):
        funding.append([cell_text(line)])
        funding.cell(funding.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    _fit_columns(funding, skip_rows=1, wrap={1})
    width = int(funding.column_dimensions["A"].width or TEXT_COLUMN) - 2
    for row in funding.iter_rows(min_row=2, max_col=1):
        text = row[0].value
        if isinstance(text, str) and len(text) > width:
            funding.row_dimensions[row[0].row].height = LINE_HEIGHT * -(-len(text) // width)
    _print_setup(funding, landscape=False)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
