"""Privacy: notice, forgetting a resident, volunteer export, purge of old questions."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlmodel import select

from bot.app import App
from handlers.privacy import notice_once
from storage import assists, people, privacy, questions, teams
from storage.models import Identity, Membership, Person
from storage.question_models import ResidentQuestion
from tests.factories import Harness


def vi(app: App, key: str, **params: object) -> str:
    return app.parts.translations.get("vi").text(key, **params)


async def test_privacy_notice_names_what_is_kept(harness: Harness, app: App) -> None:
    user = harness.user("r1")
    await user.say("/privacy")
    assert user.text() == vi(app, "privacy.full", days=90, hours=24)
    assert "số thẻ căn cước" in user.text() and "anh/chị" in user.text()


async def test_resident_is_forgotten_with_questions_and_identity(
    harness: Harness, app: App
) -> None:
    user = harness.user("r1")
    await user.say("/lang")
    now = app.parts.clock.now()
    person_id = app.db.run_sync(
        lambda s: people.find_identity(s, channel="test", user_id="r1").person_id  # type: ignore[union-attr]
    )
    app.db.run_sync(
        lambda s: questions.add_question(
            s,
            text="lam sao cai vneid",
            now=now,
            channel="test",
            person_id=person_id,
            team_id=None,
            best_key=None,
            score=0.1,
        )
    )
    await user.say("/forgetme")
    assert user.payloads() == ["forget:yes", "forget:no"]
    await user.press("forget:yes")
    assert user.text() == vi(app, "privacy.forgotten")

    def leftovers(session: object) -> tuple[int, int, int]:
        return (
            len(session.exec(select(Person)).all()),  # type: ignore[attr-defined]
            len(session.exec(select(Identity)).all()),  # type: ignore[attr-defined]
            len(session.exec(select(ResidentQuestion)).all()),  # type: ignore[attr-defined]
        )

    assert app.db.run_sync(leftovers) == (0, 0, 0)
    await user.say("/help")
    assert user.text().startswith(vi(app, "help.intro.resident")[:10])


async def test_member_cannot_be_silently_forgotten_but_can_export(
    harness: Harness, app: App
) -> None:
    now = app.parts.clock.now()
    volunteer = harness.user("v1")
    await volunteer.say("/help")

    def setup(session: object) -> None:
        person = people.find_identity(session, channel="test", user_id="v1")  # type: ignore[arg-type]
        assert person is not None
        team = teams.create_team(
            session, ward_name="Phường A", name="Tổ 1", areas=["TDP 1"], now=now
        )  # type: ignore[arg-type]
        session.add(
            Membership(
                person_id=person.person_id, team_id=team.id or 0, role="volunteer", joined_at=now
            )
        )  # type: ignore[attr-defined]
        assists.add_assist(
            session,  # type: ignore[arg-type]
            person_id=person.person_id,
            team_id=team.id or 0,
            area_id=None,
            day=date(2026, 3, 3),
            received_at=now,
            minutes=45,
            channel="test",
            note="hai cụ",
            out_of_hours=False,
            day_kind="workday",
            items=[assists.ItemInput("vneid_level2", 3, 2, ("otp_not_received",))],
        )

    app.db.run_sync(setup)
    await volunteer.say("/forgetme")
    assert volunteer.text() == vi(app, "privacy.forget_member")
    await volunteer.say("/export")
    document = volunteer.last[0].reply.document
    assert document is not None and document.filename == "my-records.csv"
    rows = list(csv.reader(io.StringIO(document.content.decode("utf-8-sig"))))
    assert rows[1][1] == "2026-03-03"
    assert rows[1][3:6] == ["3", "2", "45"]


async def test_notice_is_shown_once(app: App, harness: Harness) -> None:
    user = harness.user("r9")
    await user.say("/help")

    def twice(session: object) -> list[bool]:
        from bot.core.context import Context
        from bot.core.messages import Incoming, Kind
        from bot.core.roles import Roles

        person = session.exec(select(Person)).one()  # type: ignore[attr-defined]
        ctx = Context(
            session=session,
            msg=Incoming(user.key, "x", Kind.TEXT, text="?"),
            person_id=person.id,  # type: ignore[arg-type]
            roles=Roles(),
            locale="vi",
            state="",
            data={},
            now=app.parts.clock.now(),
            parts=app.parts,
        )
        return [notice_once(ctx) is not None, notice_once(ctx) is not None]

    assert app.db.run_sync(twice) == [True, False]


def test_old_questions_are_purged(app: App) -> None:
    now = app.parts.clock.now()
    for age in (100, 10):
        app.db.run_sync(
            lambda s, age=age: questions.add_question(
                s,
                text=f"q{age}",
                now=now - timedelta(days=age),
                channel="test",
                person_id=None,
                team_id=None,
                best_key=None,
                score=0.0,
            )
        )
    removed = app.db.run_sync(lambda s: privacy.purge_questions(s, before=now - timedelta(days=90)))
    left = app.db.run_sync(lambda s: [q.text for q in s.exec(select(ResidentQuestion)).all()])
    assert (removed, left) == (1, ["q10"])
