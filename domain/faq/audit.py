"""Keeping the FAQ fresh: topics checked too long ago, and topics whose source cites nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Literal

from domain.faq.knowledge import FaqEntry

Problem = Literal["stale", "no_source"]
_CITATION = re.compile(
    r"https://|\b\d+/\d{4}/|\b(Luật|Nghị định|Nghị quyết|Quyết định|Thông tư|Law|Decree|"
    r"Resolution|Decision|Circular)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One topic, in one language, that needs a look."""

    key: str
    language: str
    title: str
    problem: Problem
    checked: dt.date
    age_days: int
    province: str | None

    def as_json(self) -> dict[str, object]:
        """Return the finding as plain JSON data (dates as ISO strings)."""
        data = asdict(self)
        data["checked"] = self.checked.isoformat()
        return data


def cites_a_source(entry: FaqEntry) -> bool:
    """Tell whether a topic's source names a web page or a legal document, not only an office."""
    return bool(_CITATION.search(entry.source))


def audit(
    knowledge: Mapping[str, Mapping[str, FaqEntry]], *, today: dt.date, max_age_days: int
) -> list[Finding]:
    """Return the topics checked more than `max_age_days` ago and those citing no source.

    Sorted by problem, then oldest first, then key and language.
    """
    findings: list[Finding] = []
    for language, entries in knowledge.items():
        for entry in entries.values():
            age = (today - entry.checked).days
            problems: list[Problem] = []
            if age > max_age_days:
                problems.append("stale")
            if not cites_a_source(entry):
                problems.append("no_source")
            findings.extend(
                Finding(
                    entry.key, language, entry.title, problem, entry.checked, age, entry.province
                )
                for problem in problems
            )
    return sorted(findings, key=lambda f: (f.problem, -f.age_days, f.key, f.language))
