"""What a handler gets: the message, who sent it, their flow state and the app's shared parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core.clock import Clock
from bot.core.i18n import Catalog, Translations
from bot.core.messages import ChatKey, Incoming
from bot.core.roles import Roles
from bot.settings import Settings
from storage.models import Person

C = TypeVar("C")


@dataclass
class AppParts:
    """Long-lived objects shared by all handlers (built once in bot.app)."""

    settings: Settings
    translations: Translations
    clock: Clock
    components: dict[type, object] = field(default_factory=dict)

    def add(self, component: object) -> None:
        """Register a component under its own type."""
        self.components[type(component)] = component

    def get(self, kind: type[C]) -> C:
        """Return the component of that type; RuntimeError tells how to fix a missing one."""
        component = self.components.get(kind)
        if component is None:
            raise RuntimeError(f"{kind.__name__} is not registered; add it in bot.app.build_parts")
        assert isinstance(component, kind)
        return component


@dataclass
class Context:
    """Everything a handler needs to answer one incoming update."""

    session: Session
    msg: Incoming
    person_id: int
    roles: Roles
    locale: str
    state: str
    data: dict[str, Any]
    now: datetime
    parts: AppParts
    _person: Person | None = field(default=None, repr=False)

    @property
    def person(self) -> Person:
        """Return the sender as a Person row (loaded on first use; most handlers need only the id)."""
        if self._person is None:
            person = self.session.get(Person, self.person_id)
            if person is None:
                raise RuntimeError(f"person {self.person_id} vanished during the update")
            self._person = person
        return self._person

    @property
    def key(self) -> ChatKey:
        """Return where the conversation lives."""
        return self.msg.key

    @property
    def catalog(self) -> Catalog:
        """Return the sender's catalog."""
        return self.parts.translations.get(self.locale)

    def t(self, key: str, /, **params: object) -> str:
        """Translate a message key into the sender's language."""
        return self.catalog.text(key, **params)

    def t_for(self, locale: str, key: str, /, **params: object) -> str:
        """Translate a message key into someone else's language."""
        return self.parts.translations.get(locale).text(key, **params)

    @property
    def settings(self) -> Settings:
        """Return the settings."""
        return self.parts.settings

    @property
    def tz(self) -> ZoneInfo:
        """Return the local time zone (Asia/Ho_Chi_Minh by default)."""
        return self.parts.settings.timezone

    @property
    def local_now(self) -> datetime:
        """Return now in the local time zone."""
        return self.now.astimezone(self.tz)
