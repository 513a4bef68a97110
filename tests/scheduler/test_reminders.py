"""Weekly nudges: only volunteers who logged nothing, not muted, not on holidays, caught up once."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from bot.app import App
from bot.core.clock import FixedClock
from domain.periods import Week
from storage import digests, team_prefs
from storage.models import Person
from storage.schedule_models import Outbox
from tests.reports import world as w
from tests.scheduler.support import VN, Recorder, local, make_service


def _setup(app: App) -> w.World:
    world = w.build(app)
    now = app.parts.clock.now()

    def work(session: object) -> None:
        lan = world.volunteers[0]
        w.log(
            session,
            person_id=lan,
            team_id=world.team,
            day=date(2026, 3, 3),
            now=now,  # type: ignore[arg-type]
            items=[("vneid_level2", 2, 2, ())],
        )
        w.log(
            session,
            person_id=world.volunteers[1],
            team_id=world.team,
            day=date(2026, 2, 27),  # type: ignore[arg-type]
            now=now,
            items=[("dvc_online", 1, 1, ())],
        )
        team_prefs.mute(session, person_id=world.volunteers[2], now=now)  # type: ignore[arg-type]

    app.db.run_sync(work)  # type: ignore[arg-type]
    return world


async def test_only_silent_unmuted_volunteers_are_nudged_once(app: App, clock: FixedClock) -> None:
    world = _setup(app)
    sent = Recorder()
    service = make_service(app, sent)
    assert (await service.run_due(local(2026, 3, 6, 16, 59))).planned.reminders == 0
    report = await service.run_due(local(2026, 3, 6, 17, 1))
    assert report.planned.reminders == 1 and report.sent.sent == 1
    assert [d.address.chat_id for d in sent.sent] == ["302"]
    assert "Minh" in sent.sent[0].reply.text and "/mute" in sent.sent[0].reply.text
    again = await service.run_due(local(2026, 3, 6, 17, 30))
    assert again.planned.reminders == 0 and again.sent.sent == 0
    restarted = make_service(app, sent, holder="two")
    await service.shutdown()
    clock.set(local(2026, 3, 6, 18, 0))
    later = await restarted.run_due()
    assert later.planned.reminders == 0 and len(sent.sent) == 1
    next_week = await restarted.run_due(local(2026, 3, 13, 17, 0))
    assert next_week.planned.reminders == 2
    assert sorted(d.address.chat_id for d in sent.sent[1:]) == ["301", "302"]
    assert world.volunteers


async def test_missed_run_is_caught_up_within_the_grace_window(app: App) -> None:
    _setup(app)
    sent = Recorder()
    late = await make_service(app, sent).run_due(local(2026, 3, 6, 22, 30))
    assert late.planned.reminders == 1 and late.sent.sent == 1
    other = Recorder()
    too_late = await make_service(app, other, holder="x").run_due(local(2026, 3, 13, 23, 30))
    assert too_late.planned.reminders == 0 and other.sent == []


async def test_no_nudges_on_public_holidays(app: App) -> None:
    _setup(app)
    sent = Recorder()
    tet = await make_service(app, sent).run_due(local(2026, 2, 20, 17, 5))
    labour_day = await make_service(app, sent, holder="b").run_due(local(2026, 5, 1, 17, 5))
    assert tet.planned.holidays == 3 and labour_day.planned.holidays == 3
    assert sent.sent == []
    normal = await make_service(app, sent, holder="c").run_due(local(2026, 5, 8, 17, 5))
    assert normal.planned.reminders == 2


async def test_team_settings_move_or_stop_the_nudge(app: App) -> None:
    world = _setup(app)
    now = app.parts.clock.now()
    app.db.run_sync(
        lambda s: team_prefs.update(
            s, world.team, now=now, reminder_weekday=2, reminder_minute=8 * 60
        )
    )
    sent = Recorder()
    service = make_service(app, sent)
    assert (await service.run_due(local(2026, 3, 6, 17, 5))).planned.reminders == 0
    assert (await service.run_due(local(2026, 3, 11, 8, 5))).planned.reminders == 2
    app.db.run_sync(lambda s: team_prefs.update(s, world.team, now=now, reminder_enabled=False))
    assert (await service.run_due(local(2026, 3, 18, 8, 5))).planned.reminders == 0
    assert len(sent.sent) == 2


async def test_reminder_text_follows_the_volunteer_language(app: App) -> None:
    world = _setup(app)
    app.db.run_sync(lambda s: w.set_locale(s, world.volunteers[1], "en"))
    sent = Recorder()
    await make_service(app, sent).run_due(local(2026, 3, 6, 17, 1))
    assert sent.sent[0].locale == "en" and sent.sent[0].reply.text.startswith("Hello Minh")
    rows = app.db.run_sync(lambda s: list(s.exec(select(Outbox)).all()))
    assert [(r.kind, r.period, r.status) for r in rows] == [("reminder", "2026-W10", "sent")]


async def test_digest_and_reminder_share_one_definition_of_silent(app: App) -> None:
    """The digest lists exactly the volunteers the reminder nudges (leaders are never silent)."""
    world = _setup(app)
    week = Week(date(2026, 3, 2))

    def digest_silent(session: Session) -> list[str]:
        return sorted(
            who.name for who in digests.team_weeks(session, week=week, tz=VN)[world.team].silent
        )

    silent_names = app.db.run_sync(digest_silent)
    names = app.db.run_sync(
        lambda s: {p.id: p.display_name for p in s.exec(select(Person)).all()}  # type: ignore[misc]
    )
    assert names[world.leader] not in silent_names
    assert names[world.volunteers[0]] not in silent_names
    sent = Recorder()
    await make_service(app, sent).run_due(local(2026, 3, 6, 17, 1))
    reminded = {n for n in names.values() if n and any(n in d.reply.text for d in sent.sent)}
    muted = names[world.volunteers[2]]
    assert reminded == set(silent_names) - {muted} and muted in silent_names
