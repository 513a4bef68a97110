"""What residents type is stored and logged only redacted, however they typed the numbers."""

from __future__ import annotations

import asyncio
import itertools
import logging

import pytest
from hypothesis import HealthCheck, example, given, settings
from sqlmodel import Session, select

from bot.app import App
from storage import people
from storage.handoff import Handoff
from storage.question_models import ResidentQuestion
from tests.domain.typed_numbers import leftover_digits, message
from tests.factories import Harness, add_member, make_team

_people = itertools.count(1)


@pytest.fixture
def team_app(app: App) -> App:
    """The app with one team, so that a request for a volunteer is kept as a draft."""
    add_member(app, make_team(app, areas=["Tổ dân phố 1"]), "volunteer")
    app.dispatcher.flood.limit = 10**9
    return app


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=message())
@example(case=("0300 000 000, cccd cccd cccd", "0300 000 000", []))
@example(case=("0 0 0 0, 15/3", "0 0 0 0", ["15/3"]))
@example(case=("gọi - (+84) 935  777.888, 2 người", "(+84) 935  777.888", ["2 người"]))
def test_questions_are_stored_and_logged_without_the_number(
    team_app: App, caplog: pytest.LogCaptureFixture, case: tuple[str, str, list[str]]
) -> None:
    app = team_app
    text, secret, kept = case
    resident = Harness(app).user(f"r{next(_people)}")
    question = f"Giá vàng hôm nay bao nhiêu? {text}"
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        asyncio.run(resident.say(question))  # stored when the bot has no confident answer
        asyncio.run(resident.press("ho:ask"))  # a request for a volunteer: always stored
        asyncio.run(resident.say(text))
    person = app.db.run_sync(
        lambda s: people.find_identity(s, channel="test", user_id=resident.user_id).person_id  # type: ignore[union-attr]
    )

    def stored_texts(session: Session) -> list[str]:
        asked = select(ResidentQuestion.text).where(ResidentQuestion.person_id == person)
        handed = select(Handoff.text).where(Handoff.resident_id == person)
        return [*session.exec(asked).all(), *session.exec(handed).all()]

    texts = app.db.run_sync(stored_texts)
    assert any(texts), "the request for a volunteer is stored as a draft"
    for stored in texts:
        assert leftover_digits(stored, kept) == "", (question, stored)
    joined = "".join(ch for ch in secret if ch.isdigit())
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert secret not in logged
    if len(joined) >= 6:
        assert joined not in "".join(ch for ch in logged if ch.isdigit() or ch == "\n"), logged
