"""/digest: the last full week of a team as a chart and one text message, for its leader only."""

from __future__ import annotations

import sys
from datetime import date, timedelta

import pytest

from bot.app import App
from bot.core.clock import FixedClock
from handlers.leaders.chart import ChartText, draw_weekly_chart
from storage import questions
from tests.factories import Harness, add_member
from tests.reports import world as w


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


def _week_of_work(app: App, world: w.World) -> None:
    now = app.parts.clock.now()

    def work(session: object) -> None:
        lan, minh, _tuan = world.volunteers
        w.log(
            session,
            person_id=lan,
            team_id=world.team,
            day=date(2026, 2, 24),
            now=now,
            items=[
                ("vneid_level2", 5, 3, ("otp_not_received", "otp_not_received")),
                ("dvc_online", 2, 2, ()),
            ],
            minutes=90,
            area_id=world.areas[0],
        )
        w.log(
            session,
            person_id=minh,
            team_id=world.team,
            day=date(2026, 2, 26),
            now=now,
            items=[("vneid_level2", 4, 4, ())],
            minutes=45,
        )
        w.log(
            session,
            person_id=lan,
            team_id=world.team,
            day=date(2026, 2, 17),
            now=now,
            items=[("cashless", 3, 1, ("no_bank_account",))],
            minutes=30,
        )
        w.log(
            session,
            person_id=minh,
            team_id=world.far_team,
            day=date(2026, 2, 24),
            now=now,
            items=[("health", 50, 50, ())],
            minutes=30,
        )
        questions.add_question(
            session,
            text="hỏi",
            now=now.replace(day=1),
            channel="test",
            person_id=None,
            team_id=world.team,
            best_key=None,
            score=0.1,
        )  # type: ignore[arg-type]

    app.db.run_sync(work)  # type: ignore[arg-type]


async def test_leader_gets_chart_and_text_of_last_week(harness: Harness, app: App) -> None:
    world = w.build(app)
    _week_of_work(app, world)
    hoa = harness.user("200")
    await hoa.say("/lang")
    await hoa.press("lang:en")
    deliveries = await hoa.say("/digest")
    image, text = deliveries[0].reply, deliveries[1].reply
    assert image.image is not None and image.image.content.startswith(b"\x89PNG")
    body = text.text
    assert "23/02–01/03/2026" in body and "Tổ 12" in body
    assert "Sessions: 2" in body and "People helped: 11" in body
    assert "Succeeded: 9 (82%" in body
    assert "Lan: 1 sessions, 7 people, 5 succeeded, 1 h 30 min" in body
    assert "Logged nothing in the week 23/02–01/03 (1): Tuấn" in body  # leaders are never silent
    assert "OTP not received" in body and "2 times" in body
    assert "waiting for an answer: 1 (asked in the week 23/02–01/03: 1)" in body
    assert len(body) <= 4096


async def test_last_weeks_digest_is_labelled_with_its_week_in_administrative_words(
    harness: Harness, app: App, clock: FixedClock
) -> None:
    """Sent on Monday 2/3 about 23/2–1/3: every label names that week, never 'tuần này'."""
    world = w.build(app)
    _week_of_work(app, world)
    clock.set(clock.now() - timedelta(days=2))  # Monday 2 March 2026
    body = (await harness.user("200").say("/digest"))[-1].reply.text
    assert "📊 Tổng hợp tuần 23/02–01/03/2026" in body and "tính đến" not in body
    assert "Số buổi hỗ trợ: 2 (▲ 1 so với tuần 16/02–22/02)" in body
    assert "Số lượt người được hỗ trợ: 11" in body
    assert "Số lượt thực hiện thành công: 9 (82%" in body
    assert "• Lan: 1 buổi, 7 lượt người, 5 lượt thành công, 1 giờ 30 phút" in body
    assert "Chưa ghi nhận trong tuần 23/02–01/03 (1): Tuấn" in body
    assert "Không nhận được mã OTP (Hỗ trợ định danh mức 2): 2 lượt" in body
    assert "tuần này" not in body and " lần" not in body
    running = (await harness.user("200").say("/digest nay"))[-1].reply.text
    assert "📊 Tổng hợp tuần 02/03–08/03/2026 (tính đến ngày 02/03)" in running


async def test_members_without_a_name_show_how_they_joined(harness: Harness, app: App) -> None:
    world = w.build(app)
    add_member(app, world.team, "zalo-user-1", channel="zalo")
    add_member(app, world.team, "web-user-1", channel="web")
    body = (await harness.user("200").say("/digest"))[-1].reply.text
    assert "thành viên qua Zalo" in body and "thành viên qua trang trò chuyện web" in body
    assert "#" not in body


async def test_unanswered_count_is_the_one_unanswered_shows(harness: Harness, app: App) -> None:
    """Questions waiting now, whenever asked (the old digest counted only the week's)."""
    world = w.build(app)
    now = app.parts.clock.now()  # Wednesday 4 March; the digest is about 23/2–1/3

    def ask(team: int | None, days_ago: int, *, resolved: bool = False) -> None:
        def work(session: object) -> None:
            found = questions.add_question(
                session, text="hỏi", now=now - timedelta(days=days_ago), channel="test",  # type: ignore[arg-type]
                person_id=None, team_id=team, best_key=None, score=0.1,
            )  # fmt: skip
            if resolved:
                questions.resolve(session, question_id=found, status="dismissed", now=now)  # type: ignore[arg-type]

        app.db.run_sync(work)  # type: ignore[arg-type]

    ask(world.team, 4)  # Saturday 28/2: in the digest's week
    ask(world.team, 30)  # early February, still waiting
    ask(world.team, 1)  # this week, after the digest's week
    ask(world.team, 5, resolved=True)
    ask(world.far_team, 4)
    ask(None, 4)  # no team: only admins see it
    hoa = harness.user("200")
    body = (await hoa.say("/digest"))[-1].reply.text
    assert vi(app, "digest.unanswered", n=3, asked=1, week="23/02–01/03") in body
    await hoa.say("/unanswered")
    assert hoa.text().startswith(vi(app, "unans.header", count=3))


async def test_digest_without_matplotlib_is_sent_without_the_chart_and_says_why(
    harness: Harness, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = w.build(app)
    _week_of_work(app, world)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # a slim install: import fails
    deliveries = await harness.user("200").say("/digest")
    assert [d.reply.image for d in deliveries] == [None]
    body = deliveries[0].reply.text
    assert "Số lượt người được hỗ trợ: 11" in body
    assert body.endswith(vi(app, "digest.no_chart.missing"))
    assert "matplotlib" in body


def test_a_chart_that_cannot_be_drawn_is_reported_not_raised() -> None:
    words = ChartText("Tổ $\\nosuchcommand$", "Lượt người", "Lượt thành công")
    assert draw_weekly_chart(["01/02", "08/02"], [1, 2, 3], [1], words).problem == "failed"
    typed = draw_weekly_chart(["01/02"], [3], [1], words)  # a '$' in a team name is text
    assert typed.problem == "" and typed.png is not None and typed.png.startswith(b"\x89PNG")
