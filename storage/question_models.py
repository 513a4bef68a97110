"""Residents' questions the bot could not answer with confidence (stored redacted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.models import utc_column


class ResidentQuestion(SQLModel, table=True):
    """A question without a confident answer, kept (redacted) for the team leader to review."""

    __tablename__ = "resident_question"
    __table_args__ = (Index("ix_resident_question_team_status", "team_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    team_id: int | None = Field(default=None, foreign_key="team.id")
    channel: str = Field(default="", max_length=16)
    text: str = Field(max_length=1000)
    best_key: str | None = Field(default=None, max_length=64)
    score: float = 0.0
    status: str = Field(default="unanswered", max_length=16)
    created_at: datetime = utc_column(index=True)
    resolved_at: datetime | None = utc_column(nullable=True)
