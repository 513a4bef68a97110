"""Benchmark: the dashboard's city overview and a team page vs the raw-SQL floor, same run.

Reuses the database of benchmarks/city_report_bench.py (3,800 teams, 94 wards, 24,000
volunteers, about 1.2 million sessions of 2026; built on first use, then kept in data/bench/).
"Ours" is the page handler itself (DashboardRoutes.overview / .team: the database thread hop,
every query, the chart and the Jinja2 HTML); the floor is the hand-written queries that fetch
the same aggregates with sqlite3 and no HTML at all. Targets (issue 18): city overview < 1 s,
team page < 100 ms.

Usage: python -m benchmarks.dashboard_bench [SESSIONS]   (default 1,200,000)
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from aiohttp.test_utils import make_mocked_request

from benchmarks.city_report_bench import FOLDER, TEAMS, build
from bot.app import build_app
from bot.core.clock import FixedClock
from bot.settings import Settings
from bot.web.dashboard.routes import DashboardRoutes, View
from storage.dashboard_access import Scope, SignedIn
from storage.db import make_engine
from storage.migrate import upgrade

TODAY = date(2026, 11, 25)  # a Wednesday; report month November, week from 23 November
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
TEAM = 1234

FLOOR_OVERVIEW = [
    # sessions and minutes per day over the trend's 12 weeks and the month
    """select day, count(*), sum(minutes) from assist_session
       where day >= '2026-09-07' and day < '2026-12-01' group by day""",
    # members active this week and this month
    """select count(distinct case when day >= '2026-11-23' then person_id end),
              count(distinct case when day >= '2026-11-01' and day < '2026-12-01' then person_id end)
       from assist_session where day >= '2026-11-01' and day < '2026-12-01'""",
    # services and failure reasons of the month
    """select i.service, i.reasons, count(*), sum(i.people), sum(i.succeeded), sum(s.minutes)
       from assist_session s join assist_item i on i.session_id = s.id
       where s.day >= '2026-11-01' and s.day < '2026-12-01' group by i.service, i.reasons""",
    # teams heard from in the last 14 days (for the silent count)
    "select distinct team_id from assist_session where day >= '2026-11-12' and day <= '2026-11-25'",
    "select count(*), count(distinct ward_id) from team",
    "select count(distinct person_id) from membership where active",
]
FLOOR_TEAM = [
    f"""select person_id, max(day), sum(case when day >= '2026-11-01' and day < '2026-12-01'
       then 1 else 0 end) from assist_session where team_id = {TEAM} and day <= '2026-11-25'
       group by person_id""",
    f"""select p.id, p.display_name, m.role from membership m join person p on p.id = m.person_id
       where m.team_id = {TEAM} and m.active""",
    f"""select day, count(*), sum(minutes) from assist_session where team_id = {TEAM}
       and day >= '2026-09-07' and day < '2026-12-01' group by day""",
    f"""select i.service, i.reasons, count(*), sum(i.people), sum(i.succeeded)
       from assist_session s join assist_item i on i.session_id = s.id
       where s.team_id = {TEAM} and s.day >= '2026-11-01' and s.day < '2026-12-01'
       group by i.service, i.reasons""",
]


def floor(raw: sqlite3.Connection, queries: list[str]) -> list[Any]:
    """Run the hand-written queries; return their rows."""
    return [raw.execute(q).fetchall() for q in queries]


def view(path: str, scope: Scope, catalog: Any) -> View:
    """A signed-in request as the page wrapper would pass it."""
    who = SignedIn(1, 1, "Quản trị viên", scope, "vi", NOW)
    return View(make_mocked_request("GET", path), who, catalog, NOW, TODAY)


def measure(label: str, ours: Any, raw: Any, runs: int = 7) -> tuple[float, float]:
    """Time ours and the floor alternately; print best and median wall and CPU times.

    CPU time of this process (all threads: SQLite runs in-process) is much steadier than wall
    time on a shared machine; both are printed. Returns our best wall and best CPU seconds.
    """
    walls: list[tuple[float, float]] = []
    cpus: list[tuple[float, float]] = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        raw()
        floor_wall, floor_cpu = time.perf_counter() - wall, time.process_time() - cpu
        wall, cpu = time.perf_counter(), time.process_time()
        ours()
        walls.append((time.perf_counter() - wall, floor_wall))
        cpus.append((time.process_time() - cpu, floor_cpu))

    def line(kind: str, pairs: list[tuple[float, float]]) -> str:
        mine, floors = sorted(o for o, _ in pairs), sorted(f for _, f in pairs)
        middle = runs // 2
        return (
            f"{kind} ours best {mine[0] * 1000:.0f} ms, median {mine[middle] * 1000:.0f} ms"
            f" | floor best {floors[0] * 1000:.0f} ms, median {floors[middle] * 1000:.0f} ms"
            f" | ratio of medians {mine[middle] / floors[middle]:.2f}x"
        )

    print(f"{label}: {line('wall', walls)}")
    print(f"{' ' * len(label)}  {line('CPU ', cpus)}")
    return min(o for o, _ in walls), min(o for o, _ in cpus)


def main() -> None:
    """Build (or reuse) the city database and time both pages against their floors."""
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 1_200_000
    path = FOLDER / f"city-v3-{sessions}.db"
    if not path.exists():
        build(path, sessions)
    engine = make_engine(f"sqlite:///{path}")
    started = time.perf_counter()
    upgrade(engine)  # a database built before 0019_dashboard gets its tables and day index
    engine.dispose()
    print(f"migrated to head in {time.perf_counter() - started:.1f} s")
    settings = replace(Settings(), database_url=f"sqlite:///{path}")
    core = build_app(settings, clock=FixedClock(NOW), migrate=False)
    routes = DashboardRoutes(core)
    catalog = core.parts.translations.get("vi")
    raw = sqlite3.connect(path)
    loop = asyncio.new_event_loop()
    city = view("/dashboard/", Scope(city=True), catalog)
    team = view(f"/dashboard/teams/{TEAM}", Scope(city=True), catalog)
    team.request.match_info.update({"team_id": str(TEAM)})  # type: ignore[attr-defined]
    pages: dict[str, int] = {}

    def render(name: str, handler: Any, request: View) -> None:
        response = loop.run_until_complete(handler(request))
        assert response.status == 200, response.status
        pages[name] = len(response.body)

    print(f"{TEAMS:,} teams, {sessions:,} sessions; today {TODAY.isoformat()}")
    best_city = measure("city overview", lambda: render("city", routes.overview, city),
                        lambda: floor(raw, FLOOR_OVERVIEW))  # fmt: skip
    best_team = measure("team page    ", lambda: render("team", routes.team, team),
                        lambda: floor(raw, FLOOR_TEAM))  # fmt: skip
    print(f"HTML: city overview {pages['city']:,} bytes, team page {pages['team']:,} bytes")
    print(
        f"targets (best wall / best CPU): city overview < 1000 ms:"
        f" {best_city[0] * 1000:.0f} / {best_city[1] * 1000:.0f} ms"
        f"; team page < 100 ms: {best_team[0] * 1000:.0f} / {best_team[1] * 1000:.0f} ms"
    )
    loop.close()
    core.close()


if __name__ == "__main__":
    main()
