"""A closed team keeps its history but gets no reminders or digests (the real scheduler)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from bot.app import App
from storage import team_prefs, teams
from storage.schedule_models import Outbox
from tests.reports import world as w
from tests.scheduler.support import Recorder, local, make_service


def closed_team_rows(session: Session) -> list[str]:
    return [row.kind for row in session.exec(select(Outbox).where(Outbox.team_id == TEAM)).all()]


TEAM = 1  # world.team, Tổ 12


async def test_a_closed_team_gets_no_reminders_or_digests(app: App) -> None:
    world = w.build(app)
    assert world.team == TEAM
    now = app.parts.clock.now()
    app.db.run_sync(
        lambda s: w.log(s, person_id=world.volunteers[0], team_id=world.team,
                        day=date(2026, 3, 3), now=now, items=[("vneid_level2", 2, 2, ())])
    )  # fmt: skip
    app.db.run_sync(lambda s: teams.close_team(s, world.team, now=now))
    assert world.team not in [p.team_id for p in app.db.run_sync(team_prefs.all_teams)]
    sent = Recorder()
    service = make_service(app, sent)
    friday = await service.run_due(local(2026, 3, 6, 17, 1))
    monday = await service.run_due(local(2026, 3, 9, 8, 1))
    assert friday.planned.reminders == 0  # its silent volunteers are not nudged
    assert monday.planned.digests >= 1  # the other teams' digests are planned
    assert app.db.run_sync(closed_team_rows) == []
    await service.shutdown()
    app.db.run_sync(lambda s: teams.reopen_team(s, world.team))
    reopened = make_service(app, sent, holder="two")
    later = await reopened.run_due(local(2026, 3, 13, 17, 1))
    assert later.planned.reminders > 0  # the same team, open again, is reminded
    assert "reminder" in app.db.run_sync(closed_team_rows)
    await reopened.shutdown()
