"""Retention: what the daily cleanup deletes, so that /privacy promises only what happens.

- residents' questions older than BOT_QUESTION_RETENTION_DAYS;
- conversation state past its time to live (an expired flow, or an ended one idle longer
  than the TTL) and the numbered menus shown that long ago;
- ids of processed updates older than PROCESSED_KEEP (platforms redeliver for about a day;
  a week leaves a wide margin for the duplicate check);
- webhook inbox rows older than INBOX_KEEP: an update is deleted in the transaction that
  applies it and replayed at start-up, so a row still there after that is one that never
  could be applied; its raw body must not stay at rest;
- dashboard sign-in links and sessions a day after they expired (they hold only hashes, but
  nothing needs them any more).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlmodel import Session, col

from storage.conversations import purge_processed
from storage.dashboard_models import DashboardLink, DashboardSession
from storage.dialect import rowcount
from storage.inbox import InboxItem
from storage.models import ChatMenu, Conversation
from storage.privacy import purge_questions

PROCESSED_KEEP = timedelta(days=7)
INBOX_KEEP = timedelta(days=2)


def purge_conversations(session: Session, *, now: datetime, ttl: timedelta) -> int:
    """Delete expired flows and ended ones idle longer than `ttl`, and menus that old."""
    idle_before = now - ttl
    result = session.execute(
        delete(Conversation).where(
            or_(
                col(Conversation.expires_at) < now,
                (col(Conversation.state) == "") & (col(Conversation.updated_at) < idle_before),
            )
        )
    )
    session.execute(delete(ChatMenu).where(col(ChatMenu.updated_at) < idle_before))
    return rowcount(result)


def purge_inbox(session: Session, *, before: datetime) -> int:
    """Delete webhook inbox rows received before a moment; return how many."""
    return rowcount(session.execute(delete(InboxItem).where(col(InboxItem.received_at) < before)))


def purge_dashboard_access(session: Session, *, before: datetime) -> int:
    """Delete dashboard links and sessions that expired before a moment; return how many."""
    removed = 0
    for table in (DashboardLink, DashboardSession):
        removed += rowcount(session.execute(delete(table).where(col(table.expires_at) < before)))
    return removed


def purge_all(
    session: Session, *, now: datetime, question_days: int, conversation_ttl: timedelta
) -> dict[str, int]:
    """Run every retention rule at `now`; return how many rows each removed."""
    return {
        "questions": purge_questions(session, before=now - timedelta(days=question_days)),
        "conversations": purge_conversations(session, now=now, ttl=conversation_ttl),
        "processed_updates": purge_processed(session, before=now - PROCESSED_KEEP),
        "inbox": purge_inbox(session, before=now - INBOX_KEEP),
        "dashboard_access": purge_dashboard_access(session, before=now - timedelta(days=1)),
    }
