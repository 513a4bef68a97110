"""`python -m bot invite --team ID --role leader|volunteer`: a one-time invite code and link."""

from __future__ import annotations

import argparse
from datetime import timedelta

from sqlmodel import Session

from bot.app import build_app
from bot.cli.base import Subcommand, print_json, say
from bot.core.links import BotLinks
from bot.settings import Settings
from storage import invites, teams

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
    parser.add_argument("--team", type=int, required=True)
    parser.add_argument("--role", choices=["leader", "volunteer"], required=True)
    parser.add_argument("--uses", type=int, default=1, help="how many people may use it")
    parser.add_argument(
        "--days", type=valid_days, default=0, help="validity in days, 1 to 365 (default 7)"
    )
    parser.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print a one-time invite code and the Telegram deep link."""
    app = build_app(settings)
    try:
        now = app.parts.clock.now()
        ttl = timedelta(days=args.days or settings.invite_ttl_days)

        def create(session: Session) -> dict[str, object] | None:
            team = teams.get_team(session, args.team)
            if team is None:
                return None
            invite = invites.create_invite(
                session,
                team_id=args.team,
                role=args.role,
                now=now,
                ttl=ttl,
                max_uses=max(1, args.uses),
            )
            return {
                "code": invite.code,
                "team_id": team.id,
                "team": team.name,
                "role": invite.role,
                "expires_at": invite.expires_at.isoformat(),
                "max_uses": invite.max_uses,
                "link": app.parts.get(BotLinks).telegram_start(invite.code),
            }

        result = app.db.run_sync(create)
        if result is None:
            say(f"No team with id {args.team}. See: python -m bot team list")
            return 1
        if args.json:
            print_json(result)
        else:
            say(f"Invite code ({result['role']} of {result['team']}): {result['code']}")
            link = result["link"] or "(set TELEGRAM_BOT_USERNAME to print the t.me link)"
            say(f"Telegram link: {link}")
            say(f"Or send the bot: /start {result['code']}  (valid until {result['expires_at']})")
        return 0
    finally:
        app.close()


COMMAND = Subcommand("invite", "create an invite code for a team", add_arguments, run)
