"""/dashboard: a one-time link (15 minutes) that signs a manager in to the web dashboard."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.dashboard import LINK_TTL, login_url
from bot.core.declare import chat_command
from bot.core.flow import Outcome
from bot.core.roles import MANAGERS
from bot.core.router import HelpGroup
from handlers.common import say
from storage.dashboard_access import Scope, create_link


def scope_of(ctx: Context) -> Scope:
    """Return what the sender may see: admin → city, ward admin → wards, leader → led teams."""
    roles = ctx.roles
    return Scope(roles.is_admin, tuple(sorted(roles.wards)), tuple(sorted(roles.led_teams())))


def scope_text(ctx: Context, scope: Scope) -> str:
    """Return the scope in words for the reply."""
    if scope.city:
        return ctx.t("dashboard.scope.city")
    parts = []
    if scope.wards:
        parts.append(ctx.t("dashboard.scope.wards", count=len(scope.wards)))
    if scope.teams:
        parts.append(ctx.t("dashboard.scope.teams", count=len(scope.teams)))
    return ", ".join(parts)


@chat_command("dashboard", roles=MANAGERS, group=HelpGroup.TEAM, order=35)
def dashboard(ctx: Context) -> Outcome:
    """Reply with a one-time sign-in link to the dashboard, or say what the admin must set."""
    base = ctx.settings.public_url
    if not base:
        return say(ctx, "dashboard.no_public_url")
    scope = scope_of(ctx)
    if scope.empty:
        return say(ctx, "error.not_allowed")
    token, expires = create_link(
        ctx.session, person_id=ctx.person_id, scope=scope, locale=ctx.locale, now=ctx.now,
        ttl=LINK_TTL,
    )  # fmt: skip
    until = expires.astimezone(ctx.tz).strftime("%H:%M")
    minutes = int(LINK_TTL.total_seconds() // 60)
    return say(
        ctx, "dashboard.link", url=login_url(base, token), minutes=minutes, time=until,
        scope=scope_text(ctx, scope),
    )  # fmt: skip
