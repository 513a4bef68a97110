"""Storage fixtures: a Database on each backend's freshly migrated database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage.db import Database


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """The Database over `db_url` (SQLite and PostgreSQL), closed afterwards."""
    database = Database(db_url)
    yield database
    database.close()
