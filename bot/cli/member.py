"""`python -m bot member list|remove --team ID`: a team's members, and removing one."""

from __future__ import annotations

import argparse

from sqlmodel import Session

from bot.app import build_app
from bot.cli.base import Subcommand, print_json, say
from bot.settings import Settings
from storage import members, teams
from storage.members import Ended


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    actions = parser.add_subparsers(dest="member_action", required=True)
    listing = actions.add_parser("list", help="a team's current members")
    listing.add_argument("--team", type=int, required=True)
    listing.add_argument("--json", action="store_true")
    remove = actions.add_parser("remove", help="end someone's membership (records stay)")
    remove.add_argument("--team", type=int, required=True)
    remove.add_argument("--person", type=int, required=True, help="the person id (member list)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """List a team's members or remove one."""
    app = build_app(settings)
    try:
        now = app.parts.clock.now()
        today = now.astimezone(settings.timezone).date()
        if app.db.run_sync(lambda s: teams.get_team(s, args.team) is None):
            say(f"No team with id {args.team}. See: python -m bot team list", error=True)
            return 1
        if args.member_action == "list":
            rows = app.db.run_sync(
                lambda s: [
                    {
                        "person_id": m.person_id,
                        "name": m.name,
                        "role": m.role,
                        "joined": m.joined_at.astimezone(settings.timezone).date().isoformat(),
                        "last_logged": m.last_logged.isoformat() if m.last_logged else None,
                        "active": m.active(today),
                    }
                    for m in members.list_members(s, args.team)
                ]
            )
            if args.json:
                print_json(rows)
            for row in [] if args.json else rows:
                state = "active" if row["active"] else "inactive"
                say(
                    f"#{row['person_id']}  {row['name'] or '(no name)'}  {row['role']}  "
                    f"joined {row['joined']}  last logged {row['last_logged'] or 'never'}  {state}"
                )
            return 0

        def remove(session: Session) -> bool:
            ended = members.end_membership(
                session, team_id=args.team, person_id=args.person, reason=Ended.REMOVED, now=now
            )
            return ended is not None

        if not app.db.run_sync(remove):
            say(f"Person #{args.person} is not a current member of team #{args.team}", error=True)
            return 1
        say(f"Removed person #{args.person} from team #{args.team}; their records stay")
        return 0
    finally:
        app.close()


COMMAND = Subcommand("member", "list or remove a team's members", add_arguments, run)
