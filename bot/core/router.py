"""Routes an update to a handler: commands, button payload prefixes, flow states, fallback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.context import Context
from bot.core.flow import Outcome

Handler = Callable[[Context], Outcome]


@dataclass(frozen=True)
class CommandInfo:
    """A command with the roles allowed to use it (and shown it in /help)."""

    name: str
    handler: Handler
    roles: frozenset[str]


@dataclass
class Router:
    """A registry of handlers; feature modules register themselves in `setup(router)`."""

    commands: dict[str, CommandInfo] = field(default_factory=dict)
    buttons: dict[str, Handler] = field(default_factory=dict)
    states: dict[str, Handler] = field(default_factory=dict)
    text_fallback: Handler | None = None
    attachment_handlers: list[Handler] = field(default_factory=list)

    def command(self, name: str, handler: Handler, *, roles: set[str] | None = None) -> None:
        """Register /name for the given roles (all roles when None)."""
        all_roles = {"resident", "volunteer", "leader", "ward_admin", "admin"}
        self.commands[name] = CommandInfo(name, handler, frozenset(roles or all_roles))

    def button(self, prefix: str, handler: Handler) -> None:
        """Register the handler of button payloads starting with 'prefix:'."""
        if ":" in prefix:
            raise ValueError("a button prefix must not contain ':'")
        self.buttons[prefix] = handler

    def state(self, namespace: str, handler: Handler) -> None:
        """Register the handler of text sent while the flow state starts with 'namespace.'."""
        self.states[namespace] = handler

    def for_state(self, state: str) -> Handler | None:
        """Return the handler of a flow state, by its namespace."""
        return self.states.get(state.split(".", 1)[0]) if state else None

    def for_button(self, payload: str) -> Handler | None:
        """Return the handler of a button payload, by its prefix."""
        return self.buttons.get(payload.split(":", 1)[0])
