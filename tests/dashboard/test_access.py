"""Issue 18, points 1 and 4: sign-in through the bot, sessions, scope, headers, access log.

The bot's real web server runs on loopback (no platform token: the web server alone); links
come from the real /dashboard handler through the dispatcher. Cookies are handled by hand so
that the Secure ones (PUBLIC_BASE_URL is https here) can be replayed over loopback http.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from http.cookies import SimpleCookie

import aiohttp
import openpyxl
import pytest

from bot.app import App, build_app
from bot.core.clock import FixedClock
from bot.runtime import Runtime
from bot.settings import Settings
from bot.web.dashboard.render import POLICY
from bot.web.dashboard.routes import COOKIE
from tests.dashboard.world import LINK, World, seed
from tests.factories import Harness
from tests.reports.documents import Docx

PUBLIC = "https://dash.example.org"


@pytest.fixture
async def served(
    settings: Settings, clock: FixedClock
) -> AsyncIterator[tuple[Runtime, World, Harness]]:
    """The bot's web server with PUBLIC_BASE_URL set, and the seeded world."""
    core = build_app(replace(settings, web_port=0, public_base_url=PUBLIC), clock=clock,
                     migrate=False)  # fmt: skip
    core.dispatcher.flood.limit = 10**9
    harness = Harness(core)
    world = seed(core, harness)
    runtime = Runtime(core)
    await runtime.start()
    try:
        yield runtime, world, harness
    finally:
        await runtime.stop()
        core.close()


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield session


def vi(app: App, key: str, **params: object) -> str:
    return app.parts.translations.get("vi").text(key, **params)


async def link_for(runtime: Runtime, world: World, who: str) -> str:
    """Ask the bot for a link as `who`; return it pointed at the local server."""
    await world.users[who].say("/dashboard")
    text = world.users[who].text()
    found = LINK.search(text)
    assert found is not None, text
    assert found.group(1) == PUBLIC
    assert runtime.server is not None
    return runtime.server.url + found.group(2)


async def sign_in(
    runtime: Runtime, world: World, who: str, client: aiohttp.ClientSession
) -> tuple[str, SimpleCookie]:
    """Open the link, press the button; return the session cookie and its attributes."""
    link = await link_for(runtime, world, who)
    async with client.get(link) as shown:
        assert shown.status == 200
        assert 'action="/dashboard/login"' in await shown.text()
    token = link.rsplit("/", 1)[1]
    base = link.split("/dashboard/")[0]
    async with client.post(f"{base}/dashboard/login", data={"token": token},
                           allow_redirects=False) as opened:  # fmt: skip
        assert opened.status == 303 and opened.headers["Location"] == "/dashboard/"
        jar = SimpleCookie(opened.headers["Set-Cookie"])
    return jar[COOKIE].value, jar


async def get(
    client: aiohttp.ClientSession, runtime: Runtime, path: str, cookie: str = ""
) -> tuple[int, str, dict[str, str]]:
    assert runtime.server is not None
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    async with client.get(runtime.server.url + path, headers=headers, allow_redirects=False) as r:
        return r.status, await r.text(errors="replace"), dict(r.headers)


async def test_without_a_public_address_the_bot_says_what_to_configure(
    app: App, harness: Harness
) -> None:
    world = seed(app, harness)
    user = world.users["leader"]
    await user.say("/dashboard")
    assert user.texts() == [vi(app, "dashboard.no_public_url")]
    assert "PUBLIC_BASE_URL" in user.text() and "https://" in user.text()


