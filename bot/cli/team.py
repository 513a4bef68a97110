"""`python -m bot team create|list`: teams."""

from __future__ import annotations

import argparse

from sqlmodel import Session

from bot.app import build_app
from bot.cli.base import Subcommand, print_json, say
from bot.settings import Settings
from storage import teams


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    actions = parser.add_subparsers(dest="team_action", required=True)
    create = actions.add_parser("create", help="create a team in a ward")
    create.add_argument("--ward", required=True, help='e.g. "Phường Hải Châu"')
    create.add_argument("--name", required=True, help='e.g. "Tổ 12"')
    create.add_argument("--areas", default="", help="comma-separated areas the team covers")
    create.add_argument("--json", action="store_true")
    actions.add_parser("list", help="list teams").add_argument("--json", action="store_true")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Create or list teams."""
    app = build_app(settings)
    try:
        now = app.parts.clock.now()
        if args.team_action == "list":
            rows = app.db.run_sync(
                lambda s: [
                    {"id": t.id, "name": t.name, "ward_id": t.ward_id} for t in teams.list_teams(s)
                ]
            )
            if args.json:
                print_json(rows)
            else:
                for row in rows:
                    say(f"#{row['id']}  {row['name']}  (ward {row['ward_id']})")
            return 0
        areas = [a for a in args.areas.split(",") if a.strip()]

        def create(session: Session) -> dict[str, object]:
            existing = teams.find_team(session, ward_name=args.ward, name=args.name)
            team = existing or teams.create_team(
                session, ward_name=args.ward, name=args.name, areas=areas, now=now
            )
            return {
                "id": team.id,
                "name": team.name,
                "ward": args.ward,
                "ward_id": team.ward_id,
                "areas": [a.name for a in teams.areas_of(session, team.id or 0)],
                "created": existing is None,
            }

        result = app.db.run_sync(create)
        if args.json:
            print_json(result)
        else:
            verb = "Created" if result["created"] else "Already exists:"
            say(f"{verb} team #{result['id']} {result['name']} in {result['ward']}")
            say(f"Invite its leader: python -m bot invite --team {result['id']} --role leader")
        return 0
    finally:
        app.close()


COMMAND = Subcommand("team", "manage teams", add_arguments, run)
