"""Benchmark: a city month report and all teams' weekly digests vs one raw GROUP BY (the floor).

Builds a migrated SQLite file with 3,800 teams in 94 wards, 24,000 volunteers and about
1.2 million sessions of 2026 (raw sqlite3 executemany; 2% awareness sessions and 1% classes with
attendees, households given on a fifth of the help sessions), then times, in the same run:
  * our month report for the whole city (storage.month_report, with every indicator: outreach,
    households, members per ward) vs the floor query of shared/calibration/report_floor.py
    (sessions joined to services, GROUP BY team, service);
  * issuing the city report (number, notes) and writing its DOCX and XLSX appendix;
  * our weekly digest data for every team (storage.digests) vs one hand-written query with
    the same aggregates (8 weeks per team, the last week per volunteer, service and reasons);
    then the digest texts of all teams;
  * one digest chart (matplotlib), per chart.

Usage: python -m benchmarks.city_report_bench [SESSIONS]   (default 1,200,000)
The database is kept in data/bench/ (ignored by git) and reused when it has the same size.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.i18n import default_translations
from domain.office_hours import day_kind
from domain.periods import Month, Week
from domain.services import default_catalogue
from handlers.leaders.digest_view import digest_chart, digest_text
from handlers.leaders.report_issue import issue_report
from storage import digests
from storage.db import Database, make_engine
from storage.migrate import upgrade
from storage.month_report import month_report

TEAMS, WARDS, VOLUNTEERS = 3800, 94, 24_000
STAMP = "2026-01-01 00:00:00.000000"
FOLDER = Path("data") / "bench"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
SERVICES = [s.key for s in default_catalogue().all()]
WEIGHTS = [30, 14, 10, 6, 12, 2, 3, 6, 5, 2, 6, 1, 4, 4, 1]


def build(path: Path, sessions: int) -> None:
    """Create a migrated database and fill it with raw executemany."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    rng = random.Random(2026)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.executemany("insert into ward(id, name, created_at) values (?, ?, ?)",
                   [(w, f"Phường {w}", STAMP) for w in range(1, WARDS + 1)])  # fmt: skip
    db.executemany("insert into team(id, ward_id, name, created_at) values (?, ?, ?, ?)",
                   [(t, (t - 1) % WARDS + 1, f"Tổ {t}", STAMP) for t in range(1, TEAMS + 1)])  # fmt: skip
    db.executemany("insert into person(id, display_name, locale, created_at) values (?, ?, '', ?)",
                   [(p, f"Tình nguyện viên {p}", STAMP) for p in range(1, VOLUNTEERS + 1)])  # fmt: skip
    db.executemany(
        "insert into membership(person_id, team_id, role, active, joined_at) values (?, ?, ?, 1, ?)",
        [(p, (p - 1) % TEAMS + 1, "leader" if p <= TEAMS else "volunteer", STAMP)
         for p in range(1, VOLUNTEERS + 1)],
    )  # fmt: skip
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    kinds = {d: day_kind(d) for d in days}
    rows, items = [], []
    for sid in range(1, sessions + 1):
        person = rng.randrange(1, VOLUNTEERS + 1)
        day = rng.choice(days)
        kind = kinds[day]
        roll = rng.random()
        session_kind = "awareness" if roll < 0.02 else "class" if roll < 0.03 else "assist"
        attendees = rng.randrange(5, 60) if session_kind != "assist" else None
        households = (
            rng.randrange(1, 4) if session_kind == "assist" and rng.random() < 0.2 else None
        )
        rows.append((sid, person, (person - 1) % TEAMS + 1, day.isoformat(), STAMP,
                     rng.choice((15, 30, 45, 60, 90)), int(kind != "workday" or rng.random() < 0.2), kind,
                     session_kind, households, attendees))  # fmt: skip
        if session_kind != "assist":
            continue
        for service in {rng.choices(SERVICES, WEIGHTS)[0] for _ in range(rng.choice((1, 1, 1, 2)))}:
            people = rng.randrange(1, 6)
            ok = rng.randrange(0, people + 1)
            reasons = '["otp_not_received"]' if ok < people else "[]"
            items.append((sid, service, people, ok, reasons))
        if len(rows) >= 200_000:
            _flush(db, rows, items)
    _flush(db, rows, items)
    db.commit()
    db.close()


def _flush(db: sqlite3.Connection, rows: list[Any], items: list[Any]) -> None:
    db.executemany(
        "insert into assist_session(id, person_id, team_id, area_id, day, received_at, minutes,"
        " channel, note, out_of_hours, day_kind, kind, households, attendees)"
        " values (?, ?, ?, NULL, ?, ?, ?, 'bench', '', ?, ?, ?, ?, ?)",
        rows,
    )
    db.executemany(
        "insert into assist_item(session_id, service, people, succeeded, reasons) values (?, ?, ?, ?, ?)",
        items,
    )
    rows.clear()
    items.clear()


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Run once; return wall seconds, CPU seconds of this process and the result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


