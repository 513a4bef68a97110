"""Team allowances: the rule (default Đà Nẵng NQ 26/2025/NQ-HĐND) and what a month qualifies for.

NQ 26/2025 (in force 1/1/2026 to 31/12/2027, domain.md §1.4): 300,000 VND per team per month;
within it, drinking water and fuel are paid at 50,000 VND per day per participating member;
the rest goes to telecom, contact costs and stationery. Wards may top the city level up to 2×.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = ["DA_NANG_2026", "Allowance", "FundingRule", "allowance", "member_days"]


@dataclass(frozen=True, slots=True)
class FundingRule:
    """Parameters of an allowance rule; every amount is in VND."""

    name: str = "NQ 26/2025/NQ-HĐND Đà Nẵng"
    team_per_month: int = 300_000
    per_member_day: int = 50_000
    top_up: float = 1.0
    max_top_up: float = 2.0
    min_minutes_per_day: int = 0
    requires_activity: bool = True
    valid_from: date | None = date(2026, 1, 1)
    valid_until: date | None = date(2027, 12, 31)

    def __post_init__(self) -> None:
        """Refuse negative amounts and a top-up above the allowed maximum."""
        if self.team_per_month < 0 or self.per_member_day < 0 or self.min_minutes_per_day < 0:
            raise ValueError("amounts and minimum minutes must not be negative")
        if not 0 < self.top_up <= self.max_top_up:
            raise ValueError(f"top-up {self.top_up} must be in (0, {self.max_top_up}]")

    def in_force(self, start: date, end: date) -> bool:
        """Tell whether the rule applies to a period [start, end)."""
        if self.valid_from is not None and end <= self.valid_from:
            return False
        return self.valid_until is None or start <= self.valid_until

    @property
    def budget(self) -> int:
        """Return the monthly envelope of one team, top-up included."""
        return round(self.team_per_month * self.top_up)


DA_NANG_2026 = FundingRule()


@dataclass(frozen=True, slots=True)
class Allowance:
    """What a team qualifies for in one month under a rule."""

    rule: FundingRule
    applies: bool
    member_days: int
    paid_member_days: int
    water_fuel: int
    other: int

    @property
    def total(self) -> int:
        """Return the whole amount."""
        return self.water_fuel + self.other


def member_days(minutes_by_member_day: Iterable[tuple[int, date, int]], rule: FundingRule) -> int:
    """Count the (member, day) pairs with enough logged minutes to count as participating."""
    seen = {
        (person, day)
        for person, day, minutes in minutes_by_member_day
        if minutes >= rule.min_minutes_per_day
    }
    return len(seen)


def allowance(rule: FundingRule, *, days: int, start: date, end: date) -> Allowance:
    """Return the allowance for `days` participating member-days in the period [start, end)."""
    if not rule.in_force(start, end) or (rule.requires_activity and days == 0):
        return Allowance(rule, False, days, 0, 0, 0)
    budget = rule.budget
    per_day = rule.per_member_day
    paid = min(days, budget // per_day) if per_day else 0
    water_fuel = paid * per_day
    return Allowance(rule, True, days, paid, water_fuel, budget - water_fuel)
