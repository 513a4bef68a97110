"""`python -m bot db upgrade|current`: database migrations."""

from __future__ import annotations

import argparse

from bot.cli.base import Subcommand, say
from bot.settings import Settings
from storage import migrate
from storage.db import Database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    parser.add_argument("action", choices=["upgrade", "current"])


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Upgrade the schema or show its revision."""
    db = Database(settings.database_url)
    try:
        if args.action == "upgrade":
            migrate.upgrade(db.engine)
        heads = sorted(migrate.current_heads(db.engine))
        say(f"database at: {', '.join(heads) or '(empty)'}")
    finally:
        db.close()
    return 0


COMMAND = Subcommand("db", "database migrations", add_arguments, run)
