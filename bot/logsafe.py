"""One logging filter that masks secrets wherever they appear in a log line.

Bot tokens travel inside URLs (the Bot API puts the token in the path), so any error that
prints a URL (a redirect, a failed connection, an HTTP library's own message) would write
the token to the log. The filter sits on the log handlers, so it sees every record that is
written, whichever logger and library made it; it masks the configured tokens and webhook
secrets exactly, and anything shaped like a Telegram bot token (`<digits>:<35 characters>`)
even when it is not ours. The message, its arguments and the exception text are all covered.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.settings import Settings

MASK = "***"
TOKEN_SHAPE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")
"""What Telegram bot tokens look like (bot id, a colon, a 35-character secret)."""


class SecretMask(logging.Filter):
    """Replace known secrets and token-shaped strings in a record by ***."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: tuple[str, ...] = ()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Mask these values too (empty values are ignored); longest first."""
        known = set(self.secrets) | {s for s in secrets if s and len(s) >= 4}
        self.secrets = tuple(sorted(known, key=len, reverse=True))

    def mask(self, text: str) -> str:
        """Return text with every secret replaced."""
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return TOKEN_SHAPE.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message and exception text; never drops a record."""
        message = record.getMessage()
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


def settings_secrets(settings: Settings) -> list[str]:
    """Return every token and webhook secret in the settings, and the database password."""
    found: list[str] = []
    for config in settings.channels.values():
        found += [config.token, config.webhook_secret]
        found += config.token.split(":", 1)[1:]  # the secret half alone, as some URLs carry it
    with contextlib.suppress(ArgumentError):
        found.append(make_url(settings.database_url).password or "")
    return [value for value in found if value]


def install(secrets: Iterable[str], logger: logging.Logger | None = None) -> SecretMask:
    """Put one SecretMask on every handler of a logger (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        for existing in handler.filters:
            if isinstance(existing, SecretMask):
                existing.add(secrets)
                return existing
    mask = SecretMask(secrets)
    for handler in target.handlers:
        handler.addFilter(mask)
    return mask
