"""Digest data: one team or all teams at once give the same answer; the text fits one message."""

from __future__ import annotations

from datetime import date, timedelta

from bot.app import App
from bot.core.clock import FixedClock
from domain.periods import Week
from domain.services import default_catalogue
from handlers.leaders.digest_view import MAX_TEXT, digest_text
from storage import digests, questions, teams
from tests.reports import world as w
from tests.scheduler.support import VN

WEEK = Week(date(2026, 2, 23))


def test_bulk_and_single_team_digests_agree(app: App) -> None:
    world = w.build(app)
    now = app.parts.clock.now()

    def work(session: object) -> None:
        for offset in range(20):
            team = (world.team, world.far_team)[offset % 2]
            person = world.volunteers[offset % 3] if team == world.team else world.other_leader
            w.log(
                session,
                person_id=person,
                team_id=team,
                day=WEEK.start - timedelta(days=offset * 3),  # type: ignore[arg-type]
                items=[("vneid_level2", 3, offset % 4, ("otp_not_received",) * (3 - offset % 4))],
                now=now,
            )
        for team in (world.team, world.far_team, None):
            questions.add_question(
                session,
                text="?",
                now=now - timedelta(days=8),
                channel="test",  # type: ignore[arg-type]
                person_id=None,
                team_id=team,
                best_key=None,
                score=0.0,
            )

    app.db.run_sync(work)  # type: ignore[arg-type]
    for week in (WEEK, WEEK.shift(-1), WEEK.shift(-2)):
        every = app.db.run_sync(lambda s, k=week: digests.team_weeks(s, week=k, tz=VN))  # type: ignore[misc]
        for team in (world.team, world.sister_team, world.far_team):
            one = app.db.run_sync(
                lambda s, k=week, t=team: digests.team_weeks(s, week=k, tz=VN, team_ids=[t])  # type: ignore[misc]
            )[team]
            assert one == every[team]
    sample = app.db.run_sync(lambda s: digests.team_weeks(s, week=WEEK, tz=VN))[world.team]
    assert sample.unanswered == 1 and sample.history[-1][0] == WEEK
    assert len(sample.history) == 8


def test_a_big_team_digest_fits_one_message(app: App, clock: FixedClock) -> None:
    now = clock.now()
    services = [s.key for s in default_catalogue().all()]

    def work(session: object) -> int:
        team = teams.create_team(
            session,
            ward_name="Phường Hòa Khánh với tên rất dài để thử",
            name="Tổ dân phố số 123 " * 5,  # type: ignore[arg-type]
            areas=[f"Khu vực {i}" for i in range(30)],
            now=now,
        )
        for index in range(400):
            person = w.person(session, f"v{index}", f"Nguyễn Thị Phương Thảo Số {index:03d}", now)  # type: ignore[arg-type]
            w.join(session, person, team.id or 0, "volunteer", now)  # type: ignore[arg-type]
            if index % 2:
                w.log(
                    session,
                    person_id=person,
                    team_id=team.id or 0,
                    day=WEEK.start,
                    now=now,  # type: ignore[arg-type]
                    items=[(services[index % 15], 9, 1, ("other",) * 8)],
                )
        return team.id or 0

    team_id = app.db.run_sync(work)  # type: ignore[arg-type]
    data = app.db.run_sync(lambda s: digests.team_weeks(s, week=WEEK, tz=VN, team_ids=[team_id]))[
        team_id
    ]
    assert len(data.volunteers) == 200 and len(data.silent) == 200
    for lang in ("vi", "en"):
        text = digest_text(app.parts.translations.get(lang), lang, data)
        assert len(text) <= MAX_TEXT
        assert "(+" in text and "Nguyễn Thị Phương Thảo Số" in text


def test_report_queries_on_every_database(app_any_db: App) -> None:
    """The GROUP BY queries (CASE buckets, JSON reasons as text) run on SQLite and PostgreSQL."""
    from domain.funding import funding_rule
    from domain.periods import Month
    from storage.hours import hours_report
    from storage.month_report import month_report
    from storage.targets import set_target, target_progress

    app = app_any_db
    world = w.build(app)
    now = app.parts.clock.now()

    def work(session: object) -> None:
        for offset in range(10):
            w.log(
                session,
                person_id=world.volunteers[offset % 3],
                team_id=world.team,  # type: ignore[arg-type]
                day=date(2026, 2, 20) + timedelta(days=offset),
                area_id=world.areas[0],
                now=now,
                items=[
                    ("vneid_level2", 3, 1, ("otp_not_received", "other")),
                    ("dvc_online", 1, 1, ()),
                ],
            )
        set_target(
            session,
            team_id=world.team,
            area_id=world.areas[0],
            metric="vneid_level2",  # type: ignore[arg-type]
            month="2026-03",
            target=10,
            set_by=None,
            now=now,
        )

    app.db.run_sync(work)  # type: ignore[arg-type]
    data = app.db.run_sync(lambda s: digests.team_weeks(s, week=WEEK, tz=VN))[world.team]
    assert data.totals.sessions == 7 and data.totals.people == 28 and data.previous.sessions == 3
    assert data.reasons == [("vneid_level2", "otp_not_received", 7), ("vneid_level2", "other", 7)]
    assert data.targets[0].done == 1 and sum(c.people for _, c in data.history) == 40
    month = app.db.run_sync(
        lambda s: month_report(s, scope="city", scope_id=None, month=Month(2026, 2))
    )
    assert month.totals.sessions == 9 and month.activity.active_members == 3
    assert month.services["dvc_online"].sessions == 9 and month.reasons[0][2] == 9
    hours = app.db.run_sync(
        lambda s: hours_report(
            s, team_id=world.team, month=Month(2026, 2), rule=funding_rule("da_nang")
        )
    )
    assert hours.total_minutes == 540 and hours.allowance is not None
    assert (hours.allowance.member_days, hours.allowance.at_day_rate) == (9, 450_000)
    assert (
        app.db.run_sync(lambda s: target_progress(s, world.team, Month(2026, 3)))[0].percent == 10
    )
