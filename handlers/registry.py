"""Builds the router from every feature module, in priority order."""

from __future__ import annotations

import importlib
import pkgutil

import handlers
from bot.core.declare import register_declared
from bot.core.router import Router
from handlers import assistlog, core, faq, leaders, link, privacy
from handlers import members
from handlers import joining


def import_all_handler_modules() -> None:
    """Import every module under handlers/, so their @chat_command declarations are recorded."""
    for info in pkgutil.walk_packages(handlers.__path__, prefix="handlers."):
        importlib.import_module(info.name)


def build_router() -> Router:
    """Return a router with every feature registered."""
    router = Router()
    core.setup(router)
    link.setup(router)
    leaders.setup(router)
    privacy.setup(router)
    faq.setup(router)
    assistlog.setup(router)
    members.setup(router)
    joining.setup(router)  # after every other reading of free text: a pasted code comes first
    import_all_handler_modules()
    register_declared(router)
    return router
