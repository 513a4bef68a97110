"""Command line: run the bot, chat in the console, migrate, create teams and invites."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta

from bot.settings import SUPPORTED_LOCALES, Settings, SettingsError, load_settings

logger = logging.getLogger(__name__)
Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    """Register a subcommand implementation."""

    def register(func: Command) -> Command:
        COMMANDS[name] = func
        return func

    return register


def build_parser() -> argparse.ArgumentParser:
    """Describe every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Chatbot of the community digital technology teams (Telegram, Zalo, console).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="start the bot (Telegram/Zalo polling, webhooks or web chat)")
    run.add_argument(
        "--webhook", action="store_true", help="serve Telegram/Zalo webhooks and the web chat"
    )
    run.add_argument(
        "--register-webhooks",
        action="store_true",
        help="with --webhook: register WEBHOOK_BASE_URL with Telegram and Zalo on start",
    )
    chat = sub.add_parser("chat", help="talk to the bot in this terminal, no token needed")
    chat.add_argument(
        "--as",
        dest="role",
        choices=["resident", "volunteer", "leader", "admin"],
        default="resident",
    )
    chat.add_argument("--name", default="", help="display name to use")
    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current"])
    team = sub.add_parser("team", help="manage teams")
    team_sub = team.add_subparsers(dest="team_action", required=True)
    create = team_sub.add_parser("create", help="create a team in a ward")
    create.add_argument("--ward", required=True, help='e.g. "Phường Hải Châu"')
    create.add_argument("--name", required=True, help='e.g. "Tổ 12"')
    create.add_argument("--areas", default="", help="comma-separated areas the team covers")
    create.add_argument("--json", action="store_true")
    team_sub.add_parser("list", help="list teams").add_argument("--json", action="store_true")
    invite = sub.add_parser("invite", help="create an invite code for a team")
    invite.add_argument("--team", type=int, required=True)
    invite.add_argument("--role", choices=["leader", "volunteer"], required=True)
    invite.add_argument("--uses", type=int, default=1, help="how many people may use it")
    invite.add_argument("--days", type=int, default=0, help="validity in days (default 7)")
    invite.add_argument("--json", action="store_true")
    faq = sub.add_parser("faq", help="try the residents' FAQ matcher (no database needed)")
    faq_sub = faq.add_subparsers(dest="faq_action", required=True)
    ask = faq_sub.add_parser("ask", help="match one question to a topic")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--no-db", action="store_true", help="ignore phrasings stored in the DB")
    audit = faq_sub.add_parser("audit", help="list topics checked too long ago or citing no source")
    audit.add_argument("--days", type=int, default=0, help="maximum age (BOT_FAQ_MAX_AGE_DAYS)")
    audit.add_argument("--json", action="store_true")
    backup = sub.add_parser("backup", help="save the database to a file (SQLite copy or pg_dump)")
    backup.add_argument("-o", "--output", default="", help="file (default: data/backups/...)")
    restore = sub.add_parser("restore", help="put a backup back into the SQLite database")
    restore.add_argument("file", help="a file written by: python -m bot backup")
    restore.add_argument("--force", action="store_true", help="replace a database holding data")
    report = sub.add_parser("report", help="write a monthly report file (XLSX or CSV)")
    scope = report.add_mutually_exclusive_group(required=True)
    scope.add_argument("--team", type=int, help="one team, by id (see: team list)")
    scope.add_argument("--ward", type=int, help="one ward: a line per team")
    scope.add_argument("--city", action="store_true", help="the whole city: a line per ward")
    report.add_argument("--month", default="", help="YYYY-MM (default: the current month)")
    report.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    report.add_argument("--lang", choices=list(SUPPORTED_LOCALES), default="")
    report.add_argument("-o", "--output", default="", help="file (default: data/reports/...)")
    demo = sub.add_parser("demo", help="create a demo ward with teams and 3 months of sessions")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--teams", type=int, default=3, help="how many demo teams")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, load settings and run a subcommand; exit 2 on bad configuration."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    name = args.command or "run"
    import bot.commands  # noqa: F401  (registers the subcommands)

    return COMMANDS[name](args, settings)


def say(line: str, *, error: bool = False) -> None:
    """Write one line for the person at the terminal (errors on stderr)."""
    (sys.stderr if error else sys.stdout).write(line + "\n")


def print_json(value: object) -> None:
    """Print one JSON document."""
    print(json.dumps(value, ensure_ascii=False))


def days(settings: Settings, requested: int) -> timedelta:
    """Return the invite validity."""
    return timedelta(days=requested or settings.invite_ttl_days)
