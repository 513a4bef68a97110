"""Implementations of the command-line subcommands."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import TYPE_CHECKING

from bot.app import App, build_app
from bot.backup_commands import backup_command  # noqa: F401  (registers backup and restore)
from bot.channels.console import ConsoleChannel
from bot.cli import command, days, print_json
from bot.core.links import BotLinks
from bot.faq_commands import faq_command  # noqa: F401  (registers faq)
from bot.report_commands import report_command  # noqa: F401  (registers report and demo)
from bot.settings import Settings, SettingsError
from scheduler.runner import SchedulerService
from storage import invites, migrate, people, teams
from storage.db import Database
from storage.models import Membership

if TYPE_CHECKING:
    from bot.runtime import Runtime

logger = logging.getLogger(__name__)
DEMO_WARD = "Phường Hải Châu"
DEMO_TEAM = "Tổ Demo"


@command("db")
def db_command(args: argparse.Namespace, settings: Settings) -> int:
    """Upgrade the schema or show its revision."""
    db = Database(settings.database_url)
    try:
        if args.action == "upgrade":
            migrate.upgrade(db.engine)
        heads = sorted(migrate.current_heads(db.engine))
        print(f"database at: {', '.join(heads) or '(empty)'}")
    finally:
        db.close()
    return 0


@command("team")
def team_command(args: argparse.Namespace, settings: Settings) -> int:
    """Create or list teams."""
    app = build_app(settings)
    try:
        now = app.services.clock.now()
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
                    print(f"#{row['id']}  {row['name']}  (ward {row['ward_id']})")
            return 0
        areas = [a for a in args.areas.split(",") if a.strip()]

        def create(session: object) -> dict[str, object]:
            from sqlmodel import Session

            assert isinstance(session, Session)
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
            print(f"{verb} team #{result['id']} {result['name']} in {result['ward']}")
            print(f"Invite its leader: python -m bot invite --team {result['id']} --role leader")
        return 0
    finally:
        app.close()


@command("invite")
def invite_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print a one-time invite code and the Telegram deep link."""
    app = build_app(settings)
    try:
        now = app.services.clock.now()

        def create(session: object) -> dict[str, object] | None:
            from sqlmodel import Session

            assert isinstance(session, Session)
            team = teams.get_team(session, args.team)
            if team is None:
                return None
            invite = invites.create_invite(
                session,
                team_id=args.team,
                role=args.role,
                now=now,
                ttl=days(settings, args.days),
                max_uses=max(1, args.uses),
            )
            return {
                "code": invite.code,
                "team_id": team.id,
                "team": team.name,
                "role": invite.role,
                "expires_at": invite.expires_at.isoformat(),
                "max_uses": invite.max_uses,
                "link": app.services.get(BotLinks).telegram_start(invite.code),
            }

        result = app.db.run_sync(create)
        if result is None:
            print(f"No team with id {args.team}. See: python -m bot team list")
            return 1
        if args.json:
            print_json(result)
        else:
            print(f"Invite code ({result['role']} of {result['team']}): {result['code']}")
            link = result["link"] or "(set TELEGRAM_BOT_USERNAME to print the t.me link)"
            print(f"Telegram link: {link}")
            print(f"Or send the bot: /start {result['code']}  (valid until {result['expires_at']})")
        return 0
    finally:
        app.close()


def _prepare_console_user(app: App, role: str, user_id: str) -> None:
    """Give the console user the asked role in a demo team (created on first use)."""
    if role in ("resident", "admin"):
        return
    now = app.services.clock.now()

    def setup(session: object) -> None:
        from sqlmodel import Session

        assert isinstance(session, Session)
        team = teams.find_team(session, ward_name=DEMO_WARD, name=DEMO_TEAM) or teams.create_team(
            session,
            ward_name=DEMO_WARD,
            name=DEMO_TEAM,
            areas=["Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 3"],
            now=now,
        )
        person = people.ensure_person(
            session, channel="console", user_id=user_id, chat_id=user_id, now=now
        )
        if not any(r.team_id == team.id for r in people.team_roles(session, person.id or 0)):
            session.add(
                Membership(person_id=person.id or 0, team_id=team.id or 0, role=role, joined_at=now)
            )

    app.db.run_sync(setup)


@command("chat")
def chat_command(args: argparse.Namespace, settings: Settings) -> int:
    """Chat with the bot in this terminal as a resident, volunteer, leader or admin."""
    user_id = f"local-{args.role}"
    if args.role == "admin":
        from dataclasses import replace

        settings = replace(settings, admins=settings.admins | {("console", user_id)})
    app = build_app(settings)
    _prepare_console_user(app, args.role, user_id)
    console = ConsoleChannel(app.dispatcher, user_id=user_id, display_name=args.name or args.role)
    print(f"Console chat as {args.role}. Type /help, or /quit to leave.")

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


@command("run")
def run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Start the bot: Telegram/Zalo polling, webhooks with --webhook, or the web chat (no token)."""
    from bot.runtime import RunOptions, Runtime, check_options

    options = RunOptions(
        webhook=bool(getattr(args, "webhook", False)),
        register_webhooks=bool(getattr(args, "register_webhooks", False)),
    )
    try:
        check_options(settings, options)
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    app = build_app(settings)
    try:
        asyncio.run(_serve(Runtime(app, options)))
        return 0
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    finally:
        app.close()


async def _serve(runtime: Runtime) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    scheduler = SchedulerService(runtime.core.db, runtime.core.dispatcher, runtime.core.services)
    scheduler.start()
    try:
        await runtime.start()
        settings = runtime.core.settings
        if runtime.server is not None:
            if not (settings.channel("telegram").token or settings.channel("zalo").token):
                print("No TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN configured: serving the web chat.")
            print(f"Web chat: {runtime.server.url}/web/  (health: /healthz, metrics: /metrics)")
        await stop.wait()
    finally:
        await runtime.stop()
        await scheduler.shutdown()
