"""Start, help, cancel, language, invites and the main menu."""

from __future__ import annotations

from datetime import timedelta

from bot.core.commands import help_text, main_menu
from bot.core.context import Context
from bot.core.declare import chat_command
from bot.core.flow import Outcome
from bot.core.links import BotLinks
from bot.core.messages import Button, Reply, rows
from bot.core.roles import EVERYONE, MANAGERS, Roles
from bot.core.roles import RoleName as R
from bot.core.router import HelpGroup, Router
from bot.settings import SUPPORTED_LOCALES
from handlers.common import end, number, say
from storage import invites, people, teams
from storage.invites import RedeemResult

ROLE_KEYS = {"leader": "role.leader", "volunteer": "role.volunteer"}
ADMINS = frozenset({R.WARD_ADMIN, R.ADMIN})
CANCEL_WORDS = ("hủy", "hủy bỏ", "thôi", "cancel", "stop", "thoát")
EXACT_CANCEL_WORDS = ("dừng", "dừng lại")
"""Ways out matched with their diacritics: "dừng" folds to "dung", as "đúng" (right) does."""


def setup(router: Router) -> None:
    """Register the core commands and buttons."""
    admin = HelpGroup.ADMIN
    router.command("start", lambda ctx: start(ctx, router), order=1, platform_menu=True)
    router.command(
        "help", lambda ctx: help_(ctx, router), order=2, menu=EVERYONE, platform_menu=True
    )
    router.command("cancel", cancel, order=91, platform_menu=True, aliases=("huy",))
    router.command(
        "invite",
        invite,
        roles=MANAGERS,
        group=HelpGroup.TEAM,
        order=10,
        menu={R.LEADER, R.ADMIN},
        platform_menu=True,
    )
    router.command("teams", list_teams, roles=ADMINS, group=admin, order=10, menu=ADMINS)
    router.command("newteam", new_team, roles={R.ADMIN}, group=admin, order=20, menu={R.ADMIN})
    router.button("lang", set_language)
    router.button("team", team_button, roles={R.ADMIN})
    router.state("team", team_step, roles={R.ADMIN})
    router.button("menu", lambda ctx: open_menu_item(ctx, router))
    router.flow_word(cancel, *CANCEL_WORDS)
    router.flow_word(cancel, *EXACT_CANCEL_WORDS, exact=True)


def start(ctx: Context, router: Router) -> Outcome:
    """Join a team with an invite code, or greet the person and show their menu."""
    return join_and_greet(ctx, router, ctx.msg.args)


def join_and_greet(ctx: Context, router: Router, code: str) -> Outcome:
    """Redeem an invite code when one is given, then greet the person with their menu."""
    replies: list[Reply] = []
    if code:
        replies.append(Reply(text=_redeem(ctx, code)))
        ctx.roles = _reload_roles(ctx)
    name = ctx.msg.display_name or ctx.t("start.friend")
    replies.append(
        Reply(
            text=ctx.t(f"start.welcome.{ctx.roles.main}", name=name),
            buttons=main_menu(router, ctx.roles, ctx.catalog),
        )
    )
    return Outcome(replies, next_state=None)


def _reload_roles(ctx: Context) -> Roles:
    wards, teams = people.roles_of(ctx.session, ctx.person_id)
    return Roles(is_admin=ctx.roles.is_admin, wards=tuple(wards), teams=tuple(teams))


def _redeem(ctx: Context, code: str) -> str:
    result, invite = invites.redeem_invite(
        ctx.session, code=code.strip(), person_id=ctx.person_id, now=ctx.now
    )
    if invite is None or result in (RedeemResult.UNKNOWN,):
        return ctx.t("invite.unknown")
    if result is RedeemResult.EXPIRED:
        return ctx.t("invite.expired")
    if result is RedeemResult.USED:
        return ctx.t("invite.used")
    team = teams.get_team(ctx.session, invite.team_id)
    team_name = team.name if team else "?"
    if result is RedeemResult.ALREADY:
        return ctx.t("invite.already", team=team_name)
    if ctx.msg.display_name and not ctx.person.display_name:
        ctx.person.display_name = ctx.msg.display_name[:200]
        ctx.session.add(ctx.person)
    return ctx.t(
        "invite.joined", team=team_name, role=ctx.t(ROLE_KEYS.get(invite.role, "role.volunteer"))
    )


