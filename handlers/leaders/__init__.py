"""Leader tools: weekly digest, reminders settings, targets, monthly report and hours."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.roles import MANAGERS, MEMBERS
from bot.core.roles import RoleName as R
from bot.core.router import HelpGroup, Router
from handlers.common import end, say
from handlers.leaders import commands, monthly, targets, team_settings


def setup(router: Router) -> None:
    """Register the leader commands, their buttons ('ldr:') and flow states ('ldr.')."""
    team, logging = HelpGroup.TEAM, HelpGroup.LOGGING
    router.command("digest", commands.digest, roles=MANAGERS, group=team, order=20, menu={R.LEADER})
    router.command("report", monthly.report, roles=MANAGERS, group=team, order=30, menu=MANAGERS)
    router.command("hours", commands.hours, roles=MANAGERS, group=team, order=40)
    router.command("target", targets.target, roles=MANAGERS, group=team, order=50)
    router.command("settings", team_settings.show, roles=MANAGERS, group=team, order=60)
    router.command("linkgroup", team_settings.link_group, roles=MANAGERS, group=team, order=80)
    router.command("unlinkgroup", team_settings.unlink_group, roles=MANAGERS, group=team, order=81)
    router.command("mute", team_settings.mute, roles=MEMBERS, group=logging, order=70)
    router.command("unmute", team_settings.unmute, roles=MEMBERS, group=logging, order=71)
    router.button("ldr", on_button, roles=MANAGERS)
    router.state("ldr", on_text, roles=MANAGERS)
    router.button("rpt", monthly.on_button, roles=MANAGERS)
    router.state("rpt", monthly.on_text, roles=MANAGERS)


def on_button(ctx: Context) -> Outcome:
    """Route 'ldr:s:…' (settings) and 'ldr:t:…' (targets) buttons."""
    parts = ctx.msg.payload.split(":")
    if len(parts) >= 2 and parts[1] == "s":
        return team_settings.on_button(ctx, parts[2:])
    if len(parts) >= 2 and parts[1] == "t":
        return targets.on_button(ctx, parts[2:])
    return say(ctx, "error.stale_button")


def on_text(ctx: Context) -> Outcome:
    """Route text typed in a leader flow (a reminder time or a target number)."""
    if ctx.state == team_settings.TIME_STATE:
        return team_settings.on_time(ctx)
    if ctx.state == targets.TARGET_STATE:
        return targets.on_number(ctx)
    return end(ctx, "error.stale_button")
