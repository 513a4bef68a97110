"""Any argument or button payload given to the leader tools gets a polite reply, never a crash."""

from __future__ import annotations

import asyncio
import itertools
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.core.messages import ChatKey, Incoming, Kind
from tests.reports import world as w

_ids = itertools.count()
COMMANDS = ("digest", "report", "hours", "target", "settings", "linkgroup", "unlinkgroup", "mute")
ARGS = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789#-/ abcdefghijklmnopqrstuvwxyz¹²", max_size=40),
    st.sampled_from(["#1", "#3", "team 2", "ward 1", "city", "2026-02 csv", "1 vneid2 9999999999"]),
)
PAYLOADS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789:_-¹", max_size=40)


def _send(app: App, user: str, **fields: object) -> list[str]:
    msg = Incoming(ChatKey("test", user, user), f"fz{next(_ids)}", **fields)  # type: ignore[arg-type]
    deliveries = asyncio.run(app.dispatcher.handle(msg))
    return [
        d.reply.text or (d.reply.document.filename if d.reply.document else "") for d in deliveries
    ]


@pytest.fixture
def world_app(app: App) -> App:
    w.build(app)
    app.dispatcher.flood.limit = 10**9
    return app


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(user=st.sampled_from(["200", "301", "500", "admin-1"]), command=st.sampled_from(COMMANDS),
       args=ARGS, button=st.booleans(), payload=PAYLOADS)  # fmt: skip
def test_leader_tools_never_crash(
    world_app: App, user: str, command: str, args: str, button: bool, payload: str,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.ERROR)
    if button:
        replies = _send(world_app, user, kind=Kind.BUTTON, payload=f"ldr:{payload}")
    else:
        replies = _send(world_app, user, kind=Kind.TEXT, text=f"/{command} {args}")
    unexpected = world_app.parts.translations.get("vi").text("error.unexpected")
    assert replies and unexpected not in replies, caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
