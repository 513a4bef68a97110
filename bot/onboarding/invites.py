"""A leader or volunteer invite as the CLI prints it (code, grouped code, link, expiry)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.cli.base import say
from bot.core.links import BotLinks
from storage import invites
from storage.models import Team


def invite_record(
    session: Session,
    team: Team,
    *,
    role: str,
    now: datetime,
    ttl: timedelta,
    links: BotLinks,
    uses: int = 1,
) -> dict[str, object]:
    """Create an invite for a team and describe it (code, link, expiry) for printing or JSON."""
    assert team.id is not None
    invite = invites.create_invite(
        session, team_id=team.id, role=role, now=now, ttl=ttl, max_uses=max(1, uses)
    )
    return {
        "code": invite.code,
        "code_grouped": invites.grouped(invite.code),
        "team_id": team.id,
        "team": team.name,
        "role": invite.role,
        "expires_at": invite.expires_at.isoformat(),
        "max_uses": invite.max_uses,
        "link": links.telegram_start(invite.code),
    }


def say_invite(result: dict[str, object]) -> None:
    """Print an invite for the person at the terminal."""
    say(f"Invite code ({result['role']} of {result['team']}): {result['code_grouped']}")
    link = result["link"] or "(set TELEGRAM_BOT_USERNAME to print the t.me link)"
    say(f"Telegram link: {link}")
    say(f"Or send the bot: /start {result['code_grouped']}  (valid until {result['expires_at']})")
