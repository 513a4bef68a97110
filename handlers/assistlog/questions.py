"""The questions of the logging flow, each a text with its buttons (payloads 'lg:...')."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.context import Context
from bot.core.messages import Button, Reply, rows
from domain.services import default_catalogue
from handlers.assistlog.draft import Draft
from handlers.assistlog.render import fmt_duration, fmt_short_day, reason_label, service_label
from storage import assist_stats
from storage.teams import AreaRef

FIRST_PAGE = 6
RECENT_ROW = 3
MINUTE_CHOICES = (15, 30, 60, 120)
HOUSEHOLD_BUTTONS = 5
BACK = "lg:bk"
MAX_OK_BUTTONS = 9
MAX_AREA_BUTTONS = 12
DAY_CHOICES = 3


def ask_team(ctx: Context) -> Reply:
    """Ask which team the session was for."""
    buttons = [Button(t.team_name, f"lg:t:{t.team_id}") for t in ctx.roles.teams]
    return Reply(text=ctx.t("log.ask.team"), buttons=rows(*buttons))


def back_button(ctx: Context) -> Button:
    """Return the button going back one step."""
    return Button(ctx.t("logx.button.step_back"), BACK)


def service_order(ctx: Context) -> list[str]:
    """Return the service keys in the catalogue's fixed order (numbers stay where they are)."""
    return [s.key for s in default_catalogue().all()]


def recent_row(ctx: Context) -> list[str]:
    """Return the sender's latest services, shown as an extra first row (not a reordering)."""
    catalogue = default_catalogue()
    recent = assist_stats.recent_services(ctx.session, person_id=ctx.person_id, limit=RECENT_ROW)
    return [key for key in recent if catalogue.get(key) is not None]


def _service_button(ctx: Context, draft: Draft, key: str, mark: str = "") -> Button:
    label = f"{mark}{service_label(ctx, key)}"
    if key in draft.picks:
        label = f"✓ {label}"
    return Button(label, f"lg:s:{key}")


def ask_services(ctx: Context, draft: Draft) -> Reply:
    """Ask which services were given: one tap picks one; 'several' lets the volunteer tick more."""
    order = service_order(ctx)
    shown = order[:FIRST_PAGE] if draft.page == 0 else order[FIRST_PAGE:]
    recent = recent_row(ctx) if draft.page == 0 else []
    top = rows(*(_service_button(ctx, draft, key, "🕘 ") for key in recent), per_row=RECENT_ROW)
    buttons = [_service_button(ctx, draft, key) for key in shown]
    extra: list[Button] = []
    if draft.page == 0:
        extra.append(Button(ctx.t("log.button.more"), "lg:pg:1"))
    else:
        extra.append(Button(ctx.t("log.button.back"), "lg:pg:0"))
    if not draft.multi:
        extra.append(Button(ctx.t("log.button.multi"), "lg:multi"))
    elif draft.picks:
        extra.append(Button(ctx.t("log.button.done", count=len(draft.picks)), "lg:done"))
    kinds: list[Button] = []
    if draft.page == 0 and not draft.multi and draft.edit is None:
        kinds = [
            Button(ctx.t("logx.button.awareness"), "lg:kd:awareness"),
            Button(ctx.t("logx.button.class"), "lg:kd:class"),
        ]
    key = "log.ask.services_multi" if draft.multi else "log.ask.services"
    return Reply(
        text=ctx.t(key),
        buttons=top + rows(*buttons, per_row=2) + rows(*extra, per_row=2) + rows(*kinds, per_row=2),
    )


def _step(ctx: Context, draft: Draft, index: int) -> str:
    if len(draft.items) < 2:
        return ""
    return ctx.t("log.ask.step", current=index + 1, total=len(draft.items))


