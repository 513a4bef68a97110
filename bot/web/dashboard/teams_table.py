"""The teams table's sorting, filtering and paging, all on the server from query parameters.

Unknown or malformed parameters fall back to the defaults (never an error page): a shared
or hand-edited address still shows the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from domain.text import fold
from storage.dashboard_data import TeamRow

PAGE_SIZE = 100
SORTS: dict[str, Any] = {
    "name": lambda r: (fold(r.name), r.team_id),
    "ward": lambda r: (fold(r.ward), fold(r.name)),
    "last": lambda r: (r.last_day or date.min, r.team_id),
    "sessions": lambda r: (r.sessions_month, r.team_id),
    "active": lambda r: (r.active_month, r.members, r.team_id),
    "target": lambda r: (-1 if r.target_percent is None else r.target_percent, r.team_id),
}
DEFAULT_DIRECTION = {"name": "asc", "ward": "asc"}


@dataclass(frozen=True)
class TableQuery:
    """What the table was asked for."""

    sort: str = "last"
    direction: str = "desc"
    text: str = ""
    ward: int | None = None
    silent: bool = False
    page: int = 1

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> TableQuery:
        """Read the query string; anything unknown falls back to the default."""
        sort = query.get("sort", "last")
        sort = sort if sort in SORTS else "last"
        direction = query.get("dir", "")
        if direction not in ("asc", "desc"):
            direction = DEFAULT_DIRECTION.get(sort, "desc")
        ward = query.get("ward", "")
        page = query.get("page", "1")
        return cls(
            sort, direction, query.get("q", "").strip()[:100],
            int(ward) if ward.isascii() and ward.isdigit() and len(ward) < 10 else None,
            query.get("silent") == "1",
            max(1, int(page)) if page.isascii() and page.isdigit() and len(page) < 7 else 1,
        )  # fmt: skip

    def params(self, **changes: Any) -> str:
        """Return the query string of this table with some parameters changed."""
        values: dict[str, Any] = {
            "sort": self.sort, "dir": self.direction, "q": self.text,
            "ward": self.ward or "", "silent": "1" if self.silent else "", "page": self.page,
        }  # fmt: skip
        values.update(changes)
        kept = {k: v for k, v in values.items() if v not in ("", None, 1) or k == "sort"}
        return urlencode(kept)

    def sort_link(self, column: str) -> str:
        """Return the query string that sorts by a column (again: the other way round)."""
        if column == self.sort:
            direction = "asc" if self.direction == "desc" else "desc"
        else:
            direction = DEFAULT_DIRECTION.get(column, "desc")
        return self.params(sort=column, dir=direction, page=1)

    def aria_sort(self, column: str) -> str:
        """Return the aria-sort value of a column header."""
        if column != self.sort:
            return "none"
        return "ascending" if self.direction == "asc" else "descending"


@dataclass
class TablePage:
    """The rows of one page of the table and where they sit in the whole."""

    rows: list[TeamRow]
    total: int
    first: int
    last: int
    page: int
    pages: int


def apply(rows: list[TeamRow], query: TableQuery) -> TablePage:
    """Filter, sort and cut the rows for one page."""
    wanted = fold(query.text) if query.text else ""
    kept = [
        r for r in rows
        if (not wanted or wanted in fold(r.name) or wanted in fold(r.ward))
        and (query.ward is None or r.ward_id == query.ward)
        and (not query.silent or r.silent)
    ]  # fmt: skip
    kept.sort(key=SORTS[query.sort], reverse=query.direction == "desc")
    pages = max(1, -(-len(kept) // PAGE_SIZE))
    page = min(query.page, pages)
    start = (page - 1) * PAGE_SIZE
    shown = kept[start : start + PAGE_SIZE]
    return TablePage(shown, len(kept), start + 1 if shown else 0, start + len(shown), page, pages)
