"""Start-up refusals in a real `python -m bot` process (issue 12, point 10): a database that
cannot be opened or reached gives one line naming DATABASE_URL (password masked) and exit
code 2; `invite --days` refuses values outside 1-365."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` with a clean environment; return the finished process."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))
    }
    clean.update(PYTHONPATH=str(ROOT), WEB_PORT="0", **env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def closed_port() -> int:
    """Return a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unreachable_urls(tmp_path: Path) -> list[str]:
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_bytes(b"this is not an SQLite file, only some notes " * 100)
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where a folder should be")
    return [
        f"postgresql://tcns:S3cretPw@127.0.0.1:{closed_port()}/tcns",
        f"sqlite:///{not_a_database}",
        f"sqlite:///{blocked}/sub/bot.db",
    ]


@pytest.mark.parametrize(
    "command", [["run"], ["team", "list"], ["invite", "--team", "1", "--role", "leader"]]
)
def test_a_database_that_cannot_be_opened_gives_one_line_and_exit_2(
    tmp_path: Path, command: list[str]
) -> None:
    for url in unreachable_urls(tmp_path):
        done = bot(tmp_path, *command, DATABASE_URL=url)
        assert done.returncode == 2, (url, done.stderr[-2000:])
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, done.stderr[-2000:]
        assert lines[0].startswith("Configuration error: DATABASE_URL: cannot open the database")
        assert "S3cretPw" not in done.stderr + done.stdout
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("days", ["0", "366", "-3", "1000000", "x", "2.5"])
def test_invite_days_outside_1_to_365_are_refused(tmp_path: Path, days: str) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    done = bot(
        tmp_path, "invite", "--team", "1", "--role", "volunteer", "--days", days, DATABASE_URL=url
    )
    assert done.returncode == 2
    assert "argument --days" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "bot.db").exists(), "refused before the database is touched"


def test_invite_days_within_range_are_accepted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    made = bot(
        tmp_path, "team", "create", "--ward", "Phường Hải Châu", "--name", "Tổ 1", DATABASE_URL=url
    )
    assert made.returncode == 0, made.stderr
    for days in ("1", "365"):
        done = bot(
            tmp_path,
            "invite",
            "--team",
            "1",
            "--role",
            "volunteer",
            "--days",
            days,
            DATABASE_URL=url,
        )
        assert done.returncode == 0, done.stderr
