"""Which month a leader means when a report-like command names none.

Teams prepare a month's figures in the first days after it ends, so during the first
`REPORT_DAYS` days of a report month the default is the month just finished; after that it is
the running month. With a cut-off day (BOT_REPORT_CUTOFF_DAY) the days count from the cut-off.
"""

from __future__ import annotations

from datetime import date

from domain.periods import Month, month_containing

REPORT_DAYS = 7


def default_report_month(today: date, *, cutoff: int = 1, report_days: int = REPORT_DAYS) -> Month:
    """Return the month just finished during its first `report_days` days after, else today's."""
    running = month_containing(today, cutoff=cutoff)
    return running.shift(-1) if (today - running.start).days < report_days else running
