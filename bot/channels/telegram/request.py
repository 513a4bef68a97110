"""python-telegram-bot's HTTP transport on aiohttp instead of httpx.

Under a burst of replies, PTB's default httpx transport was the largest single cost in a
webhook worker (about a third of its CPU in ``benchmarks/load_webhook.py``: connection-pool
bookkeeping and anyio layers per call). aiohttp is already our web server; its client does
the same job for less. The wire format is the one ``HTTPXRequest`` sends: form fields
(PTB's JSON-encoded parameters) or multipart when a file is attached. Write timeouts are not
supported by aiohttp and are ignored.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """A BaseRequest on one aiohttp ClientSession with a bounded connection pool."""

    def __init__(
        self,
        *,
        connections: int = 8,
        connect_timeout: float = 5.0,
        read_timeout: float = 5.0,
        pool_timeout: float = 30.0,
    ) -> None:
        self._connections = connections
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds it to long-polling timeouts)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the client session (once)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the client session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one Bot API call; map aiohttp's failures to PTB's TimedOut / NetworkError."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        body = _body(request_data)
        try:
            async with session.request(
                method, url, data=body, timeout=timeout, allow_redirects=False
            ) as response:  # a redirect would carry the token in its URL to another host
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are asyncio.TimeoutError
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields, or multipart with the files when the call uploads any."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, upload in request_data.multipart_data.items():
        filename, content, mime = _upload_parts(upload)
        form.add_field(name, content, filename=filename, content_type=mime)
    return form


def _upload_parts(upload: object) -> tuple[str | None, object, str | None]:
    """Unpack PTB's (filename, content[, mime type]) upload tuple."""
    assert isinstance(upload, tuple)
    filename = upload[0] if upload else None
    content = upload[1] if len(upload) > 1 else b""
    mime = upload[2] if len(upload) > 2 else None
    return filename, content, mime