def ask_people(ctx: Context, draft: Draft, index: int) -> Reply:
    """Ask how many people were helped with one service."""
    service = service_label(ctx, draft.items[index].service)
    text = _step(ctx, draft, index) + ctx.t("log.ask.people", service=service)
    buttons = [Button(str(n), f"lg:n:{index}:{n}") for n in range(1, 6)]
    return Reply(text=text, buttons=rows(*buttons, per_row=5))


def ask_ok(ctx: Context, draft: Draft, index: int) -> Reply:
    """Ask how many succeeded; option k means k people so typed option numbers stay right."""
    item = draft.items[index]
    people = item.people or 0
    service = service_label(ctx, item.service)
    text = _step(ctx, draft, index) + ctx.t("log.ask.ok", service=service, people=people)
    numbers = [
        Button(str(n), f"lg:k:{index}:{n}") for n in range(1, min(people, MAX_OK_BUTTONS + 1))
    ]
    everyone = Button(ctx.t("log.button.all", people=people), f"lg:k:{index}:{people}")
    nobody = Button("0", f"lg:k:{index}:0")
    return Reply(text=text, buttons=rows(*numbers, per_row=5) + rows(everyone, nobody, per_row=2))


def ask_why(ctx: Context, draft: Draft, index: int) -> Reply:
    """Ask why the others did not succeed: that service's reasons, several allowed, then Next."""
    item = draft.items[index]
    service = default_catalogue().get(item.service)
    failed = (item.people or 0) - (item.ok or 0)
    text = _step(ctx, draft, index) + ctx.t(
        "log.ask.why", service=service_label(ctx, item.service), failed=failed
    )
    buttons = []
    for reason in service.reasons if service else ():
        label = reason_label(ctx, item.service, reason.key)
        if reason.key in item.reasons:
            label = f"✓ {label}"
        buttons.append(Button(label, f"lg:r:{index}:{reason.key}"))
    if failed == 1:
        text = _step(ctx, draft, index) + ctx.t(
            "logx.ask.why_one", service=service_label(ctx, item.service)
        )
    else:
        buttons.append(Button(ctx.t("log.button.next"), f"lg:nx:{index}"))
    return Reply(text=text, buttons=rows(*buttons) + rows(back_button(ctx)))


def day_options(today: date) -> list[date]:
    """Return the days offered as buttons: today, yesterday, the day before."""
    return [today - timedelta(days=back) for back in range(DAY_CHOICES)]


def ask_day(ctx: Context) -> Reply:
    """Ask on which day the session took place."""
    today = ctx.local_now.date()
    keys = ("log.button.today", "log.button.yesterday", "log.button.two_days_ago")
    buttons = [
        Button(ctx.t(key, date=fmt_short_day(day)), f"lg:d:{back}")
        for back, (key, day) in enumerate(zip(keys, day_options(today), strict=True))
    ]
    return Reply(text=ctx.t("log.ask.day"), buttons=rows(*buttons) + rows(back_button(ctx)))


def usual_choice(ctx: Context, draft: Draft, areas: list[AreaRef]) -> Button | None:
    """Return the one-tap default: the sender's usual duration and last area, when known."""
    minutes = assist_stats.usual_minutes(ctx.session, person_id=ctx.person_id)
    if minutes is None:
        return None
    duration = fmt_duration(ctx, minutes)
    area = None
    if not draft.area_done and len(areas) > 1 and draft.team is not None:
        last = assist_stats.last_area(ctx.session, person_id=ctx.person_id, team_id=draft.team)
        area = next((a for a in areas if a.id == last), None)
    if area is None:
        return Button(ctx.t("logx.button.usual", duration=duration), f"lg:m:{minutes}")
    label = ctx.t("logx.button.usual_area", duration=duration, area=area.name)
    return Button(label, f"lg:u:{minutes}:{area.id}")


def ask_minutes(ctx: Context, draft: Draft, areas: list[AreaRef]) -> Reply:
    """Ask how long the session took; the usual duration (and area) first, as one tap."""
    usual = usual_choice(ctx, draft, areas)
    top = rows(usual) if usual is not None else ()
    buttons = [Button(ctx.t(f"log.button.m{m}"), f"lg:m:{m}") for m in MINUTE_CHOICES]
    return Reply(
        text=ctx.t("log.ask.minutes"),
        buttons=top + rows(*buttons, per_row=4) + rows(back_button(ctx)),
    )