async def test_the_link_signs_in_once_with_a_strict_cookie_for_eight_hours(
    served: tuple[Runtime, World, Harness], client: aiohttp.ClientSession
) -> None:
    runtime, world, _ = served
    await world.users["leader"].say("/dashboard")
    message = world.users["leader"].text()
    assert "15" in message and "09:15" in message  # valid 15 minutes, until 09:15 Vietnam time
    link = await link_for(runtime, world, "leader")
    async with client.get(link) as first, client.get(link) as second:  # previews do not spend it
        assert first.status == second.status == 200
    cookie, jar = await sign_in(runtime, world, "leader", client)
    morsel = jar[COOKIE]
    assert morsel["httponly"] and morsel["secure"] and morsel["samesite"] == "Strict"
    assert morsel["max-age"] == str(8 * 3600) and morsel["path"] == "/dashboard"
    status, page, _ = await get(client, runtime, "/dashboard/", cookie)
    assert status == 200 and "Tổ A1" in page  # the scope, in words
    assert "Trần Thị Lan" in page  # who is signed in
    status, page, _ = await get(client, runtime, "/dashboard/teams", cookie)
    assert status == 200 and "Tổ A1" in page and "Tổ A2" not in page and "Tổ B1" not in page


async def test_a_used_or_expired_link_gets_a_clear_page_and_no_session(
    served: tuple[Runtime, World, Harness], client: aiohttp.ClientSession, clock: FixedClock
) -> None:
    runtime, world, _ = served
    core = runtime.core
    link = await link_for(runtime, world, "leader")
    token = link.rsplit("/", 1)[1]
    base = link.split("/dashboard/")[0]
    async with client.post(f"{base}/dashboard/login", data={"token": token},
                           allow_redirects=False) as used:  # fmt: skip
        assert used.status == 303
    for attempt in ("get", "post"):
        async with client.request(
            attempt.upper(), link if attempt == "get" else f"{base}/dashboard/login",
            data={"token": token} if attempt == "post" else None, allow_redirects=False,
        ) as again:  # fmt: skip
            page = await again.text()
            assert again.status == 410 and "Set-Cookie" not in again.headers
            assert vi(core, "dash.error.link.title") in page and "/dashboard" in page
            assert "Tổ A1" not in page
    late = await link_for(runtime, world, "leader")
    clock.advance(timedelta(minutes=15, seconds=1))
    async with client.get(late) as expired:
        assert expired.status == 410 and vi(core, "dash.error.link.body") in await expired.text()
    async with client.post(f"{base}/dashboard/login", data={"token": late.rsplit("/", 1)[1]},
                           allow_redirects=False) as refused:  # fmt: skip
        assert refused.status == 410 and "Set-Cookie" not in refused.headers
    status, page, _ = await get(client, runtime, "/dashboard/login/not-a-token")
    assert status == 410


@pytest.mark.parametrize(
    "cookie",
    ["", "forged", "A" * 43, "x" * 43 + "; other=1"],
    ids=["none", "short", "shaped", "junk"],
)
async def test_a_missing_or_forged_cookie_shows_no_data(
    served: tuple[Runtime, World, Harness], client: aiohttp.ClientSession, cookie: str
) -> None:
    runtime, world, _ = served
    for path in ("/dashboard/", "/dashboard/teams", f"/dashboard/teams/{world.a1}",
                 f"/dashboard/download?scope=team-{world.a1}&fmt=csv"):  # fmt: skip
        status, page, headers = await get(client, runtime, path, cookie)
        assert status == 401, path
        assert vi(runtime.core, "dash.error.signed_out.title") in page
        assert "Tổ A1" not in page and "Trần Thị Lan" not in page
        assert headers["Content-Security-Policy"] == POLICY


async def test_sessions_end_after_eight_hours_and_at_sign_out(
    served: tuple[Runtime, World, Harness], client: aiohttp.ClientSession, clock: FixedClock
) -> None:
    runtime, world, _ = served
    cookie, _ = await sign_in(runtime, world, "leader", client)
    clock.advance(timedelta(hours=7, minutes=59))
    assert (await get(client, runtime, "/dashboard/", cookie))[0] == 200
    clock.advance(timedelta(minutes=2))
    assert (await get(client, runtime, "/dashboard/", cookie))[0] == 401
    cookie, _ = await sign_in(runtime, world, "leader", client)
    assert runtime.server is not None
    async with client.post(runtime.server.url + "/dashboard/logout",
                           headers={"Cookie": f"{COOKIE}={cookie}"}) as out:  # fmt: skip
        assert out.status == 200
        assert vi(runtime.core, "dash.signed_out.title") in await out.text()
        assert SimpleCookie(out.headers["Set-Cookie"])[COOKIE].value == ""
    status, _page, _ = await get(client, runtime, "/dashboard/", cookie)  # a replayed cookie
    assert status == 401


