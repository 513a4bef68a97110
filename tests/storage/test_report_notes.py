"""Report notes, numbers and prefixes on SQLite and PostgreSQL: sequences, races, redaction."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from storage import report_notes, teams
from storage.db import Database

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)


def _team(db: Database) -> int:
    return db.run_sync(
        lambda s: (
            teams.create_team(s, ward_name="Phường Hải Châu", name="Tổ 12", areas=[], now=NOW).id
            or 0
        )
    )


def _number(db: Database, scope: str, scope_id: int, month: str, year: int) -> int:
    return db.run_sync(
        lambda s: report_notes.issue_number(
            s, scope=scope, scope_id=scope_id, month=month, year=year, now=NOW
        )
    )


def test_numbers_follow_each_issuer_and_year(db: Database) -> None:
    team = _team(db)
    assert _number(db, "team", team, "2026-10", 2026) == 1
    assert _number(db, "team", team, "2026-11", 2026) == 2
    assert _number(db, "team", team, "2026-10", 2026) == 1, "the same month keeps its number"
    assert _number(db, "ward", 1, "2026-11", 2026) == 1, "each issuer has its own sequence"
    assert _number(db, "team", team, "2026-12", 2027) == 1, "a new year starts again at 01"


def test_two_requests_at_once_get_one_number(db: Database) -> None:
    team = _team(db)
    barrier = threading.Barrier(4)
    got: list[int] = []

    def ask() -> None:
        barrier.wait()
        got.append(_number(db, "team", team, "2026-11", 2026))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == [1, 1, 1, 1]
    assert _number(db, "team", team, "2026-12", 2026) == 2


def test_notes_are_redacted_kept_per_team_and_month_and_limited(db: Database) -> None:
    team = _team(db)

    def save(part: str, text: str, month: str = "2026-11") -> str:
        return db.run_sync(
            lambda s: report_notes.save_note(
                s, team_id=team, month=month, part=part, text=text, by=None, now=NOW
            )
        )

    stored = save("difficulties", "Bà Lan (CCCD 048123456789, sđt 0905 123 456) chưa có OTP")
    assert "048123456789" not in stored and "0905 123 456" not in stored
    save("plan", "Mở lớp Bình dân học vụ số")
    save("requests", "x" * 5000)
    with pytest.raises(ValueError):
        save("requests", "x" * 5001)
    with pytest.raises(ValueError):
        save("signature", "x")

    def read(
        session: Session,
    ) -> tuple[report_notes.Notes, report_notes.Notes, dict[int, report_notes.Notes]]:
        return (
            report_notes.notes_of(session, team, "2026-11"),
            report_notes.notes_of(session, team, "2026-10"),
            report_notes.notes_of_teams(session, [team, 999], "2026-11"),
        )

    november, october, many = db.run_sync(read)
    assert november.difficulties == stored and november.plan == "Mở lớp Bình dân học vụ số"
    assert len(november.requests) == 5000
    assert october.empty and list(many) == [team]


def test_prefix_is_a_setting_per_issuer(db: Database) -> None:
    team = _team(db)
    assert db.run_sync(lambda s: report_notes.prefix_of(s, "team", team)) == ""

    def set_prefix(prefix: str) -> None:
        db.run_sync(
            lambda s: report_notes.set_prefix(
                s, scope="team", scope_id=team, prefix=prefix, now=NOW
            )
        )

    set_prefix("TCNS")
    set_prefix("TCNS-TDP12")
    assert db.run_sync(lambda s: report_notes.prefix_of(s, "team", team)) == "TCNS-TDP12"
    assert db.run_sync(lambda s: report_notes.prefix_of(s, "ward", team)) == ""
