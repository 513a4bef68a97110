"""People, their channel identities and their roles in teams and wards."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage import hotpath
from storage.models import Identity, Membership, Person


@dataclass(frozen=True)
class TeamRole:
    """A person's role in one team, with the team's ward."""

    team_id: int
    team_name: str
    ward_id: int
    role: str


def find_identity(session: Session, *, channel: str, user_id: str) -> Identity | None:
    """Return the identity of a channel account, if known."""
    statement = select(Identity).where(
        col(Identity.channel) == channel, col(Identity.user_id) == user_id
    )
    return session.exec(statement).first()


@dataclass(frozen=True)
class Sender:
    """Who sent an update: the person id and their stored language."""

    person_id: int
    locale: str


def ensure_sender(
    session: Session, *, channel: str, user_id: str, chat_id: str, now: datetime
) -> Sender:
    """Return the sender's person id and language, creating person and identity on first contact."""
    db = hotpath.raw(session)
    row = db.execute(hotpath.SENDER, {"channel": channel, "user_id": user_id}).fetchone()
    if row is None:
        person = ensure_person(session, channel=channel, user_id=user_id, chat_id=chat_id, now=now)
        return Sender(person.id or 0, person.locale)
    identity_id, person_id, known_chat, locale = row
    if chat_id and known_chat != chat_id:
        db.execute(hotpath.SET_CHAT, {"chat_id": chat_id, "id": identity_id})
    return Sender(person_id, locale or "")


def ensure_person(
    session: Session, *, channel: str, user_id: str, chat_id: str, now: datetime
) -> Person:
    """Return the person behind a channel account, creating both on first contact (one query)."""
    statement = (
        select(Person, Identity)
        .join(Identity, col(Identity.person_id) == col(Person.id))
        .where(col(Identity.channel) == channel, col(Identity.user_id) == user_id)
    )
    found = session.exec(statement).first()
    if found is not None:
        person, identity = found
        if chat_id and identity.chat_id != chat_id:
            identity.chat_id = chat_id
            session.add(identity)
        return person
    person = Person(created_at=now)
    session.add(person)
    session.flush()
    assert person.id is not None
    session.add(
        Identity(
            person_id=person.id, channel=channel, user_id=user_id, chat_id=chat_id, created_at=now
        )
    )
    session.flush()
    return person


def identities_of(session: Session, person_id: int) -> list[Identity]:
    """Return every channel account of a person."""
    return list(session.exec(select(Identity).where(col(Identity.person_id) == person_id)).all())


def team_roles(session: Session, person_id: int) -> list[TeamRole]:
    """Return the active team roles of a person, leaders first."""
    return roles_of(session, person_id)[1]


def roles_of(session: Session, person_id: int) -> tuple[list[int], list[TeamRole]]:
    """Return the wards a person administers and their team roles, in one query."""
    wards: list[int] = []
    roles: list[TeamRole] = []
    params = {"person_id": person_id, "active": True}
    rows = hotpath.raw(session).execute(hotpath.ROLES, params).fetchall()
    for role, team_id, name, ward_id in rows:
        if role == "ward_admin":
            wards.append(ward_id)
        else:
            roles.append(TeamRole(team_id=team_id, team_name=name, ward_id=ward_id, role=role))
    roles.sort(key=lambda r: (r.role != "leader", r.team_id))
    return wards, roles


def set_locale(session: Session, person: Person, locale: str) -> None:
    """Store a person's language."""
    person.locale = locale
    session.add(person)


def team_members(session: Session, team_id: int, *, role: str | None = None) -> list[Membership]:
    """Return the active memberships of a team, optionally of one role."""
    statement = select(Membership).where(
        col(Membership.team_id) == team_id, col(Membership.active).is_(True)
    )
    if role is not None:
        statement = statement.where(col(Membership.role) == role)
    return list(session.exec(statement).all())


def profiles(session: Session, person_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Return (display name, locale) of many people, in chunks of 5,000 ids per query."""
    found: dict[int, tuple[str, str]] = {}
    ordered = sorted(set(person_ids))
    for start in range(0, len(ordered), 5000):
        statement = select(col(Person.id), col(Person.display_name), col(Person.locale)).where(
            col(Person.id).in_(ordered[start : start + 5000])
        )
        found.update({i: (n, loc) for i, n, loc in session.connection().execute(statement)})
    return found


def person_names(session: Session, person_ids: Iterable[int]) -> dict[int, str]:
    """Return the display names of many people ('#id' for those without one)."""
    return {i: name or f"#{i}" for i, (name, _locale) in profiles(session, person_ids).items()}
