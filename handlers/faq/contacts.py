"""Who to tell and where: team members' private chats, their languages, the other side's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.channels.registry import channel_names, channel_spec
from bot.core.messages import Address
from bot.settings import Settings
from storage import conversations, links, people
from storage.handoff import Handoff
from storage.models import Identity, Person, Team, Ward, WardAdmin

RELAY_STATE = "handoff.relay"


@dataclass(frozen=True)
class Contact:
    """A person to notify: their private chat and language."""

    person_id: int
    address: Address
    locale: str


def private_address(identity: Identity) -> Address:
    """Return the private chat of an account (on Telegram the private chat id is the user id)."""
    spec = channel_spec(identity.channel)
    chat = identity.user_id if spec is not None and spec.private_chat_is_user else identity.chat_id
    return Address(identity.channel, chat)


def contact_of(session: Session, person_id: int, settings: Settings) -> Contact | None:
    """Return where and in which language to reach a person, if they have an account."""
    identity = links.contact_identity(session, person_id, channel_names())
    if identity is None:
        return None
    return Contact(person_id, private_address(identity), locale_of(session, person_id, settings))


def team_contacts(
    session: Session, team_id: int, settings: Settings, *, role: str | None = None
) -> list[Contact]:
    """Return the reachable active members of a team (optionally of one role)."""
    found: list[Contact] = []
    for membership in people.team_members(session, team_id, role=role):
        contact = contact_of(session, membership.person_id, settings)
        if contact is not None and all(c.person_id != contact.person_id for c in found):
            found.append(contact)
    return found


def ward_admin_contacts(session: Session, ward_id: int, settings: Settings) -> list[Contact]:
    """Return the reachable administrators of a ward."""
    rows = session.exec(select(WardAdmin).where(col(WardAdmin.ward_id) == ward_id)).all()
    contacts = (contact_of(session, row.person_id, settings) for row in rows)
    return [contact for contact in contacts if contact is not None]


def team_label(session: Session, team_id: int | None) -> tuple[str, str]:
    """Return a team's name and its ward's name ('?' when unknown)."""
    team = session.get(Team, team_id) if team_id is not None else None
    if team is None:
        return "?", "?"
    ward = session.get(Ward, team.ward_id)
    return team.name, ward.name if ward is not None else "?"


def ward_of(session: Session, team_id: int) -> int | None:
    """Return the ward of a team."""
    team = session.get(Team, team_id)
    return team.ward_id if team is not None else None


def resident_address(handoff: Handoff) -> Address:
    """Return the chat where the resident asked."""
    return Address(handoff.resident_channel, handoff.resident_chat)


def volunteer_address(handoff: Handoff) -> Address:
    """Return the chat of the volunteer who took the handoff."""
    return Address(handoff.volunteer_channel, handoff.volunteer_chat)


def locale_of(session: Session, person_id: int | None, settings: Settings) -> str:
    """Return a person's language, or the default one."""
    person = session.get(Person, person_id) if person_id is not None else None
    return (person.locale if person is not None else "") or settings.default_locale


def clear_menu(session: Session, *, channel: str, chat: str, now: datetime) -> None:
    """Forget the numbered options of a chat, so typed numbers are relayed as they are."""
    if conversations.get_menu(session, channel=channel, chat_id=chat) is not None:
        conversations.set_menu(
            session, channel=channel, chat_id=chat, labels=[], payloads=[], now=now
        )


def set_relay_state(
    session: Session,
    *,
    key: tuple[str, str, str],
    handoff_id: int,
    now: datetime,
    ttl: timedelta,
    entering: bool,
) -> None:
    """Put the other side of a handoff into the relay (when idle) or take them out of it."""
    channel, chat, user = key
    loaded = conversations.load(session, channel=channel, chat_id=chat, user_id=user)
    in_relay = loaded.state == RELAY_STATE and loaded.data.get("h") == handoff_id
    expired = loaded.expires_at is not None and loaded.expires_at <= now
    busy = bool(loaded.state) and not expired
    if (entering and (in_relay or busy)) or (not entering and not in_relay):
        return
    conversations.save(
        session,
        channel=channel,
        chat_id=chat,
        user_id=user,
        loaded=loaded,
        state=RELAY_STATE if entering else "",
        data={"h": handoff_id} if entering else {},
        now=now,
        expires_at=now + ttl if entering else None,
    )
