"""Builds the router from every feature module, in priority order."""

from __future__ import annotations

from bot.core.router import Router
from handlers import core
from handlers import faq
from handlers import leaders
from handlers import link
from handlers import privacy
from handlers import sessionlog


def build_router() -> Router:
    """Return a router with every feature registered."""
    router = Router()
    core.setup(router)
    link.setup(router)
    leaders.setup(router)
    privacy.setup(router)
    faq.setup(router)
    sessionlog.setup(router)
    return router
