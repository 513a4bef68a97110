"""Joining is forgiving: an invite code pasted or typed alone (no /start) joins the team."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.router import Router
from handlers import core
from storage import invites


def setup(router: Router) -> None:
    """Read free text as an invite code first, before any other reading of it."""
    fallback = router.text_fallback

    def on_text(ctx: Context) -> Outcome:
        if is_code_attempt(ctx):
            return core.join_and_greet(ctx, router, ctx.msg.text)
        if fallback is None:
            return Outcome()
        return fallback(ctx)

    router.text_fallback = on_text


def is_code_attempt(ctx: Context) -> bool:
    """Tell whether text typed alone is an invite code: new-style shape, or a stored older code."""
    text = ctx.msg.text.strip()
    if not invites.looks_like_code(text):
        return False
    if invites.CODE_SHAPE.fullmatch(invites.normalize_code(text)):
        return True  # a mistyped new-style code gets "unknown code", not an FAQ answer
    return invites.find_invite(ctx.session, text) is not None
