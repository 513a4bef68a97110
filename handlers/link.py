"""One person on several channels: /link codes and /notify (where digests and reminders go).

/link without a code gives a one-time code (to type on the person's other, already trusted
account) and lists the accounts already linked, each with an unlink button. /link with a code
shows the person typing it what will happen (which account will act as them, with which
roles) and links only after their explicit "yes"; anything else leaves everything as it was.
The rules themselves (different channels only, no web chat with roles, the creator brings no
roles) are in `storage.links`.
"""

from __future__ import annotations

import logging

from bot.channels.registry import channel_names, channel_spec, notify_channels
from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply, rows
from bot.core.router import Router
from handlers.common import end, number, say
from storage import handoff, people
from storage.links import (
    LINK_TTL,
    LinkCheck,
    LinkResult,
    Powers,
    check_code,
    contact_identity,
    create_code,
    preferred_channel,
    redeem_code,
    set_preferred_channel,
    unlink_identity,
)

logger = logging.getLogger(__name__)
CONFIRM_STATE = "link.confirm"
RESULT_KEYS = {
    LinkResult.UNKNOWN: "link.unknown",
    LinkResult.EXPIRED: "link.expired",
    LinkResult.ALREADY: "link.already",
    LinkResult.SAME_CHANNEL: "link.same_channel",
    LinkResult.WEB_WITH_ROLE: "link.web_with_role",
    LinkResult.CREATOR_HAS_ROLES: "link.creator_has_roles",
    LinkResult.CHANGED: "link.changed",
}


def setup(router: Router) -> None:
    """Register /link, /notify, the link and notification-channel buttons."""
    router.command("link", link, order=40, platform_menu=True)
    router.command("notify", notify, order=41)
    router.button("notify", notify_button)
    router.button("link", link_button)
    router.state("link", typed_while_confirming)


def _channel_name(ctx: Context, channel: str) -> str:
    spec = channel_spec(channel)
    return ctx.t(spec.display_key) if spec is not None else channel


def _linked_channels(ctx: Context) -> list[str]:
    found = {identity.channel for identity in people.identities_of(ctx.session, ctx.person_id)}
    return sorted(found)


def _own_identity_id(ctx: Context) -> int | None:
    own = people.find_identity(ctx.session, channel=ctx.key.channel, user_id=ctx.key.user_id)
    return own.id if own is not None else None


