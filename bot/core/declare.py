"""Declare a chat command beside its handler: `@chat_command("members", roles=MANAGERS, ...)`.

The decorator only records the declaration; `handlers.registry.build_router` imports every module
under `handlers/` and registers what was declared, so a new command is its handler module, its
catalog lines (`cmd.<name>` in vi and en) and its test: nothing else to edit. The options are
those of `Router.command` (roles, group, order, menu, platform_menu, aliases).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.core.roles import EVERYONE, RoleName
from bot.core.router import Handler, HelpGroup, Router


@dataclass(frozen=True)
class Declared:
    """One chat command declared with @chat_command."""

    name: str
    handler: Handler
    roles: frozenset[RoleName]
    group: HelpGroup
    order: int
    menu: frozenset[RoleName]
    platform_menu: bool
    aliases: tuple[str, ...]


_DECLARED: dict[str, Declared] = {}


def chat_command(
    name: str,
    *,
    roles: Iterable[RoleName] = EVERYONE,
    group: HelpGroup = HelpGroup.GENERAL,
    order: int = 100,
    menu: Iterable[RoleName] = (),
    platform_menu: bool = False,
    aliases: Iterable[str] = (),
) -> Callable[[Handler], Handler]:
    """Declare the decorated function as the handler of /name (registered by build_router)."""

    def record(handler: Handler) -> Handler:
        known = _DECLARED.get(name)
        if known is not None and known.handler is not handler:
            raise ValueError(f"/{name} is declared twice")
        _DECLARED[name] = Declared(
            name, handler, frozenset(roles), group, order, frozenset(menu), platform_menu,
            tuple(aliases),
        )  # fmt: skip
        return handler

    return record


def register_declared(router: Router) -> None:
    """Register every declared command on the router (roles are checked there)."""
    for each in _DECLARED.values():
        router.command(
            each.name, each.handler, roles=each.roles, group=each.group, order=each.order,
            menu=each.menu, platform_menu=each.platform_menu, aliases=each.aliases,
        )  # fmt: skip
