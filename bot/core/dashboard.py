"""The web dashboard's shared constants: where it lives and how long links and sessions last.

Kept in the core (no aiohttp) so that the /dashboard handler and the web routes agree.
"""

from __future__ import annotations

from datetime import timedelta

DASHBOARD_PATH = "/dashboard"
LOGIN_PATH = f"{DASHBOARD_PATH}/login/"
LINK_TTL = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=8)


def login_url(public_base_url: str, token: str) -> str:
    """Return the absolute one-time sign-in link of a token."""
    return f"{public_base_url.rstrip('/')}{LOGIN_PATH}{token}"
