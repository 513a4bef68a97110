"""Creating outbox rows for reminders and digests (runs inside one database transaction)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from domain.periods import Week
from storage import outbox, reports, team_prefs
from storage.people import profiles
from storage.team_prefs import Prefs

REMINDER, DIGEST = "reminder", "digest"
TextFor = Callable[[str, str], str]


def person_key(person_id: int) -> str:
    """Return the outbox recipient key of a person."""
    return f"p:{person_id}"


def group_key(channel: str, chat_id: str) -> str:
    """Return the outbox recipient key of a group chat."""
    return f"g:{channel}:{chat_id}"


def for_team(key: str, team_id: int) -> str:
    """Return a recipient key for one team's digest (a leader of two teams gets both)."""
    return f"{key}#{team_id}"


def create_reminders(
    session: Session,
    *,
    team_ids: Sequence[int],
    week: Week,
    due_at: datetime,
    now: datetime,
    text_for: TextFor,
    default_locale: str,
) -> int:
    """Create this week's nudge for each volunteer of these teams who logged nothing and is not muted.

    Args:
        text_for: returns the nudge text for (locale, name).
    """
    silent = reports.silent_volunteers(
        session, members=reports.members(session, team_ids), start=week.start, end=week.end
    )
    volunteers: dict[int, int] = {}
    for team, people_of_team in sorted(silent.items()):
        for person in people_of_team:
            volunteers.setdefault(person, team)
    muted = team_prefs.muted_people(session)
    waiting = [p for p in volunteers if p not in muted]
    people = profiles(session, waiting)
    created = 0
    for person in waiting:
        name, locale = people.get(person, ("", ""))
        locale = locale or default_locale
        created += outbox.add(
            session,
            kind=REMINDER,
            recipient=person_key(person),
            period=week.key,
            due_at=due_at,
            now=now,
            payload={"texts": [text_for(locale, name)], "locale": locale},
            person_id=person,
            team_id=volunteers[person],
        )
    return created


@dataclass
class Recipient:
    """Someone (or a group chat) who should get a team's digest."""

    key: str
    locale: str
    person_id: int | None = None


@dataclass
class DigestWork:
    """The digest rows still missing for a group of teams."""

    recipients: dict[int, list[Recipient]] = field(default_factory=dict)


def missing_digests(
    session: Session, *, prefs: Sequence[Prefs], period: str, default_locale: str
) -> DigestWork:
    """Return, per team, the leaders and linked group that have no digest row for the period yet."""
    by_team = {p.team_id: p for p in prefs}
    leaders = [(t, p) for t, p, role in reports.members(session, list(by_team)) if role == "leader"]
    people = profiles(session, [p for _, p in leaders])
    wanted: dict[int, list[Recipient]] = {}
    for team, person in leaders:
        locale = people.get(person, ("", ""))[1] or default_locale
        key = for_team(person_key(person), team)
        wanted.setdefault(team, []).append(Recipient(key, locale, person))
    for team, p in by_team.items():
        if p.has_group:
            key = for_team(group_key(p.group_channel, p.group_chat_id), team)
            wanted.setdefault(team, []).append(Recipient(key, default_locale))
    keys = [r.key for rs in wanted.values() for r in rs]
    done = outbox.existing_recipients(session, kind=DIGEST, period=period, recipients=keys)
    work = DigestWork()
    for team, recipients in wanted.items():
        missing = [r for r in recipients if r.key not in done]
        if missing:
            work.recipients[team] = missing
    return work


@dataclass(frozen=True)
class DigestRow:
    """One rendered digest ready to be stored."""

    team_id: int
    recipient: Recipient
    text: str
    caption: str
    image: bytes | None


def store_digests(
    session: Session, *, rows: Sequence[DigestRow], period: str, due_at: datetime, now: datetime
) -> int:
    """Store rendered digests (one per recipient and period); return how many were new."""
    created = 0
    for row in rows:
        created += outbox.add(
            session,
            kind=DIGEST,
            recipient=row.recipient.key,
            period=period,
            due_at=due_at,
            now=now,
            payload={"texts": [row.text], "caption": row.caption, "locale": row.recipient.locale},
            person_id=row.recipient.person_id,
            team_id=row.team_id,
            image=row.image,
        )
    return created
