"""Issue a monthly report: aggregate, number it, gather the leader's notes, build DOCX and XLSX.

Shared by /report and `python -m bot report`, so both give the same document and number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlmodel import Session

from bot.core.i18n import Catalog
from bot.settings import PROVINCE_PACKS
from domain.faq.knowledge import KnowledgeError, load_province
from domain.periods import Month
from handlers.leaders.report_content import Content, Issue, report_content
from handlers.leaders.report_docx import report_docx
from handlers.leaders.report_xlsx import report_csv, report_xlsx
from storage import report_notes
from storage.month_report import MonthReport, ScopeKind, month_report
from storage.report_notes import Notes


@cache
def province_name(province: str, lang: str) -> str:
    """Return the province's name from its FAQ pack ('thành phố Đà Nẵng'), '' without one."""
    try:
        pack = load_province(PROVINCE_PACKS.parent, province)
    except KnowledgeError:
        return ""
    return pack.names.get(lang) or pack.names.get("vi", "")


@dataclass(frozen=True)
class IssuedReport:
    """One issued report: the figures, what the document says, and its files."""

    report: MonthReport
    content: Content
    lang: str

    def docx(self) -> bytes:
        """Return the administrative document."""
        return report_docx(self.content, self.lang)

    def xlsx(self) -> bytes:
        """Return the appendix workbook (with the Data sheet)."""
        return report_xlsx(self.report, self.content)

    def csv(self) -> bytes:
        """Return the Data sheet as CSV."""
        return report_csv(self.report)


def issue_report(
    session: Session,
    *,
    kind: ScopeKind,
    scope_id: int | None,
    month: Month,
    issued: date,
    now: datetime,
    catalog: Catalog,
    lang: str,
    province: str = "",
) -> IssuedReport:
    """Aggregate the month, give the report its number and build what it says.

    Raises LookupError for an unknown team.
    """
    report = month_report(session, scope=kind, scope_id=scope_id, month=month)
    key = scope_id or 0
    number = report_notes.issue_number(
        session, scope=kind, scope_id=key, month=month.key, year=issued.year, now=now
    )
    notes = report_notes.notes_of(session, key, month.key) if kind == "team" else Notes()
    team_notes: tuple[tuple[str, Notes], ...] = ()
    if kind == "ward":
        found = report_notes.notes_of_teams(session, [u.unit_id for u in report.units], month.key)
        team_notes = tuple((u.name, found[u.unit_id]) for u in report.units if u.unit_id in found)
    issue = Issue(
        number=number,
        issued=issued,
        prefix=report_notes.prefix_of(session, kind, key),
        notes=notes,
        team_notes=team_notes,
        province=province_name(province, lang) if province else "",
    )
    return IssuedReport(report, report_content(report, issue, catalog, lang), lang)
