"""One person on several channels: one-time link codes, merging people, and where to notify them."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import Identity, Invite, Membership, Person, WardAdmin, utc_column

logger = logging.getLogger(__name__)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read and type
CODE_LENGTH = 8
LINK_TTL = timedelta(minutes=15)


class LinkCode(SQLModel, table=True):
    """A one-time code that attaches another channel account to the person who asked for it."""

    code: str = Field(primary_key=True, max_length=16)
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: str = Field(max_length=16)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()


class ContactPreference(SQLModel, table=True):
    """The channel where a person wants digests and reminders."""

    person_id: int = Field(primary_key=True, foreign_key="person.id")
    channel: str = Field(max_length=16)
    updated_at: datetime = utc_column()


class LinkResult(StrEnum):
    """What happened to a typed code."""

    LINKED = "linked"
    ALREADY = "already"
    UNKNOWN = "unknown"
    EXPIRED = "expired"


OWN_TABLES = {"identity", "membership", "wardadmin", "invite", "linkcode", "contactpreference"}


def normalise_code(raw: str) -> str:
    """Return a typed code in canonical form (upper case, no spaces or dashes)."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def create_code(
    session: Session, *, person_id: int, channel: str, now: datetime, ttl: timedelta = LINK_TTL
) -> LinkCode:
    """Create a fresh code for a person, replacing the codes they asked for before."""
    session.execute(delete(LinkCode).where(col(LinkCode.person_id) == person_id))
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    row = LinkCode(
        code=code, person_id=person_id, channel=channel, created_at=now, expires_at=now + ttl
    )
    session.add(row)
    session.flush()
    return row


def redeem_code(session: Session, *, code: str, person: Person, now: datetime) -> LinkResult:
    """Attach every account of `person` to the code's owner; the code works once."""
    row = session.get(LinkCode, normalise_code(code))
    if row is None:
        return LinkResult.UNKNOWN
    if row.expires_at <= now:
        session.delete(row)
        return LinkResult.EXPIRED
    if row.person_id == person.id:
        return LinkResult.ALREADY
    target_id = row.person_id
    if session.get(Person, target_id) is None:
        return LinkResult.UNKNOWN
    session.delete(row)
    session.flush()
    assert person.id is not None
    merge_people(session, source=person, target_id=target_id)
    return LinkResult.LINKED


def merge_people(session: Session, *, source: Person, target_id: int) -> None:
    """Move a person's accounts, memberships and records to another person, then drop them."""
    assert source.id is not None
    source_id = source.id
    target = session.get(Person, target_id)
    if target is None:
        raise ValueError(f"no person {target_id}")
    session.execute(
        update(Identity).where(col(Identity.person_id) == source_id).values(person_id=target_id)
    )
    _merge_memberships(session, source_id, target_id)
    for ward in session.exec(select(WardAdmin).where(col(WardAdmin.person_id) == source_id)).all():
        if session.exec(
            select(WardAdmin).where(
                col(WardAdmin.person_id) == target_id, col(WardAdmin.ward_id) == ward.ward_id
            )
        ).first():
            session.delete(ward)
        else:
            ward.person_id = target_id
            session.add(ward)
    session.execute(
        update(Invite).where(col(Invite.created_by) == source_id).values(created_by=target_id)
    )
    session.execute(delete(LinkCode).where(col(LinkCode.person_id) == source_id))
    own_choice = session.get(ContactPreference, source_id)
    if own_choice is not None:
        if session.get(ContactPreference, target_id) is None:
            session.add(
                ContactPreference(
                    person_id=target_id,
                    channel=own_choice.channel,
                    updated_at=own_choice.updated_at,
                )
            )
        session.delete(own_choice)
    target.display_name = target.display_name or source.display_name
    target.locale = target.locale or source.locale
    session.add(target)
    session.flush()
    _move_other_records(session, source_id, target_id)
    try:
        with session.begin_nested():
            session.delete(source)
    except IntegrityError:
        logger.warning("Person %s is still referenced after merging; kept empty", source_id)


def _merge_memberships(session: Session, source_id: int, target_id: int) -> None:
    owned = session.exec(select(Membership).where(col(Membership.person_id) == target_id)).all()
    by_team = {m.team_id: m for m in owned}
    moving_rows = session.exec(select(Membership).where(col(Membership.person_id) == source_id))
    for moving in moving_rows.all():
        kept = by_team.get(moving.team_id)
        if kept is None:
            moving.person_id = target_id
            session.add(moving)
            continue
        if moving.role == "leader" and moving.active:
            kept.role = "leader"
        kept.active = kept.active or moving.active
        kept.joined_at = min(kept.joined_at, moving.joined_at)
        session.add(kept)
        session.delete(moving)
    session.flush()


def _move_other_records(session: Session, source_id: int, target_id: int) -> None:
    """Repoint rows of other features' tables (logs, reminders…) that reference the person."""
    import storage.schema  # noqa: F401  (registers every table; a top-level import would cycle)

    for table in SQLModel.metadata.sorted_tables:
        if table.name in OWN_TABLES:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name != "person" or fk.column.name != "id":
                continue
            column = fk.parent
            try:
                with session.begin_nested():
                    session.execute(
                        update(table).where(column == source_id).values({column.name: target_id})
                    )
            except IntegrityError:
                logger.warning("Could not move %s.%s rows while merging people", table, column)


def set_preferred_channel(session: Session, *, person_id: int, channel: str, now: datetime) -> None:
    """Store where a person wants digests and reminders."""
    row = session.get(ContactPreference, person_id)
    if row is None:
        session.add(ContactPreference(person_id=person_id, channel=channel, updated_at=now))
    else:
        row.channel, row.updated_at = channel, now
        session.add(row)


def preferred_channel(session: Session, person_id: int) -> str:
    """Return the channel a person chose with /notify, or '' when they never chose."""
    row = session.get(ContactPreference, person_id)
    return row.channel if row is not None else ""


def contact_identity(session: Session, person_id: int, order: Sequence[str]) -> Identity | None:
    """Return the account that digests and reminders should reach: the chosen channel first."""
    return contact_identities(session, [person_id], order).get(person_id)


def contact_identities(
    session: Session, person_ids: list[int], order: Sequence[str]
) -> dict[int, Identity]:
    """Return each person's contact account: the chosen channel, then `order`, newest first."""
    if not person_ids:
        return {}
    identities = session.exec(
        select(Identity)
        .where(col(Identity.person_id).in_(person_ids))
        .order_by(col(Identity.created_at).desc(), col(Identity.id).desc())
    ).all()
    chosen = dict(
        session.exec(
            select(ContactPreference.person_id, ContactPreference.channel).where(
                col(ContactPreference.person_id).in_(person_ids)
            )
        ).all()
    )
    mine: dict[int, list[Identity]] = {}
    for identity in identities:
        mine.setdefault(identity.person_id, []).append(identity)
    found: dict[int, Identity] = {}
    for person, accounts in mine.items():
        preferred = chosen.get(person, "")
        ranking = (preferred, *order) if preferred else tuple(order)
        ranked = [a for channel in ranking for a in accounts if a.channel == channel]
        found[person] = (ranked or accounts)[0]
    return found
