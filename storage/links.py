"""One person on several channels: one-time link codes, merging people, and where to notify them.

Linking follows the model of the messengers' "linked devices" (WhatsApp, Signal, Telegram
QR login): the account that wants to join asks for a code, and an account the person already
trusts types it, sees what will happen, and confirms. The code is a bearer secret, so who
typed it is the only thing the bot can rely on. Hence:

- the typer grants: after the merge the creator's account acts with the typer's roles, so the
  typer sees that account (channel, name, roles) and must confirm (`check_code`, then
  `redeem_code` with what was shown);
- the creator may not bring roles the typer lacks (`Problem.CREATOR_HAS_ROLES`): otherwise a
  leaked or relayed code would hand the creator's powers to whoever typed it;
- only different channels are joined (`Problem.SAME_CHANNEL`): a person has one account per
  channel, and "two Telegram accounts" is exactly what an impostor's request looks like;
- the anonymous web chat (a browser cookie, no platform account behind it) is never joined to
  anyone who holds a role, admins included (`Problem.WEB_WITH_ROLE`);
- every link and unlink is written to `LinkEvent` (who, when, which identities).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from storage import people
from storage.models import Identity, Invite, Membership, Person, WardAdmin, utc_column

logger = logging.getLogger(__name__)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read and type
CODE_LENGTH = 8
LINK_TTL = timedelta(minutes=15)
WEB_CHANNEL = "web"
IsAdmin = Callable[[str, str], bool]


class LinkCode(SQLModel, table=True):
    """A one-time code that attaches another channel account to the person who asked for it."""

    code: str = Field(primary_key=True, max_length=16)
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: str = Field(max_length=16)
    display_name: str = Field(default="", max_length=200)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()


class LinkEvent(SQLModel, table=True):
    """One link or unlink: when, who asked (person and account), and which accounts moved.

    Plain ids without foreign keys: the record outlives the people it names (ids only, no
    names or platform user ids, so it keeps no personal data once those rows are gone).
    """

    __tablename__ = "link_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_column(index=True)
    action: str = Field(max_length=16)
    actor_person_id: int
    actor_identity_id: int | None = None
    person_id: int
    other_person_id: int | None = None
    identities: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )


class ContactPreference(SQLModel, table=True):
    """The channel where a person wants digests and reminders."""

    person_id: int = Field(primary_key=True, foreign_key="person.id")
    channel: str = Field(max_length=16)
    updated_at: datetime = utc_column()


class LinkResult(StrEnum):
    """What happened to a typed code."""

    LINKED = "linked"
    READY = "ready"
    ALREADY = "already"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    SAME_CHANNEL = "same_channel"
    WEB_WITH_ROLE = "web_with_role"
    CREATOR_HAS_ROLES = "creator_has_roles"
    CHANGED = "changed"


OWN_TABLES = {
    "identity", "membership", "wardadmin", "invite", "linkcode", "contactpreference", "link_event",
}  # fmt: skip


@dataclass(frozen=True)
class Powers:
    """What a person may do beyond a resident: team roles (strongest per team), wards, admin."""

    teams: dict[int, str] = field(default_factory=dict)
    team_names: dict[int, str] = field(default_factory=dict)
    wards: frozenset[int] = frozenset()
    admin: bool = False

    @property
    def any(self) -> bool:
        """Tell whether the person holds any role at all."""
        return bool(self.teams or self.wards or self.admin)

    def covers(self, other: Powers) -> bool:
        """Tell whether these powers include every team role and ward of `other`.

        Admin rights are left out: they belong to one account (BOT_ADMINS), not to a person,
        so a merge never moves them.
        """
        for team_id, role in other.teams.items():
            mine = self.teams.get(team_id)
            if mine is None or (role == "leader" and mine != "leader"):
                return False
        return other.wards <= self.wards


def powers_of(session: Session, person_id: int, is_admin: IsAdmin) -> Powers:
    """Return a person's roles: active team roles, administered wards, admin on any account."""
    wards, roles = people.roles_of(session, person_id)
    teams: dict[int, str] = {}
    names: dict[int, str] = {}
    for role in roles:
        if teams.get(role.team_id) != "leader":
            teams[role.team_id] = role.role
        names[role.team_id] = role.team_name
    admin = any(is_admin(i.channel, i.user_id) for i in people.identities_of(session, person_id))
    return Powers(teams=teams, team_names=names, wards=frozenset(wards), admin=admin)


@dataclass(frozen=True)
class LinkCheck:
    """What typing a code would do: the verdict, the code's account and both sides' roles."""

    result: LinkResult
    code: str = ""
    creator_id: int = 0
    creator_channel: str = ""
    creator_name: str = ""
    creator_accounts: tuple[int, ...] = ()
    creator_channels: tuple[str, ...] = ()
    typer_powers: Powers = field(default_factory=Powers)
    creator_powers: Powers = field(default_factory=Powers)


