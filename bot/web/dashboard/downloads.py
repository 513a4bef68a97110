"""The report files the dashboard offers: the same builders as /report, one line per format.

To offer another format (the DOCX report, for instance), add one entry to FORMATS.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.core.i18n import Catalog
from handlers.leaders.report_xlsx import report_csv, report_xlsx
from storage.month_report import MonthReport

Builder = Callable[[MonthReport, Catalog, str, date], bytes]
"""(report data, catalog, language, issue day) -> file bytes."""

FORMATS: dict[str, Builder] = {
    "xlsx": lambda data, catalog, lang, issued: report_xlsx(data, catalog, lang, issued=issued),
    "csv": lambda data, catalog, lang, issued: report_csv(data),
}


def report_filename(data: MonthReport, fmt: str) -> str:
    """Return the file name /report uses for the same report."""
    unit = f"-{data.scope_id}" if data.scope_id else ""
    return f"bao-cao-{data.scope}{unit}-{data.month.key}.{fmt}"
