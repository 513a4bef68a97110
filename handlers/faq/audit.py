"""/faqaudit: leaders and admins see which FAQ topics are due for a check or cite no source."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.declare import chat_command
from bot.core.flow import Outcome
from bot.core.messages import Reply
from bot.core.roles import MANAGERS
from bot.core.router import HelpGroup
from domain.faq.audit import Finding, audit
from handlers.common import number
from handlers.faq.answers import faq_service

SHOWN = 40
"""Lines per section, so the list fits one message (33 topics today)."""


@chat_command("faqaudit", roles=MANAGERS, group=HelpGroup.TEAM, order=75)
def audit_command(ctx: Context) -> Outcome:
    """List, in the sender's language, the stale topics and those citing no source.

    Same rule as `python -m bot faq audit`: older than BOT_FAQ_MAX_AGE_DAYS, or `/faqaudit 90`.
    """
    typed = ctx.msg.args.strip()
    days = number(typed, positive=True) if typed else ctx.settings.faq_max_age_days
    if days is None:
        return Outcome([Reply(text=ctx.t("faqaudit.usage"))])
    service = faq_service(ctx)
    language = ctx.locale if ctx.locale in service.knowledge else "vi"
    found = audit(
        {language: service.knowledge.get(language, {})},
        today=ctx.local_now.date(),
        max_age_days=days,
    )
    if not found:
        return Outcome([Reply(text=ctx.t("faqaudit.none", days=days))])
    stale = [f for f in found if f.problem == "stale"]
    unsourced = [f for f in found if f.problem == "no_source"]
    lines = [ctx.t("faqaudit.header", days=days, province=service.province)]
    if stale:
        lines += ["", ctx.t("faqaudit.stale", count=len(stale))]
        lines += [_line(ctx, f, "faqaudit.stale_line") for f in stale[:SHOWN]]
    if unsourced:
        lines += ["", ctx.t("faqaudit.no_source", count=len(unsourced))]
        lines += [_line(ctx, f, "faqaudit.no_source_line") for f in unsourced[:SHOWN]]
    lines += ["", ctx.t("faqaudit.how_to_fix")]
    return Outcome([Reply(text="\n".join(lines))])


def _line(ctx: Context, finding: Finding, key: str) -> str:
    checked = finding.checked.strftime(ctx.t("faq.date_format"))
    return ctx.t(key, title=finding.title, key=finding.key, checked=checked, age=finding.age_days)
