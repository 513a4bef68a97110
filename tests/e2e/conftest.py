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
