"""Residents' questions: a sourced answer, up to three suggestions, or an honest "I don't know"."""

from __future__ import annotations

import logging

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply, rows
from domain.faq.courtesy import small_talk, wordless
from domain.redact import redact
from handlers import common
from handlers.common import say
from handlers.faq import courtesy
from handlers.faq.service import FaqService
from handlers.privacy import notice_once
from storage import handoff as handoff_store
from storage import questions
from storage.question_models import ResidentQuestion

logger = logging.getLogger(__name__)
TOPICS_PER_PAGE = 6
MAX_SUGGESTIONS = 3
MAX_PAYLOAD_BYTES = 64


def faq_service(ctx: Context) -> FaqService:
    """Return the FAQ service, with phrasings other workers stored meanwhile."""
    service = ctx.parts.get(FaqService)
    service.sync(ctx.session)
    return service


def payload(*parts: object) -> str:
    """Join payload parts with ':'; refuse anything over Telegram's 64 bytes."""
    text = ":".join(str(part) for part in parts)
    if len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"button payload over {MAX_PAYLOAD_BYTES} bytes: {text!r}")
    return text


def number(text: str) -> int | None:
    """Return a positive database-sized integer (an id) written in ASCII digits, or None."""
    return common.number(text, positive=True)


def resident_team(ctx: Context) -> int | None:
    """Return the team a person belongs to: the one they picked, else their own team."""
    picked = handoff_store.place_of(ctx.session, ctx.person_id)
    if picked is not None:
        return picked
    primary = ctx.roles.primary_team()
    return primary.team_id if primary is not None else None


def answer_reply(ctx: Context, service: FaqService, key: str) -> Reply:
    """Return a topic's answer in the sender's language, with its source and date."""
    entry = service.entry(key, ctx.locale)
    if entry is None:
        return Reply(text=ctx.t("error.stale_button"))
    text = ctx.t(
        "faq.answer",
        title=entry.title,
        answer=entry.answer,
        source=entry.source,
        checked=entry.checked.strftime(ctx.t("faq.date_format")),
    )
    buttons = rows(
        Button(ctx.t("faq.helpful"), payload("faq", "ok", key)),
        Button(ctx.t("faq.ask_volunteer"), payload("ho", "ask", "k", key)),
        per_row=2,
    )
    return Reply(text=text, buttons=buttons)


def answer(ctx: Context, question: str) -> Outcome:
    """Answer a typed question, suggest topics, or admit not knowing and keep it for the team.

    Greetings and thanks get a kind reply, and messages without words (a phone number typed by
    mistake, emoji, one letter) a request for words: neither is stored as a question.
    """
    kind = small_talk(question)
    if kind is not None:
        return courtesy.small_talk_reply(ctx, kind, question)
    without_words = wordless(question)
    if without_words is not None:
        logger.info("Message without words not stored (%s)", without_words)
        return courtesy.wordless_reply(ctx, without_words)
    redaction = redact(question)
    text = redaction.text.strip()
    service = faq_service(ctx)
    result = service.match(text)
    ctx.locale = service.reply_locale(result, ctx.locale)  # English question: English answer
    if result.decision == "answer" and result.key and service.entry(result.key, ctx.locale):
        return Outcome([answer_reply(ctx, service, result.key)])
    question_id = questions.add_question(
        ctx.session,
        text=text,
        now=ctx.now,
        channel=ctx.key.channel,
        person_id=ctx.person_id,
        team_id=resident_team(ctx),
        best_key=result.suggestions[0] if result.suggestions else None,
        score=result.score,
    )
    logger.info("Stored question %s (%s, %.2f)", question_id, result.decision, result.score)
    volunteer = Button(ctx.t("faq.ask_volunteer"), payload("ho", "ask", "q", question_id))
    suggestions = [
        (key, entry)
        for key in result.suggestions[:MAX_SUGGESTIONS]
        if (entry := service.entry(key, ctx.locale)) is not None
    ]
    if result.decision == "suggest" and suggestions:
        buttons = [Button(e.title, payload("faq", "s", question_id, k)) for k, e in suggestions]
        reply = Reply(text=ctx.t("faq.suggest"), buttons=rows(*buttons, volunteer))
    else:
        browse = Button(ctx.t("faq.browse"), payload("faq", "p", 1))
        reply = Reply(text=ctx.t("faq.unknown"), buttons=rows(volunteer, browse))
    replies = [reply]
    if redaction.kinds:
        replies.append(Reply(text=ctx.t("faq.redacted")))
    notice = notice_once(ctx)
    if notice is not None:
        replies.append(notice)
    return Outcome(replies)


def topic_buttons(
    ctx: Context, *, page: int, pick: tuple[object, ...], nav: tuple[object, ...]
) -> tuple[tuple[tuple[Button, ...], ...], int, int]:
    """Return one page of topic buttons (payload pick+key; page links nav+number), page, pages."""
    service = faq_service(ctx)
    keys = service.keys()
    pages = max(1, -(-len(keys) // TOPICS_PER_PAGE))
    page = min(max(page, 1), pages)
    buttons: list[tuple[Button, ...]] = []
    for key in keys[(page - 1) * TOPICS_PER_PAGE : page * TOPICS_PER_PAGE]:
        entry = service.entry(key, ctx.locale)
        if entry is not None:
            buttons.append((Button(entry.title, payload(*pick, key)),))
    moves: list[Button] = []
    if page > 1:
        moves.append(Button(ctx.t("faq.prev"), payload(*nav, page - 1)))
    if page < pages:
        moves.append(Button(ctx.t("faq.next"), payload(*nav, page + 1)))
    if moves:
        buttons.append(tuple(moves))
    return tuple(buttons), page, pages


def topics(ctx: Context, page: int) -> Outcome:
    """Show one page of the FAQ topics."""
    buttons, page, pages = topic_buttons(ctx, page=page, pick=("faq", "t"), nav=("faq", "p"))
    return Outcome([Reply(text=ctx.t("faq.topics", page=page, pages=pages), buttons=buttons)])


def faq_command(ctx: Context) -> Outcome:
    """Show the topics (/faq), or answer the question typed after it (/faq otp)."""
    if ctx.msg.args:
        return answer(ctx, ctx.msg.args)
    return topics(ctx, 1)


def resident_button(ctx: Context, action: str, rest: list[str]) -> Outcome:
    """Handle the residents' FAQ buttons: topic, suggestion, page, helpful."""
    service = faq_service(ctx)
    if action == "p" and len(rest) == 1 and (page := number(rest[0])) is not None:
        return topics(ctx, page)
    if action in ("t", "ok") and len(rest) == 1 and service.knows(rest[0]):
        if action == "ok":
            logger.info("FAQ topic %s marked helpful", rest[0])
            return say(ctx, "faq.thanks")
        return Outcome([answer_reply(ctx, service, rest[0])])
    if action == "s" and len(rest) == 2 and service.knows(rest[1]):
        question_id = number(rest[0])
        if question_id is not None:
            _note_pick(ctx, question_id, rest[1])
        return Outcome([answer_reply(ctx, service, rest[1])])
    return say(ctx, "error.stale_button")


def _note_pick(ctx: Context, question_id: int, key: str) -> None:
    """Remember which suggestion the resident picked for their own stored question."""
    row = ctx.session.get(ResidentQuestion, question_id)
    if row is not None and row.person_id == ctx.person_id and row.status == questions.UNANSWERED:
        row.best_key = key
        ctx.session.add(row)
