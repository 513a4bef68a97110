"""`python -m bot team create|list|import|rename|move|close|reopen`: teams."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from bot.app import App, build_app
from bot.cli.base import Subcommand, print_json, say
from bot.core.links import BotLinks
from bot.onboarding.invites import invite_record, say_invite
from bot.settings import Settings
from domain import team_list
from storage import teams
from storage.team_import import import_teams


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    actions = parser.add_subparsers(dest="team_action", required=True)
    create = actions.add_parser("create", help="create a team in a ward, with a leader invite")
    create.add_argument("--ward", required=True, help='e.g. "Phường Hải Châu"')
    create.add_argument("--name", required=True, help='e.g. "Tổ 12"')
    create.add_argument("--areas", default="", help="comma-separated areas the team covers")
    create.add_argument("--no-invite", action="store_true", help="do not make a leader invite")
    create.add_argument("--json", action="store_true")
    listing = actions.add_parser("list", help="list teams")
    listing.add_argument("--json", action="store_true")
    bulk = actions.add_parser("import", help="create wards, teams and areas from a city's list")
    bulk.add_argument("file", type=Path, help="FILE.xlsx or FILE.csv, one row per team")
    bulk.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
    bulk.add_argument("--json", action="store_true")
    rename = actions.add_parser("rename", help="rename a team")
    rename.add_argument("--team", type=int, required=True)
    rename.add_argument("--name", required=True)
    move = actions.add_parser("move", help="move a team to another ward (after a merger)")
    move.add_argument("--team", type=int, required=True)
    move.add_argument("--ward", required=True, help="the ward's name (created if new)")
    for name, text in (("close", "close a team (history stays; no reminders or digests)"),
                       ("reopen", "reopen a closed team")):  # fmt: skip
        actions.add_parser(name, help=text).add_argument("--team", type=int, required=True)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one team action."""
    app = build_app(settings)
    try:
        action = {
            "list": _list,
            "create": _create,
            "import": _import,
        }.get(args.team_action, _change)
        return action(app, args, settings)
    finally:
        app.close()


def _list(app: App, args: argparse.Namespace, settings: Settings) -> int:
    rows = app.db.run_sync(
        lambda s: [
            {"id": t.id, "name": t.name, "ward_id": t.ward_id, "closed": t.closed_at is not None}
            for t in teams.list_teams(s)
        ]
    )
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            closed = "  [closed]" if row["closed"] else ""
            say(f"#{row['id']}  {row['name']}  (ward {row['ward_id']}){closed}")
    return 0


def _create(app: App, args: argparse.Namespace, settings: Settings) -> int:
    now = app.parts.clock.now()
    areas = [a for a in args.areas.split(",") if a.strip()]
    links = app.parts.get(BotLinks)
    ttl = timedelta(days=settings.invite_ttl_days)

    def create(session: Session) -> dict[str, object]:
        existing = teams.find_team(session, ward_name=args.ward, name=args.name)
        team = existing or teams.create_team(
            session, ward_name=args.ward, name=args.name, areas=areas, now=now
        )
        result: dict[str, object] = {
            "id": team.id,
            "name": team.name,
            "ward": args.ward,
            "ward_id": team.ward_id,
            "areas": [a.name for a in teams.areas_of(session, team.id or 0)],
            "created": existing is None,
        }
        if not args.no_invite:
            invite = invite_record(session, team, role="leader", now=now, ttl=ttl, links=links)
            result["invite"] = invite
        return result

    result = app.db.run_sync(create)
    if args.json:
        print_json(result)
        return 0
    verb = "Created" if result["created"] else "Already exists:"
    say(f"{verb} team #{result['id']} {result['name']} in {result['ward']}")
    invite = result.get("invite")
    if isinstance(invite, dict):
        say_invite(invite)
    else:
        say(f"Invite its leader: python -m bot invite --team {result['id']} --role leader")
    return 0


def _import(app: App, args: argparse.Namespace, settings: Settings) -> int:
    try:
        wards = team_list.WardList.load(Path(settings.ward_list)) if settings.ward_list else None
        found = team_list.read_list(args.file, wards)
    except team_list.ListError as problem:
        return _refuse(args, [str(problem)])
    if found.problems:
        return _refuse(args, [str(p) for p in found.problems])
    now = app.parts.clock.now()
    summary = app.db.run_sync(lambda s: import_teams(s, found.rows, now=now, dry_run=args.dry_run))
    if args.json:
        print_json({"ok": True, "dry_run": args.dry_run, "rows": len(found.rows),
                    **summary.as_dict()})  # fmt: skip
        return 0
    head = "Dry run, nothing stored" if args.dry_run else "Imported"
    say(f"{head}: {len(found.rows)} rows from {args.file.name}")
    verb = "would be created" if args.dry_run else "created"
    for what, made, there in (
        ("wards", summary.wards_created, summary.wards_present),
        ("teams", summary.teams_created, summary.teams_present),
        ("areas", summary.areas_created, summary.areas_present),
    ):
        say(f"  {what}: {made} {verb}, {there} already present")
    if not summary.changed:
        say("Nothing new: everything in this list is already there.")
    elif not args.dry_run:
        say("Leader invite sheets: python -m bot invite sheet --all -o invites.docx")
    return 0


def _refuse(args: argparse.Namespace, problems: list[str]) -> int:
    if args.json:
        print_json({"ok": False, "problems": problems})
    else:
        say(f"Nothing imported from {args.file.name}: fix these and import again.", error=True)
        for line in team_list.problems_text(team_list.RowProblem(0, p) for p in problems):
            say("  " + line.removeprefix("row 0: "), error=True)
    return 1


def _change(app: App, args: argparse.Namespace, settings: Settings) -> int:
    now = app.parts.clock.now()

    def change(session: Session) -> str:
        if args.team_action == "rename":
            team = teams.rename_team(session, args.team, args.name)
            return f"Team #{team.id} is now called {team.name}"
        if args.team_action == "move":
            team = teams.move_team(session, args.team, ward_name=args.ward, now=now)
            return f"Team #{team.id} {team.name} is now in ward #{team.ward_id} {args.ward.strip()}"
        if args.team_action == "close":
            team = teams.close_team(session, args.team, now=now)
            return f"Team #{team.id} {team.name} is closed: no reminders, digests or new members"
        team = teams.reopen_team(session, args.team)
        return f"Team #{team.id} {team.name} is open again"

    try:
        say(app.db.run_sync(change))
    except teams.TeamChangeError as problem:
        say(f"Nothing changed: {problem}", error=True)
        return 1
    return 0


COMMAND = Subcommand("team", "manage teams", add_arguments, run)
