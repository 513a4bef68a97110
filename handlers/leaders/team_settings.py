"""/settings (reminder day, time, on/off; digest on/off), /mute, /unmute, /linkgroup, /unlinkgroup."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply, rows
from domain.time_of_day import parse_time_of_day
from handlers.common import end, number, say
from handlers.leaders.scope import team_for
from storage import team_prefs
from storage.team_prefs import Prefs

TIME_CHOICES = (7 * 60, 8 * 60, 11 * 60, 16 * 60, 17 * 60, 18 * 60, 19 * 60, 20 * 60)
TIME_STATE = "ldr.time"


def clock_text(minute: int) -> str:
    """Return minutes after midnight as HH:MM."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _summary(ctx: Context, prefs: Prefs, team_name: str) -> str:
    on_off = {True: ctx.t("tsettings.on"), False: ctx.t("tsettings.off")}
    return ctx.t(
        "tsettings.summary",
        team=team_name,
        reminder=on_off[prefs.reminder_enabled],
        day=ctx.t(f"tsettings.weekday.{prefs.reminder_weekday}"),
        time=clock_text(prefs.reminder_minute),
        digest=on_off[prefs.digest_enabled],
        digest_day=ctx.t(f"tsettings.weekday.{prefs.digest_weekday}"),
        digest_time=clock_text(prefs.digest_minute),
        group=ctx.t("tsettings.group_yes" if prefs.has_group else "tsettings.group_no"),
    )


def _menu(ctx: Context, team_id: int, prefs: Prefs, team_name: str) -> Reply:
    toggle = "tsettings.turn_off" if prefs.reminder_enabled else "tsettings.turn_on"
    digest = "tsettings.digest_off" if prefs.digest_enabled else "tsettings.digest_on"
    base = f"ldr:s:{team_id}"
    buttons = rows(
        Button(ctx.t(toggle), f"{base}:rem"),
        Button(ctx.t("tsettings.change_day"), f"{base}:day"),
        Button(ctx.t("tsettings.change_time"), f"{base}:time"),
        Button(ctx.t(digest), f"{base}:dig"),
        per_row=2,
    )
    return Reply(text=_summary(ctx, prefs, team_name), buttons=buttons)


def show(ctx: Context) -> Outcome:
    """Show a team's reminder and digest settings with buttons to change them."""
    words = ctx.msg.args.lstrip("#")
    team = team_for(ctx, number(words))
    assert team.id is not None
    return Outcome([_menu(ctx, team.id, team_prefs.get(ctx.session, team.id), team.name)])


def on_button(ctx: Context, args: list[str]) -> Outcome:
    """Handle 'ldr:s:<team>:<what>[:<value>]' (the team is checked again: forged ids refused)."""
    team_id = number(args[0]) if args else None
    if len(args) < 2 or team_id is None:
        return say(ctx, "error.stale_button")
    team = team_for(ctx, team_id)
    assert team.id is not None
    what, value = args[1], number(args[2]) if len(args) > 2 else None
    prefs = team_prefs.get(ctx.session, team.id)
    base = f"ldr:s:{team.id}"
    if what == "rem":
        prefs = team_prefs.update(
            ctx.session, team.id, now=ctx.now, reminder_enabled=not prefs.reminder_enabled
        )
    elif what == "dig":
        prefs = team_prefs.update(
            ctx.session, team.id, now=ctx.now, digest_enabled=not prefs.digest_enabled
        )
    elif what == "day" and len(args) == 2:
        days = [Button(ctx.t(f"tsettings.weekday.{d}"), f"{base}:day:{d}") for d in range(7)]
        return Outcome([Reply(text=ctx.t("tsettings.ask_day"), buttons=rows(*days, per_row=4))])
    elif what == "day" and value is not None and value < 7:
        prefs = team_prefs.update(ctx.session, team.id, now=ctx.now, reminder_weekday=value)
    elif what == "time" and len(args) == 2:
        times = [Button(clock_text(m), f"{base}:time:{m}") for m in TIME_CHOICES]
        times.append(Button(ctx.t("tsettings.other_time"), f"{base}:tt"))
        ask = Reply(text=ctx.t("tsettings.ask_time"), buttons=rows(*times, per_row=4))
        return Outcome([ask], next_state=TIME_STATE, data={"team": team.id})  # or typed
    elif what == "time" and value is not None and value < 1440:
        prefs = team_prefs.update(ctx.session, team.id, now=ctx.now, reminder_minute=value)
    elif what == "tt":
        return Outcome(
            [Reply(text=ctx.t("tsettings.type_time"))],
            next_state=TIME_STATE,
            data={"team": team.id},
        )
    else:
        return say(ctx, "error.stale_button")
    saved = [Reply(text=ctx.t("tsettings.saved")), _menu(ctx, team.id, prefs, team.name)]
    return Outcome(saved, next_state=None)  # a pressed time ends the typed-time step too


def on_time(ctx: Context) -> Outcome:
    """Take a typed reminder time ('18:30', '18h30', '6 giờ chiều')."""
    minute = parse_time_of_day(ctx.msg.text)
    if minute is None:
        return say(ctx, "tsettings.bad_time")
    team = team_for(ctx, int(ctx.data.get("team", 0)) or None)
    assert team.id is not None
    prefs = team_prefs.update(ctx.session, team.id, now=ctx.now, reminder_minute=minute)
    replies = [Reply(text=ctx.t("tsettings.saved")), _menu(ctx, team.id, prefs, team.name)]
    return Outcome(replies, next_state=None)


def mute(ctx: Context) -> Outcome:
    """Stop the weekly nudges for the sender."""
    changed = team_prefs.mute(ctx.session, person_id=ctx.person_id, now=ctx.now)
    return say(ctx, "mute.done" if changed else "mute.already")


def unmute(ctx: Context) -> Outcome:
    """Resume the weekly nudges for the sender."""
    changed = team_prefs.unmute(ctx.session, person_id=ctx.person_id)
    return say(ctx, "mute.undone" if changed else "mute.not_muted")


def link_group(ctx: Context) -> Outcome:
    """Send the team's weekly digest to this group chat too (sent in the group by its leader)."""
    if not ctx.msg.is_group:
        return say(ctx, "group.only_in_group")
    words = ctx.msg.args.lstrip("#")
    team = team_for(ctx, number(words))
    assert team.id is not None
    team_prefs.update(
        ctx.session,
        team.id,
        now=ctx.now,
        group_channel=ctx.key.channel,
        group_chat_id=ctx.key.chat_id,
    )
    return end(ctx, "group.linked", team=team.name)


def unlink_group(ctx: Context) -> Outcome:
    """Stop sending the digest to the team's group chat."""
    words = ctx.msg.args.lstrip("#")
    team = team_for(ctx, number(words))
    assert team.id is not None
    team_prefs.update(ctx.session, team.id, now=ctx.now, group_channel="", group_chat_id="")
    return say(ctx, "group.unlinked", team=team.name)