def normalise_code(raw: str) -> str:
    """Return a typed code in canonical form (upper case, no spaces or dashes)."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def create_code(
    session: Session,
    *,
    person_id: int,
    channel: str,
    now: datetime,
    ttl: timedelta = LINK_TTL,
    display_name: str = "",
) -> LinkCode:
    """Create a fresh code for a person, replacing the codes they asked for before.

    display_name: the name the platform gave for the account asking (shown to the typer).
    """
    session.execute(delete(LinkCode).where(col(LinkCode.person_id) == person_id))
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    row = LinkCode(
        code=code,
        person_id=person_id,
        channel=channel,
        display_name=display_name[:200],
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(row)
    session.flush()
    return row


def check_code(
    session: Session, *, code: str, person_id: int, now: datetime, is_admin: IsAdmin
) -> LinkCheck:
    """Tell what typing `code` would do for `person_id`, changing nothing (but expired codes)."""
    row = session.get(LinkCode, normalise_code(code))
    if row is None or session.get(Person, row.person_id) is None:
        return LinkCheck(LinkResult.UNKNOWN)
    if row.expires_at <= now:
        session.delete(row)
        return LinkCheck(LinkResult.EXPIRED)
    if row.person_id == person_id:
        return LinkCheck(LinkResult.ALREADY)
    creator = people.identities_of(session, row.person_id)
    typer = people.identities_of(session, person_id)
    creator_channels = {i.channel for i in creator}
    typer_channels = {i.channel for i in typer}
    typer_powers = powers_of(session, person_id, is_admin)
    creator_powers = powers_of(session, row.person_id, is_admin)
    found = LinkCheck(
        LinkResult.READY,
        code=row.code,
        creator_id=row.person_id,
        creator_channel=row.channel,
        creator_name=row.display_name,
        creator_accounts=tuple(sorted(i.id or 0 for i in creator)),
        creator_channels=tuple(sorted(creator_channels)),
        typer_powers=typer_powers,
        creator_powers=creator_powers,
    )
    if creator_channels & typer_channels:
        return replace(found, result=LinkResult.SAME_CHANNEL)
    if WEB_CHANNEL in creator_channels | typer_channels and (
        typer_powers.any or creator_powers.any
    ):
        return replace(found, result=LinkResult.WEB_WITH_ROLE)
    if not typer_powers.covers(creator_powers):
        return replace(found, result=LinkResult.CREATOR_HAS_ROLES)
    return found


def redeem_code(
    session: Session,
    *,
    code: str,
    person: Person,
    now: datetime,
    is_admin: IsAdmin,
    shown: LinkCheck,
    actor_identity_id: int | None = None,
) -> LinkResult:
    """Attach every account of `person` to the code's owner, once they confirmed what `shown`
    told them; CHANGED when the code's side is no longer what was shown. The code works once."""
    assert person.id is not None
    now_check = check_code(session, code=code, person_id=person.id, now=now, is_admin=is_admin)
    if now_check.result is not LinkResult.READY:
        return now_check.result
    if (
        now_check.creator_id != shown.creator_id
        or now_check.creator_accounts != shown.creator_accounts
        or not shown.typer_powers.covers(now_check.typer_powers)
    ):
        return LinkResult.CHANGED
    row = session.get(LinkCode, now_check.code)
    assert row is not None
    session.delete(row)
    session.flush()
    accounts = people.identities_of(session, now_check.creator_id)
    accounts += people.identities_of(session, person.id)
    merge_people(session, source=person, target_id=now_check.creator_id)
    record_event(
        session,
        action="link",
        now=now,
        actor_person_id=person.id,
        actor_identity_id=actor_identity_id,
        person_id=now_check.creator_id,
        other_person_id=person.id,
        identities=[{"id": i.id, "channel": i.channel} for i in accounts],
    )
    logger.info("Person %s linked into person %s", person.id, now_check.creator_id)
    return LinkResult.LINKED


def unlink_identity(
    session: Session,
    *,
    person_id: int,
    identity_id: int,
    actor_identity_id: int,
    now: datetime,
) -> Identity | None:
    """Detach one of a person's other accounts: it becomes a new person without roles.

    Roles, records and preferences stay with the person; the account asking cannot detach
    itself (it would lose the person it is using). Returns the detached account, or None.
    """
    identity = session.get(Identity, identity_id)
    if identity is None or identity.person_id != person_id or identity.id == actor_identity_id:
        return None
    person = session.get(Person, person_id)
    fresh = Person(created_at=now, locale=person.locale if person is not None else "")
    session.add(fresh)
    session.flush()
    assert fresh.id is not None
    identity.person_id = fresh.id
    session.add(identity)
    choice = session.get(ContactPreference, person_id)
    if choice is not None and choice.channel == identity.channel:
        session.delete(choice)
    session.execute(delete(LinkCode).where(col(LinkCode.person_id) == person_id))
    record_event(
        session,
        action="unlink",
        now=now,
        actor_person_id=person_id,
        actor_identity_id=actor_identity_id,
        person_id=person_id,
        other_person_id=fresh.id,
        identities=[{"id": identity.id, "channel": identity.channel}],
    )
    session.flush()
    logger.info("Account %s unlinked from person %s", identity.id, person_id)
    return identity


def record_event(
    session: Session,
    *,
    action: str,
    now: datetime,
    actor_person_id: int,
    actor_identity_id: int | None,
    person_id: int,
    other_person_id: int | None,
    identities: list[dict[str, Any]],
) -> None:
    """Write one link or unlink to the audit table."""
    session.add(
        LinkEvent(
            at=now,
            action=action,
            actor_person_id=actor_person_id,
            actor_identity_id=actor_identity_id,
            person_id=person_id,
            other_person_id=other_person_id,
            identities=identities,
        )
    )


def link_events(session: Session) -> list[LinkEvent]:
    """Return every link and unlink, oldest first."""
    return list(session.exec(select(LinkEvent).order_by(col(LinkEvent.id))).all())


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
