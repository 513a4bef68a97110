"""Hand-written SQL for the statements every update runs (measured ~5x cheaper than expressions).

Portable between SQLite and PostgreSQL; column types (UTC datetimes, JSON) still go through
SQLAlchemy's type processors via typed bind parameters and result columns.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Integer,
    String,
    TextClause,
    TextualSelect,
    bindparam,
    text,
)

from storage.types import UTCDateTime

MARK_PROCESSED: TextClause = text(
    "INSERT INTO processedupdate (channel, update_id, received_at) "
    "VALUES (:channel, :update_id, :now) ON CONFLICT DO NOTHING RETURNING update_id"
).bindparams(bindparam("now", type_=UTCDateTime()))

SENDER: TextualSelect = text(
    "SELECT i.id, i.person_id, i.chat_id, p.locale FROM identity i "
    "JOIN person p ON p.id = i.person_id WHERE i.channel = :channel AND i.user_id = :user_id"
).columns(id=Integer, person_id=Integer, chat_id=String, locale=String)

SET_CHAT: TextClause = text("UPDATE identity SET chat_id = :chat_id WHERE id = :id")

ROLES: TextClause = text(
    "SELECT m.role AS role, t.id AS team_id, t.name AS name, t.ward_id AS ward_id "
    "FROM membership m JOIN team t ON t.id = m.team_id "
    "WHERE m.person_id = :person_id AND m.active = :active "
    "UNION ALL SELECT 'ward_admin', 0, '', w.ward_id FROM wardadmin w "
    "WHERE w.person_id = :person_id"
).bindparams(bindparam("active", value=True, type_=Boolean()))

LOAD_STATE: TextualSelect = text(
    "SELECT state, data, version, expires_at FROM conversation "
    "WHERE channel = :channel AND chat_id = :chat_id AND user_id = :user_id"
).columns(state=String, data=JSON, version=Integer, expires_at=UTCDateTime)

UPDATE_STATE: TextClause = text(
    "UPDATE conversation SET state = :state, data = :data, updated_at = :now, "
    "expires_at = :expires_at, version = :new_version "
    "WHERE channel = :channel AND chat_id = :chat_id AND user_id = :user_id "
    "AND version = :version"
).bindparams(
    bindparam("data", type_=JSON()),
    bindparam("now", type_=UTCDateTime()),
    bindparam("expires_at", type_=UTCDateTime()),
)

INSERT_STATE: TextClause = text(
    "INSERT INTO conversation (channel, chat_id, user_id, state, data, version, updated_at, "
    "expires_at) VALUES (:channel, :chat_id, :user_id, :state, :data, :new_version, :now, "
    ":expires_at) ON CONFLICT DO NOTHING RETURNING version"
).bindparams(
    bindparam("data", type_=JSON()),
    bindparam("now", type_=UTCDateTime()),
    bindparam("expires_at", type_=UTCDateTime()),
)

INSERT_SESSION: TextClause = text(
    "INSERT INTO assist_session (person_id, team_id, area_id, day, received_at, minutes, channel, "
    "note, out_of_hours, day_kind) VALUES (:person_id, :team_id, :area_id, :day, :received_at, "
    ":minutes, :channel, :note, :out_of_hours, :day_kind) RETURNING id"
).bindparams(
    bindparam("received_at", type_=UTCDateTime()),
    bindparam("day", type_=Date()),
    bindparam("out_of_hours", type_=Boolean()),
)

INSERT_ITEM: TextClause = text(
    "INSERT INTO assist_item (session_id, service, people, succeeded, reasons) "
    "VALUES (:session_id, :service, :people, :succeeded, :reasons)"
).bindparams(bindparam("reasons", type_=JSON()))

AREAS: TextualSelect = text(
    "SELECT id, team_id, name FROM area WHERE team_id = :team_id ORDER BY id"
).columns(id=Integer, team_id=Integer, name=String)
