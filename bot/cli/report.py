"""`python -m bot report --team ID | --ward ID | --city`: the monthly report as a file."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.app import build_app
from bot.cli.base import Subcommand, say
from bot.settings import SUPPORTED_LOCALES, Settings
from domain.periods import PeriodError, month_containing, parse_month
from handlers.leaders.report_xlsx import report_csv, report_xlsx
from storage.month_report import ScopeKind, month_report

OUTPUT_DIR = Path("data") / "reports"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--team", type=int, help="one team, by id (see: team list)")
    scope.add_argument("--ward", type=int, help="one ward: a line per team")
    scope.add_argument("--city", action="store_true", help="the whole city: a line per ward")
    parser.add_argument("--month", default="", help="YYYY-MM (default: the current month)")
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
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
        month = month or month_containing(today, cutoff=cutoff)
        kind: ScopeKind = "team" if args.team else "ward" if args.ward else "city"
        scope_id = args.team or args.ward or None
        try:
            data = app.db.run_sync(
                lambda s: month_report(s, scope=kind, scope_id=scope_id, month=month)
            )
        except LookupError as exc:
            say(f"{exc}. See: python -m bot team list", error=True)
            return 1
        lang = args.lang or settings.default_locale
        if args.format == "csv":
            content = report_csv(data)
        else:
            catalog = app.parts.translations.get(lang)
            content = report_xlsx(data, catalog, lang, issued=today)
        suffix = f"-{scope_id}" if scope_id else ""
        output = Path(
            args.output or OUTPUT_DIR / f"report-{kind}{suffix}-{month.key}.{args.format}"
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
        say(f"Wrote {output} ({month.start:%d/%m/%Y} to {month.last_day:%d/%m/%Y})")
        return 0
    finally:
        app.close()


COMMAND = Subcommand("report", "write a monthly report file (XLSX or CSV)", add_arguments, run)
