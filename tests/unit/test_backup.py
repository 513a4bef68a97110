"""Backups: `python -m bot backup` / `restore` on SQLite (online backup API) and PostgreSQL."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

import bot.cli.backup as backup_commands
from bot.app import build_app
from bot.cli import main
from bot.settings import Settings
from storage import conversations, invites, people, teams
from storage.models import Membership

Dump = dict[str, list[tuple[Any, ...]]]


def fill(database_url: str, team_name: str = "Tổ 12", user: str = "42") -> None:
    """Store a team with areas, a member, an invite and a conversation."""
    app = build_app(Settings(database_url=database_url), migrate=False)
    now = app.parts.clock.now()

    def work(session: Session) -> None:
        team = teams.create_team(
            session, ward_name="Phường Hải Châu", name=team_name, areas=["TDP 1", "TDP 2"], now=now
        )
        person = people.ensure_person(
            session, channel="telegram", user_id=user, chat_id=user, now=now
        )
        session.add(
            Membership(person_id=person.id or 0, team_id=team.id or 0, role="leader", joined_at=now)
        )
        invites.create_invite(
            session, team_id=team.id or 0, role="volunteer", now=now, ttl=timedelta(days=7)
        )
        conversations.save(
            session,
            channel="telegram",
            chat_id=user,
            user_id=user,
            loaded=conversations.ConversationState(),
            state="team.name",
            data={"ward": "Phường Hải Châu", "note": "tiếng Việt"},
            now=now,
            expires_at=None,
        )

    try:
        app.db.run_sync(work)
    finally:
        app.close()


def dump(path: Path) -> Dump:
    """Return every row of every table of a SQLite file, sorted."""
    with closing(sqlite3.connect(path)) as conn:
        names = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }


def cli(monkeypatch: pytest.MonkeyPatch, cwd: Path, database_url: str, *argv: str) -> int:
    """Run `python -m bot ...` in-process on a database; return the exit code."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(cwd)
    return main(list(argv))


def path_of(url: str) -> Path:
    """Return the file of a sqlite:/// URL."""
    return Path(url.removeprefix("sqlite:///"))


def test_sqlite_backup_restores_identically_into_a_fresh_database(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fill(sqlite_url)
    backup = tmp_path / "saved" / "bot.sqlite"
    assert cli(monkeypatch, tmp_path, sqlite_url, "backup", "-o", str(backup)) == 0
    assert "Backup written to" in capsys.readouterr().out
    fresh = tmp_path / "elsewhere" / "restored.db"
    assert cli(monkeypatch, tmp_path, f"sqlite:///{fresh}", "restore", str(backup)) == 0
    original = dump(path_of(sqlite_url))
    assert original["team"] and original["conversation"] and original["invite"]
    assert dump(fresh) == original
    app = build_app(Settings(database_url=f"sqlite:///{fresh}"))
    try:
        found = app.db.run_sync(
            lambda s: teams.find_team(s, ward_name="Phường Hải Châu", name="Tổ 12")
        )
        assert found is not None
    finally:
        app.close()


def test_backup_without_a_name_goes_to_data_backups(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(sqlite_url)
    assert cli(monkeypatch, tmp_path, sqlite_url, "backup") == 0
    [written] = (tmp_path / "data" / "backups").glob("tcns-*.sqlite")
    assert dump(written) == dump(path_of(sqlite_url))


def test_restore_refuses_to_overwrite_data_without_force(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fill(sqlite_url)
    backup = tmp_path / "bot.sqlite"
    assert cli(monkeypatch, tmp_path, sqlite_url, "backup", "-o", str(backup)) == 0
    saved = dump(path_of(sqlite_url))
    fill(sqlite_url, team_name="Tổ 13", user="43")
    changed = dump(path_of(sqlite_url))
    assert changed != saved
    capsys.readouterr()
    assert cli(monkeypatch, tmp_path, sqlite_url, "restore", str(backup)) == 1
    assert "--force" in capsys.readouterr().err
    assert dump(path_of(sqlite_url)) == changed
    assert cli(monkeypatch, tmp_path, sqlite_url, "restore", str(backup), "--force") == 0
    assert dump(path_of(sqlite_url)) == saved


def test_restore_into_a_migrated_but_empty_database_needs_no_force(
    sqlite_url: str, sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(sqlite_url)
    backup = tmp_path / "bot.sqlite"
    assert cli(monkeypatch, tmp_path, sqlite_url, "backup", "-o", str(backup)) == 0
    empty = tmp_path / "empty.db"
    empty.write_bytes(sqlite_template.read_bytes())
    assert cli(monkeypatch, tmp_path, f"sqlite:///{empty}", "restore", str(backup)) == 0
    assert dump(empty) == dump(path_of(sqlite_url))


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100], ids=["empty", "junk"])
def test_restore_refuses_what_is_not_a_backup(
    content: bytes,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(content)
    before = dump(path_of(sqlite_url))
    assert cli(monkeypatch, tmp_path, sqlite_url, "restore", str(bogus), "--force") == 1
    assert "Restore refused" in capsys.readouterr().err
    assert dump(path_of(sqlite_url)) == before


def test_backup_of_a_missing_database_fails_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/missing.db"
    assert cli(monkeypatch, tmp_path, url, "backup", "-o", str(tmp_path / "x.sqlite")) == 1
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "x.sqlite").exists()


def test_postgres_without_pg_dump_prints_the_command_and_never_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(backup_commands, "find_tool", lambda name: None)
    url = "postgresql://bot:s3cret-pw@db.internal:5433/tcns"
    assert cli(monkeypatch, tmp_path, url, "backup", "-o", "b.pgdump") == 1
    out = capsys.readouterr().out
    assert "pg_dump --format=custom" in out and "--host db.internal --port 5433" in out
    assert cli(monkeypatch, tmp_path, url, "restore", "b.pgdump") == 1
    out += capsys.readouterr().out
    assert "pg_restore --clean --if-exists" in out
    assert "s3cret" not in out


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_postgres_backup_is_a_pg_dump_archive(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pg_restore = backup_commands.find_tool("pg_restore")
    if pg_restore is None or backup_commands.find_tool("pg_dump") is None:
        pytest.skip("no pg_dump / pg_restore here")
    fill(db_url)
    output = tmp_path / "bot.pgdump"
    assert cli(monkeypatch, tmp_path, db_url, "backup", "-o", str(output)) == 0
    assert output.read_bytes()[:5] == b"PGDMP"
    listing = subprocess.run(
        [pg_restore, "--list", str(output)], capture_output=True, text=True, check=True
    ).stdout
    assert "TABLE DATA public team " in listing and "TABLE DATA public conversation " in listing
