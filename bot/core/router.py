"""Routes an update to a handler: commands, button payload prefixes, flow states, fallback.

A chat command is declared once, here, with everything the rest of the bot derives from it:
who may use it, its help line, its place in the main menu and in the platforms' command
menus. `/help`, the numbered/keyboard main menus and Telegram's `setMyCommands` are generated
from these declarations (see `bot.core.commands`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.roles import EVERYONE, RoleName
from domain.text import fold, nfc

Handler = Callable[[Context], Outcome]
COMMAND_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")


class HelpGroup(StrEnum):
    """The sections of /help, in the order they are shown."""

    LOGGING = "logging"
    TEAM = "team"
    ADMIN = "admin"
    RESIDENTS = "residents"
    GENERAL = "general"


@dataclass(frozen=True)
class CommandInfo:
    """A chat command: its handler, who may use it, and where it is shown.

    roles: who may run it (admins may run everything).
    group, order: its section and place in /help (and in the main menu).
    menu: the main roles whose main menu has a button for it (label key `menu.<name>`).
    platform_menu: listed in the platforms' command menus (Telegram setMyCommands).
    aliases: other names that run it (not shown in help).
    The help line is the catalog key `cmd.<name>` in every language.
    """

    name: str
    handler: Handler
    roles: frozenset[RoleName]
    group: HelpGroup = HelpGroup.GENERAL
    order: int = 100
    menu: frozenset[RoleName] = frozenset()
    platform_menu: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def help_key(self) -> str:
        """Return the catalog key of the command's one-line description."""
        return f"cmd.{self.name}"

    @property
    def menu_key(self) -> str:
        """Return the catalog key of the command's main-menu button label."""
        return f"menu.{self.name}"


def _typed_roles(roles: Iterable[RoleName], what: str) -> frozenset[RoleName]:
    """Check that roles are RoleName members (not bare strings) and return them as a set."""
    checked = frozenset(roles)
    wrong = [role for role in checked if not isinstance(role, RoleName)]
    if wrong:
        raise TypeError(f"{what}: roles must be RoleName members, not {wrong!r}")
    return checked


@dataclass(frozen=True)
class Guarded:
    """A button or state handler with the roles allowed to reach it."""

    handler: Handler
    roles: frozenset[RoleName]


@dataclass
class Router:
    """A registry of handlers; feature modules register themselves in `setup(router)`."""

    commands: dict[str, CommandInfo] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, Guarded] = field(default_factory=dict)
    states: dict[str, Guarded] = field(default_factory=dict)
    text_fallback: Handler | None = None
    flow_words: dict[str, Handler] = field(default_factory=dict)
    exact_flow_words: dict[str, Handler] = field(default_factory=dict)

    def command(
        self,
        name: str,
        handler: Handler,
        *,
        roles: Iterable[RoleName] = EVERYONE,
        group: HelpGroup = HelpGroup.GENERAL,
        order: int = 100,
        menu: Iterable[RoleName] = (),
        platform_menu: bool = False,
        aliases: Iterable[str] = (),
    ) -> CommandInfo:
        """Declare /name: who may use it, its help section and order, menus it appears in."""
        names = (name, *aliases)
        for each in names:
            if not COMMAND_NAME.fullmatch(each):
                raise ValueError(f"/{each}: a command is 1-32 of a-z, 0-9 and _")
            if each in self.commands or each in self.aliases:
                raise ValueError(f"/{each} is registered twice")
        allowed = _typed_roles(roles, f"/{name}")
        if not allowed:
            raise ValueError(f"/{name}: give at least one role")
        shown = _typed_roles(menu, f"/{name} menu")
        info = CommandInfo(
            name=name,
            handler=handler,
            roles=allowed,
            group=HelpGroup(group),
            order=order,
            menu=shown,
            platform_menu=platform_menu,
            aliases=tuple(aliases),
        )
        self.commands[name] = info
        for alias in info.aliases:
            self.aliases[alias] = name
        return info

    def button(
        self, prefix: str, handler: Handler, *, roles: Iterable[RoleName] = EVERYONE
    ) -> None:
        """Register the handler of button payloads starting with 'prefix:' for these roles."""
        if ":" in prefix:
            raise ValueError("a button prefix must not contain ':'")
        if prefix in self.buttons:
            raise ValueError(f"button prefix {prefix!r} is registered twice")
        self.buttons[prefix] = Guarded(handler, _typed_roles(roles, f"button {prefix}"))

    def state(
        self, namespace: str, handler: Handler, *, roles: Iterable[RoleName] = EVERYONE
    ) -> None:
        """Register the handler of text sent while the flow state starts with 'namespace.'."""
        if namespace in self.states:
            raise ValueError(f"state namespace {namespace!r} is registered twice")
        self.states[namespace] = Guarded(handler, _typed_roles(roles, f"state {namespace}"))

    def flow_word(self, handler: Handler, *words: str, exact: bool = False) -> None:
        """Run handler when one of these words is typed alone inside a flow.

        Words match without diacritics, unless exact (for words whose unaccented form means
        something else: "dừng" (stop) folds to "dung", as "đúng" (right) does).
        """
        table = self.exact_flow_words if exact else self.flow_words
        for word in words:
            key = nfc(word).casefold().strip() if exact else fold(word)
            if key in table:
                raise ValueError(f"flow word {word!r} is registered twice")
            table[key] = handler

    def for_flow_word(self, text: str) -> Handler | None:
        """Return the handler of a flow word typed alone, if the text is one."""
        if len(text) > 20:
            return None
        return self.exact_flow_words.get(nfc(text).casefold().strip()) or self.flow_words.get(
            fold(text)
        )

    def find_command(self, name: str) -> CommandInfo | None:
        """Return the command called name (or one of its aliases)."""
        return self.commands.get(self.aliases.get(name, name))

    def for_state(self, state: str) -> Guarded | None:
        """Return the handler of a flow state, by its namespace."""
        return self.states.get(state.split(".", 1)[0]) if state else None

    def for_button(self, payload: str) -> Guarded | None:
        """Return the handler of a button payload, by its prefix."""
        return self.buttons.get(payload.split(":", 1)[0])

    def visible_to(self, may: Callable[[frozenset[RoleName]], bool]) -> list[CommandInfo]:
        """Return the commands a person may use, in help order."""
        found = [info for info in self.commands.values() if may(info.roles)]
        groups = list(HelpGroup)
        return sorted(found, key=lambda info: (groups.index(info.group), info.order, info.name))