def help_(ctx: Context, router: Router) -> Outcome:
    """Show the help text for the sender's role."""
    text = help_text(router, ctx.roles, ctx.catalog)
    return Outcome([Reply(text=text, buttons=main_menu(router, ctx.roles, ctx.catalog))])


def cancel(ctx: Context) -> Outcome:
    """Leave whatever flow the person is in."""
    if not ctx.state:
        return end(ctx, "cancel.nothing")
    return end(ctx, "cancel.done")


@chat_command("lang", order=30, menu={R.RESIDENT}, platform_menu=True)
def choose_language(ctx: Context) -> Outcome:
    """Offer the languages as buttons."""
    buttons = rows(Button("Tiếng Việt", "lang:vi"), Button("English", "lang:en"), per_row=2)
    return Outcome([Reply(text=ctx.t("lang.choose"), buttons=buttons)])


def set_language(ctx: Context) -> Outcome:
    """Store the chosen language."""
    choice = ctx.msg.payload.partition(":")[2]
    if choice not in SUPPORTED_LOCALES:
        return say(ctx, "error.stale_button")
    people.set_locale(ctx.session, ctx.person, choice)
    ctx.locale = choice
    return say(ctx, "lang.set")


def open_menu_item(ctx: Context, router: Router) -> Outcome:
    """Run the command a main-menu button names, if the sender may use it."""
    name = ctx.msg.payload.partition(":")[2]
    info = router.find_command(name)
    if info is None or not ctx.roles.may(info.roles):
        return say(ctx, "error.stale_button")
    return info.handler(ctx)


def invite(ctx: Context) -> Outcome:
    """Create an invite code: leaders invite volunteers; admins may invite leaders too.

    Usage: /invite [volunteer|leader] [team id] [uses]
    """
    words = ctx.msg.args.split()
    role = "volunteer"
    team_id: int | None = None
    max_uses = 1
    for word in words:
        lowered = word.casefold()
        if lowered in ("leader", "nhomtruong", "totruong"):
            role = "leader"
        elif lowered in ("volunteer", "thanhvien", "tinhnguyenvien"):
            role = "volunteer"
        elif lowered.startswith("x") and lowered[1:].isascii() and lowered[1:].isdigit():
            max_uses = max(1, min(int(lowered[1:]), 100))
        elif (typed := number(word)) is not None:
            team_id = typed
        else:
            return say(ctx, "invite.usage")
    if team_id is None:
        led = ctx.roles.led_teams()
        if not led:
            return say(ctx, "invite.need_team")
        team_id = led[0]
    team = teams.get_team(ctx.session, team_id)
    if team is None or team.id is None:
        return say(ctx, "invite.no_such_team")
    if not ctx.roles.can_manage_team(team.id, team.ward_id):
        return say(ctx, "error.not_allowed")
    if role == "leader" and not (ctx.roles.is_admin or team.ward_id in ctx.roles.wards):
        return say(ctx, "invite.leader_needs_admin")
    created = invites.create_invite(
        ctx.session,
        team_id=team.id,
        role=role,
        now=ctx.now,
        ttl=timedelta(days=ctx.settings.invite_ttl_days),
        max_uses=max_uses,
        created_by=ctx.person_id,
    )
    link = ctx.parts.get(BotLinks).telegram_start(created.code)
    return say(
        ctx,
        "invite.created",
        team=team.name,
        role=ctx.t(ROLE_KEYS[role]),
        code=invites.grouped(created.code),
        link=link or ctx.t("invite.no_link"),
        days=ctx.settings.invite_ttl_days,
        uses=max_uses,
    )


