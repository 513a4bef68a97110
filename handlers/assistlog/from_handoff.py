"""After a handoff ends, the volunteer may log it: service (from the topic) and one resident pre-filled."""

from __future__ import annotations

import logging

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply, rows
from domain.services import default_catalogue
from handlers.assistlog.draft import Draft, Item
from handlers.assistlog.render import service_label
from handlers.assistlog.steps import LOG_ROLES, proceed
from handlers.common import number, say
from storage import handoff as handoffs
from storage.handoff import Handoff, Status

logger = logging.getLogger(__name__)


def guessed_service(handoff: Handoff) -> str:
    """Return the service a handoff was about: its FAQ topic's, else one its text names, else ''."""
    catalogue = default_catalogue()
    found = catalogue.for_faq_topic(handoff.topic) or catalogue.mentioned_in(handoff.text or "")
    return found.key if found is not None else ""


def offer_reply(handoff_id: int, service: str, text: str, label: str) -> Reply:
    """Return the offer to log a finished handoff (for the volunteer who took it)."""
    payload = f"lg:ho:{handoff_id}:{service}"
    return Reply(text=text, buttons=rows(Button(label, payload)))


def log_handoff(ctx: Context, args: list[str]) -> Outcome:
    """Start a log of a finished handoff the sender took, with the service and 1 resident."""
    handoff_id = number(args[0]) if args else None
    handoff = handoffs.get(ctx.session, handoff_id) if handoff_id is not None else None
    if (
        handoff is None
        or handoff.volunteer_id != ctx.person_id
        or handoff.status != Status.CLOSED.value
        or not ctx.roles.may(LOG_ROLES)
    ):
        logger.info("Refused a handoff log button from %s", ctx.key)
        return say(ctx, "error.stale_button")
    members = ctx.roles.member_teams()
    team = (
        handoff.team_id
        if handoff.team_id in members
        else (members[0] if len(members) == 1 else None)
    )
    key = args[1] if len(args) > 1 and default_catalogue().get(args[1]) is not None else ""
    draft = Draft(day=ctx.local_now.date(), team=team)
    notes = []
    if key:
        draft.items = [Item(key, people=1)]
        notes.append(ctx.t("logx.handoff.prefilled", service=service_label(ctx, key)))
    return proceed(ctx, draft, notes)
