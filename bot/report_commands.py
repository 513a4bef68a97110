"""CLI subcommands `report` (monthly report file) and `demo` (a demo ward with months of data)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.app import build_app
from bot.cli import command, say
from bot.settings import Settings
from domain.periods import PeriodError, month_containing, parse_month
from handlers.leaders.report_xlsx import report_csv, report_xlsx
from storage.demo import create_demo
from storage.month_report import ScopeKind, month_report

OUTPUT_DIR = Path("data") / "reports"


@command("report")
def report_command(args: argparse.Namespace, settings: Settings) -> int:
    """Write the monthly report of a team, a ward or the city to a file."""
    app = build_app(settings)
    try:
        today = app.services.clock.now().astimezone(settings.timezone).date()
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
            catalog = app.services.translations.get(lang)
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


@command("demo")
def demo_command(args: argparse.Namespace, settings: Settings) -> int:
    """Create the demo ward (its first team is the console leader's 'Tổ Demo')."""
    from bot.commands import DEMO_TEAM, DEMO_WARD

    app = build_app(settings)
    try:
        now = app.services.clock.now()
        summary = app.db.run_sync(
            lambda s: create_demo(
                s, now=now, tz=settings.timezone, ward_name=DEMO_WARD, team_name=DEMO_TEAM,
                seed=args.seed, extra_teams=max(0, args.teams - 1),
                cutoff=settings.report_cutoff_day,
            )
        )  # fmt: skip
        if not summary.created:
            say(f"The demo ward already has data (teams {list(summary.team_ids)}).")
        else:
            say(
                f"Created {summary.people} volunteers and {summary.sessions} sessions in "
                f"{len(summary.team_ids)} teams of {DEMO_WARD} (ward {summary.ward_id})."
            )
        say("Try: python -m bot chat --as leader, then /digest, /report and /hours")
        say(f"Or: python -m bot report --ward {summary.ward_id}")
        return 0
    finally:
        app.close()
