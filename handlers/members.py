"""A team's members: /members for leaders and ward admins (remove, hand leadership), /leave.

Who may do what (the authorization matrix test checks it):
- a leader removes the volunteers of a team they lead, and hands its leadership over;
- a ward admin does both for every team of their ward (leaders included); an admin everywhere;
- nobody removes themself (that is /leave); a sole leader hands leadership over before leaving.
Every button is checked again when pressed, so a forged or stale button does nothing.
"""

from __future__ import annotations

from datetime import date

from bot.core.context import Context
from bot.core.declare import chat_command
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply, rows
from bot.core.roles import MANAGERS, MEMBERS
from bot.core.roles import RoleName as R
from bot.core.router import HelpGroup, Router
from handlers.common import number, say
from handlers.faq.contacts import contact_of
from storage import members, teams
from storage.members import Ended, MemberLine
from storage.models import Team


def setup(router: Router) -> None:
    """Register the mb: buttons (the commands are declared below with @chat_command)."""
    router.button("mb", on_button)


MAX_BUTTONS = 40
ROLE_KEYS = {"leader": "role.leader", "volunteer": "role.volunteer"}


@chat_command("members", roles=MANAGERS, group=HelpGroup.TEAM, order=15, menu={R.LEADER})
def list_members(ctx: Context) -> Outcome:
    """Show a team's members (name, role, joined, last logged, active) with a button for each."""
    team = _chosen_team(ctx)
    if isinstance(team, Outcome):
        return team
    assert team.id is not None
    lines = members.list_members(ctx.session, team.id)
    if not lines:
        return say(ctx, "members.empty", team=team.name)
    today = ctx.now.astimezone(ctx.settings.timezone).date()
    text = [ctx.t("members.header", team=team.name, count=len(lines))]
    text += [_line(ctx, member, today) for member in lines]
    buttons = [
        Button(_name(ctx, m), f"mb:pick:{team.id}:{m.person_id}")
        for m in lines
        if m.person_id != ctx.person_id and _may_act_on(ctx, team, m.role)
    ][:MAX_BUTTONS]
    if buttons:
        text.append(ctx.t("members.pick_hint"))
    return Outcome([Reply(text="\n".join(text), buttons=rows(*buttons, per_row=2))])


@chat_command("leave", roles=MEMBERS, group=HelpGroup.TEAM, order=90)
def leave(ctx: Context) -> Outcome:
    """Ask which team to leave (when several), then for confirmation."""
    mine = list(ctx.roles.teams)
    typed = number(ctx.msg.args.strip().lstrip("#"))
    if typed is not None:
        mine = [t for t in mine if t.team_id == typed]
        if not mine:
            return say(ctx, "members.not_member")
    if not mine:
        return say(ctx, "members.not_member")
    if len(mine) > 1:
        buttons = [Button(t.team_name, f"mb:leave:{t.team_id}") for t in mine]
        return Outcome([Reply(text=ctx.t("members.leave_which"), buttons=rows(*buttons))])
    return _ask_leave(ctx, mine[0].team_id)


def _ask_leave(ctx: Context, team_id: int) -> Outcome:
    team = teams.get_team(ctx.session, team_id)
    if (
        team is None
        or members.membership(ctx.session, team_id=team_id, person_id=ctx.person_id) is None
    ):
        return say(ctx, "members.not_member")
    if _sole_leader_with_others(ctx, team_id):
        return say(ctx, "members.leave_hand_first", team=team.name)
    buttons = rows(
        Button(ctx.t("members.leave_yes"), f"mb:leaveok:{team_id}"),
        Button(ctx.t("button.cancel"), "mb:no"),
        per_row=2,
    )
    return Outcome([Reply(text=ctx.t("members.leave_ask", team=team.name), buttons=buttons)])


def on_button(ctx: Context) -> Outcome:
    """Handle mb: buttons: pick a member, remove, hand leadership, leave (each confirmed)."""
    parts = ctx.msg.payload.split(":")
    action = parts[1] if len(parts) > 1 else ""
    ids = [number(p) for p in parts[2:]]
    if action == "no":
        return say(ctx, "cancel.done")
    if any(i is None for i in ids) or not ids:
        return say(ctx, "error.stale_button")
    team = teams.get_team(ctx.session, ids[0] or 0)
    if team is None or team.id is None:
        return say(ctx, "error.stale_button")
    if action == "leave":
        return _ask_leave(ctx, team.id)
    if action == "leaveok":
        return _do_leave(ctx, team)
    if len(ids) != 2:
        return say(ctx, "error.stale_button")
    target = _member(ctx, team, ids[1] or 0)
    if target is None:
        return say(ctx, "members.gone")
    if target.person_id == ctx.person_id or not _may_act_on(ctx, team, target.role):
        return say(ctx, "error.not_allowed")
    handlers = {"pick": _pick, "rm": _ask_remove, "rmok": _do_remove, "lead": _ask_lead}
    if action == "leadok":
        return _do_lead(ctx, team, target)
    chosen = handlers.get(action)
    return chosen(ctx, team, target) if chosen else say(ctx, "error.stale_button")


def _pick(ctx: Context, team: Team, target: MemberLine) -> Outcome:
    name = _name(ctx, target)
    choices = [Button(ctx.t("members.remove_button"), f"mb:rm:{team.id}:{target.person_id}")]
    if target.role != "leader":
        choices.append(
            Button(ctx.t("members.lead_button"), f"mb:lead:{team.id}:{target.person_id}")
        )
    choices.append(Button(ctx.t("button.cancel"), "mb:no"))
    text = ctx.t("members.pick", name=name, team=team.name)
    return Outcome([Reply(text=text, buttons=rows(*choices))])


