"""Leaders review unanswered questions and attach them to a topic as a new phrasing."""

from __future__ import annotations

import logging

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply, rows
from bot.core.roles import MANAGERS
from handlers.common import say
from handlers.faq.answers import faq_service, number, payload, topic_buttons
from storage import faq_phrasing, questions, teams
from storage.question_models import ResidentQuestion

logger = logging.getLogger(__name__)
SHOWN = 8
FETCHED = 200
PREVIEW = 40


def _scope(ctx: Context) -> list[int] | None:
    """Return the teams whose questions the sender may see (None: every team, for admins)."""
    if ctx.roles.is_admin:
        return None
    allowed = set(ctx.roles.led_teams())
    if ctx.roles.wards:
        for team in teams.list_teams(ctx.session):
            if team.id is not None and team.ward_id in ctx.roles.wards:
                allowed.add(team.id)
    return sorted(allowed)


def _visible(ctx: Context, row: ResidentQuestion | None) -> bool:
    scope = _scope(ctx)
    return row is not None and (scope is None or row.team_id in scope)


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW else flat[: PREVIEW - 1] + "…"


def list_command(ctx: Context) -> Outcome:
    """List the newest unanswered questions of the sender's teams as buttons."""
    scope = _scope(ctx)
    if scope == []:
        return say(ctx, "error.not_allowed")
    found = questions.unanswered(ctx.session, team_ids=scope, limit=FETCHED)
    if scope is not None:
        found = [row for row in found if row.team_id in scope]
    if not found:
        return say(ctx, "unans.none")
    shown = found[:SHOWN]
    fmt = ctx.t("faq.date_format")
    waiting = sum(questions.open_counts(ctx.session, team_ids=scope).values())  # = the digest's
    lines = [ctx.t("unans.header", count=max(waiting, len(found)))]
    for row in shown:
        day = row.created_at.astimezone(ctx.tz).strftime(fmt)
        lines.append(ctx.t("unans.line", id=row.id, date=day, text=_preview(row.text)))
    buttons = [
        Button(f"#{row.id} · {_preview(row.text)}", payload("faq", "q", row.id)) for row in shown
    ]
    return Outcome([Reply(text="\n".join(lines), buttons=rows(*buttons))])


def show(ctx: Context, question_id: int) -> Outcome:
    """Show one question with the topics it most likely belongs to."""
    row = ctx.session.get(ResidentQuestion, question_id)
    if not _visible(ctx, row) or row is None or row.status != questions.UNANSWERED:
        return say(ctx, "unans.gone")
    service = faq_service(ctx)
    result = service.match(row.text)
    keys = [key for key in (row.best_key, result.key, *result.suggestions) if key]
    buttons = []
    for key in dict.fromkeys(keys):
        entry = service.entry(key, ctx.locale)
        if entry is not None:
            buttons.append(Button(entry.title, payload("faq", "a", question_id, key)))
    buttons.append(Button(ctx.t("unans.other_topic"), payload("faq", "ap", question_id, 1)))
    buttons.append(Button(ctx.t("unans.dismiss"), payload("faq", "x", question_id)))
    text = ctx.t("unans.detail", id=question_id, text=row.text)
    return Outcome([Reply(text=text, buttons=rows(*buttons[:SHOWN]))])


def pick_topic(ctx: Context, question_id: int, page: int) -> Outcome:
    """Show every topic, a page at a time, to attach the question to."""
    row = ctx.session.get(ResidentQuestion, question_id)
    if not _visible(ctx, row) or row is None or row.status != questions.UNANSWERED:
        return say(ctx, "unans.gone")
    buttons, page, pages = topic_buttons(
        ctx, page=page, pick=("faq", "a", question_id), nav=("faq", "ap", question_id)
    )
    text = ctx.t("unans.pick_topic", id=question_id, page=page, pages=pages)
    return Outcome([Reply(text=text, buttons=buttons)])


def attach(ctx: Context, question_id: int, key: str) -> Outcome:
    """Store the question as a phrasing of the topic, teach the matcher, resolve the question."""
    row = ctx.session.get(ResidentQuestion, question_id)
    service = faq_service(ctx)
    entry = service.entry(key, ctx.locale)
    if entry is None:
        return say(ctx, "error.stale_button")
    if not _visible(ctx, row) or row is None or row.status != questions.UNANSWERED:
        return say(ctx, "unans.gone")
    stored = faq_phrasing.add_phrasing(
        ctx.session, key=key, text=row.text, added_by=ctx.person_id, now=ctx.now
    )
    service.add_phrasing(key, row.text, phrasing_id=stored.id or 0)
    questions.resolve(ctx.session, question_id=question_id, status="attached", now=ctx.now)
    logger.info("Question %s attached to topic %s as phrasing %s", question_id, key, stored.id)
    return say(ctx, "unans.attached", id=question_id, title=entry.title)


def dismiss(ctx: Context, question_id: int) -> Outcome:
    """Mark a question as reviewed without attaching it."""
    row = ctx.session.get(ResidentQuestion, question_id)
    if not _visible(ctx, row) or row is None or row.status != questions.UNANSWERED:
        return say(ctx, "unans.gone")
    questions.resolve(ctx.session, question_id=question_id, status="dismissed", now=ctx.now)
    return say(ctx, "unans.dismissed", id=question_id)


def on_button(ctx: Context, action: str, rest: list[str]) -> Outcome:
    """Handle the leaders' review buttons (q, a, ap, x), refusing anyone without the role."""
    if not ctx.roles.may(MANAGERS):
        return say(ctx, "error.not_allowed")
    question_id = number(rest[0]) if rest else None
    if question_id is None:
        return say(ctx, "error.stale_button")
    if action == "q" and len(rest) == 1:
        return show(ctx, question_id)
    if action == "x" and len(rest) == 1:
        return dismiss(ctx, question_id)
    if action == "a" and len(rest) == 2:
        return attach(ctx, question_id, rest[1])
    if action == "ap" and len(rest) == 2 and (page := number(rest[1])) is not None:
        return pick_topic(ctx, question_id, page)
    return say(ctx, "error.stale_button")
