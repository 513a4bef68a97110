"""Tables of the foundation: people, channel identities, wards, teams, invites, conversations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    """Return a Field backed by a UTC-aware column."""
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Person(SQLModel, table=True):
    """A human being, whatever channels they use."""

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(default="", max_length=200)
    locale: str = Field(default="", max_length=8)
    created_at: datetime = utc_column()
    forgotten_at: datetime | None = utc_column(nullable=True)
    """Set by /forgetme for a former member: the name is gone, past records stay anonymous."""


class Identity(SQLModel, table=True):
    """One account of a person on one channel (ids kept as strings)."""

    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_identity_channel_user"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=64)
    chat_id: str = Field(max_length=64)
    created_at: datetime = utc_column()


class Ward(SQLModel, table=True):
    """A ward or commune (phường / xã) after the 2025 reform."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    created_at: datetime = utc_column()


class Team(SQLModel, table=True):
    """A community digital technology team, usually one per thôn or tổ dân phố."""

    __table_args__ = (UniqueConstraint("ward_id", "name", name="uq_team_ward_name"),)
    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id", index=True)
    name: str = Field(max_length=200)
    created_at: datetime = utc_column()
    closed_at: datetime | None = utc_column(nullable=True)
    """A closed team keeps its history in reports but gets no reminders or digests."""
    invited_leader: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    """The leader's name from the city's list, printed on the team's invite sheet."""


class Area(SQLModel, table=True):
    """A named area a team covers (a thôn, tổ dân phố or residential group)."""

    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_area_team_name"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    name: str = Field(max_length=200)


class Membership(SQLModel, table=True):
    """A person's role in a team."""

    __table_args__ = (UniqueConstraint("person_id", "team_id", name="uq_membership"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    role: str = Field(max_length=16)
    active: bool = True
    joined_at: datetime = utc_column()
    left_at: datetime | None = utc_column(nullable=True)
    left_reason: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})
    """Why an inactive membership ended: "left" (/leave) or "removed" (by a leader or admin)."""


class WardAdmin(SQLModel, table=True):
    """A person who administers one ward (sees all its teams)."""

    __table_args__ = (UniqueConstraint("person_id", "ward_id", name="uq_ward_admin"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    ward_id: int = Field(foreign_key="ward.id", index=True)


class Invite(SQLModel, table=True):
    """A one-time (or multi-use) code that joins a team with a role."""

    code: str = Field(primary_key=True, max_length=64)
    team_id: int = Field(foreign_key="team.id", index=True)
    role: str = Field(max_length=16)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()
    max_uses: int = 1
    uses: int = 0


class Conversation(SQLModel, table=True):
    """Where one user stands in a flow: stable state name, JSON data, version for concurrency."""

    channel: str = Field(primary_key=True, max_length=16)
    chat_id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(primary_key=True, max_length=64)
    state: str = Field(default="", max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 0
    updated_at: datetime = utc_column()
    expires_at: datetime | None = utc_column(nullable=True)


class ProcessedUpdate(SQLModel, table=True):
    """An update already applied; a second delivery of the same id is ignored."""

    channel: str = Field(primary_key=True, max_length=16)
    update_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = utc_column()


class ChatMenu(SQLModel, table=True):
    """The buttons last shown as numbered options in a chat that cannot show buttons."""

    channel: str = Field(primary_key=True, max_length=16)
    chat_id: str = Field(primary_key=True, max_length=64)
    payloads: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    labels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = utc_column()
