"""Files the bot hands out by link: bytes in the database, found by an unguessable token.

A token is 32 random bytes (256 bits) in URL-safe base64. Only its SHA-256 is stored, so a
copy of the database (a backup) does not contain working links. A file is found only while
it has not expired; expired rows are removed by the daily cleanup (`purge_expired`).
The bytes live in the database so that every worker serves every file, without a shared disk.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, LargeBinary, delete
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import utc_column

TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
MAX_FILE_BYTES = 20 * 1024 * 1024


class StoredFile(SQLModel, table=True):
    """One file reachable by link until it expires (the token itself is never stored)."""

    __tablename__ = "stored_file"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size: int = 0
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column(index=True)


@dataclass(frozen=True)
class FileInfo:
    """What a download needs: the bytes and how to present them."""

    file_id: int
    filename: str
    content_type: str
    content: bytes
    expires_at: datetime


def new_token() -> str:
    """Return a fresh unguessable token (256 bits, 43 URL-safe characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """Return what is stored for a token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def looks_like_token(value: str) -> bool:
    """Tell whether a value has the shape of a token (checked before any database read)."""
    return TOKEN_PATTERN.fullmatch(value) is not None


def put(
    session: Session,
    *,
    content: bytes,
    filename: str,
    content_type: str,
    now: datetime,
    ttl: timedelta,
) -> tuple[str, datetime]:
    """Store a file; return its token and the moment its link stops working."""
    if len(content) > MAX_FILE_BYTES:
        raise ValueError(f"file of {len(content)} bytes is over {MAX_FILE_BYTES}")
    token = new_token()
    expires = now + ttl
    session.add(
        StoredFile(
            token_hash=token_hash(token),
            filename=filename[:200],
            content_type=content_type[:100],
            size=len(content),
            content=content,
            created_at=now,
            expires_at=expires,
        )
    )
    session.flush()
    return token, expires


def get(session: Session, *, token: str, now: datetime) -> FileInfo | None:
    """Return a file by token while it has not expired; None for unknown and expired alike."""
    if not looks_like_token(token):
        return None
    row = session.exec(
        select(StoredFile)
        .where(col(StoredFile.token_hash) == token_hash(token))
        .where(col(StoredFile.expires_at) > now)
    ).first()
    if row is None or row.id is None:
        return None
    return FileInfo(row.id, row.filename, row.content_type, bytes(row.content), row.expires_at)


def purge_expired(session: Session, *, now: datetime) -> int:
    """Remove every expired file; return how many went."""
    result = session.execute(delete(StoredFile).where(col(StoredFile.expires_at) <= now))
    return int(getattr(result, "rowcount", 0) or 0)
