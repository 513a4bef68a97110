"""Flood limits of the anonymous web chat: per browser, per client address, and for newcomers.

Anyone can open the web chat and invent a browser id, so a browser's own limit alone does
not stop one machine from posing as thousands of residents (each a new person, stored
questions, notifications to volunteers). As reverse proxies and API gateways do, limits are
also kept per client address (messages per minute, new browser ids per hour) and for new
browser ids altogether (per minute). The client address is the peer, or, only when the peer
is a proxy listed in WEB_TRUSTED_PROXIES, the right-most address of X-Forwarded-For that is
not itself a trusted proxy (nginx's real_ip_recursive): a client can prepend anything to that
header, but not what the proxy appends.
"""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from enum import Enum

from bot.settings import IPNetwork, Settings
from bot.web.webchat import MAX_BROWSERS, RateLimiter

KNOWN_BROWSERS = 20_000


class Refusal(Enum):
    """Which limit refused a message (the label of the refused-messages metric)."""

    BROWSER = "browser"
    ADDRESS = "address"
    NEW_PER_ADDRESS = "new_per_address"
    NEW_OVERALL = "new_overall"


def _is_trusted(address: str, trusted: Sequence[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(peer: str | None, forwarded: str | None, trusted: Sequence[IPNetwork]) -> str:
    """Return the client's address: the peer, or what trusted proxies say it is."""
    candidate = peer or "unknown"
    if not forwarded or not _is_trusted(candidate, trusted):
        return candidate
    for hop in reversed([part.strip() for part in forwarded.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage: trust no further than the last proxy
        candidate = hop
        if not _is_trusted(hop, trusted):
            break
    return candidate


class WebFloodGuard:
    """Decides whether a web chat message is handled; remembers browsers seen recently."""

    def __init__(
        self,
        settings: Settings,
        *,
        browser: RateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.trusted = settings.web_trusted_proxies
        self.browser = browser or RateLimiter(clock=clock)
        self.address = RateLimiter(
            limit=settings.web_messages_per_address, window=60.0, clock=clock, max_keys=MAX_BROWSERS
        )
        self.new_per_address = RateLimiter(
            limit=settings.web_new_chats_per_address, window=3600.0, clock=clock
        )
        self.new_overall = RateLimiter(
            limit=settings.web_new_chats_per_minute, window=60.0, clock=clock, max_keys=1
        )
        self._known: OrderedDict[str, None] = OrderedDict()

    def remember(self, browser_id: str) -> None:
        """Note a browser the bot has answered (bounded, least recently seen forgotten)."""
        self._known[browser_id] = None
        self._known.move_to_end(browser_id)
        while len(self._known) > KNOWN_BROWSERS:
            self._known.popitem(last=False)

    async def check(
        self, browser_id: str, address: str, is_stored: Callable[[str], Awaitable[bool]]
    ) -> Refusal | None:
        """Return the limit a message breaks, or None to handle it (and count it)."""
        if not self.browser.allow(browser_id):
            return Refusal.BROWSER
        if not self.address.allow(address):
            return Refusal.ADDRESS
        if browser_id in self._known:
            self._known.move_to_end(browser_id)
            return None
        if await is_stored(browser_id):
            self.remember(browser_id)
            return None
        if not self.new_per_address.allow(address):
            return Refusal.NEW_PER_ADDRESS
        if not self.new_overall.allow("*"):
            return Refusal.NEW_OVERALL
        return None

    def retry_after(self, refusal: Refusal) -> int:
        """Return the seconds a refused client should wait (the Retry-After header)."""
        limiter = {
            Refusal.BROWSER: self.browser,
            Refusal.ADDRESS: self.address,
            Refusal.NEW_PER_ADDRESS: self.new_per_address,
            Refusal.NEW_OVERALL: self.new_overall,
        }[refusal]
        return int(limiter.window)
