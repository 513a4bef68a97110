"""Tables for logged assistance sessions, their per-service lines and the edit audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from storage.models import utc_column

ASSIST_KINDS = ("assist", "awareness", "class")
"""What a session was: one-to-one help, an awareness session, or a digital-skills class."""


class Assist(SQLModel, table=True):
    """One assistance session a volunteer logged (the day it happened, apart from when received).

    `kind` is one of ASSIST_KINDS; `households` (households reached) and `attendees` (people at an
    awareness session or learners in a class) are optional counts the volunteer may give.

    Ids are never reused (AUTOINCREMENT on SQLite; PostgreSQL sequences never go back), so a
    record id in a button or in `/edit 12` names one record forever: SQLite's plain rowid
    hands the highest id out again after that row is deleted, and an old "Delete" button would
    then delete the newer record. The id (not a second, random public id) is the key because
    it is also what people type and what the audit entries name.
    """

    __tablename__ = "assist_session"
    __table_args__ = (
        Index("ix_assist_session_team_day", "team_id", "day"),
        Index("ix_assist_session_person_day", "person_id", "day"),
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    team_id: int = Field(foreign_key="team.id")
    area_id: int | None = Field(default=None, foreign_key="area.id")
    day: date
    received_at: datetime = utc_column()
    minutes: int = 0
    channel: str = Field(default="", max_length=16)
    note: str = Field(default="", max_length=1000)
    out_of_hours: bool = False
    day_kind: str = Field(default="workday", max_length=8)
    kind: str = Field(
        default="assist", max_length=16, sa_column_kwargs={"server_default": "assist"}
    )
    households: int | None = None
    attendees: int | None = None


class AssistItem(SQLModel, table=True):
    """People helped with one service in a session, how many succeeded, and why not."""

    __tablename__ = "assist_item"
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="assist_session.id", index=True, ondelete="CASCADE")
    service: str = Field(max_length=32, index=True)
    people: int = 0
    succeeded: int = 0
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class AuditEntry(SQLModel, table=True):
    """Who changed or deleted a session record, when, and the record before and after."""

    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(index=True)
    actor_person_id: int = Field(foreign_key="person.id")
    action: str = Field(max_length=16)
    at: datetime = utc_column()
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
