"""`python -m bot faq ask`: JSON from the files alone, plus phrasings stored in an existing DB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from storage import faq_phrasing
from storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
WATER = "Lịch cắt nước tuần này ở đâu xem được?"


@pytest.fixture
def no_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point DATABASE_URL at a SQLite file that does not exist."""
    missing = tmp_path / "nowhere" / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    monkeypatch.chdir(tmp_path)
    return missing


def ask(capsys: pytest.CaptureFixture[str], *words: str) -> dict[str, object]:
    """Run the command and parse its JSON output."""
    assert main(["faq", "ask", *words, "--json"]) == 0
    parsed: dict[str, object] = json.loads(capsys.readouterr().out)
    return parsed


def test_confident_question_prints_its_key(no_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = ask(capsys, "quen mat khau vneid")
    assert result["key"] == "vneid_password"
    assert isinstance(result["score"], float) and 0 < result["score"] <= 1
    assert result["suggestions"] == []
    assert not no_db.parent.exists()


def test_unknown_and_unsure_questions(no_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unknown = ask(capsys, "giá vàng hôm nay")
    assert unknown["key"] is None and unknown["suggestions"] == []
    unsure = ask(capsys, "bảo hiểm")
    assert unsure["key"] is None
    assert isinstance(unsure["suggestions"], list) and 1 <= len(unsure["suggestions"]) <= 3


def test_text_output(no_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faq", "ask", "quen mat khau vneid"]) == 0
    assert capsys.readouterr().out.startswith("vneid_password (")


def test_phrasings_stored_in_the_database_are_used(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert ask(capsys, WATER)["key"] is None
    db = Database(sqlite_url)
    now = datetime(2026, 3, 4, tzinfo=UTC)
    db.run_sync(
        lambda s: faq_phrasing.add_phrasing(
            s, key="utility_bills", text=WATER, added_by=None, now=now
        )
    )
    db.close()
    assert ask(capsys, WATER)["key"] == "utility_bills"
    assert ask(capsys, WATER, "--no-db")["key"] is None


def test_python_dash_m_bot(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "faq", "ask", "cai vneid", "--json"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout)["key"] == "vneid_install"
    assert not (tmp_path / "none.db").exists()


def test_audit_lists_stale_and_unsourced_topics(
    no_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_FAQ_MAX_AGE_DAYS", "100000")
    assert main(["faq", "audit", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["max_age_days"] == 100000 and data["province"] == "da_nang"
    assert {f["problem"] for f in data["findings"]} <= {"no_source"}
    assert main(["faq", "audit", "--days", "1", "--json"]) == 0
    stale = json.loads(capsys.readouterr().out)["findings"]
    assert any(f["problem"] == "stale" and f["age_days"] > 1 for f in stale)
    assert main(["faq", "audit", "--days", "1"]) == 0
    assert "stale" in capsys.readouterr().out


def test_ask_follows_the_province_setting(
    no_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_PROVINCE", "none")
    assert main(["faq", "ask", "I forgot my VNeID password", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["key"] == "vneid_password" and result["language"] == "en"
