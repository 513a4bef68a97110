"""PTB's Bot API calls over our aiohttp transport: wire format and failures, against loopback."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import BodyPartReader, web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from bot.channels.telegram.request import AiohttpRequest

TOKEN = "42:TEST"
ME = {"id": 42, "is_bot": True, "first_name": "b", "username": "b_bot"}


class Recorder:
    """A tiny Bot API on 127.0.0.1 that records what each call carried."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.release = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "hang":
            await self.release.wait()
        fields: dict[str, Any] = {}
        if request.content_type == "multipart/form-data":
            async for part in await request.multipart():
                assert isinstance(part, BodyPartReader)
                fields[part.name or ""] = (part.filename, bytes(await part.read()))
        else:
            fields = dict(await request.post())
        self.calls.append((method, request.content_type, fields))
        chat = {"id": 7, "type": "private"}
        result: Any = ME if method == "getMe" else {"message_id": 1, "date": 0, "chat": chat}
        return web.json_response({"ok": True, "result": result})


@pytest.fixture
async def server() -> AsyncIterator[tuple[Recorder, str]]:
    recorder = Recorder()
    app = web.Application()
    app.router.add_post(f"/bot{TOKEN}/{{method}}", recorder.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield recorder, f"http://127.0.0.1:{port}/bot"
    recorder.release.set()
    await runner.cleanup()


async def test_text_calls_are_form_fields_like_ptbs_own_transport(
    server: tuple[Recorder, str],
) -> None:
    recorder, base = server
    bot = Bot(TOKEN, base_url=base, request=AiohttpRequest(), get_updates_request=AiohttpRequest())
    async with bot:
        sent = await bot.send_message(7, "Xin chào", reply_markup=None)
    assert sent.message_id == 1
    method, content_type, fields = recorder.calls[-1]
    assert (method, content_type) == ("sendMessage", "application/x-www-form-urlencoded")
    assert fields == {"chat_id": "7", "text": "Xin chào"}


async def test_files_go_as_multipart_with_their_name(server: tuple[Recorder, str]) -> None:
    recorder, base = server
    bot = Bot(TOKEN, base_url=base, request=AiohttpRequest(), get_updates_request=AiohttpRequest())
    async with bot:
        await bot.send_document(7, InputFile(b"a;b\n1;2\n", filename="bao-cao.csv"), caption="T3")
    method, content_type, fields = recorder.calls[-1]
    assert (method, content_type) == ("sendDocument", "multipart/form-data")
    assert fields["caption"] == (None, b"T3")
    filename, content = fields["document"]
    assert (filename, content) == ("bao-cao.csv", b"a;b\n1;2\n")
    assert json.loads(fields["chat_id"][1]) == 7


async def test_a_server_that_does_not_answer_is_a_timeout(server: tuple[Recorder, str]) -> None:
    _recorder, base = server
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"{base}{TOKEN}/hang")
    finally:
        await request.shutdown()


async def test_a_closed_port_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()


async def test_calls_before_initialize_are_refused() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/x", "POST")
