"""Alembic migrations, run programmatically (`python -m bot db upgrade`, and on first start)."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """Return an Alembic config bound to this engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Upgrade the database to the given revision (all heads by default)."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the database to the given revision."""
    command.downgrade(alembic_config(engine), revision)


def current_heads(engine: Engine) -> set[str]:
    """Return the revisions the database is at."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def script_heads(engine: Engine) -> set[str]:
    """Return the newest revisions the code knows."""
    return set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def ensure_upgraded(engine: Engine) -> bool:
    """Upgrade when the database is behind the code; return True when something was applied."""
    if current_heads(engine) == script_heads(engine):
        return False
    logger.info("Upgrading database schema")
    upgrade(engine)
    return True
