"""Reading a JSON object from an HTTP request at the edge: the size, the nesting and the NULs.

Every channel's door (the platforms' webhooks and the web chat) reads its body here, so a
body that is too large, not JSON, nested thousands deep or not an object gets a 4xx from the
caller and never a 500 with a traceback; NUL characters are removed (domain.jsonsafe).
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from aiohttp import web

from domain.jsonsafe import TooDeep, clean_json


class BodyProblem(Enum):
    """Why a body was refused, with the HTTP status to answer."""

    SIZE = 413
    BODY = 400


async def read_json_object(request: web.Request, *, max_bytes: int) -> dict[str, Any] | BodyProblem:
    """Return the request's JSON object, cleaned, or the problem that refuses it."""
    if request.content_length is not None and request.content_length > max_bytes:
        return BodyProblem.SIZE
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return BodyProblem.SIZE
    if len(raw) > max_bytes:
        return BodyProblem.SIZE
    try:
        body = clean_json(json.loads(raw.decode("utf-8")))
    except (ValueError, RecursionError):  # UnicodeDecodeError and TooDeep are ValueErrors
        return BodyProblem.BODY
    return body if isinstance(body, dict) else BodyProblem.BODY


__all__ = ["BodyProblem", "TooDeep", "read_json_object"]
