"""`python -m bot invite --team ID --role leader|volunteer`: a one-time invite code and link;
`python -m bot invite sheet --ward ID|--team ID|--all -o FILE.docx|FILE.pdf`: printable sheets."""

from __future__ import annotations

import argparse
from datetime import timedelta

from sqlmodel import Session

from bot.app import build_app
from bot.cli.base import Subcommand, print_json, say
from bot.core.links import BotLinks
from bot.onboarding.invites import invite_record, say_invite
from bot.settings import Settings
from storage import teams

MAX_DAYS = 365


def valid_days(raw: str) -> int:
    """Read --days: a whole number of days from 1 to 365 (argparse reports anything else)."""
    try:
        days = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{raw}' is not a whole number of days") from None
    if not 1 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{days} is not between 1 and {MAX_DAYS} days")
    return days


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    parser.add_argument("--team", type=int, help="the team's id (python -m bot team list)")
    parser.add_argument("--role", choices=["leader", "volunteer"])
    parser.add_argument("--uses", type=int, default=1, help="how many people may use it")
    parser.add_argument(
        "--days", type=valid_days, default=0, help="validity in days, 1 to 365 (default 7)"
    )
    parser.add_argument("--json", action="store_true")
    actions = parser.add_subparsers(dest="invite_action", metavar="sheet")
    sheet = actions.add_parser("sheet", help="printable leader invite sheets with QR codes")
    scope = sheet.add_mutually_exclusive_group(required=True)
    scope.add_argument("--ward", dest="sheet_ward", type=int, help="every team of a ward")
    scope.add_argument("--team", dest="sheet_team", type=int, help="one team")
    scope.add_argument("--all", dest="sheet_all", action="store_true", help="every open team")
    sheet.add_argument("-o", "--output", required=True, help="FILE.docx or FILE.pdf")
    sheet.add_argument("--days", dest="sheet_days", type=int, default=0, help="validity in days")
    sheet.add_argument(
        "--with-leader",
        action="store_true",
        help="also teams that already have a leader (default: only teams without one)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print a one-time invite code and the Telegram deep link, or write invite sheets."""
    if args.invite_action == "sheet":
        from bot.onboarding.sheet import run_sheet

        return run_sheet(args, settings)
    if args.team is None or args.role is None:
        say("Give --team ID and --role leader|volunteer (or: invite sheet ...)", error=True)
        return 2
    app = build_app(settings)
    try:
        now = app.parts.clock.now()
        ttl = timedelta(days=args.days or settings.invite_ttl_days)
        links = app.parts.get(BotLinks)

        def create(session: Session) -> dict[str, object] | None:
            team = teams.get_team(session, args.team)
            if team is None:
                return None
            return invite_record(
                session, team, role=args.role, now=now, ttl=ttl, links=links, uses=args.uses
            )

        result = app.db.run_sync(create)
        if result is None:
            say(f"No team with id {args.team}. See: python -m bot team list")
            return 1
        if args.json:
            print_json(result)
        else:
            say_invite(result)
        return 0
    finally:
        app.close()


COMMAND = Subcommand(
    "invite", "create an invite code or printable invite sheets", add_arguments, run
)
