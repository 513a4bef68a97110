"""Volunteer hours and the team allowance: the chat text and the XLSX file."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.core.i18n import Catalog
from handlers.common import decimal
from storage.hours import HoursReport

MAX_MEMBERS_IN_TEXT = 25


def money(amount: int, lang: str) -> str:
    """Return an amount of VND with the locale's thousands separator."""
    grouped = f"{amount:,}"
    return grouped.replace(",", ".") if lang == "vi" else grouped


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def _pct(value: float) -> int:
    return round(value * 100)


def allowance_lines(catalog: Catalog, lang: str, report: HoursReport) -> list[str]:
    """Return the allowance summary lines."""
    a = report.allowance
    if a is None or not a.applies:
        return [
            catalog.text(
                "hours.no_allowance", rule=report.rule.name, days=a.member_days if a else 0
            )
        ]
    return [
        catalog.text("hours.allowance", rule=a.rule.name, total=money(a.total, lang)),
        catalog.text("hours.allowance_detail", days=a.member_days, paid=a.paid_member_days,
                     per_day=money(a.rule.per_member_day, lang), water=money(a.water_fuel, lang),
                     other=money(a.other, lang)),
    ]  # fmt: skip


def hours_text(catalog: Catalog, lang: str, report: HoursReport, team_name: str) -> str:
    """Return the /hours answer."""
    month = report.month
    lines = [
        catalog.text("hours.title", team=team_name, month=f"{month.month:02d}/{month.year}",
                     start=month.start.strftime("%d/%m"), end=month.last_day.strftime("%d/%m/%Y")),
        catalog.text("hours.total", hours=decimal(_hours(report.total_minutes), lang), members=len(report.members),
                     out=_pct(report.share("out_of_hours_minutes")),
                     weekend=_pct(report.share("weekend_minutes")),
                     holiday=_pct(report.share("holiday_minutes"))),
        "",
    ]  # fmt: skip
    for m in report.members[:MAX_MEMBERS_IN_TEXT]:
        lines.append(
            catalog.text("hours.member", name=m.name, hours=decimal(_hours(m.minutes), lang), days=m.days_active,
                         out=_pct(m.out_of_hours_minutes / m.minutes) if m.minutes else 0)
        )  # fmt: skip
    if len(report.members) > MAX_MEMBERS_IN_TEXT:
        lines.append(catalog.text("digest.more", n=len(report.members) - MAX_MEMBERS_IN_TEXT))
    if report.days:
        busiest = max(report.days, key=lambda d: (d.members, d.minutes))
        lines += ["", catalog.text("hours.days", days=len(report.days), busiest=busiest.day.strftime("%d/%m"), members=busiest.members)]  # fmt: skip
    lines += ["", *allowance_lines(catalog, lang, report), catalog.text("hours.xlsx_hint")]
    return "\n".join(lines)


def hours_xlsx(catalog: Catalog, lang: str, report: HoursReport, team_name: str) -> bytes:
    """Return the hours workbook: members, days and the allowance."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = catalog.text("hours.sheet.members")[:31]
    month = report.month
    sheet.append([catalog.text("hours.title", team=team_name, month=f"{month.month:02d}/{month.year}",
                               start=month.start.strftime("%d/%m"), end=month.last_day.strftime("%d/%m/%Y"))])  # fmt: skip
    sheet["A1"].font = Font(bold=True)
    header = ["name", "sessions", "hours", "out_of_hours", "weekend", "holiday", "days"]
    sheet.append([catalog.text(f"hours.col.{k}") for k in header])
    for m in report.members:
        sheet.append([m.name, m.sessions, _hours(m.minutes), _hours(m.out_of_hours_minutes),
                      _hours(m.weekend_minutes), _hours(m.holiday_minutes), m.days_active])  # fmt: skip
    days = book.create_sheet(catalog.text("hours.sheet.days")[:31])
    days.append([catalog.text(f"hours.col.{k}") for k in ("day", "kind", "members", "hours")])
    for d in report.days:
        days.append([d.day, catalog.text(f"hours.kind.{d.kind}"), d.members, _hours(d.minutes)])
    money_sheet = book.create_sheet(catalog.text("hours.sheet.allowance")[:31])
    for line in allowance_lines(catalog, lang, report):
        money_sheet.append([line])
    a = report.allowance
    if a is not None:
        for key, value in (("member_days", a.member_days), ("paid_member_days", a.paid_member_days),
                           ("water_fuel", a.water_fuel), ("other", a.other), ("total", a.total)):  # fmt: skip
            money_sheet.append([catalog.text(f"hours.col.{key}"), value])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
