"""/digest: the last full week of a team as a chart and one text message, for its leader only."""

from __future__ import annotations

from datetime import date

from bot.app import App
from storage import questions
from tests.factories import Harness
from tests.reports import world as w


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
    assert "Logged nothing this week (1): Tuấn" in body  # the leader is not a silent volunteer
    assert "OTP not received" in body and "2 times" in body
    assert "unanswered: 1" in body
    assert len(body) <= 4096
