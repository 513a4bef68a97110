"""Command line: `python -m bot SUBCOMMAND`. Each subcommand's parser sits beside its code
(bot/cli/<name>.py) and is listed once in SUBCOMMANDS below."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot import logsafe
from bot.cli import (
    backup,
    chat,
    chat_commands,
    db,
    demo,
    doctor,
    faq,
    invite,
    member,
    report,
    run,
    team,
)
from bot.cli.base import Subcommand, say
from bot.settings import SettingsError, load_settings

SUBCOMMANDS: tuple[Subcommand, ...] = (
    run.COMMAND,
    chat.COMMAND,
    db.COMMAND,
    team.COMMAND,
    invite.COMMAND,
    faq.COMMAND,
    report.COMMAND,
    demo.COMMAND,
    backup.BACKUP,
    backup.RESTORE,
    chat_commands.COMMAND,
    member.COMMAND,
    doctor.COMMAND,
)
DEFAULT = "run"
logger = logging.getLogger("bot.cli")


def build_parser() -> argparse.ArgumentParser:
    """Describe every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Chatbot of the community digital technology teams (Telegram, Zalo, console).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for each in SUBCOMMANDS:
        each.add_arguments(sub.add_parser(each.name, help=each.help))
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
        say(f"Configuration error: {exc}", error=True)
        return 2
    logsafe.install(logsafe.settings_secrets(settings))
    name = args.command or DEFAULT
    if args.command is None:  # `python -m bot` alone runs the bot with run's defaults
        given = list(sys.argv[1:] if argv is None else argv)
        args = parser.parse_args([*given, DEFAULT])
    chosen = next(each for each in SUBCOMMANDS if each.name == name)
    try:
        return chosen.run(args, settings)
    except SettingsError as exc:  # e.g. DATABASE_URL names a database that cannot be opened
        say(f"Configuration error: {exc}", error=True)
        return 2
    except Exception:  # through the log handlers, so the secret mask applies to the traceback
        logger.exception("python -m bot %s stopped on an unexpected error", name)
        return 1
