"""Wiring: builds the database, parts, router and dispatcher from Settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from bot.core.clock import Clock, SystemClock
from bot.core.context import AppParts
from bot.core.dispatcher import Dispatcher
from bot.core.i18n import Translations, default_translations
from bot.core.links import BotLinks
from bot.settings import Settings, SettingsError
from handlers.faq.service import build_faq_service
from handlers.registry import build_router
from storage.db import DEFAULT_BUSY_MS, Database
from storage.migrate import ensure_upgraded

logger = logging.getLogger(__name__)


@dataclass
class App:
    """The assembled bot core, channel-agnostic."""

    settings: Settings
    db: Database
    parts: AppParts
    dispatcher: Dispatcher

    def close(self) -> None:
        """Release the database."""
        self.db.close()


def build_parts(
    settings: Settings, *, clock: Clock | None = None, translations: Translations | None = None
) -> AppParts:
    """Create the long-lived parts handlers use."""
    parts = AppParts(
        settings=settings,
        translations=translations or default_translations(settings.default_locale),
        clock=clock or SystemClock(),
    )
    parts.add(BotLinks(telegram_username=settings.channel("telegram").username))
    parts.add(build_faq_service(province=settings.province))
    return parts


class DatabaseUnreachable(SettingsError):
    """The database named by DATABASE_URL cannot be opened or reached (password masked)."""


def masked_url(url: str) -> str:
    """Return a database URL fit for a message: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparsable URL)"


def open_database(url: str, *, migrate: bool = True, busy_ms: int = DEFAULT_BUSY_MS) -> Database:
    """Open the database (and upgrade it); raise DatabaseUnreachable with one clear reason."""
    db: Database | None = None
    try:
        db = Database(url, busy_ms=busy_ms)
        with db.engine.connect():
            pass
        if migrate:
            ensure_upgraded(db.engine)
        return db
    except (DBAPIError, OSError, ValueError, ArgumentError) as error:
        if db is not None:
            db.close()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        first = reason[0] if reason else type(error).__name__
        problem = f"cannot open the database {masked_url(url)} ({first})"
        raise DatabaseUnreachable("DATABASE_URL", problem) from error


def build_app(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> App:
    """Open the database (upgrading an empty or old one) and assemble the core."""
    db = open_database(settings.database_url, migrate=migrate, busy_ms=settings.sqlite_busy_ms)
    parts = build_parts(settings, clock=clock)
    dispatcher = Dispatcher(db, build_router(), parts)
    parts.add(dispatcher)  # for messages sent outside an update (Dispatcher.prepare)
    return App(settings=settings, db=db, parts=parts, dispatcher=dispatcher)