def new_team(ctx: Context) -> Outcome:
    """Create a team in one line (/newteam <ward> | <team> | <areas>) or step by step."""
    if not ctx.msg.args:
        return Outcome([Reply(text=ctx.t("team.ask_ward"))], next_state="team.ward", data={})
    parts = [part.strip() for part in ctx.msg.args.split("|")]
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return say(ctx, "team.usage")
    areas = [a.strip()[:200] for a in parts[2].split(",")] if len(parts) > 2 else []
    return _confirm_team(ctx, {"ward": parts[0][:200], "name": parts[1][:200], "areas": areas})


def team_step(ctx: Context) -> Outcome:
    """Store one answer of the step-by-step team creation and ask the next question."""
    answer = ctx.msg.text.strip()[:200]
    data = dict(ctx.data)
    if ctx.state == "team.ward":
        data["ward"] = answer
        return Outcome([Reply(text=ctx.t("team.ask_name"))], next_state="team.name", data=data)
    if ctx.state == "team.name":
        data["name"] = answer
        skip = rows(Button(ctx.t("team.no_areas"), "team:noareas"))
        return Outcome(
            [Reply(text=ctx.t("team.ask_areas"), buttons=skip)], next_state="team.areas", data=data
        )
    if ctx.state == "team.areas":
        data["areas"] = [a.strip()[:200] for a in ctx.msg.text.split(",") if a.strip()]
        return _confirm_team(ctx, data)
    return say(ctx, "team.press_button")


def _confirm_team(ctx: Context, data: dict[str, object]) -> Outcome:
    areas = data.get("areas") or []
    assert isinstance(areas, list)
    text = ctx.t(
        "team.confirm",
        ward=data["ward"],
        team=data["name"],
        areas=", ".join(str(a) for a in areas) or "—",
    )
    buttons = rows(
        Button(ctx.t("button.confirm"), "team:ok"),
        Button(ctx.t("button.cancel"), "team:no"),
        per_row=2,
    )
    return Outcome([Reply(text=text, buttons=buttons)], next_state="team.confirm", data=data)


def team_button(ctx: Context) -> Outcome:
    """Handle the buttons of team creation: skip areas, confirm, cancel."""
    action = ctx.msg.payload.partition(":")[2]
    if not ctx.state.startswith("team."):
        return say(ctx, "error.stale_button")
    if action == "noareas" and ctx.state == "team.areas":
        return _confirm_team(ctx, {**ctx.data, "areas": []})
    if action == "no":
        return end(ctx, "cancel.done")
    if action != "ok" or ctx.state != "team.confirm":
        return say(ctx, "error.stale_button")
    ward_name, team_name = str(ctx.data.get("ward", "")), str(ctx.data.get("name", ""))
    if teams.find_team(ctx.session, ward_name=ward_name, name=team_name) is not None:
        return end(ctx, "team.exists", team=team_name, ward=ward_name)
    areas = [str(a) for a in ctx.data.get("areas") or []]
    team = teams.create_team(
        ctx.session, ward_name=ward_name, name=team_name, areas=areas, now=ctx.now
    )
    return end(ctx, "team.created", team=team.name, ward=ward_name, id=team.id)


def list_teams(ctx: Context) -> Outcome:
    """List the teams the sender may see (all for admins, their wards for ward admins)."""
    wards = {w.id: w.name for w in teams.list_wards(ctx.session)}
    visible = [
        t
        for t in teams.list_teams(ctx.session)
        if ctx.roles.is_admin or t.ward_id in ctx.roles.wards
    ]
    if not visible:
        return say(ctx, "team.none")
    lines = [ctx.t("team.list_header")]
    lines += [f"#{t.id} · {t.name} · {wards.get(t.ward_id, '?')}" for t in visible[:50]]
    return Outcome([Reply(text="\n".join(lines))])
