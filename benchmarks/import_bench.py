"""Benchmark: importing a city's list of 3,800 teams (94 wards) on SQLite, target under 30 s.

Writes an XLSX like a city's (STT, Phường/Xã, Tên tổ, Địa bàn with 2-3 areas, Tổ trưởng),
then times, in the same run, on fresh migrated SQLite files:
  * reading and checking the file (domain.team_list.read_list);
  * `python -m bot team import FILE` end to end (checks + storing, one transaction);
  * the same file imported again (idempotent: nothing created);
  * the baseline: the same teams created one by one with storage.teams.create_team,
    as `team create` (or /newteam) does, in one transaction.

Usage: python -m benchmarks.import_bench [TEAMS]   (default 3,800)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from contextlib import redirect_stdout
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

from openpyxl import Workbook

from bot.cli import main
from domain.team_list import read_list
from storage.db import Database, make_engine
from storage.migrate import upgrade
from storage.teams import create_team

WARDS = 94
TARGET_SECONDS = 30.0


def write_list(path: Path, teams: int) -> None:
    """Write a city-shaped list of `teams` rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["STT", "Phường/Xã", "Tên tổ", "Địa bàn", "Tổ trưởng"])
    for number in range(1, teams + 1):
        ward = f"Phường {number % WARDS + 1:02d}"
        areas = ", ".join(f"Tổ dân phố {number}.{k}" for k in range(1 + number % 3))
        sheet.append([number, ward, f"Tổ công nghệ số {number}", areas, f"Người {number}"])
    book.save(path)


def migrated(folder: Path, name: str) -> str:
    """Return the URL of a freshly migrated SQLite file."""
    url = f"sqlite:///{folder / name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def timed(label: str, work: object) -> float:
    """Run work() and print its duration."""
    assert callable(work)
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"{label:<48} {seconds:7.2f} s")
    return seconds


def import_cli(url: str, path: Path) -> None:
    """Run `python -m bot team import` against a database, quietly."""
    os.environ["DATABASE_URL"] = url
    with redirect_stdout(StringIO()):
        code = main(["team", "import", str(path)])
    assert code == 0, code


def one_by_one(url: str, path: Path) -> None:
    """The baseline: create_team for every row, as `team create` does."""
    rows = read_list(path).rows
    database = Database(url)
    now = datetime.now(UTC)

    def work(session: object) -> None:
        for row in rows:
            create_team(session, ward_name=row.ward, name=row.team,  # type: ignore[arg-type]
                        areas=list(row.areas), now=now)  # fmt: skip

    database.run_sync(work)  # type: ignore[arg-type]
    database.close()


def run(teams: int) -> None:
    """Print the figures."""
    folder = Path(tempfile.mkdtemp(prefix="import_bench_"))
    try:
        path = folder / "city.xlsx"
        write_list(path, teams)
        print(f"{teams:,} teams in {WARDS} wards, {path.stat().st_size / 1e6:.1f} MB XLSX")
        timed("read and check the file", lambda: read_list(path))
        target = migrated(folder, "import.db")
        first = timed("team import (check + store)", lambda: import_cli(target, path))
        timed("team import again (nothing new)", lambda: import_cli(target, path))
        base = migrated(folder, "baseline.db")
        baseline = timed("baseline: create_team row by row", lambda: one_by_one(base, path))
        verdict = "meets" if first < TARGET_SECONDS else "MISSES"
        print(f"import {first:.2f} s {verdict} the {TARGET_SECONDS:.0f} s target; "
              f"baseline/import = {baseline / first:.1f}x")  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 3800)
