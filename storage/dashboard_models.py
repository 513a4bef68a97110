"""Tables of the leaders' web dashboard: one-time sign-in links and the sessions they open.

Neither table holds a token: only its SHA-256 (as storage.files does), so a backup of the
database opens no dashboard. The scope (city, wards, teams) is fixed when the link is made.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from storage.models import utc_column


class DashboardLink(SQLModel, table=True):
    """A one-time sign-in link sent by /dashboard; used once, or never after it expires."""

    __tablename__ = "dashboard_link"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    scope: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    locale: str = Field(default="vi", max_length=8)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column(index=True)
    used_at: datetime | None = utc_column(nullable=True)


class DashboardSession(SQLModel, table=True):
    """A signed-in browser: found by its cookie's hash until it expires or signs out."""

    __tablename__ = "dashboard_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    scope: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    locale: str = Field(default="vi", max_length=8)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column(index=True)
    ended_at: datetime | None = utc_column(nullable=True)
