"""Repository of residents' unanswered questions."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.question_models import ResidentQuestion

UNANSWERED = "unanswered"


def add_question(
    session: Session,
    *,
    text: str,
    now: datetime,
    channel: str,
    person_id: int | None,
    team_id: int | None,
    best_key: str | None,
    score: float,
) -> int:
    """Store a (redacted) question without a confident answer; return its id."""
    row = ResidentQuestion(
        person_id=person_id,
        team_id=team_id,
        channel=channel,
        text=text[:1000],
        best_key=best_key,
        score=score,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row.id or 0


def unanswered(
    session: Session, *, team_ids: list[int] | None, limit: int = 20
) -> list[ResidentQuestion]:
    """Return the newest unanswered questions of some teams (None: all, for admins)."""
    statement = select(ResidentQuestion).where(col(ResidentQuestion.status) == UNANSWERED)
    if team_ids is not None:
        statement = statement.where(
            col(ResidentQuestion.team_id).in_(team_ids) | col(ResidentQuestion.team_id).is_(None)
        )
    statement = statement.order_by(col(ResidentQuestion.created_at).desc()).limit(limit)
    return list(session.exec(statement).all())


def resolve(
    session: Session, *, question_id: int, status: str, now: datetime
) -> ResidentQuestion | None:
    """Mark a question answered or attached to a topic."""
    row = session.get(ResidentQuestion, question_id)
    if row is None:
        return None
    row.status, row.resolved_at = status, now
    session.add(row)
    return row
