"""Shared builders for the FAQ and handoff tests: teams, members, texts, stored rows."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from bot.app import App
from bot.core.messages import Delivery
from handlers.faq.service import FaqService
from storage import people, teams
from storage.handoff import Handoff
from storage.models import WardAdmin
from storage.question_models import ResidentQuestion
from tests.factories import add_member as add_member  # re-exported for the FAQ tests
from tests.factories import make_team as make_team


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


def en(app: App, key: str, **params: object) -> str:
    """Return an English catalog text."""
    return app.parts.translations.get("en").text(key, **params)


def add_ward_admin(app: App, ward_name: str, user_id: str) -> int:
    """Make a test-channel user the admin of a ward; return the person id."""
    now = app.parts.clock.now()

    def work(session: Session) -> int:
        ward = teams.get_or_create_ward(session, name=ward_name, now=now)
        person = people.ensure_person(
            session, channel="test", user_id=user_id, chat_id=user_id, now=now
        )
        session.add(WardAdmin(person_id=person.id or 0, ward_id=ward.id or 0))
        return person.id or 0

    return app.db.run_sync(work)


def to(deliveries: list[Delivery], chat_id: str) -> list[Delivery]:
    """Return the deliveries addressed to one chat."""
    return [d for d in deliveries if d.address.chat_id == chat_id]


def texts_to(deliveries: list[Delivery], chat_id: str) -> str:
    """Return the texts delivered to one chat, joined."""
    return "\n".join(d.reply.text for d in to(deliveries, chat_id))


def payloads_to(deliveries: list[Delivery], chat_id: str) -> list[str]:
    """Return the button payloads delivered to one chat."""
    return [b.payload for d in to(deliveries, chat_id) for b in d.reply.all_buttons()]


def stored_questions(app: App) -> list[ResidentQuestion]:
    """Return every stored resident question, oldest first."""
    return app.db.run_sync(
        lambda s: list(s.exec(select(ResidentQuestion).order_by(ResidentQuestion.id)).all())  # type: ignore[arg-type]
    )


def handoffs(app: App) -> list[Handoff]:
    """Return every handoff, oldest first."""
    return app.db.run_sync(
        lambda s: list(s.exec(select(Handoff).order_by(Handoff.id)).all())  # type: ignore[arg-type]
    )


def faq(app: App) -> FaqService:
    """Return the app's FAQ service."""
    return app.parts.get(FaqService)


def title(app: App, key: str, locale: str = "vi") -> str:
    """Return a topic's title."""
    entry = faq(app).entry(key, locale)
    assert entry is not None
    return entry.title


def first_with_decision(app: App, decision: str, candidates: Sequence[str]) -> str:
    """Return the first candidate question the live matcher decides this way for."""
    for question in candidates:
        if faq(app).match(question).decision == decision:
            return question
    raise AssertionError(f"no candidate gets {decision!r} from the matcher: {candidates}")