def link(ctx: Context) -> Outcome:
    """Without a code: give a one-time code and list linked accounts; with one: preview it."""
    if ctx.msg.is_group:
        return say(ctx, "link.private_only")
    typed = ctx.msg.args
    if typed:
        return _preview(ctx, typed)
    name = ctx.msg.display_name or ctx.person.display_name
    code = create_code(
        ctx.session,
        person_id=ctx.person_id,
        channel=ctx.key.channel,
        now=ctx.now,
        display_name=name,
    )
    linked = ", ".join(_channel_name(ctx, c) for c in _linked_channels(ctx))
    minutes = int(LINK_TTL.total_seconds() // 60)
    replies = [
        Reply(text=ctx.t("link.code", code=code.code, minutes=minutes)),
        Reply(text=ctx.t("link.linked", channels=linked)),
    ]
    others = _other_accounts(ctx)
    if others:
        buttons = rows(
            *(
                Button(ctx.t("link.unlink.button", channel=_channel_name(ctx, channel)), payload)
                for channel, payload in others
            )
        )
        replies.append(Reply(text=ctx.t("link.unlink.offer"), buttons=buttons))
    return Outcome(replies)


def _other_accounts(ctx: Context) -> list[tuple[str, str]]:
    """Return (channel, unlink payload) of the person's accounts other than this one."""
    own = _own_identity_id(ctx)
    return [
        (identity.channel, f"link:unlink:{identity.id}")
        for identity in sorted(
            people.identities_of(ctx.session, ctx.person_id), key=lambda i: i.id or 0
        )
        if identity.id != own
    ]


def _roles_text(ctx: Context, powers: Powers) -> str:
    """Describe roles in words: 'tổ trưởng Tổ 1, thành viên Tổ 2', or 'no role'."""
    parts = [
        f"{ctx.t('role.leader' if role == 'leader' else 'role.volunteer')} "
        f"{powers.team_names.get(team_id, f'#{team_id}')}"
        for team_id, role in sorted(powers.teams.items())
    ]
    if powers.wards:
        parts.append(ctx.t("link.role.ward_admin", count=len(powers.wards)))
    return ", ".join(parts) or ctx.t("link.role.none")


def _handoff_partner(ctx: Context) -> int | None:
    """Return the other side of the sender's live handoff conversation, if any."""
    live = handoff.taken_with(ctx.session, ctx.person_id)
    if live is None:
        return None
    return live.volunteer_id if live.resident_id == ctx.person_id else live.resident_id


def _preview(ctx: Context, typed: str) -> Outcome:
    """Check a typed code and show the typer what linking would do, with Yes / No buttons."""
    check = check_code(
        ctx.session,
        code=typed,
        person_id=ctx.person_id,
        now=ctx.now,
        is_admin=ctx.settings.is_admin,
    )
    if check.result is not LinkResult.READY:
        logger.info("Link code refused for %s: %s", ctx.key.channel, check.result.value)
        return end(ctx, RESULT_KEYS[check.result], roles=_roles_text(ctx, check.creator_powers))
    if check.creator_id == _handoff_partner(ctx):
        logger.warning("Refused a link code from the other side of a live handoff")
        return end(ctx, "link.from_partner")
    channel = _channel_name(ctx, check.creator_channel)
    others = [c for c in check.creator_channels if c != check.creator_channel]
    text = ctx.t(
        "link.confirm",
        channel=channel,
        name=check.creator_name or ctx.t("link.no_name"),
        roles=_roles_text(ctx, check.typer_powers),
    )
    if others:
        text += "\n" + ctx.t(
            "link.confirm_more", channels=", ".join(_channel_name(ctx, c) for c in others)
        )
    buttons = rows(
        Button(ctx.t("link.button.no"), "link:no"),
        Button(ctx.t("link.button.yes", channel=channel), "link:yes"),
    )
    data = {
        "code": check.code,
        "creator": check.creator_id,
        "accounts": list(check.creator_accounts),
        "teams": {str(k): v for k, v in check.typer_powers.teams.items()},
        "wards": sorted(check.typer_powers.wards),
    }
    return Outcome([Reply(text=text, buttons=buttons)], next_state=CONFIRM_STATE, data=data)


def _shown(data: dict[str, object]) -> LinkCheck | None:
    """Rebuild what the confirmation showed from the flow data (None when it is not there)."""
    code, creator, accounts = data.get("code"), data.get("creator"), data.get("accounts")
    teams, wards = data.get("teams"), data.get("wards")
    if not (
        isinstance(code, str)
        and isinstance(creator, int)
        and isinstance(accounts, list)
        and isinstance(teams, dict)
        and isinstance(wards, list)
    ):
        return None
    powers = Powers(
        teams={int(k): str(v) for k, v in teams.items()}, wards=frozenset(int(w) for w in wards)
    )
    return LinkCheck(
        LinkResult.READY,
        code=code,
        creator_id=creator,
        creator_accounts=tuple(int(a) for a in accounts),
        typer_powers=powers,
    )


def link_button(ctx: Context) -> Outcome:
    """The link buttons: confirm or refuse a previewed code, unlink an account."""
    _, _, rest = ctx.msg.payload.partition(":")
    action, _, argument = rest.partition(":")
    if action == "yes":
        return _confirm(ctx)
    if action == "no":
        return end(ctx, "link.cancelled") if ctx.state == CONFIRM_STATE else end(ctx, "cancel.done")
    if action in ("unlink", "unlink_yes"):
        identity_id = number(argument, positive=True)
        if identity_id is None:
            return say(ctx, "error.stale_button")
        return _unlink(ctx, identity_id, confirmed=action == "unlink_yes")
    return say(ctx, "error.stale_button")


def _confirm(ctx: Context) -> Outcome:
    shown = _shown(ctx.data) if ctx.state == CONFIRM_STATE else None
    if shown is None:
        logger.info("A link confirmation without a preview from %s", ctx.key.channel)
        return end(ctx, "error.stale_button")
    result = redeem_code(
        ctx.session,
        code=shown.code,
        person=ctx.person,
        now=ctx.now,
        is_admin=ctx.settings.is_admin,
        shown=shown,
        actor_identity_id=_own_identity_id(ctx),
    )
    if result is not LinkResult.LINKED:
        return end(ctx, RESULT_KEYS.get(result, "link.changed"), roles="")
    return end(ctx, "link.done", channel=_channel_name(ctx, ctx.key.channel))


def typed_while_confirming(ctx: Context) -> Outcome:
    """Anything typed instead of pressing Yes means no: nothing is linked."""
    return end(ctx, "link.cancelled")


def _unlink(ctx: Context, identity_id: int, *, confirmed: bool) -> Outcome:
    own = _own_identity_id(ctx)
    accounts = {i.id: i for i in people.identities_of(ctx.session, ctx.person_id)}
    target = accounts.get(identity_id)
    if target is None or identity_id == own or own is None:
        return say(ctx, "error.stale_button")
    channel = _channel_name(ctx, target.channel)
    if not confirmed:
        buttons = rows(
            Button(ctx.t("link.button.keep"), "link:no"),
            Button(ctx.t("link.unlink.button", channel=channel), f"link:unlink_yes:{identity_id}"),
        )
        return Outcome([Reply(text=ctx.t("link.unlink.ask", channel=channel), buttons=buttons)])
    unlink_identity(
        ctx.session,
        person_id=ctx.person_id,
        identity_id=identity_id,
        actor_identity_id=own,
        now=ctx.now,
    )
    return end(ctx, "link.unlink.done", channel=channel)


def notify(ctx: Context) -> Outcome:
    """Choose where digests and reminders go: /notify telegram or /notify zalo."""
    choice = ctx.msg.args.strip().casefold()
    if choice:
        return _choose(ctx, choice)
    current = preferred_channel(ctx.session, ctx.person_id)
    if not current:
        identity = contact_identity(ctx.session, ctx.person_id, channel_names())
        current = identity.channel if identity is not None else ctx.key.channel
    buttons = rows(
        *(Button(_channel_name(ctx, c), f"notify:{c}") for c in notify_channels()), per_row=2
    )
    text = ctx.t("notify.current", channel=_channel_name(ctx, current))
    return Outcome([Reply(text=text, buttons=buttons)])


def notify_button(ctx: Context) -> Outcome:
    """Store the channel chosen with a button."""
    return _choose(ctx, ctx.msg.payload.partition(":")[2])


def _choose(ctx: Context, choice: str) -> Outcome:
    if choice not in notify_channels():
        return say(ctx, "notify.usage")
    if choice not in _linked_channels(ctx):
        return say(ctx, "notify.not_linked", channel=_channel_name(ctx, choice))
    set_preferred_channel(ctx.session, person_id=ctx.person_id, channel=choice, now=ctx.now)
    return say(ctx, "notify.set", channel=_channel_name(ctx, choice))