@pytest.mark.parametrize(
    ("who", "team", "allowed"),
    [
        ("leader", "a1", True), ("leader", "a2", False), ("leader", "b1", False),
        ("ward_admin", "a2", True), ("ward_admin", "b1", False),
        ("admin", "b1", True), ("leader_b1", "a1", False),
    ],
)  # fmt: skip
async def test_ids_outside_the_scope_get_not_found_and_no_data(
    served: tuple[Runtime, World, Harness],
    client: aiohttp.ClientSession,
    who: str,
    team: str,
    allowed: bool,
) -> None:
    runtime, world, _ = served
    cookie, _ = await sign_in(runtime, world, who, client)
    team_id = getattr(world, team)
    name = {"a1": "Tổ A1", "a2": "Tổ A2", "b1": "Tổ B1"}[team]
    status, page, _ = await get(client, runtime, f"/dashboard/teams/{team_id}", cookie)
    assert (status == 200) is allowed and (name in page) is allowed
    if not allowed:
        assert status == 404 and vi(runtime.core, "dash.error.not_found.title") in page
    status, _body, _ = await get(
        client, runtime, f"/dashboard/download?scope=team-{team_id}&fmt=csv", cookie
    )
    assert (status == 200) is allowed
    ward = world.ward_b if team == "b1" else world.ward_a
    status, _, _ = await get(client, runtime, f"/dashboard/download?scope=ward-{ward}", cookie)
    assert (status == 200) is (who == "admin" or (who == "ward_admin" and team != "b1"))
    status, _, _ = await get(client, runtime, "/dashboard/download?scope=city", cookie)
    assert (status == 200) is (who == "admin")
    for unknown in ("999", "abc", "-1", "1" * 12):  # unknown ids look the same as forbidden ones
        status, page, _ = await get(client, runtime, f"/dashboard/teams/{unknown}", cookie)
        assert status == 404 and vi(runtime.core, "dash.error.not_found.body") in page


async def test_downloads_are_the_report_files(
    served: tuple[Runtime, World, Harness], client: aiohttp.ClientSession
) -> None:
    runtime, world, _ = served
    cookie, _ = await sign_in(runtime, world, "ward_admin", client)
    assert runtime.server is not None
    url = runtime.server.url + f"/dashboard/download?scope=ward-{world.ward_a}&month=2026-03"
    async with client.get(url + "&fmt=xlsx", headers={"Cookie": f"{COOKIE}={cookie}"}) as got:
        assert got.status == 200
        name = f"phu-luc-bao-cao-ward-{world.ward_a}-2026-03.xlsx"
        assert got.headers["Content-Disposition"].startswith(f'attachment; filename="{name}"')
        book = openpyxl.load_workbook(io.BytesIO(await got.read()))
    assert book.sheetnames[0] == "1. Theo nội dung" and book.sheetnames[-1] == "Data"
    async with client.get(url + "&fmt=docx", headers={"Cookie": f"{COOKIE}={cookie}"}) as got:
        assert got.status == 200
        assert f"bao-cao-ward-{world.ward_a}-2026-03.docx" in got.headers["Content-Disposition"]
        report = Docx.load(await got.read())
    assert report.cell_lines(report.header, 0, 0)[0] == "ỦY BAN NHÂN DÂN"
    async with client.get(url + "&fmt=csv", headers={"Cookie": f"{COOKIE}={cookie}"}) as got:
        rows = list(csv.reader(io.StringIO((await got.read()).decode("utf-8-sig"))))
    assert ["vneid_level2", "2", "5", "4", "90"] in rows and ["vssid", "1", "4", "3", "90"] in rows
    path = f"/dashboard/download?scope=ward-{world.ward_a}"
    for bad in ("&fmt=exe", "&month=2026-13", "&month=hôm-nay"):
        status, page, _ = await get(client, runtime, path + bad, cookie)
        assert status == 400 and vi(runtime.core, "dash.error.bad.title") in page


