"""Extra phrasings of FAQ topics, attached by leaders from residents' unanswered questions."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import utc_column


class FaqPhrasing(SQLModel, table=True):
    """One more way residents ask about a topic (redacted text), used by the matcher."""

    __tablename__ = "faq_phrasing"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, index=True)
    text: str = Field(max_length=1000)
    added_by: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    created_at: datetime = utc_column()


def add_phrasing(
    session: Session, *, key: str, text: str, added_by: int | None, now: datetime
) -> FaqPhrasing:
    """Store a phrasing of a topic and return it (with its id)."""
    row = FaqPhrasing(key=key, text=text[:1000], added_by=added_by, created_at=now)
    session.add(row)
    session.flush()
    return row


def phrasings_after(session: Session, last_id: int = 0) -> list[FaqPhrasing]:
    """Return the phrasings stored after a given id, oldest first."""
    statement = (
        select(FaqPhrasing).where(col(FaqPhrasing.id) > last_id).order_by(col(FaqPhrasing.id))
    )
    return list(session.exec(statement).all())
