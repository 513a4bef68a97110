"""Repository of residents' unanswered questions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sql_select
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


def open_counts(
    session: Session,
    *,
    team_ids: list[int] | None,
    asked: tuple[datetime, datetime] | None = None,
) -> dict[int | None, int]:
    """Count unanswered questions per team (None: every team and questions of no team).

    The one count /unanswered's header and the weekly digest share: questions still waiting
    now, whenever they were asked (`asked` narrows it to those asked in [start, end)).
    """
    q = ResidentQuestion.__table__.c  # type: ignore[attr-defined]
    statement = sql_select(q.team_id, func.count()).where(q.status == UNANSWERED)
    if team_ids is not None:
        statement = statement.where(q.team_id.in_(team_ids))
    if asked is not None:
        statement = statement.where(q.created_at >= asked[0], q.created_at < asked[1])
    statement = statement.group_by(q.team_id)
    return {team: int(n) for team, n in session.connection().execute(statement)}


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
