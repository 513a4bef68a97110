"""Tables of the monthly report as a document: the leader's notes, issued numbers, number prefixes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, or_
from sqlmodel import Field, SQLModel

from storage.assist_models import Assist
from storage.models import utc_column

# The monthly report's outreach figures (awareness sessions, classes, households reached) read
# only the sessions that carry them; this partial index holds just those rows, so the pass stays
# cheap however many ordinary sessions there are. Created by migration 0017_report_notes.
_sessions = Assist.__table__.c  # type: ignore[attr-defined]
OUTREACH_WHERE = or_(_sessions.kind != "assist", _sessions.households.is_not(None))
Index(
    "ix_assist_session_outreach",
    _sessions.day, _sessions.team_id, _sessions.kind, _sessions.attendees, _sessions.households,
    sqlite_where=OUTREACH_WHERE, postgresql_where=OUTREACH_WHERE,
)  # fmt: skip


class ReportNote(SQLModel, table=True):
    """A leader's own words for a team's month: difficulties, next month's plan, requests.

    Stored redacted (domain/redact.py); an empty part means the report fills it from the facts.
    """

    __tablename__ = "report_note"
    __table_args__ = (UniqueConstraint("team_id", "month", name="uq_report_note_team_month"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    month: str = Field(max_length=7)
    difficulties: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    plan: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    requests: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    updated_by: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    updated_at: datetime = utc_column()


class ReportNumber(SQLModel, table=True):
    """The number a report got when first issued: one sequence per issuer and year.

    scope is "team", "ward" or "city" (scope_id 0); asking again for the same month gives the
    same number, so a report re-sent is the same document.
    """

    __tablename__ = "report_number"
    __table_args__ = (
        UniqueConstraint("scope", "scope_id", "month", name="uq_report_number_month"),
        UniqueConstraint("scope", "scope_id", "year", "number", name="uq_report_number_seq"),
    )
    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=8)
    scope_id: int
    month: str = Field(max_length=7)
    year: int
    number: int
    issued_at: datetime = utc_column()


class ReportPrefix(SQLModel, table=True):
    """An issuer's own abbreviation after 'BC-' in 'Số: 05/BC-…' (a team or ward setting)."""

    __tablename__ = "report_prefix"
    scope: str = Field(primary_key=True, max_length=8)
    scope_id: int = Field(primary_key=True)
    prefix: str = Field(max_length=40)
    updated_at: datetime = utc_column()
