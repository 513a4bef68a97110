"""End-to-end fixtures shared by the webhook, web chat and fault tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client for posting to the bot's web server."""
    async with aiohttp.ClientSession() as session:
        yield session


class Ticks:
    """A hand-moved monotonic clock for the web chat's rate limiters."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    """A monotonic clock the test moves by hand."""
    return Ticks()
