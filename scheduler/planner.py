"""Decides which reminders and digests are due and creates their outbox rows (idempotently).

A team's send moment is its weekday and time in local time. A moment that passed less than
`catch_up` ago is still planned, so runs missed while the bot was down are caught up; the
unique (kind, recipient, period) key makes planning twice harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.core.i18n import Translations
from domain.office_hours import is_holiday
from domain.periods import Week, local_moment
from handlers.leaders.digest_view import digest_caption, digest_chart, digest_text, reminder_text
from scheduler import rows
from scheduler.config import SchedulerConfig
from storage import digests, team_prefs
from storage.db import Database
from storage.team_prefs import Prefs

logger = logging.getLogger(__name__)


@dataclass
class PlanStats:
    """What one planning pass created."""

    reminders: int = 0
    digests: int = 0
    holidays: int = 0


def last_moment(now: datetime, weekday: int, minute: int, tz: ZoneInfo) -> datetime:
    """Return the latest local `weekday` at `minute` past midnight that is not after `now`."""
    week = Week.containing(now.astimezone(tz).date())
    at = time(minute // 60, minute % 60)
    moment = local_moment(week.day(weekday), at, tz)
    if moment > now:
        moment = local_moment(week.shift(-1).day(weekday), at, tz)
    return moment


class Planner:
    """Creates due reminder and digest rows; remembers what it planned to skip repeat work."""

    def __init__(
        self,
        *,
        db: Database,
        translations: Translations,
        tz: ZoneInfo,
        default_locale: str,
        cutoff: int,
        config: SchedulerConfig,
        charts: bool = True,
    ) -> None:
        self.db, self.translations, self.tz = db, translations, tz
        self.default_locale, self.cutoff, self.config = default_locale, cutoff, config
        self.charts = charts
        self._planned: set[tuple[str, int, str]] = set()
        self._drawer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart")

    def close(self) -> None:
        """Stop the chart thread."""
        self._drawer.shutdown(wait=False, cancel_futures=True)

    def _due(
        self, prefs: Sequence[Prefs], now: datetime, kind: str
    ) -> list[tuple[datetime, Week, list[Prefs]]]:
        groups: dict[tuple[int, int], list[Prefs]] = {}
        for p in prefs:
            if kind == rows.REMINDER and p.reminder_enabled:
                groups.setdefault((p.reminder_weekday, p.reminder_minute), []).append(p)
            elif kind == rows.DIGEST and p.digest_enabled:
                groups.setdefault((p.digest_weekday, p.digest_minute), []).append(p)
        due = []
        for (weekday, minute), members in sorted(groups.items()):
            moment = last_moment(now, weekday, minute, self.tz)
            if now - moment > self.config.catch_up:
                continue
            week = Week.containing(moment.astimezone(self.tz).date())
            period = (week if kind == rows.REMINDER else week.shift(-1)).key
            todo = [p for p in members if (kind, p.team_id, period) not in self._planned]
            if todo:
                due.append((moment, week, todo))
        return due

    def _remember(self, kind: str, prefs: Sequence[Prefs], period: str) -> None:
        self._planned.update((kind, p.team_id, period) for p in prefs)

    async def plan(self, now: datetime) -> PlanStats:
        """Create every reminder and digest row that is due at `now` and not created yet."""
        stats = PlanStats()
        oldest = Week.containing(now.astimezone(self.tz).date()).shift(-2).key
        self._planned = {done for done in self._planned if done[2] >= oldest}
        prefs = await self.db.run(team_prefs.all_teams)
        for moment, week, group in self._due(prefs, now, rows.REMINDER):
            if is_holiday(moment.astimezone(self.tz).date()):
                logger.info("No reminders on %s: public holiday", moment.date())
                stats.holidays += len(group)
            else:
                stats.reminders += await self._plan_reminders(group, week, moment, now)
            self._remember(rows.REMINDER, group, week.key)
        for moment, week, group in self._due(prefs, now, rows.DIGEST):
            covered = week.shift(-1)
            stats.digests += await self._plan_digests(group, covered, moment, now)
            self._remember(rows.DIGEST, group, covered.key)
        return stats

    async def _plan_reminders(
        self, group: list[Prefs], week: Week, moment: datetime, now: datetime
    ) -> int:
        def text_for(locale: str, name: str) -> str:
            return reminder_text(self.translations.get(locale), name)

        team_ids = [p.team_id for p in group]
        return await self.db.run(
            lambda s: rows.create_reminders(
                s, team_ids=team_ids, week=week, due_at=moment, now=now,
                text_for=text_for, default_locale=self.default_locale,
            )
        )  # fmt: skip

    async def _plan_digests(
        self, group: list[Prefs], week: Week, moment: datetime, now: datetime
    ) -> int:
        work = await self.db.run(
            lambda s: rows.missing_digests(
                s, prefs=group, period=week.key, default_locale=self.default_locale
            )
        )
        teams = sorted(work.recipients)
        created = 0
        for start in range(0, len(teams), self.config.plan_batch):
            batch = teams[start : start + self.config.plan_batch]
            data = await self.db.run(
                lambda s, b=batch: digests.team_weeks(  # type: ignore[misc]
                    s, week=week, tz=self.tz, cutoff=self.cutoff, team_ids=b
                )
            )
            rendered = await self._render(data, {t: work.recipients[t] for t in batch})
            created += await self.db.run(
                lambda s, r=rendered: rows.store_digests(  # type: ignore[misc]
                    s, rows=r, period=week.key, due_at=moment, now=now
                )
            )
        return created

    async def _render(
        self, data: dict[int, digests.TeamWeek], recipients: dict[int, list[rows.Recipient]]
    ) -> list[rows.DigestRow]:
        loop = asyncio.get_running_loop()
        rendered: list[rows.DigestRow] = []
        for team, wanted in recipients.items():
            tw = data.get(team)
            if tw is None:
                continue
            by_locale: dict[str, tuple[str, str, bytes | None]] = {}
            for recipient in wanted:
                if recipient.locale not in by_locale:
                    catalog = self.translations.get(recipient.locale)
                    image, problem = None, ""
                    if self.charts:
                        chart = await loop.run_in_executor(self._drawer, digest_chart, catalog, tw)
                        image, problem = chart.png, chart.problem
                    text = digest_text(catalog, recipient.locale, tw, chart_problem=problem)
                    by_locale[recipient.locale] = (text, digest_caption(catalog, tw), image)
                text, caption, image = by_locale[recipient.locale]
                rendered.append(rows.DigestRow(team, recipient, text, caption, image))
        return rendered
