"""`python -m bot commands [--role ROLE] [--lang en]`: the chat commands each role sees in /help.

Printed from the same declarations as /help, so the README need not list them by hand.
"""

from __future__ import annotations

import argparse

from bot.cli.base import Subcommand, say
from bot.core.commands import help_text
from bot.core.i18n import default_translations
from bot.core.roles import RoleName, Roles
from bot.settings import SUPPORTED_LOCALES, Settings
from handlers.registry import build_router
from storage.people import TeamRole

EXAMPLES = {
    RoleName.RESIDENT: Roles(),
    RoleName.VOLUNTEER: Roles(teams=(TeamRole(1, "", 1, "volunteer"),)),
    RoleName.LEADER: Roles(teams=(TeamRole(1, "", 1, "leader"),)),
    RoleName.WARD_ADMIN: Roles(wards=(1,)),
    RoleName.ADMIN: Roles(is_admin=True),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    parser.add_argument("--role", choices=[r.value for r in RoleName], default="")
    parser.add_argument("--lang", choices=list(SUPPORTED_LOCALES), default="")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print /help as each role (or one role) sees it."""
    catalog = default_translations(settings.default_locale).get(
        args.lang or settings.default_locale
    )
    router = build_router()
    roles = [RoleName(args.role)] if args.role else list(RoleName)
    for role in roles:
        say(f"== {role.value} ==")
        say(help_text(router, EXAMPLES[role], catalog))
        say("")
    return 0


COMMAND = Subcommand(
    "commands", "print the chat commands each role sees in /help", add_arguments, run
)
