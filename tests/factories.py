"""Builders for neutral updates and a recording channel, for handler tests."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from bot.app import App
from bot.core.channel import ChannelCaps
from bot.core.messages import ChatKey, Delivery, Incoming, Kind
from storage import people, teams
from storage.models import Membership

_update_ids = itertools.count(1)


class RecordingChannel:
    """A channel that keeps every delivery instead of sending it."""

    def __init__(self) -> None:
        self.sent: list[Delivery] = []

    async def send(self, delivery: Delivery) -> None:
        """Record the delivery."""
        self.sent.append(delivery)


@dataclass
class User:
    """A person chatting with the bot through the harness."""

    harness: Harness
    user_id: str
    name: str = "Lan"
    channel: str = "test"
    last: list[Delivery] = field(default_factory=list)

    @property
    def key(self) -> ChatKey:
        """Return the private-chat key of this user."""
        return ChatKey(self.channel, self.user_id, self.user_id)

    async def say(self, text: str, *, update_id: str | None = None) -> list[Delivery]:
        """Send a text message and return the deliveries it produced."""
        return await self._send(
            Incoming(
                self.key, update_id or self._next(), Kind.TEXT, text=text, display_name=self.name
            )
        )

    async def press(self, payload: str, *, update_id: str | None = None) -> list[Delivery]:
        """Press a button with this payload."""
        return await self._send(
            Incoming(
                self.key,
                update_id or self._next(),
                Kind.BUTTON,
                payload=payload,
                display_name=self.name,
            )
        )

    async def send_photo(self) -> list[Delivery]:
        """Send a photo where text is expected."""
        return await self._send(
            Incoming(self.key, self._next(), Kind.ATTACHMENT, attachment_kind="photo")
        )

    async def press_label(self, label_part: str) -> list[Delivery]:
        """Press the button of the last reply whose label contains label_part."""
        for delivery in reversed(self.last):
            for button in delivery.reply.all_buttons():
                if label_part.casefold() in button.label.casefold():
                    return await self.press(button.payload)
        raise AssertionError(f"no button containing {label_part!r} in {self.texts()}")

    def _next(self) -> str:
        return f"u{next(_update_ids)}"

    async def _send(self, incoming: Incoming) -> list[Delivery]:
        self.last = await self.harness.app.dispatcher.handle(incoming)
        return self.last

    def texts(self) -> list[str]:
        """Return the texts of the last deliveries to this user."""
        return [d.reply.text for d in self.last if d.address.chat_id == self.user_id]

    def text(self) -> str:
        """Return the last deliveries' texts joined."""
        return "\n".join(self.texts())

    def payloads(self) -> list[str]:
        """Return every button payload of the last deliveries to this user."""
        return [b.payload for d in self.last for b in d.reply.all_buttons()]


class Harness:
    """Drives the real dispatcher with neutral updates on two channels: with and without buttons."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.channel = RecordingChannel()
        self.plain = RecordingChannel()
        app.dispatcher.register_channel("test", ChannelCaps(buttons=True), self.channel)
        app.dispatcher.register_channel("plain", ChannelCaps(buttons=False), self.plain)

    def user(self, user_id: str, *, name: str = "Lan", channel: str = "test") -> User:
        """Return a user on a channel."""
        return User(self, user_id, name, channel)


def make_team(
    app: App, name: str = "Tổ 12", *, ward: str = "Phường Hải Châu", areas: Sequence[str] = ()
) -> int:
    """Create a team (and its ward when new); return the team id."""
    now = app.parts.clock.now()

    def work(session: Session) -> int:
        team = teams.create_team(session, ward_name=ward, name=name, areas=list(areas), now=now)
        assert team.id is not None
        return team.id

    return app.db.run_sync(work)


def add_member(
    app: App, team_id: int, user_id: str, *, role: str = "volunteer", channel: str = "test"
) -> int:
    """Make a channel user a member of a team; return the person id."""
    now = app.parts.clock.now()

    def work(session: Session) -> int:
        person = people.ensure_person(
            session, channel=channel, user_id=user_id, chat_id=user_id, now=now
        )
        assert person.id is not None
        session.add(Membership(person_id=person.id, team_id=team_id, role=role, joined_at=now))
        return person.id

    return app.db.run_sync(work)
