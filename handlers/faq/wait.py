"""How long a resident usually waits for a volunteer: from recent handoffs, or stated honestly."""

from __future__ import annotations

import math
import statistics
from datetime import timedelta

from bot.core.context import Context
from storage import handoff as store

LOOK_BACK = timedelta(days=60)
MIN_SAMPLES = 5
"""Fewer recent handoffs than this say nothing reliable: the default sentence is used instead."""


def usual_wait(ctx: Context, team_id: int, escalate_after: timedelta) -> str:
    """Return a sentence on how soon a volunteer usually takes a request.

    The median wait of the team's handoffs taken in the last 60 days (all teams' when the team
    has too few); with too few anywhere, what is certain: the leader is told after
    `escalate_after`.
    """
    since = ctx.now - LOOK_BACK
    delays = store.take_delays(ctx.session, since=since, team_id=team_id)
    if len(delays) < MIN_SAMPLES:
        delays = store.take_delays(ctx.session, since=since)
    if len(delays) < MIN_SAMPLES:
        minutes = int(escalate_after.total_seconds() // 60)
        return ctx.t("handoff.wait_unknown", minutes=minutes)
    median = statistics.median(delay.total_seconds() for delay in delays) / 60
    if median <= 90:
        rounded = max(5, 5 * math.ceil(median / 5))
        return ctx.t("handoff.wait_minutes", minutes=rounded, count=len(delays))
    return ctx.t("handoff.wait_hours", hours=max(2, round(median / 60)), count=len(delays))
