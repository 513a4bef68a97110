"""`python -m bot report --team ID | --ward ID | --city`: the monthly report as a file.

--format docx (the administrative document, default), xlsx (the appendix) or csv (the Data sheet).
The file is written to a temporary name and renamed, so a failure never leaves half a file.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bot.app import build_app
from bot.cli.base import Subcommand, say
from bot.settings import SUPPORTED_LOCALES, Settings
from domain.periods import PeriodError, parse_month
from domain.report_month import default_report_month
from handlers.leaders.report_issue import issue_report
from storage.month_report import ScopeKind

OUTPUT_DIR = Path("data") / "reports"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--team", type=int, help="one team, by id (see: team list)")
    scope.add_argument("--ward", type=int, help="one ward: a line per team")
    scope.add_argument("--city", action="store_true", help="the whole city: a line per ward")
    parser.add_argument(
        "--month", default="",
        help="YYYY-MM (default: the month just ended during a month's first days, else this one)",
    )  # fmt: skip
    parser.add_argument("--format", choices=["docx", "xlsx", "csv"], default="docx")
    parser.add_argument("--lang", choices=list(SUPPORTED_LOCALES), default="")
    parser.add_argument("-o", "--output", default="", help="file (default: data/reports/...)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Write the monthly report of a team, a ward or the city to a file."""
    app = build_app(settings)
    try:
        today = app.parts.clock.now().astimezone(settings.timezone).date()
        cutoff = settings.report_cutoff_day
        try:
            month = parse_month(args.month, cutoff=cutoff) if args.month else None
        except PeriodError as exc:
            say(f"--month: {exc}", error=True)
            return 2
        month = month or default_report_month(today, cutoff=cutoff)
        if month.start > today:
            say(f"--month: {month.key} has not started yet", error=True)
            return 2
        kind: ScopeKind = "team" if args.team else "ward" if args.ward else "city"
        scope_id = args.team or args.ward or None
        lang = args.lang or settings.default_locale
        catalog = app.parts.translations.get(lang)
        now = app.parts.clock.now()
        try:
            found = app.db.run_sync(
                lambda s: issue_report(
                    s, kind=kind, scope_id=scope_id, month=month, issued=today, now=now,
                    catalog=catalog, lang=lang, province=settings.province,
                )
            )  # fmt: skip
        except LookupError as exc:
            say(f"{exc}. See: python -m bot team list", error=True)
            return 1
        content = {"docx": found.docx, "xlsx": found.xlsx, "csv": found.csv}[args.format]()
        suffix = f"-{scope_id}" if scope_id else ""
        output = Path(
            args.output or OUTPUT_DIR / f"report-{kind}{suffix}-{month.key}.{args.format}"
        )
        write_whole(output, content)
        say(
            f"Wrote {output}: month {month.key} ({month.start:%d/%m/%Y} to {month.last_day:%d/%m/%Y})"
        )
        return 0
    finally:
        app.close()


def write_whole(output: Path, content: bytes) -> None:
    """Write a file all at once: to a temporary file beside it, then renamed over it."""
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


COMMAND = Subcommand(
    "report", "write a monthly report file (DOCX document, XLSX appendix or CSV)", add_arguments,
    run,
)  # fmt: skip
