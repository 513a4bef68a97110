"""The FAQ freshness audit: stale `checked` dates and sources that cite nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from domain.faq.audit import audit, cites_a_source
from domain.faq.knowledge import FaqEntry, load_knowledge

FAQ_DIR = Path(__file__).resolve().parents[2] / "locales" / "faq"


def entry(key: str, checked: dt.date, source: str) -> FaqEntry:
    """Build a minimal topic."""
    return FaqEntry(key=key, title=key, answer="- x", source=source, checked=checked)


def test_stale_and_unsourced_topics_are_listed_oldest_first() -> None:
    today = dt.date(2026, 12, 5)
    knowledge = {
        "vi": {
            "fresh": entry("fresh", dt.date(2026, 12, 1), "https://dichvucong.gov.vn"),
            "old": entry("old", dt.date(2026, 1, 1), "Nghị định 118/2025/NĐ-CP"),
            "older": entry("older", dt.date(2025, 7, 1), "Luật Căn cước 2023"),
            "office": entry("office", dt.date(2026, 12, 1), "Công an xã/phường"),
        }
    }
    findings = audit(knowledge, today=today, max_age_days=180)
    assert [(f.problem, f.key) for f in findings] == [
        ("no_source", "office"),
        ("stale", "older"),
        ("stale", "old"),
    ]
    assert findings[1].age_days == (today - dt.date(2025, 7, 1)).days
    assert findings[1].as_json()["checked"] == "2025-07-01"
    assert audit(knowledge, today=today, max_age_days=400)[1:] == [findings[1]]
    assert [f.key for f in audit(knowledge, today=today, max_age_days=100_000)] == ["office"]


def test_what_counts_as_a_source() -> None:
    day = dt.date(2026, 12, 5)
    assert cites_a_source(entry("k", day, "Decree 69/2024/NĐ-CP"))
    assert cites_a_source(entry("k", day, "Quyết định 31/QĐ-BYT"))
    assert cites_a_source(entry("k", day, "see https://vneid.gov.vn"))
    assert not cites_a_source(entry("k", day, "Tổ công nghệ số cộng đồng; UBND xã/phường"))


def test_shipped_topics_are_fresh_today() -> None:
    """Every shipped topic was checked within 180 days of 2026-12-05 (the issue's date)."""
    findings = audit(load_knowledge(FAQ_DIR), today=dt.date(2026, 12, 5), max_age_days=180)
    assert not [f for f in findings if f.problem == "stale"]
