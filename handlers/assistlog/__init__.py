"""Session logging: /log (guided or one line), /undo, /edit, /mine, and the 'lg:' buttons."""

from __future__ import annotations

import logging
from typing import Any

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Reply
from bot.core.roles import RoleName as R
from bot.core.router import HelpGroup, Router
from handlers.assistlog import questions as q
from handlers.assistlog import steps
from handlers.assistlog.answers import answer
from handlers.assistlog.buttons import ACTIONS, stale
from handlers.assistlog.draft import HISTORY_MAX, Draft
from handlers.assistlog.mine import mine
from handlers.assistlog.quick import start_quick
from handlers.assistlog.records import RECORD_ACTIONS, edit_command, undo
from handlers.assistlog.steps import LOG_ROLES, ask, proceed

logger = logging.getLogger(__name__)
BACK_WORDS = ("quay lại", "lùi lại", "trở lại", "back")


def setup(router: Router) -> None:
    """Register the logging commands, buttons and flow states."""
    logging_ = HelpGroup.LOGGING
    menu = {R.VOLUNTEER, R.LEADER}
    router.command(
        "log",
        log_command,
        roles=LOG_ROLES,
        group=logging_,
        order=10,
        menu=menu,
        platform_menu=True,
    )
    router.command(
        "mine", mine, roles=LOG_ROLES, group=logging_, order=15, menu=menu, platform_menu=True
    )
    router.command("undo", undo, roles=LOG_ROLES, group=logging_, order=20)
    router.command("edit", edit_command, roles=LOG_ROLES, group=logging_, order=25)
    router.button("lg", on_button, roles=LOG_ROLES)
    router.state("log", on_text, roles=LOG_ROLES)
    router.flow_word(lambda ctx: back_word(ctx, router), *BACK_WORDS)


def default_team(ctx: Context) -> int | None:
    """Return the team to log for without asking: the one led, or the only one."""
    led = ctx.roles.led_teams()
    if len(led) == 1:
        return led[0]
    members = ctx.roles.member_teams()
    return members[0] if len(members) == 1 else None


def load_draft(ctx: Context) -> Draft | None:
    """Return the draft of the flow in progress, or None when there is none (or it is broken)."""
    if ctx.state not in steps.DRAFT_STATES and ctx.state != steps.RESUME:
        return None
    try:
        return Draft.from_data(ctx.data, today=ctx.local_now.date())
    except ValueError:
        logger.warning("Dropped unreadable logging data of %s", ctx.key)
        return None


def start_new(ctx: Context) -> Outcome:
    """Start a guided log."""
    return proceed(ctx, Draft(day=ctx.local_now.date(), team=default_team(ctx)))


def log_command(ctx: Context) -> Outcome:
    """Log a session: '/log <line>' reads one line; '/log' asks step by step (or resumes)."""
    if not ctx.roles.teams:
        return Outcome([Reply(text=ctx.t("log.no_team"))])
    if ctx.msg.args:
        return start_quick(ctx, ctx.msg.args, default_team(ctx))
    draft = load_draft(ctx)
    if draft is not None:
        if ctx.state != steps.RESUME:
            draft.prev = ctx.state
        return ask(q.ask_resume(ctx), steps.RESUME, draft)
    return start_new(ctx)


def on_button(ctx: Context) -> Outcome:
    """Route an 'lg:' button: record buttons carry an id; flow buttons must match the state."""
    if not ctx.roles.may(LOG_ROLES):
        return Outcome([Reply(text=ctx.t("error.not_allowed"))])
    _, _, rest = ctx.msg.payload.partition(":")
    action, *args = rest.split(":")
    record_action = RECORD_ACTIONS.get(action)
    if record_action is not None:
        return record_action(ctx, args)
    if action == "new" and ctx.state == steps.RESUME:
        return start_new(ctx)
    draft = load_draft(ctx)
    if action == "bk" and draft is not None and ctx.state in steps.DRAFT_STATES:
        return go_back(ctx, draft)
    known = ACTIONS.get(action)
    if known is None or draft is None or ctx.state not in known[0]:
        return stale(ctx)
    before = draft.to_data()
    outcome = known[1](ctx, draft, args)
    return remember(ctx, before, outcome) if outcome is not None else stale(ctx)


def on_text(ctx: Context) -> Outcome:
    """Handle text typed while a logging flow waits for an answer."""
    draft = load_draft(ctx)
    if draft is None:
        return Outcome([Reply(text=ctx.t("error.stale_button"))], next_state=None)
    before = draft.to_data()
    return remember(ctx, before, answer(ctx, draft))


def remember(ctx: Context, before: dict[str, Any], outcome: Outcome) -> Outcome:
    """Keep the step just answered in the draft's history, so 'quay lại' can go back to it."""
    data = outcome.data
    if not isinstance(outcome.next_state, str) or outcome.next_state not in steps.DRAFT_STATES:
        return outcome
    if data is None or ctx.state not in steps.DRAFT_STATES:
        return outcome
    history = before.pop("hist", [])
    changed = {k: v for k, v in data.items() if k != "hist"} != before
    if changed or outcome.next_state != ctx.state:
        data["hist"] = [*history, [ctx.state, before]][-HISTORY_MAX:]
    return outcome


def go_back(ctx: Context, draft: Draft) -> Outcome:
    """Go back one step: restore the draft as it was before the last answer, and ask again."""
    if not draft.hist:
        return steps.reask(ctx, draft, ctx.state, ctx.t("logx.back.first"))
    state, data = draft.hist[-1]
    try:
        previous = Draft.from_data(data, today=ctx.local_now.date())
    except ValueError:
        return steps.reask(ctx, draft, ctx.state, ctx.t("logx.back.first"))
    previous.hist = draft.hist[:-1]
    if state not in steps.DRAFT_STATES:
        state = steps.gap(previous).state
    return steps.reask(ctx, previous, state)


def back_word(ctx: Context, router: Router) -> Outcome:
    """'quay lại' typed inside a flow: one step back in a log; other flows read it themselves."""
    if ctx.state in steps.DRAFT_STATES:
        draft = load_draft(ctx)
        if draft is not None:
            return go_back(ctx, draft)
    flow = router.for_state(ctx.state)
    if flow is None or not ctx.roles.may(flow.roles):
        return Outcome([Reply(text=ctx.t("error.not_allowed"))], next_state=None)
    return flow.handler(ctx)
