"""GET /files/{token}: a stored file, to whoever holds its unguessable, expiring link.

Unknown, expired and malformed tokens all get the same 404, so the answer never tells
whether a link once existed. Each download is logged with the file's row id, type and size
only (no address, no file name, no token). Nothing is cached on the way (`private, no-store`)
and the browser is told not to guess the type or run anything the file contains.
"""

from __future__ import annotations

import logging
import unicodedata
from urllib.parse import quote

from aiohttp import web

from bot.core.files import FILES_PATH, FileStore

logger = logging.getLogger(__name__)
FILE_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Robots-Tag": "noindex, nofollow",
}
INLINE_TYPES = ("image/png", "image/jpeg")


def ascii_filename(filename: str) -> str:
    """Return a plain-ASCII stand-in for a file name (Vietnamese letters lose their marks)."""
    folded = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in folded
                   if not unicodedata.combining(c))  # fmt: skip
    return kept.strip("._") or "file"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """Return a Content-Disposition header with an RFC 6266 / RFC 5987 file name."""
    clean = "".join(c for c in filename if c.isprintable() and c not in '\\/"') or "file"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_filename(clean)}\"; filename*=UTF-8''{quote(clean, safe='')}"


class FileRoute:
    """Serves the file store at /files/{token} (and wherever else it is mounted)."""

    def __init__(self, store: FileStore) -> None:
        self.store = store

    def add_routes(self, app: web.Application) -> None:
        """Register GET (and HEAD) /files/{token}."""
        app.router.add_get(FILES_PATH + "{token}", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        """Send the file, or the same 404 for every token that does not lead to one."""
        found = await self.store.open(request.match_info.get("token", ""))
        if found is None:
            return web.Response(status=404, text="Not found", headers=FILE_HEADERS)
        logger.info(
            "File %d sent (%s, %d bytes, %s)",
            found.file_id,
            found.content_type.split(";")[0],
            len(found.content),
            request.method,
        )
        inline = found.content_type in INLINE_TYPES
        headers = {
            **FILE_HEADERS,
            "Content-Type": found.content_type,
            "Content-Disposition": content_disposition(found.filename, inline=inline),
        }
        return web.Response(body=found.content, headers=headers)
