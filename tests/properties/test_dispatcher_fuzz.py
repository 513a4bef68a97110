"""Property tests: any text, command or button payload gets a polite reply and never a crash."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App, build_app
from bot.core.channel import ChannelCaps
from bot.core.clock import FixedClock
from bot.core.messages import ChatKey, Incoming, Kind, Reply
from bot.settings import Settings
from storage import invites, teams
from tests.conftest import DEFAULT_NOW

ROLES = ("resident", "volunteer", "leader", "admin")
_ids = itertools.count()


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: object) -> Iterator[App]:
    import shutil

    path = tmp_path_factory.mktemp("fuzz") / "bot.db"
    shutil.copy(str(sqlite_template), path)
    settings = Settings(database_url=f"sqlite:///{path}", admins=frozenset({("fuzz", "admin")}))
    app = build_app(settings, clock=FixedClock(DEFAULT_NOW), migrate=False)
    app.dispatcher.flood.limit = 10**9
    for channel, buttons in (("fuzz", True), ("plainfuzz", False)):
        app.dispatcher.register_channel(channel, ChannelCaps(buttons=buttons), None)
    now = DEFAULT_NOW

    def setup(session: object) -> list[str]:
        team = teams.create_team(
            session, ward_name="Phường Hải Châu", name="Tổ 1", areas=["TDP 1"], now=now
        )  # type: ignore[arg-type]
        return [
            invites.create_invite(
                session, team_id=team.id or 0, role=role, now=now, ttl=timedelta(days=7)
            ).code  # type: ignore[arg-type]
            for role in ("volunteer", "leader")
        ]

    codes = app.db.run_sync(setup)
    for channel in ("fuzz", "plainfuzz"):
        for role, code in zip(("volunteer", "leader"), codes, strict=True):
            if channel == "plainfuzz":
                code = app.db.run_sync(
                    lambda s, role=role: (
                        invites.create_invite(
                            s, team_id=1, role=role, now=now, ttl=timedelta(days=7)
                        ).code
                    )
                )
            _process(
                app,
                Incoming(
                    ChatKey(channel, role, role),
                    f"setup-{channel}-{role}",
                    Kind.TEXT,
                    text=f"/start {code}",
                ),
            )
    yield app
    app.close()


def _process(app: App, msg: Incoming) -> list[str]:
    """Run one update through the dispatcher's transaction; return the reply texts."""
    from bot.core.dispatcher import _Abort

    try:
        deliveries = app.db.run_sync(lambda s: app.dispatcher.process(s, msg))
    except _Abort as abort:
        deliveries = abort.deliveries
    return [_describe(d.reply) for d in deliveries]


def _describe(reply: Reply) -> str:
    """Return a reply's text, or the name of the file or picture it carries."""
    if reply.text:
        return reply.text
    if reply.document is not None:
        return reply.document.filename
    return reply.image.filename if reply.image is not None else ""


def _commands(app: App) -> list[str]:
    return sorted(app.dispatcher.router.commands)


texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="0123456789/:-@ vneidqrdvchomqua", max_size=60),
    st.sampled_from(["1", "2", "9", "0", "-1", "", " ", "\u200b", "😀", "א" * 20, "x" * 5000]),
)


@settings(
    max_examples=2500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    role=st.sampled_from(ROLES),
    channel=st.sampled_from(["fuzz", "plainfuzz"]),
    command=st.one_of(
        st.none(),
        st.sampled_from(
            [
                "start",
                "help",
                "cancel",
                "lang",
                "invite",
                "newteam",
                "teams",
                "privacy",
                "forgetme",
                "export",
                "log",
                "mine",
                "undo",
                "faq",
                "digest",
                "report",
                "hours",
                "settings",
                "link",
                "unanswered",
            ]
        ),
    ),
    text=texts,
)
def test_any_text_gets_a_polite_reply(
    fuzz_app: App,
    role: str,
    channel: str,
    command: str | None,
    text: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR)
    if command == "forgetme" or (command == "start" and text):
        command = "help"
    body = f"/{command} {text}" if command else text
    user = "admin" if role == "admin" else role
    msg = Incoming(ChatKey(channel, user, user), f"t{next(_ids)}", Kind.TEXT, text=body)
    replies = _process(fuzz_app, msg)
    unexpected = fuzz_app.parts.translations.get("vi").text("error.unexpected")
    assert unexpected not in replies, caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert replies, f"no reply to {body!r}"
    for reply in replies:
        assert reply and "Traceback" not in reply


@settings(
    max_examples=2500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    role=st.sampled_from(ROLES),
    prefix=st.sampled_from(
        ["lang", "menu", "team", "forget", "lg", "log", "mine", "faq", "ho", "help", "set", "x"]
    ),
    rest=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789:_-", max_size=40),
)
def test_any_button_payload_is_handled_or_refused_politely(
    fuzz_app: App, role: str, prefix: str, rest: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    if prefix == "forget":
        rest = "no"
    msg = Incoming(
        ChatKey("fuzz", role, role), f"b{next(_ids)}", Kind.BUTTON, payload=f"{prefix}:{rest}"
    )
    replies = _process(fuzz_app, msg)
    unexpected = fuzz_app.parts.translations.get("vi").text("error.unexpected")
    assert unexpected not in replies, caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
