"""One-time invite codes that join a person to a team with a role."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from storage.models import Invite, Membership

CODE_BYTES = 12  # 16 base64url characters, well under Telegram's 64-character deep-link limit


class RedeemResult(StrEnum):
    """What happened to a code."""

    JOINED = "joined"
    ROLE_CHANGED = "role_changed"
    ALREADY = "already"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


def new_code() -> str:
    """Return an unguessable URL-safe code."""
    return secrets.token_urlsafe(CODE_BYTES)


def create_invite(
    session: Session,
    *,
    team_id: int,
    role: str,
    now: datetime,
    ttl: timedelta,
    max_uses: int = 1,
    created_by: int | None = None,
) -> Invite:
    """Create and store an invite code."""
    invite = Invite(
        code=new_code(),
        team_id=team_id,
        role=role,
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
        max_uses=max_uses,
    )
    session.add(invite)
    session.flush()
    return invite


def redeem_invite(
    session: Session, *, code: str, person_id: int, now: datetime
) -> tuple[RedeemResult, Invite | None]:
    """Use a code to join its team with its role; count the use."""
    valid = bool(code) and len(code) <= 64
    invite = session.get(Invite, code, with_for_update=True) if valid else None
    if invite is None:
        return RedeemResult.UNKNOWN, None
    if invite.expires_at <= now:
        return RedeemResult.EXPIRED, invite
    if invite.uses >= invite.max_uses:
        return RedeemResult.USED, invite
    row = session.exec(
        select(Membership).where(
            col(Membership.person_id) == person_id, col(Membership.team_id) == invite.team_id
        )
    ).first()
    result = RedeemResult.JOINED
    if row is None:
        session.add(
            Membership(person_id=person_id, team_id=invite.team_id, role=invite.role, joined_at=now)
        )
    else:
        if row.active and row.role == invite.role:
            return RedeemResult.ALREADY, invite
        if row.role == "leader" and invite.role == "volunteer" and row.active:
            return RedeemResult.ALREADY, invite
        result = RedeemResult.ROLE_CHANGED if row.active else RedeemResult.JOINED
        row.role, row.active = invite.role, True
        session.add(row)
    invite.uses += 1
    session.add(invite)
    session.flush()
    return result, invite
