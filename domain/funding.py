"""The team allowance as data: a province's funding rule (locales/funding/<province>.yaml).

`FundingRule` is what the file says; `allowance` applies it to one month's member-days
("ngày công") and shows both parts of the envelope without deciding anything the rule does not:
no order between the parts, no eligibility. Đà Nẵng's NQ 26/2025/NQ-HĐND is the shipped file.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "FUNDING_DIR",
    "Allowance",
    "FundingError",
    "FundingRule",
    "allowance",
    "funding_rule",
    "load_rule",
    "member_days",
]

FUNDING_DIR = Path(__file__).resolve().parents[1] / "locales" / "funding"
ACTIVITY_KINDS = ("assist", "awareness", "class")  # = storage.assist_models.ASSIST_KINDS (tested)
LANGS = ("vi", "en")


class FundingError(ValueError):
    """A funding file that does not say what it must."""


@dataclass(frozen=True)
class FundingRule:
    """One province's allowance rule; amounts in đồng, texts by language."""

    document: str
    title: Mapping[str, str]
    valid_from: date
    valid_until: date
    applies_to: Mapping[str, str]
    team_per_month: int
    per_member_day: int
    per_member_day_for: Mapping[str, str]
    rest_for: Mapping[str, str]
    kinds: tuple[str, ...] = ACTIVITY_KINDS
    min_minutes: int = 0
    top_up_max_times: float = 0
    ward_top_ups: Mapping[str, int] = field(default_factory=dict)
    source_name: str = ""
    source_url: str = ""
    published: date | None = None
    checked: date | None = None

    def text(self, name: str, lang: str) -> str:
        """Return one of the rule's texts (title, applies_to, …) in a language (vi as fallback)."""
        texts: Mapping[str, str] = getattr(self, name)
        return texts.get(lang) or texts["vi"]

    def in_force(self, start: date, end: date) -> bool:
        """Tell whether the rule is in force on any day of the period [start, end)."""
        return start <= self.valid_until and end > self.valid_from

    def ward_top_up(self, ward_name: str) -> int:
        """Return what a ward adds per team per month from its own budget (0: nothing known)."""
        return self.ward_top_ups.get(ward_name, 0)


@dataclass(frozen=True)
class Allowance:
    """A month under a rule: member-days, and the two parts of the team's envelope."""

    rule: FundingRule
    in_force: bool
    member_days: int
    top_up: int = 0

    @property
    def at_day_rate(self) -> int:
        """Return member-days × the per-member-day amount (water and fuel)."""
        return self.member_days * self.rule.per_member_day

    @property
    def exceeds_envelope(self) -> bool:
        """Tell whether the day-rate amount is more than the team's monthly envelope."""
        return self.at_day_rate > self.rule.team_per_month

    @property
    def rest(self) -> int:
        """Return what the envelope leaves for the other part (0 when the day rate exceeds it)."""
        return max(self.rule.team_per_month - self.at_day_rate, 0)


def member_days(minutes_by_member_day: Iterable[tuple[int, date, int]], rule: FundingRule) -> int:
    """Count (member, day) pairs whose logged minutes that day reach the rule's minimum."""
    totals: dict[tuple[int, date], int] = {}
    for person, day, minutes in minutes_by_member_day:
        totals[(person, day)] = totals.get((person, day), 0) + minutes
    return sum(1 for minutes in totals.values() if minutes >= rule.min_minutes)


def allowance(
    rule: FundingRule, *, days: int, start: date, end: date, ward_name: str = ""
) -> Allowance:
    """Apply the rule to `days` member-days in the period [start, end) of a team of a ward."""
    if not rule.in_force(start, end):
        return Allowance(rule, False, days)
    return Allowance(rule, True, days, rule.ward_top_up(ward_name))


def _texts(raw: Any, name: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(lang), str) and raw[lang].strip() for lang in LANGS
    ):
        raise FundingError(f"{name}: give the text in both vi and en")
    return {lang: str(raw[lang]).strip() for lang in LANGS}


def _amount(raw: Any, name: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise FundingError(f"{name}: a whole, non-negative amount in đồng")
    return raw


def _day(raw: Any, name: str, *, optional: bool = False) -> date | None:
    if raw is None and optional:
        return None
    if not isinstance(raw, date):
        raise FundingError(f"{name}: a date written YYYY-MM-DD")
    return raw


def parse_rule(data: Any) -> FundingRule:
    """Build a rule from a funding file's content; raise FundingError naming what is wrong."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise FundingError("version: must be 1")
    valid_from = _day(data.get("valid_from"), "valid_from")
    valid_until = _day(data.get("valid_until"), "valid_until")
    assert valid_from is not None and valid_until is not None
    if valid_until < valid_from:
        raise FundingError("valid_until: before valid_from")
    team = _amount(data.get("team_per_month"), "team_per_month")
    per_day = _amount(data.get("per_member_day"), "per_member_day")
    day_rule = data.get("participation_day") or {}
    kinds = tuple(day_rule.get("kinds") or ACTIVITY_KINDS)
    if not kinds or any(k not in ACTIVITY_KINDS for k in kinds):
        raise FundingError(f"participation_day.kinds: some of {', '.join(ACTIVITY_KINDS)}")
    top = data.get("ward_top_up") or {}
    max_times = top.get("max_times", 0)
    if isinstance(max_times, bool) or not isinstance(max_times, int | float) or max_times < 0:
        raise FundingError("ward_top_up.max_times: a number, 0 or more")
    wards = top.get("per_team_per_month") or {}
    if not isinstance(wards, dict):
        raise FundingError("ward_top_up.per_team_per_month: ward name: amount")
    ward_top_ups = {str(k): _amount(v, f"ward_top_up {k}") for k, v in wards.items()}
    for ward, amount in ward_top_ups.items():
        if amount > max_times * team:
            raise FundingError(f"ward_top_up {ward}: more than {max_times} × team_per_month")
    source = data.get("source") or {}
    document = data.get("document")
    if not isinstance(document, str) or not document.strip():
        raise FundingError("document: the rule's number, e.g. Nghị quyết 26/2025/NQ-HĐND")
    return FundingRule(
        document=document.strip(),
        title=_texts(data.get("title"), "title"),
        valid_from=valid_from,
        valid_until=valid_until,
        applies_to=_texts(data.get("applies_to"), "applies_to"),
        team_per_month=team,
        per_member_day=per_day,
        per_member_day_for=_texts(data.get("per_member_day_for"), "per_member_day_for"),
        rest_for=_texts(data.get("rest_for"), "rest_for"),
        kinds=kinds,
        min_minutes=_amount(day_rule.get("min_minutes", 0), "participation_day.min_minutes"),
        top_up_max_times=float(max_times),
        ward_top_ups=ward_top_ups,
        source_name=str(source.get("name") or ""),
        source_url=str(source.get("url") or ""),
        published=_day(source.get("published"), "source.published", optional=True),
        checked=_day(source.get("checked"), "source.checked", optional=True),
    )


def load_rule(path: Path) -> FundingRule:
    """Read and check one funding file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FundingError(f"{path.name}: not valid YAML ({exc})") from exc
    try:
        return parse_rule(data)
    except FundingError as exc:
        raise FundingError(f"{path.name}: {exc}") from exc


@functools.cache
def funding_rule(province: str, directory: Path = FUNDING_DIR) -> FundingRule | None:
    """Return the rule of a province (BOT_PROVINCE), or None when it has no funding file."""
    path = directory / f"{province}.yaml"
    return load_rule(path) if province.isidentifier() and path.is_file() else None
