"""The inbox row of the update being applied, so the dispatcher deletes it while applying it.

A webhook or polled update is stored in the inbox before it is processed (it survives a
crash). The code that processes a stored update sets `current_ticket`; the dispatcher deletes
that row in the same transaction that applies the update (or records it as a duplicate) and
marks the ticket consumed. A raw update therefore never outlives its application.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class InboxTicket:
    """One stored update being processed: its inbox id, whether its row is gone, and whether
    it must stay (the database was unavailable: it is replayed at the next start)."""

    item_id: int
    consumed: bool = False
    keep: bool = False


current_ticket: ContextVar[InboxTicket | None] = ContextVar("current_ticket", default=None)