FLOOR_MONTH = """select s.team_id, i.service, count(*), sum(i.people), sum(i.succeeded), sum(s.minutes)
  from assist_session s join assist_item i on i.session_id = s.id
  where s.day >= ? and s.day < ? group by s.team_id, i.service"""


def floor_digest_sql(week: Week) -> tuple[str, list[str]]:
    """One hand-written query with the digest's aggregates: 8 weeks per team, the last one per
    volunteer, service and failure reasons."""
    starts = [week.shift(i - 7).start for i in range(8)]
    buckets = " ".join(
        f"when s.day < '{(d + timedelta(days=7)).isoformat()}' then {i}"
        for i, d in enumerate(starts)
    )
    now = f"s.day >= '{week.start.isoformat()}'"
    sql = f"""select team, wk, person, service, reasons, count(*), sum(people), sum(ok) from (
      select s.team_id team, case {buckets} else 7 end wk,
        case when {now} then s.person_id else 0 end person,
        case when {now} then i.service else '' end service,
        case when {now} then i.reasons else '' end reasons, i.people people, i.succeeded ok
      from assist_session s join assist_item i on i.session_id = s.id
      where s.day >= ? and s.day < ?) group by team, wk, person, service, reasons"""
    return sql, [starts[0].isoformat(), week.end.isoformat()]


def compare(label: str, ours: Callable[[], Any], floor: Callable[[], Any], runs: int = 7) -> Any:
    """Time ours and the floor alternately; print best wall and CPU times and median ratios.

    CPU time of this process is printed too: on a shared machine it is much steadier than
    wall time (SQLite runs in-process, so both include all of the query work).
    """
    walls, cpus, result = [], [], None
    for _ in range(runs):
        floor_wall, floor_cpu, _ = timed(floor)
        our_wall, our_cpu, result = timed(ours)
        walls.append((our_wall, floor_wall))
        cpus.append((our_cpu, floor_cpu))

    def median_ratio(pairs: list[tuple[float, float]]) -> float:
        ratios = sorted(o / f for o, f in pairs)
        return ratios[len(ratios) // 2]

    print(
        f"{label}: ours {min(o for o, _ in walls):.3f} s | floor {min(f for _, f in walls):.3f} s"
        f" (best wall) | median ratio wall {median_ratio(walls):.2f}x, CPU {median_ratio(cpus):.2f}x"
    )
    return result


def main() -> None:
    """Build (or reuse) the city database and print our times against the floor."""
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 1_200_000
    path = FOLDER / f"city-v4-{sessions}.db"
    if not path.exists():
        started = time.perf_counter()
        build(path, sessions)
        print(f"generated {sessions:,} sessions in {time.perf_counter() - started:.1f} s -> {path}")
    raw = sqlite3.connect(path)
    count = raw.execute("select count(*) from assist_item").fetchone()[0]
    print(
        f"{TEAMS:,} teams, {WARDS} wards, {VOLUNTEERS:,} volunteers, {sessions:,} sessions, {count:,} service lines"
    )
    month, week = Month(2026, 11), Week(date(2026, 11, 16))
    db = Database(f"sqlite:///{path}")
    month_args = (month.start.isoformat(), month.end.isoformat())
    report = compare(
        "city month report ",
        lambda: db.run_sync(lambda s: month_report(s, scope="city", scope_id=None, month=month)),
        lambda: raw.execute(FLOOR_MONTH, month_args).fetchall(),
    )
    catalog = default_translations().get("vi")
    now = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
    issued, _cpu, city = timed(
        lambda: db.run_sync(
            lambda s: issue_report(
                s, kind="city", scope_id=None, month=month, issued=date(2026, 12, 5), now=now,
                catalog=catalog, lang="vi", province="da_nang",
            )
        )
    )  # fmt: skip
    docx_wall, _cpu, docx = timed(city.docx)
    xlsx_wall, _cpu, xlsx = timed(city.xlsx)
    print(
        f"city report files : issue {issued:.3f} s, DOCX {docx_wall:.3f} s ({len(docx) // 1024} KiB),"
        f" XLSX {xlsx_wall:.3f} s ({len(xlsx) // 1024} KiB), {len(city.report.units)} wards"
    )
    digest_sql, digest_args = floor_digest_sql(week)
    data = compare(
        "all weekly digests",
        lambda: db.run_sync(lambda s: digests.team_weeks(s, week=week, tz=VN)),
        lambda: raw.execute(digest_sql, digest_args).fetchall(),
    )
    texts, _cpu, written = timed(lambda: [digest_text(catalog, "vi", tw) for tw in data.values()])
    _wall, charts, _ = timed(lambda: [digest_chart(catalog, tw) for tw in list(data.values())[:20]])
    assert report.totals.sessions > 0 and len(written) == TEAMS
    print(
        f"digest texts      : {texts:.3f} s for {TEAMS:,} teams (longest {max(map(len, written))} chars)"
    )
    print(f"digest chart      : {charts / 20 * 1000:.0f} ms CPU per chart (matplotlib Agg)")
    db.close()


if __name__ == "__main__":
    main()
