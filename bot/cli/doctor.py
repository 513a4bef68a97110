"""`python -m bot doctor`: check a deployment, one line per check, and say what to fix.

Checks: the database answers and is migrated to the head; each configured platform token is
accepted (getMe); in webhook mode (WEBHOOK_BASE_URL set) each platform's webhook points at
it; PUBLIC_BASE_URL answers /healthz; the time zone is Vietnam's; BOT_ADMINS names someone.
Exit code 0 only when every check passes (a check that does not apply is skipped).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.channels.registry import platform_channels
from bot.cli.base import Subcommand, say
from bot.settings import Settings
from storage.db import make_engine, normalise_url
from storage.migrate import alembic_config, current_heads

TIMEOUT_SECONDS = 10.0
VIETNAM_OFFSET = timedelta(hours=7)


@dataclass(frozen=True)
class Check:
    """One check's verdict: passed, failed or skipped, and a line for the admin."""

    name: str
    status: str  # "ok" | "FAIL" | "skip"
    detail: str

    def line(self) -> str:
        """Return the line printed for this check."""
        return f"[{self.status:>4}] {self.name}: {self.detail}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds per call")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run every check, print one line each, exit 0 only when none failed."""
    checks = [check_database(settings), *asyncio.run(_network_checks(settings, args.timeout))]
    checks += [check_timezone(settings), check_admins(settings)]
    for check in checks:
        say(check.line())
    failed = sum(1 for c in checks if c.status == "FAIL")
    say(f"{failed} check(s) failed" if failed else "All checks passed")
    return 1 if failed else 0


def check_database(settings: Settings) -> Check:
    """The database answers and is at the newest migration."""
    name = "database"
    url = make_url(normalise_url(settings.database_url))
    on_disk = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if on_disk and not Path(url.database or "").is_file():
        return Check(name, "FAIL", f"{url.database} does not exist: python -m bot db upgrade")
    try:
        engine = make_engine(settings.database_url)
    except Exception as exc:
        return Check(name, "FAIL", f"cannot open DATABASE_URL ({type(exc).__name__})")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
        current = current_heads(engine)
    except Exception as exc:
        return Check(name, "FAIL", f"not reachable ({type(exc).__name__}): check DATABASE_URL")
    finally:
        engine.dispose()
    if current != heads:
        at = ", ".join(sorted(current)) or "empty"
        return Check(name, "FAIL", f"at {at}, head is {', '.join(sorted(heads))}: "
                     "python -m bot db upgrade")  # fmt: skip
    return Check(name, "ok", f"reachable, migrated to {', '.join(sorted(heads))}")


def check_timezone(settings: Settings) -> Check:
    """Times are shown and scheduled in Vietnam's time zone."""
    offset = datetime.now(UTC).astimezone(settings.timezone).utcoffset()
    if offset != VIETNAM_OFFSET:
        return Check("time zone", "FAIL", f"BOT_TIMEZONE is {settings.timezone.key} (UTC{offset}); "
                     "teams in Vietnam use Asia/Ho_Chi_Minh")  # fmt: skip
    return Check("time zone", "ok", f"{settings.timezone.key} (UTC+07:00)")


def check_admins(settings: Settings) -> Check:
    """Someone can administer the bot, on a channel that runs."""
    if not settings.admins:
        return Check("admins", "FAIL", "BOT_ADMINS is empty: set channel:user_id of the admins")
    configured = set(settings.configured_channels()) | {"web", "console"}
    unusable = sorted(f"{c}:{u}" for c, u in settings.admins if c not in configured)
    if unusable:
        return Check("admins", "FAIL", f"{', '.join(unusable)}: that channel has no token")
    names = ", ".join(sorted(f"{c}:{u}" for c, u in settings.admins))
    return Check("admins", "ok", f"{len(settings.admins)} admin(s): {names}")


def _method_url(base: str, token: str, method: str) -> str:
    """Telegram's base ends in /bot; others (Zalo) take /bot{token} after the base."""
    prefix = base + token if base.endswith("/bot") else f"{base}/bot{token}"
    return f"{prefix}/{method}"


async def _call(http: aiohttp.ClientSession, base: str, token: str, method: str) -> Any:
    """Call a bot API method; return its result or raise RuntimeError (never with the token)."""
    try:
        async with http.post(_method_url(base, token, method), json={}) as response:
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise RuntimeError(
            f"no answer from {base.split('/bot')[0]} ({type(exc).__name__})"
        ) from None
    if not isinstance(body, dict) or not body.get("ok"):
        description = body.get("description", "") if isinstance(body, dict) else ""
        raise RuntimeError(f"refused: {description or 'not ok'}")
    return body.get("result")


async def _network_checks(settings: Settings, seconds: float) -> list[Check]:
    checks: list[Check] = []
    limits = aiohttp.ClientTimeout(total=seconds)
    async with aiohttp.ClientSession(timeout=limits) as http:
        for spec in platform_channels():
            config = settings.channel(spec.name)
            token_name = spec.setting("BOT_TOKEN")
            if not config.token:
                checks.append(Check(f"{spec.name} token", "skip", f"{token_name} not set"))
                continue
            try:
                me = await _call(http, config.api_base_url, config.token, "getMe")
            except RuntimeError as problem:
                checks.append(Check(f"{spec.name} token", "FAIL", f"{token_name} {problem}"))
                continue
            who = me.get("username") or me.get("account_name") or me.get("id") if me else ""
            checks.append(Check(f"{spec.name} token", "ok", f"accepted (bot {who})"))
            if settings.webhook_base_url and spec.webhook_path:
                checks.append(await _webhook(http, settings, spec.name, spec.webhook_path))
        if not settings.webhook_base_url:
            checks.append(Check("webhooks", "skip", "WEBHOOK_BASE_URL not set (polling mode)"))
        checks.append(await _healthz(http, settings))
    return checks


async def _webhook(
    http: aiohttp.ClientSession, settings: Settings, channel: str, path: str
) -> Check:
    config = settings.channel(channel)
    wanted = settings.webhook_base_url + path
    name = f"{channel} webhook"
    try:
        info = await _call(http, config.api_base_url, config.token, "getWebhookInfo")
    except RuntimeError as problem:
        return Check(name, "FAIL", str(problem))
    url = info.get("url", "") if isinstance(info, dict) else ""
    if url != wanted:
        found = url or "none"
        return Check(name, "FAIL", f"registered at {found}, expected {wanted}: "
                     "python -m bot run --webhook --register-webhooks")  # fmt: skip
    return Check(name, "ok", f"registered at {wanted}")


async def _healthz(http: aiohttp.ClientSession, settings: Settings) -> Check:
    if not settings.public_base_url:
        return Check("public address", "skip", "PUBLIC_BASE_URL not set (no web chat or links)")
    url = settings.public_base_url + "/healthz"
    try:
        async with http.get(url) as response:
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        return Check("public address", "FAIL", f"{url} does not answer ({type(exc).__name__})")
    if status != 200:
        return Check("public address", "FAIL", f"{url} answered {status}, not 200")
    return Check("public address", "ok", f"{url} answers")


COMMAND = Subcommand("doctor", "check a deployment and say what to fix", add_arguments, run)
