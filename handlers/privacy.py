"""Privacy: the notice, forgetting a resident, and a volunteer's export of their own records."""

from __future__ import annotations

import csv
import io

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Document, Reply, rows
from bot.core.roles import MEMBERS
from bot.core.router import HelpGroup, Router
from domain.services import default_catalogue
from domain.spreadsheet import cell_text
from handlers.common import end, say
from storage import assists, handoff, members, privacy, teams


def setup(router: Router) -> None:
    """Register /privacy, /forgetme and /export."""
    router.command("privacy", show_notice, order=50, platform_menu=True)
    router.command("forgetme", ask_forget, order=51)
    router.command("export", export_records, roles=MEMBERS, group=HelpGroup.LOGGING, order=60)
    router.button("forget", confirm_forget)


def notice_once(ctx: Context) -> Reply | None:
    """Return the short privacy notice the first time something personal is about to be kept."""
    if privacy.notice_shown(ctx.session, ctx.person_id):
        return None
    privacy.mark_notice_shown(ctx.session, ctx.person_id, ctx.now)
    return Reply(text=ctx.t("privacy.short"))


def show_notice(ctx: Context) -> Outcome:
    """Explain what the bot keeps, for how long, and how to have it deleted."""
    privacy.mark_notice_shown(ctx.session, ctx.person_id, ctx.now)
    return say(
        ctx,
        "privacy.full",
        days=ctx.settings.question_retention_days,
        hours=ctx.settings.conversation_ttl_hours,
    )


def ask_forget(ctx: Context) -> Outcome:
    """Ask for confirmation before deleting everything kept about a resident."""
    if privacy.has_work_records(ctx.session, ctx.person_id):
        if members.holds_any_role(ctx.session, ctx.person_id):
            return say(ctx, "privacy.forget_member")
        buttons = rows(
            Button(ctx.t("members.anonymise_yes"), "forget:anon"),
            Button(ctx.t("button.cancel"), "forget:no"),
            per_row=2,
        )
        return Outcome([Reply(text=ctx.t("members.anonymise_ask"), buttons=buttons)])
    buttons = rows(
        Button(ctx.t("privacy.forget_yes"), "forget:yes"),
        Button(ctx.t("button.cancel"), "forget:no"),
        per_row=2,
    )
    return Outcome([Reply(text=ctx.t("privacy.forget_ask"), buttons=buttons)], next_state=None)


def confirm_forget(ctx: Context) -> Outcome:
    """Delete the resident's identity, questions and conversations once confirmed."""
    if ctx.msg.payload == "forget:anon":
        return _anonymise(ctx)
    if ctx.msg.payload != "forget:yes":
        return end(ctx, "cancel.done")
    if privacy.has_work_records(ctx.session, ctx.person_id):
        return say(ctx, "privacy.forget_member")
    text = ctx.t("privacy.forgotten")
    told = _end_handoff(ctx)
    privacy.forget_person(ctx.session, ctx.person_id)
    return Outcome([Reply(text=text), *told], next_state=None)


def _end_handoff(ctx: Context) -> list[Reply]:
    """End the resident's live or waiting handoff first; return what its volunteer is told."""
    if handoff.pending_of_resident(ctx.session, ctx.person_id) is None:
        return []
    from handlers.faq import relay  # handlers.faq imports this module (notice_once)

    ended = relay.end_conversation(ctx)
    return [reply for reply in ended.replies if reply.to is not None]


def _anonymise(ctx: Context) -> Outcome:
    """Forget a former member's name and accounts; their past sessions stay, anonymous."""
    if members.holds_any_role(ctx.session, ctx.person_id):
        return say(ctx, "privacy.forget_member")
    text = ctx.t("members.anonymised")
    privacy.anonymise_person(ctx.session, ctx.person_id, ctx.now)
    return Outcome([Reply(text=text)], next_state=None)


def export_records(ctx: Context) -> Outcome:
    """Send the volunteer their own records as a CSV file."""
    records = assists.recent_assists(ctx.session, person_id=ctx.person_id, limit=100_000)
    catalogue = default_catalogue()
    area_names: dict[int, str] = {}
    for team_id in {r.team_id for r in records}:
        area_names.update({a.id or 0: a.name for a in teams.areas_of(ctx.session, team_id)})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "day", "service", "people", "succeeded", "minutes", "area", "note"])
    for record in sorted(records, key=lambda r: (r.day, r.id)):
        for item in record.items:
            writer.writerow(
                [
                    record.id,
                    record.day.isoformat(),
                    catalogue.label(item.service, ctx.locale),
                    item.people,
                    item.succeeded,
                    record.minutes,
                    cell_text(area_names.get(record.area_id or 0, "")),
                    cell_text(record.note),
                ]
            )
    content = buffer.getvalue().encode("utf-8-sig")
    caption = ctx.t("privacy.export_caption", count=len(records))
    return Outcome([Reply(document=Document("my-records.csv", content, caption))])