def _ask_remove(ctx: Context, team: Team, target: MemberLine) -> Outcome:
    buttons = rows(
        Button(ctx.t("members.remove_yes"), f"mb:rmok:{team.id}:{target.person_id}"),
        Button(ctx.t("button.cancel"), "mb:no"),
        per_row=2,
    )
    text = ctx.t("members.remove_ask", name=_name(ctx, target), team=team.name)
    return Outcome([Reply(text=text, buttons=buttons)])


def _ask_lead(ctx: Context, team: Team, target: MemberLine) -> Outcome:
    buttons = rows(
        Button(ctx.t("members.lead_yes"), f"mb:leadok:{team.id}:{target.person_id}"),
        Button(ctx.t("button.cancel"), "mb:no"),
        per_row=2,
    )
    text = ctx.t("members.lead_ask", name=_name(ctx, target), team=team.name)
    return Outcome([Reply(text=text, buttons=buttons)])


def _do_remove(ctx: Context, team: Team, target: MemberLine) -> Outcome:
    assert team.id is not None
    members.end_membership(
        ctx.session, team_id=team.id, person_id=target.person_id, reason=Ended.REMOVED, now=ctx.now
    )
    replies = [Reply(text=ctx.t("members.removed", name=_name(ctx, target), team=team.name))]
    replies += _tell(ctx, target.person_id, "members.told_removed", team=team.name)
    return Outcome(replies)


def _do_lead(ctx: Context, team: Team, target: MemberLine) -> Outcome:
    assert team.id is not None
    if target.role == "leader":
        return say(ctx, "members.already_leader", name=_name(ctx, target))
    former = members.hand_leadership(ctx.session, team_id=team.id, to_person=target.person_id)
    name = _name(ctx, target)
    replies = [Reply(text=ctx.t("members.lead_done", name=name, team=team.name))]
    replies += _tell(ctx, target.person_id, "members.told_leader", team=team.name)
    for person_id in former:
        if person_id != ctx.person_id:
            replies += _tell(
                ctx, person_id, "members.told_former_leader", name=name, team=team.name
            )
    return Outcome(replies)


def _do_leave(ctx: Context, team: Team) -> Outcome:
    assert team.id is not None
    if _sole_leader_with_others(ctx, team.id):
        return say(ctx, "members.leave_hand_first", team=team.name)
    ended = members.end_membership(
        ctx.session, team_id=team.id, person_id=ctx.person_id, reason=Ended.LEFT, now=ctx.now
    )
    if ended is None:
        return say(ctx, "members.not_member")
    replies = [Reply(text=ctx.t("members.left", team=team.name))]
    name = ctx.person.display_name or ctx.t("members.no_name", id=ctx.person_id)
    for leader in members.leaders_of(ctx.session, team.id):
        replies += _tell(ctx, leader, "members.told_left", name=name, team=team.name)
    return Outcome(replies, next_state=None)


def _tell(ctx: Context, person_id: int, key: str, **params: object) -> list[Reply]:
    contact = contact_of(ctx.session, person_id, ctx.settings)
    if contact is None:
        return []
    return [Reply(text=ctx.t_for(contact.locale, key, **params), to=contact.address)]


def _sole_leader_with_others(ctx: Context, team_id: int) -> bool:
    leaders = members.leaders_of(ctx.session, team_id)
    if leaders != [ctx.person_id]:
        return False
    return len(members.list_members(ctx.session, team_id)) > 1


def _member(ctx: Context, team: Team, person_id: int) -> MemberLine | None:
    assert team.id is not None
    return next(
        (m for m in members.list_members(ctx.session, team.id) if m.person_id == person_id), None
    )


def _may_act_on(ctx: Context, team: Team, target_role: str) -> bool:
    """Admins and the team's ward admins act on anyone; its leaders on volunteers only."""
    if ctx.roles.is_admin or team.ward_id in ctx.roles.wards:
        return True
    return team.id in ctx.roles.led_teams() and target_role == "volunteer"


def _chosen_team(ctx: Context) -> Team | Outcome:
    typed = number(ctx.msg.args.strip().lstrip("#"))
    if typed is None and ctx.msg.args.strip():
        return say(ctx, "members.usage")
    team_id = typed if typed is not None else next(iter(ctx.roles.led_teams()), None)
    if team_id is None:
        return say(ctx, "members.usage")
    team = teams.get_team(ctx.session, team_id)
    if team is None or team.id is None:
        return say(ctx, "invite.no_such_team")
    if not ctx.roles.can_manage_team(team.id, team.ward_id):
        return say(ctx, "error.not_allowed")
    return team


def _name(ctx: Context, member: MemberLine) -> str:
    return member.name or ctx.t("members.no_name", id=member.person_id)


def _line(ctx: Context, member: MemberLine, today: date) -> str:
    tz = ctx.settings.timezone
    last = member.last_logged
    return ctx.t(
        "members.line",
        name=_name(ctx, member),
        role=ctx.t(ROLE_KEYS.get(member.role, "role.volunteer")),
        joined=member.joined_at.astimezone(tz).strftime("%d/%m/%Y"),
        last=last.strftime("%d/%m/%Y") if last else ctx.t("members.never"),
        state=ctx.t("members.active" if member.active(today) else "members.inactive"),
    )