async def test_every_response_carries_the_strict_policy(
    served: tuple[Runtime, World, Harness], client: aiohttp.ClientSession
) -> None:
    runtime, world, _ = served
    cookie, _ = await sign_in(runtime, world, "admin", client)
    assert "script-src" not in POLICY and "'unsafe-inline'" not in POLICY
    assert POLICY.startswith("default-src 'none'") and "frame-ancestors 'none'" in POLICY
    paths = ["/dashboard", "/dashboard/", "/dashboard/teams?sort=name&dir=asc&q=a&silent=1",
             f"/dashboard/teams/{world.b1}", "/dashboard/downloads", "/dashboard/nowhere",
             "/dashboard/teams/999", "/dashboard/download?scope=city&fmt=xlsx",
             "/dashboard/lang/en?next=/dashboard/teams"]  # fmt: skip
    for path in paths:
        status, _page, headers = await get(client, runtime, path, cookie)
        assert status in (200, 302, 303, 404), path
        assert headers["Content-Security-Policy"] == POLICY, path
        assert headers["Referrer-Policy"] == "no-referrer" and headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "private, no-store"


async def test_language_switch_and_no_open_redirect(
    served: tuple[Runtime, World, Harness], client: aiohttp.ClientSession
) -> None:
    runtime, world, _ = served
    cookie, _ = await sign_in(runtime, world, "leader", client)
    en = runtime.core.parts.translations.get("en")
    for target, expected in (("/dashboard/teams", "/dashboard/teams"),
                             ("https://evil.example/", "/dashboard/"),
                             ("/dashboard//evil.example", "/dashboard/")):  # fmt: skip
        status, _, headers = await get(client, runtime, f"/dashboard/lang/en?next={target}", cookie)
        assert status == 303 and headers["Location"] == expected
    lang = SimpleCookie(headers["Set-Cookie"])["tcns_dash_lang"].value
    assert runtime.server is not None
    cookies = {"Cookie": f"{COOKIE}={cookie}; tcns_dash_lang={lang}"}
    async with client.get(runtime.server.url + "/dashboard/teams", headers=cookies) as page:
        text = await page.text()
    assert '<html lang="en">' in text and en.text("dash.teams.title") in text


async def test_access_is_logged_without_tokens_or_personal_data(
    served: tuple[Runtime, World, Harness],
    client: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime, world, _ = served
    caplog.set_level(logging.DEBUG)
    link = await link_for(runtime, world, "leader")
    token = link.rsplit("/", 1)[1]
    cookie, _ = await sign_in(runtime, world, "leader", client)
    await get(client, runtime, "/dashboard/", cookie)
    await get(client, runtime, f"/dashboard/teams/{world.a1}", cookie)
    await get(client, runtime, f"/dashboard/teams/{world.b1}", cookie)
    views = [r.getMessage() for r in caplog.records if r.name == "bot.web.dashboard.access"]
    assert any(v.startswith("Dashboard overview viewed by person ") for v in views)
    assert any("team viewed by person" in v and f"team_id={world.a1}" in v for v in views)
    assert any(f"Dashboard team {world.b1} refused" in v for v in views)
    assert all(" at 2026-03-04T02:00:00+00:00" in v for v in views if "viewed" in v)
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert token not in everything and cookie not in everything
    assert "Trần Thị Lan" not in everything and "0905123456" not in everything


async def test_pages_show_display_names_only(
    served: tuple[Runtime, World, Harness], client: aiohttp.ClientSession
) -> None:
    runtime, world, _ = served
    cookie, _ = await sign_in(runtime, world, "leader", client)
    status, page, _ = await get(client, runtime, f"/dashboard/teams/{world.a1}", cookie)
    assert status == 200
    for name in ("Trần Thị Lan", "Nguyễn Văn Hùng", "Lê Thu Hà"):
        assert name in page
    assert "0905123456" not in page and "vol_1" not in page  # notes and channel ids never shown
    assert "lam sao cai vneid" not in page  # residents' questions are counted, not quoted
    assert "<form" in page and page.count("<form") == 1  # only sign-out (no form changes data)
