"""`python -m bot chat --as ROLE`: talk to the bot in this terminal, no token needed."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace

from sqlmodel import Session

from bot.app import App, build_app
from bot.channels.console import ConsoleChannel
from bot.cli.base import Subcommand, say
from bot.settings import Settings
from storage import people, teams
from storage.models import Membership

DEMO_WARD = "Phường Hải Châu"
DEMO_TEAM = "Tổ Demo"
DEMO_AREAS = ["Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 3"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    parser.add_argument(
        "--as",
        dest="role",
        choices=["resident", "volunteer", "leader", "admin"],
        default="resident",
    )
    parser.add_argument("--name", default="", help="display name to use")


def _prepare_console_user(app: App, role: str, user_id: str) -> None:
    """Give the console user the asked role in a demo team (created on first use)."""
    if role in ("resident", "admin"):
        return
    now = app.parts.clock.now()

    def setup(session: Session) -> None:
        team = teams.find_team(session, ward_name=DEMO_WARD, name=DEMO_TEAM) or teams.create_team(
            session, ward_name=DEMO_WARD, name=DEMO_TEAM, areas=DEMO_AREAS, now=now
        )
        person = people.ensure_person(
            session, channel="console", user_id=user_id, chat_id=user_id, now=now
        )
        if not any(r.team_id == team.id for r in people.team_roles(session, person.id or 0)):
            session.add(
                Membership(person_id=person.id or 0, team_id=team.id or 0, role=role, joined_at=now)
            )

    app.db.run_sync(setup)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Chat with the bot in this terminal as a resident, volunteer, leader or admin."""
    user_id = f"local-{args.role}"
    if args.role == "admin":
        settings = replace(settings, admins=settings.admins | {("console", user_id)})
    app = build_app(settings)
    _prepare_console_user(app, args.role, user_id)
    console = ConsoleChannel(app.dispatcher, user_id=user_id, display_name=args.name or args.role)
    say(f"Console chat as {args.role}. Type /help, or /quit to leave.")

    async def session() -> None:
        await console.say("/start")
        await console.run()

    try:
        asyncio.run(session())
    except KeyboardInterrupt:
        pass
    finally:
        app.close()
    return 0


COMMAND = Subcommand(
    "chat", "talk to the bot in this terminal, no token needed", add_arguments, run
)
