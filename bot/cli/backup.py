"""Backup and restore: `python -m bot backup -o FILE` and `python -m bot restore FILE`.

SQLite uses the online backup API, so a backup is consistent while the bot keeps running; the
copy is then vacuumed, so that no deleted row survives in its free pages.
PostgreSQL backups run `pg_dump --format=custom`; restoring one is an operator's step with
`pg_restore`, printed here rather than run, because it replaces a shared database.
"""

from __future__ import annotations

import argparse
import glob
import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from bot.cli.base import Subcommand, say
from bot.settings import Settings
from storage.db import normalise_url

logger = logging.getLogger(__name__)
SQLITE_PAGES_PER_STEP = 1024


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def database_url(settings: Settings) -> URL:
    """Return the configured database as a SQLAlchemy URL with the synchronous driver."""
    return make_url(normalise_url(settings.database_url))


def sqlite_path(url: URL) -> Path:
    """Return the file of a SQLite URL (in-memory databases cannot be backed up)."""
    if not url.database or url.database == ":memory:":
        raise BackupError("the configured SQLite database is in memory; there is nothing to save")
    return Path(url.database)


def _open_readonly(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def backup_sqlite(source: Path, output: Path) -> None:
    """Copy a live SQLite database into `output` (written to a temporary file, then renamed)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".backup-", suffix=".db", dir=output.parent)
    os.close(handle)
    try:
        with closing(_open_readonly(source)) as src, closing(sqlite3.connect(temporary)) as dst:
            src.backup(dst, pages=SQLITE_PAGES_PER_STEP)
            dst.execute("VACUUM")
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def has_data(path: Path) -> bool:
    """Tell whether a SQLite file holds any row besides the schema version."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    with closing(_open_readonly(path)) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            if name != "alembic_version"
        ]
        return any(conn.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() for name in tables)


def check_sqlite_backup(path: Path) -> None:
    """Refuse a file that is not a sound SQLite database of this bot."""
    try:
        with closing(_open_readonly(path)) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()
            versioned = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database ({exc})") from None
    if verdict is None or verdict[0] != "ok":
        raise BackupError(f"{path} is damaged (quick_check: {verdict})")
    if versioned is None:
        raise BackupError(f"{path} is not a backup of this bot (no alembic_version table)")


def restore_sqlite(backup: Path, target: Path, *, force: bool) -> None:
    """Copy a backup into the configured database; refuse to overwrite data without force."""
    check_sqlite_backup(backup)
    if backup.resolve() == target.resolve():
        raise BackupError("the backup is the configured database itself")
    if has_data(target) and not force:
        raise BackupError(
            f"{target} already holds data; stop the bot and add --force to replace it"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(_open_readonly(backup)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst, pages=SQLITE_PAGES_PER_STEP)


def find_tool(name: str) -> str | None:
    """Return a PostgreSQL client program: from PATH, else the newest /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def libpq_args(url: URL) -> list[str]:
    """Return the connection options of pg_dump / pg_restore (the password goes in PGPASSWORD)."""
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return [*args, "--dbname", url.database or "postgres"]


def _shown(args: list[str]) -> str:
    return " ".join(f"'{a}'" if " " in a else a for a in args)


def backup_postgres(url: URL, output: Path) -> int:
    """Run pg_dump --format=custom into `output`, or print the command when pg_dump is missing."""
    args = ["--format=custom", "--no-owner", "--file", str(output), *libpq_args(url)]
    tool = find_tool("pg_dump")
    if tool is None:
        say("pg_dump is not installed here. On a machine with the PostgreSQL client, run:")
        say(f"  PGPASSWORD=... pg_dump {_shown(args)}")
        return 1
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    output.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([tool, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        say(f"pg_dump failed: {result.stderr.strip()}", error=True)
        return 1
    return 0


def restore_postgres_help(url: URL, backup: Path) -> str:
    """Return the documented pg_restore steps for a custom-format dump."""
    target = libpq_args(url)
    return (
        "Restoring PostgreSQL replaces a shared database, so it is done by hand:\n"
        "  1. stop every bot process;\n"
        f"  2. PGPASSWORD=... pg_restore --clean --if-exists --no-owner --single-transaction "
        f"{_shown(target)} {backup}\n"
        "     (or into a new, empty database: createdb NAME, then pg_restore --no-owner "
        f"--dbname NAME {backup});\n"
        "  3. start the bot again (it upgrades the schema if the backup is older)."
    )


def default_output(url: URL) -> Path:
    """Return data/backups/tcns-<UTC time>.sqlite (or .pgdump for PostgreSQL)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite" if url.get_backend_name() == "sqlite" else "pgdump"
    return Path("data") / "backups" / f"tcns-{stamp}.{suffix}"


def add_backup_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments of backup."""
    parser.add_argument("-o", "--output", default="", help="file (default: data/backups/...)")


def backup_command(args: argparse.Namespace, settings: Settings) -> int:
    """Save the database to a file: SQLite online backup, or pg_dump's custom format."""
    url = database_url(settings)
    output = Path(args.output or default_output(url))
    try:
        if url.get_backend_name() == "sqlite":
            backup_sqlite(sqlite_path(url), output)
        else:
            code = backup_postgres(url, output)
            if code:
                return code
    except (BackupError, sqlite3.Error) as exc:
        say(f"Backup failed: {exc}", error=True)
        return 1
    size = output.stat().st_size
    logger.info("Backup written to %s (%d bytes)", output, size)
    say(f"Backup written to {output} ({size:,} bytes)")
    return 0


def add_restore_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments of restore."""
    parser.add_argument("file", help="a file written by: python -m bot backup")
    parser.add_argument("--force", action="store_true", help="replace a database holding data")


def restore_command(args: argparse.Namespace, settings: Settings) -> int:
    """Put a backup back into the configured SQLite database (PostgreSQL: print the steps)."""
    url = database_url(settings)
    backup = Path(args.file)
    if url.get_backend_name() != "sqlite":
        say(restore_postgres_help(url, backup))
        return 1
    try:
        target = sqlite_path(url)
        restore_sqlite(backup, target, force=bool(args.force))
    except (BackupError, sqlite3.Error) as exc:
        say(f"Restore refused: {exc}", error=True)
        return 1
    logger.info("Restored %s into %s", backup, target)
    say(f"Restored {backup} into {target}")
    return 0


BACKUP = Subcommand(
    "backup",
    "save the database to a file (SQLite copy or pg_dump)",
    add_backup_arguments,
    backup_command,
)
RESTORE = Subcommand(
    "restore", "put a backup back into the SQLite database", add_restore_arguments, restore_command
)
