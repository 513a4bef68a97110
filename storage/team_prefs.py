"""Team reminder/digest settings, linked group chats and volunteers' reminder mutes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.dialect import rowcount
from storage.models import Team
from storage.schedule_models import ReminderMute, TeamSettings


@dataclass(frozen=True)
class Prefs:
    """A team's effective settings (defaults when the team never changed them)."""

    team_id: int
    reminder_enabled: bool = True
    reminder_weekday: int = 4
    reminder_minute: int = 17 * 60
    digest_enabled: bool = True
    digest_weekday: int = 0
    digest_minute: int = 7 * 60
    group_channel: str = ""
    group_chat_id: str = ""

    @property
    def has_group(self) -> bool:
        """Tell whether a group chat is linked."""
        return bool(self.group_channel and self.group_chat_id)


def _from_row(row: TeamSettings) -> Prefs:
    return Prefs(
        team_id=row.team_id,
        reminder_enabled=row.reminder_enabled,
        reminder_weekday=row.reminder_weekday,
        reminder_minute=row.reminder_minute,
        digest_enabled=row.digest_enabled,
        digest_weekday=row.digest_weekday,
        digest_minute=row.digest_minute,
        group_channel=row.group_channel,
        group_chat_id=row.group_chat_id,
    )


def get(session: Session, team_id: int) -> Prefs:
    """Return a team's settings."""
    row = session.get(TeamSettings, team_id)
    return Prefs(team_id=team_id) if row is None else _from_row(row)


def all_teams(session: Session) -> list[Prefs]:
    """Return the settings of every open team (defaults filled in), in team order; closed teams get no reminders or digests."""
    stored = {row.team_id: _from_row(row) for row in session.exec(select(TeamSettings)).all()}
    open_teams = select(col(Team.id)).where(col(Team.closed_at).is_(None)).order_by(col(Team.id))
    team_ids = session.exec(open_teams).all()
    return [stored.get(t) or Prefs(team_id=t) for t in team_ids if t is not None]


def save(session: Session, prefs: Prefs, *, now: datetime) -> Prefs:
    """Store a team's settings."""
    if not (0 <= prefs.reminder_weekday <= 6 and 0 <= prefs.digest_weekday <= 6):
        raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
    if not (0 <= prefs.reminder_minute < 1440 and 0 <= prefs.digest_minute < 1440):
        raise ValueError("time must be within the day")
    row = session.get(TeamSettings, prefs.team_id) or TeamSettings(
        team_id=prefs.team_id, updated_at=now
    )
    for name in (
        "reminder_enabled", "reminder_weekday", "reminder_minute", "digest_enabled",
        "digest_weekday", "digest_minute", "group_channel", "group_chat_id",
    ):  # fmt: skip
        setattr(row, name, getattr(prefs, name))
    row.updated_at = now
    session.add(row)
    session.flush()
    return prefs


def update(session: Session, team_id: int, *, now: datetime, **changes: object) -> Prefs:
    """Change some settings of a team and return the result."""
    return save(session, replace(get(session, team_id), **changes), now=now)  # type: ignore[arg-type]


def mute(session: Session, *, person_id: int, now: datetime) -> bool:
    """Stop weekly nudges for a person; False when they were already muted."""
    if session.get(ReminderMute, person_id) is not None:
        return False
    session.add(ReminderMute(person_id=person_id, muted_at=now))
    session.flush()
    return True


def unmute(session: Session, *, person_id: int) -> bool:
    """Resume weekly nudges for a person; False when they were not muted."""
    result = session.execute(delete(ReminderMute).where(col(ReminderMute.person_id) == person_id))
    return bool(rowcount(result))


def is_muted(session: Session, person_id: int) -> bool:
    """Tell whether a person muted the nudges."""
    return session.get(ReminderMute, person_id) is not None


def muted_people(session: Session) -> set[int]:
    """Return everyone who muted the nudges."""
    return set(session.exec(select(col(ReminderMute.person_id))).all())
