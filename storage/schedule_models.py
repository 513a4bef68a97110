"""Tables for scheduled sends (outbox), the scheduler lease, team settings, mutes and targets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.assist_models import Assist
from storage.models import utc_column

# City-wide reports and digests read sessions by day only (no team). This covering index turns
# their pass over sessions into an index-only range scan instead of a scan of every session.
# Declared here, next to the migration that creates it (0005_schedule).
_sessions = Assist.__table__.c  # type: ignore[attr-defined]
Index(
    "ix_assist_session_day",
    _sessions.day, _sessions.team_id, _sessions.person_id, _sessions.minutes,
    _sessions.out_of_hours, _sessions.day_kind,
)  # fmt: skip


class Outbox(SQLModel, table=True):
    """One message that must go out once: a reminder or a digest for a recipient and period.

    status: pending → sending (claimed) → sent; failed after too many attempts.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("kind", "recipient", "period", name="uq_outbox_kind_recipient_period"),
        Index("ix_outbox_status_due", "status", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    recipient: str = Field(max_length=96)
    period: str = Field(max_length=16)
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    image: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    status: str = Field(default="pending", max_length=8)
    attempts: int = 0
    parts_sent: int = 0
    last_error: str = Field(default="", max_length=200)
    claimed_by: str = Field(default="", max_length=64)
    due_at: datetime = utc_column()
    created_at: datetime = utc_column()
    claimed_at: datetime | None = utc_column(nullable=True)
    sent_at: datetime | None = utc_column(nullable=True)


class SchedulerLease(SQLModel, table=True):
    """Which process runs the scheduler, until when (taken with a conditional UPDATE)."""

    __tablename__ = "scheduler_lease"
    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(default="", max_length=64)
    expires_at: datetime = utc_column()


class TeamSettings(SQLModel, table=True):
    """A team's reminder and digest schedule and its linked group chat (defaults when absent)."""

    __tablename__ = "team_settings"
    team_id: int = Field(primary_key=True, foreign_key="team.id", ondelete="CASCADE")
    reminder_enabled: bool = True
    reminder_weekday: int = 4
    reminder_minute: int = 17 * 60
    digest_enabled: bool = True
    digest_weekday: int = 0
    digest_minute: int = 7 * 60
    group_channel: str = Field(default="", max_length=16)
    group_chat_id: str = Field(default="", max_length=64)
    updated_at: datetime = utc_column()


class ReminderMute(SQLModel, table=True):
    """A volunteer who asked for no weekly nudges."""

    __tablename__ = "reminder_mute"
    person_id: int = Field(primary_key=True, foreign_key="person.id", ondelete="CASCADE")
    muted_at: datetime = utc_column()


class TeamTarget(SQLModel, table=True):
    """A monthly target of a team for one metric in one area (area None: the whole team)."""

    __tablename__ = "team_target"
    __table_args__ = (
        UniqueConstraint("team_id", "area_id", "metric", "month", name="uq_team_target"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    area_id: int | None = Field(default=None, foreign_key="area.id", ondelete="CASCADE")
    metric: str = Field(max_length=32)
    month: str = Field(max_length=7)
    target: int
    set_by: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    updated_at: datetime = utc_column()
