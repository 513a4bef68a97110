"""Files people fetch by link: the store channels get through their ChannelEnv.

A channel that cannot upload (Zalo) and the web chat keep what they hand out here and send
a link instead: `{PUBLIC_BASE_URL}/files/{token}`, unguessable and expiring (BOT_FILE_LINK_DAYS).
The bytes are in the database (storage.files), so any worker serves any link and a restart
loses nothing; the daily cleanup removes expired files.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.clock import Clock
from storage import files
from storage.db import Database
from storage.files import FileInfo

FILES_PATH = "/files/"
CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".csv": "text/csv; charset=utf-8",
    ".png": "image/png",
    ".pdf": "application/pdf",
}


def content_type_for(filename: str) -> str:
    """Return the Content-Type of a file by its extension (octet-stream when unknown)."""
    dot = filename.rfind(".")
    extension = filename[dot:].casefold() if dot >= 0 else ""
    known = CONTENT_TYPES.get(extension) or mimetypes.guess_type(f"x{extension}")[0]
    return known or "application/octet-stream"


@dataclass(frozen=True)
class FileLink:
    """A stored file's token, its absolute link ('' without a public address) and expiry."""

    token: str
    url: str
    expires_at: datetime


class FileStore:
    """Keeps files for download by link; every method is one short database transaction."""

    def __init__(
        self, db: Database, clock: Clock, *, public_base_url: str = "", ttl_days: int = 7
    ) -> None:
        self.db = db
        self.clock = clock
        self.public_base_url = public_base_url.rstrip("/")
        self.ttl = timedelta(days=ttl_days)

    def url(self, token: str) -> str:
        """Return the absolute link of a token, or '' when the bot has no public address."""
        return f"{self.public_base_url}{FILES_PATH}{token}" if self.public_base_url else ""

    async def save(self, content: bytes, filename: str) -> FileLink:
        """Store a file and return its link."""
        now, ttl, kind = self.clock.now(), self.ttl, content_type_for(filename)
        token, expires = await self.db.run(
            lambda s: files.put(
                s, content=content, filename=filename, content_type=kind, now=now, ttl=ttl
            )
        )
        return FileLink(token, self.url(token), expires)

    async def open(self, token: str) -> FileInfo | None:
        """Return a file by token, or None when unknown or expired (the two look the same)."""
        if not files.looks_like_token(token):
            return None
        now = self.clock.now()
        return await self.db.run(lambda s: files.get(s, token=token, now=now))

    async def purge_expired(self) -> int:
        """Remove expired files; return how many went."""
        now = self.clock.now()
        return await self.db.run(lambda s: files.purge_expired(s, now=now))
