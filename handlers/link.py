"""One person on several channels: /link codes and /notify (where digests and reminders go)."""

from __future__ import annotations

from bot.channels.registry import channel_names, channel_spec, notify_channels
from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply, rows
from bot.core.router import Router
from handlers.common import say
from storage import people
from storage.links import (
    LINK_TTL,
    LinkResult,
    contact_identity,
    create_code,
    preferred_channel,
    redeem_code,
    set_preferred_channel,
)

RESULT_KEYS = {
    LinkResult.UNKNOWN: "link.unknown",
    LinkResult.EXPIRED: "link.expired",
    LinkResult.ALREADY: "link.already",
}


def setup(router: Router) -> None:
    """Register /link, /notify and the notification-channel buttons."""
    router.command("link", link, order=40, platform_menu=True)
    router.command("notify", notify, order=41)
    router.button("notify", notify_button)


def _channel_name(ctx: Context, channel: str) -> str:
    spec = channel_spec(channel)
    return ctx.t(spec.display_key) if spec is not None else channel


def _linked_channels(ctx: Context) -> list[str]:
    found = {identity.channel for identity in people.identities_of(ctx.session, ctx.person_id)}
    return sorted(found)


def link(ctx: Context) -> Outcome:
    """Without a code: give a one-time code to type on the other channel; with one: redeem it."""
    if ctx.msg.is_group:
        return say(ctx, "link.private_only")
    typed = ctx.msg.args
    if typed:
        result = redeem_code(ctx.session, code=typed, person=ctx.person, now=ctx.now)
        if result is not LinkResult.LINKED:
            return say(ctx, RESULT_KEYS[result])
        return say(ctx, "link.done", channel=_channel_name(ctx, ctx.key.channel))
    code = create_code(ctx.session, person_id=ctx.person_id, channel=ctx.key.channel, now=ctx.now)
    linked = ", ".join(_channel_name(ctx, c) for c in _linked_channels(ctx))
    minutes = int(LINK_TTL.total_seconds() // 60)
    return Outcome(
        [
            Reply(text=ctx.t("link.code", code=code.code, minutes=minutes)),
            Reply(text=ctx.t("link.linked", channels=linked)),
        ]
    )


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
