"""The report files the dashboard offers: the same builders as /report, one line per format."""

from __future__ import annotations

from collections.abc import Callable

from handlers.leaders.report_issue import IssuedReport

Builder = Callable[[IssuedReport], bytes]
"""An issued report -> file bytes."""

FORMATS: dict[str, Builder] = {
    "docx": lambda issued: issued.docx(),
    "xlsx": lambda issued: issued.xlsx(),
    "csv": lambda issued: issued.csv(),
}


def report_filename(issued: IssuedReport, fmt: str) -> str:
    """Return the file name /report uses for the same report (the XLSX is its appendix)."""
    data = issued.report
    unit = f"-{data.scope_id}" if data.scope_id else ""
    name = f"bao-cao-{data.scope}{unit}-{data.month.key}.{fmt}"
    return f"phu-luc-{name}" if fmt == "xlsx" else name
