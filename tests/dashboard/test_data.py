"""The dashboard's figures on SQLite and PostgreSQL, link spending, and the teams table."""

from __future__ import annotations

from datetime import date, timedelta

from bot.app import App
from bot.web.dashboard.teams_table import PAGE_SIZE, TableQuery, apply
from storage import dashboard_access as access
from storage import dashboard_data as data
from storage import report_notes
from storage.dashboard_access import Scope
from tests.dashboard.world import seed
from tests.factories import Harness

TODAY = date(2026, 3, 4)  # the fixed clock's day: a Wednesday; week from 2 March


def test_overview_figures_on_both_databases(app_any_db: App) -> None:
    world = seed(app_any_db, Harness(app_any_db))
    city = app_any_db.db.run_sync(lambda s: data.overview(s, team_ids=None, today=TODAY))
    assert (city.teams, city.wards, city.members) == (3, 2, 5)
    assert (city.active_week, city.active_month) == (3, 3)  # leader, vol_1, volunteer of A2
    assert (city.sessions_month, city.minutes_month) == (3, 180)
    assert (city.people_month, city.succeeded_month) == (9, 7)
    assert [(s.service, s.counts.people) for s in city.services] == [
        ("vneid_level2", 5), ("vssid", 4)
    ]  # fmt: skip
    assert city.reasons == [
        ("vneid_level2", "otp_not_received", 1),
        ("vssid", "otp_not_received", 1),
    ]
    assert [n for _w, n in city.trend][-7:] == [1, 0, 0, 1, 0, 0, 3]  # 20/1 (B1), 10/2 (A1), now
    assert len(city.trend) == 12 and city.trend[-1][0].start == date(2026, 3, 2)
    assert city.silent_teams == 1  # B1
    [target] = city.targets
    assert (target.metric, target.target, target.done, target.teams, target.met) == (
        "vneid_level2", 10, 4, 1, 0
    )  # fmt: skip
    assert city.questions == [(None, 1)]
    ward = app_any_db.db.run_sync(
        lambda s: data.overview(
            s, team_ids=access.scope_team_ids(s, Scope(wards=(world.ward_a,))), today=TODAY
        )
    )
    assert (ward.teams, ward.members, ward.sessions_month, ward.silent_teams) == (2, 4, 3, 0)


def test_team_rows_and_detail_on_both_databases(app_any_db: App) -> None:
    world = seed(app_any_db, Harness(app_any_db))
    rows = {r.name: r for r in app_any_db.db.run_sync(
        lambda s: data.team_rows(s, team_ids=None, today=TODAY))}  # fmt: skip
    a1, b1 = rows["Tổ A1"], rows["Tổ B1"]
    assert (a1.last_day, a1.sessions_month, a1.active_month, a1.members) == (
        date(2026, 3, 3), 2, 2, 3
    )  # fmt: skip
    assert a1.target_percent == 40 and not a1.silent
    assert b1.silent and b1.last_day == date(2026, 1, 20) and b1.target_percent is None
    team = app_any_db.db.run_sync(lambda s: data.team_detail(s, team_id=world.a1, today=TODAY))
    assert [(m.name, m.role, m.sessions_month, m.active) for m in team.members] == [
        ("Trần Thị Lan", "leader", 1, True),
        ("Nguyễn Văn Hùng", "volunteer", 1, True),
        ("Lê Thu Hà", "volunteer", 0, False),
    ]
    assert team.areas == ["Tổ dân phố 1"] and team.notes == []
    assert team.sessions_month == 2 and team.last_day == date(2026, 3, 3)
    assert [(t.metric, t.done) for t in team.targets] == [("vneid_level2", 4)]
    app_any_db.db.run_sync(
        lambda s: report_notes.save_note(
            s, team_id=world.a1, month="2026-03", part="plan", text="Hai buổi tối ở nhà văn hóa",
            by=None, now=app_any_db.parts.clock.now(),
        )
    )  # fmt: skip
    team = app_any_db.db.run_sync(lambda s: data.team_detail(s, team_id=world.a1, today=TODAY))
    assert team.notes == [("rep.notes.part.plan", "Hai buổi tối ở nhà văn hóa")]


def test_a_link_opens_one_session_only_on_both_databases(app_any_db: App) -> None:
    now = app_any_db.parts.clock.now()
    world = seed(app_any_db, Harness(app_any_db))
    scope = Scope(teams=(world.a1,))

    def make(s: object) -> str:
        token, _ = access.create_link(s, person_id=1, scope=scope, locale="vi", now=now,  # type: ignore[arg-type]
                                      ttl=timedelta(minutes=15))  # fmt: skip
        return token

    token = app_any_db.db.run_sync(make)
    hour = timedelta(hours=8)
    first = app_any_db.db.run_sync(lambda s: access.redeem_link(s, token=token, now=now, ttl=hour))
    second = app_any_db.db.run_sync(lambda s: access.redeem_link(s, token=token, now=now, ttl=hour))
    assert first is not None and second is None
    secret, who = first
    assert who.scope == scope and secret != token
    found = app_any_db.db.run_sync(lambda s: access.find_session(s, token=secret, now=now))
    assert found is not None and found.person_id == 1
    assert app_any_db.db.run_sync(lambda s: access.end_session(s, token=secret, now=now))
    assert app_any_db.db.run_sync(lambda s: access.find_session(s, token=secret, now=now)) is None


def row(team_id: int, name: str, ward: str, last: date | None, sessions: int) -> data.TeamRow:
    return data.TeamRow(team_id, name, 1 if ward == "Phường Một" else 2, ward, last, sessions,
                        silent=last is None or last < date(2026, 2, 20))  # fmt: skip


ROWS = [
    row(1, "Tổ Đồng Xoài", "Phường Một", date(2026, 3, 1), 5),
    row(2, "Tổ An Cư", "Phường Hai", None, 0),
    row(3, "Tổ Bàu Trảng", "Phường Một", date(2026, 1, 5), 1),
]


def test_the_table_sorts_filters_and_pages_from_the_query() -> None:
    by_name = apply(ROWS, TableQuery.parse({"sort": "name", "dir": "asc"}))
    assert [r.team_id for r in by_name.rows] == [2, 3, 1]  # An, Bàu, Đồng (folded)
    by_last = apply(ROWS, TableQuery.parse({}))  # default: last activity, newest first
    assert [r.team_id for r in by_last.rows] == [1, 3, 2]
    assert [r.team_id for r in apply(ROWS, TableQuery.parse({"q": "dong xoai"})).rows] == [1]
    assert [r.team_id for r in apply(ROWS, TableQuery.parse({"silent": "1"})).rows] == [3, 2]
    assert [r.team_id for r in apply(ROWS, TableQuery.parse({"ward": "2"})).rows] == [2]
    junk = TableQuery.parse({"sort": "drop table", "dir": "sideways", "page": "-3", "ward": "x"})
    assert (junk.sort, junk.direction, junk.page, junk.ward) == ("last", "desc", 1, None)
    many = [row(i, f"Tổ {i}", "Phường Một", None, i) for i in range(1, 251)]
    last_page = apply(many, TableQuery.parse({"sort": "sessions", "page": "9"}))
    assert (last_page.page, last_page.pages, last_page.first, last_page.total) == (3, 3, 201, 250)
    assert len(last_page.rows) == 250 - 2 * PAGE_SIZE
    query = TableQuery.parse({"sort": "sessions", "dir": "desc", "q": "Tổ 1"})
    assert query.sort_link("sessions").startswith("sort=sessions&dir=asc")
    assert query.aria_sort("sessions") == "descending" and query.aria_sort("name") == "none"