def ask_attendees(ctx: Context, draft: Draft) -> Reply:
    """Ask how many people attended the awareness session or the class."""
    return Reply(text=ctx.t(f"logx.ask.attendees.{draft.kind}"), buttons=rows(back_button(ctx)))


def ask_households(ctx: Context) -> Reply:
    """Ask how many households the session reached (optional; shown only when given)."""
    buttons = [Button(str(n), f"lg:hn:{n}") for n in range(1, HOUSEHOLD_BUTTONS + 1)]
    return Reply(
        text=ctx.t("logx.ask.households"),
        buttons=rows(*buttons, per_row=HOUSEHOLD_BUTTONS) + rows(back_button(ctx)),
    )


def area_order(areas: list[AreaRef], last: int | None) -> list[AreaRef]:
    """Return the areas with the last used one first."""
    return sorted(areas, key=lambda a: a.id != last)


def ask_area(ctx: Context, areas: list[AreaRef], last: int | None) -> Reply:
    """Ask where the session took place (the last used area first)."""
    ordered = area_order(areas, last)[:MAX_AREA_BUTTONS]
    buttons = [Button(a.name, f"lg:a:{a.id}") for a in ordered]
    return Reply(
        text=ctx.t("log.ask.area"), buttons=rows(*buttons, per_row=2) + rows(back_button(ctx))
    )


def card_buttons(ctx: Context, draft: Draft) -> tuple[tuple[Button, ...], ...]:
    """Return the buttons under the summary card."""
    confirm = "log.button.save_changes" if draft.edit is not None else "log.button.confirm"
    return rows(
        Button(ctx.t(confirm), "lg:save"),
        Button(ctx.t("log.button.note"), "lg:note"),
        Button(ctx.t("logx.button.households"), "lg:hh"),
        Button(ctx.t("log.button.edit"), "lg:edit"),
        Button(ctx.t("log.button.cancel"), "lg:x"),
        per_row=2,
    )


def ask_note(ctx: Context, draft: Draft) -> Reply:
    """Ask for an optional note (no personal data)."""
    buttons = [Button(ctx.t("log.button.skip"), "lg:skip")]
    if draft.note:
        buttons.append(Button(ctx.t("log.button.clear_note"), "lg:clr"))
    return Reply(text=ctx.t("log.ask.note"), buttons=rows(*buttons, per_row=2))


def edit_fields(ctx: Context, draft: Draft, has_areas: bool) -> list[str]:
    """Return the parts of the draft the sender may change."""
    fields = ["num", "min", "day"]
    if has_areas:
        fields.append("area")
    fields.append("note")
    if draft.edit is None:
        fields.append("svc")
        if len(ctx.roles.teams) > 1:
            fields.append("team")
    return fields


def edit_menu(ctx: Context, draft: Draft, has_areas: bool) -> Reply:
    """Ask which part to change."""
    buttons = [
        Button(ctx.t(f"log.edit.{name}"), f"lg:e:{name}")
        for name in edit_fields(ctx, draft, has_areas)
    ]
    buttons.append(Button(ctx.t("log.edit.back"), "lg:e:back"))
    buttons.append(Button(ctx.t("log.button.cancel"), "lg:x"))
    return Reply(text=ctx.t("log.edit.menu"), buttons=rows(*buttons, per_row=2))


def ask_resume(ctx: Context) -> Reply:
    """Ask whether to continue the unfinished log or start over."""
    buttons = rows(
        Button(ctx.t("log.button.continue"), "lg:go"),
        Button(ctx.t("log.button.restart"), "lg:new"),
        per_row=2,
    )
    return Reply(text=ctx.t("log.resume.ask"), buttons=buttons)
