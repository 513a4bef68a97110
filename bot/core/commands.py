"""What is generated from the command declarations: /help, the main menus, platform menus."""

from __future__ import annotations

from bot.core.i18n import Catalog
from bot.core.messages import Button, rows
from bot.core.roles import Roles
from bot.core.router import CommandInfo, HelpGroup, Router

MENU_PER_ROW = 2


def help_text(router: Router, roles: Roles, catalog: Catalog) -> str:
    """Return /help for a person: an intro for their main role, then their commands by section."""
    lines = [catalog.text(f"help.intro.{roles.main}")]
    current: HelpGroup | None = None
    for info in router.visible_to(roles.may):
        if info.group is not current:
            current = info.group
            lines.append("")
            lines.append(catalog.text(f"help.group.{current}"))
        lines.append(f"/{info.name} – {catalog.text(info.help_key)}")
    lines.append("")
    lines.append(catalog.text("help.outro"))
    return "\n".join(lines)


def menu_commands(router: Router, roles: Roles) -> list[CommandInfo]:
    """Return the commands of a person's main menu, in order (only ones they may use)."""
    return [info for info in router.visible_to(roles.may) if roles.main in info.menu]


def main_menu(router: Router, roles: Roles, catalog: Catalog) -> tuple[tuple[Button, ...], ...]:
    """Return the main-menu buttons for a person's main role."""
    buttons = [
        Button(catalog.text(info.menu_key), f"menu:{info.name}")
        for info in menu_commands(router, roles)
    ]
    return rows(*buttons, per_row=MENU_PER_ROW)


def platform_menu(router: Router, catalog: Catalog) -> list[tuple[str, str]]:
    """Return (command, description) pairs for a platform's command menu, by declared order."""
    listed = [info for info in router.commands.values() if info.platform_menu]
    listed.sort(key=lambda info: (info.order, info.name))
    return [(info.name, catalog.text(info.help_key)) for info in listed]
