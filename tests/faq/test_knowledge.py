"""The FAQ knowledge base files: completeness, format and text quality."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from domain.faq.knowledge import FaqEntry, KnowledgeError, load_knowledge
from domain.faq.normalize import load_dictionary
from domain.text import fold

FAQ_DIR = Path(__file__).resolve().parents[2] / "locales" / "faq"
REQUIRED_KEYS = (
    "vneid_install",
    "vneid_level1",
    "vneid_level2",
    "vneid_otp",
    "vneid_phone_change",
    "vneid_passcode",
    "vneid_password",
    "vneid_documents",
    "dvc_account",
    "dvc_submit",
    "dvc_payment",
    "vssid",
    "health_book",
    "bhyt_check",
    "smart_city_report",
    "gopy_app",
    "hotline_1022",
    "scam",
    "cashless_payment",
    "utility_bills",
    "admin_units",
    "cccd",
    "residence",
    "land",
    "ecommerce",
    "digital_skills",
    "volunteer_help",
)
# Topics whose official site is known (domain notes): the source must link to it.
SOURCE_SITES = {
    "vneid_install": "vneid.gov.vn",
    "dvc_account": "dichvucong.gov.vn",
    "dvc_submit": "dichvucong.gov.vn",
    "dvc_payment": "dichvucong.gov.vn",
    "vssid": "baohiemxahoi.gov.vn",
    "bhyt_check": "baohiemxahoi.gov.vn",
    "smart_city_report": "gopy.danang.gov.vn",
    "gopy_app": "gopy.danang.gov.vn",
    "digital_skills": "binhdanhocvuso.gov.vn",
}
URL = re.compile(r"\b[a-z]+://[^\s)]+", re.IGNORECASE)
MAX_ANSWER_LINES = 8


@pytest.fixture(scope="module")
def knowledge() -> dict[str, dict[str, FaqEntry]]:
    """Load the knowledge base once."""
    return load_knowledge(FAQ_DIR)


def _entries(knowledge: dict[str, dict[str, FaqEntry]]) -> list[tuple[str, FaqEntry]]:
    """Return (lang, entry) for every entry."""
    return [(lang, entry) for lang, entries in knowledge.items() for entry in entries.values()]


def test_languages_and_keys(knowledge: dict[str, dict[str, FaqEntry]]) -> None:
    """Both languages exist and hold every required topic, and the same topics."""
    assert set(knowledge) >= {"vi", "en"}
    for lang in ("vi", "en"):
        missing = set(REQUIRED_KEYS) - set(knowledge[lang])
        assert not missing, f"{lang} lacks {sorted(missing)}"
    assert set(knowledge["vi"]) == set(knowledge["en"])


def test_required_fields(knowledge: dict[str, dict[str, FaqEntry]]) -> None:
    """Titles, answers and sources are filled in; keys match the YAML keys."""
    for lang, entries in knowledge.items():
        for key, entry in entries.items():
            assert entry.key == key
            assert entry.title.strip() and len(entry.title) <= 90, (lang, key)
            assert entry.answer.strip(), (lang, key)
            assert entry.source.strip(), (lang, key)


def test_answers_are_short_numbered_steps(knowledge: dict[str, dict[str, FaqEntry]]) -> None:
    """Answers stay within about 8 lines and are written as numbered steps."""
    for lang, entry in _entries(knowledge):
        lines = entry.answer.splitlines()
        assert len(lines) <= MAX_ANSWER_LINES, (lang, entry.key, len(lines))
        assert lines[0].startswith("1. "), (lang, entry.key)
        assert all(line.strip() for line in lines), (lang, entry.key)


def test_files_and_fields_are_nfc() -> None:
    """The files on disk are NFC, so every field is NFC too."""
    for path in FAQ_DIR.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path.name


def test_vietnamese_answers_have_diacritics(knowledge: dict[str, dict[str, FaqEntry]]) -> None:
    """Vietnamese titles and answers are written with proper diacritics."""
    for entry in knowledge["vi"].values():
        for text in (entry.title, entry.answer):
            assert fold(text) != text.lower(), entry.key


def test_urls_are_well_formed_https(knowledge: dict[str, dict[str, FaqEntry]]) -> None:
    """Every URL in answers and sources is https with a real host."""
    for lang, entry in _entries(knowledge):
        for text in (entry.answer, entry.source):
            for url in URL.findall(text):
                url = url.rstrip(".,;:")
                parsed = urlparse(url)
                assert parsed.scheme == "https", (lang, entry.key, url)
                assert "." in parsed.netloc and " " not in url, (lang, entry.key, url)


def test_sources_link_official_sites(knowledge: dict[str, dict[str, FaqEntry]]) -> None:
    """Topics with a known official site cite it as an https URL."""
    for lang in ("vi", "en"):
        for key, site in SOURCE_SITES.items():
            assert f"https://{site}" in knowledge[lang][key].source, (lang, key)


def test_checked_is_a_plausible_date(knowledge: dict[str, dict[str, FaqEntry]]) -> None:
    """`checked` is a real date, not before the 2025 reforms and not in the far future."""
    for lang, entry in _entries(knowledge):
        assert isinstance(entry.checked, dt.date), (lang, entry.key)
        assert dt.date(2025, 7, 1) <= entry.checked <= dt.date(2030, 1, 1), (lang, entry.key)


def test_vietnamese_examples_are_varied(knowledge: dict[str, dict[str, FaqEntry]]) -> None:
    """Each vi topic has at least 4 phrasings, with and without diacritics."""
    for key, entry in knowledge["vi"].items():
        examples = entry.examples
        assert len(examples) >= 4, key
        plain = [text for text in examples if fold(text) == text.lower()]
        accented = [text for text in examples if fold(text) != text.lower()]
        assert plain and accented, key


def test_examples_are_not_duplicated_across_topics(
    knowledge: dict[str, dict[str, FaqEntry]],
) -> None:
    """No phrasing (ignoring accents and case) is attached to two topics."""
    owner: dict[str, str] = {}
    for key, entry in knowledge["vi"].items():
        for text in entry.examples:
            folded = fold(text)
            assert owner.setdefault(folded, key) == key, (text, key, owner[folded])


def test_dictionary_is_folded() -> None:
    """Dictionary keys and values are lower-case without diacritics (except `accented`)."""
    data = yaml.safe_load((FAQ_DIR / "dictionary.yaml").read_text(encoding="utf-8"))
    for section in ("abbreviations", "synonyms", "ambiguous"):
        for key, value in data[section].items():
            assert fold(str(key)) == str(key), (section, key)
            assert fold(str(value)) == str(value), (section, key, value)
    for key, value in data["accented"].items():
        assert fold(str(value)) == str(value), ("accented", key, value)
    dictionary = load_dictionary(FAQ_DIR / "dictionary.yaml")
    assert dictionary.replacements[("ko",)] == ("khong",)
    assert dictionary.replacements[("mk",)] == ("mat", "khau")
    assert dictionary.ambiguous["rang"] == ("sao",)
    assert dictionary.accented["mô"] == ("dau",)


def test_loader_rejects_bad_files(tmp_path: Path) -> None:
    """Missing fields, bad dates and mismatched topic sets raise KnowledgeError."""
    good = "k1:\n  title: T\n  answer: '1. A'\n  source: S\n  checked: 2026-01-02\n"
    (tmp_path / "vi.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "en.yaml").write_text(good, encoding="utf-8")
    loaded = load_knowledge(tmp_path)
    assert loaded["en"]["k1"].checked == dt.date(2026, 1, 2)
    (tmp_path / "en.yaml").write_text(good.replace("2026-01-02", "'2026-13-40'"), "utf-8")
    with pytest.raises(KnowledgeError, match="ISO date"):
        load_knowledge(tmp_path)
    (tmp_path / "en.yaml").write_text(good.replace("  source: S\n", ""), "utf-8")
    with pytest.raises(KnowledgeError, match="missing source"):
        load_knowledge(tmp_path)
    (tmp_path / "en.yaml").write_text(good.replace("k1:", "k2:"), "utf-8")
    with pytest.raises(KnowledgeError, match="lacks topics"):
        load_knowledge(tmp_path)
