"""The FAQ knowledge base files: completeness, format and text quality."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from domain.faq.knowledge import (
    NO_PROVINCE,
    FaqEntry,
    KnowledgeError,
    load_knowledge,
    load_off_topic,
)
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
    "lost_phone",
    "civil_status",
    "criminal_record",
    "passport",
    "etax",
    "digital_signature",
)
# Topics whose official site is known (domain notes): the source must link to it (Da Nang pack).
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
STEP_MARKER = "- "
NUMBERED = re.compile(r"^\s*(\d+|[a-z])[.)]\s", re.IGNORECASE)


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


def test_answers_are_short_steps_that_cannot_pass_for_reply_options(
    knowledge: dict[str, dict[str, FaqEntry]],
) -> None:
    """Answers stay within 8 lines, each a step marked "- ", never "1." like numbered buttons.

    Zalo and the console render reply options as "1., 2.", so numbered steps would read as options.
    """
    for lang, entry in _entries(knowledge):
        lines = entry.answer.splitlines()
        assert len(lines) <= MAX_ANSWER_LINES, (lang, entry.key, len(lines))
        assert all(line.startswith(STEP_MARKER) for line in lines), (lang, entry.key)
        assert not any(NUMBERED.match(line) for line in lines), (lang, entry.key)
        assert all(line.strip() for line in lines), (lang, entry.key)


def test_files_and_fields_are_nfc() -> None:
    """The files on disk are NFC, so every field is NFC too."""
    for path in [*FAQ_DIR.glob("*.yaml"), *FAQ_DIR.glob("provinces/*.yaml")]:
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
    """No phrasing (ignoring accents and case) is attached to two topics, nor to off-topic."""
    owner: dict[str, str] = {}
    for entries in knowledge.values():
        for key, entry in entries.items():
            for text in entry.examples:
                folded = fold(text)
                assert owner.setdefault(folded, key) == key, (text, key, owner[folded])
    for text in load_off_topic(FAQ_DIR):
        assert fold(text) not in owner, (text, owner.get(fold(text)))


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
    loaded = load_knowledge(tmp_path, NO_PROVINCE)
    assert loaded["en"]["k1"].checked == dt.date(2026, 1, 2)
    with pytest.raises(KnowledgeError, match="no province pack 'da_nang'"):
        load_knowledge(tmp_path)
    (tmp_path / "en.yaml").write_text(good.replace("2026-01-02", "'2026-13-40'"), "utf-8")
    with pytest.raises(KnowledgeError, match="ISO date"):
        load_knowledge(tmp_path, NO_PROVINCE)
    (tmp_path / "en.yaml").write_text(good.replace("  source: S\n", ""), "utf-8")
    with pytest.raises(KnowledgeError, match="missing source"):
        load_knowledge(tmp_path, NO_PROVINCE)
    (tmp_path / "en.yaml").write_text(good.replace("k1:", "k2:"), "utf-8")
    with pytest.raises(KnowledgeError, match="lacks topics"):
        load_knowledge(tmp_path, NO_PROVINCE)


# --- Voice, spelling and safety of the answers (issue 14) -------------------------------------

# New-style tone placement ("hoà", "khoẻ", "thuỷ"): the catalogs use the old style ("hòa", "khỏe",
# "thủy") everywhere, so one spelling per word.
NEW_STYLE_TONE = re.compile(r"(?<![qQ])(?:[oO][àáảãạ]|[oO][èéẻẽẹ]|[uU][ỳýỷỹỵ])(?![^\W\d_])")
# Abbreviations residents may not know: allowed only where the full form is also written.
ABBREVIATIONS = {
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "UBND": "ủy ban nhân dân",
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "DVC": "dịch vụ công",
    "TTHC": "thủ tục hành chính",
    "GPLX": "giấy phép lái xe",
    "LLTP": "lý lịch tư pháp",
    "SĐT": "số điện thoại",
    "IOC": "điều hành thông minh",
}
WORD = re.compile(r"[^\W_]+")
SHARE_VERB = re.compile(
    r"\b(đọc|gửi|cung cấp|đưa|chia sẻ|báo|share|send|give|read|tell|provide|hand)\b",
    re.IGNORECASE,
)
SECRET = re.compile(
    r"(mã otp|\botp\b|mật khẩu|passcode|mã pin|\bpin\b|số thẻ|số căn cước|số định danh|"
    r"ảnh (chụp )?(thẻ|căn cước)|password|id number|identification number|card number|"
    r"photo of your (id )?card)",
    re.IGNORECASE,
)
SECRET_WITHIN = 18
"""The secret must follow the verb closely ("đọc mã OTP", "send your password")."""
NEGATION = re.compile(
    r"\b(không|đừng|chớ|cảnh giác|cẩn thận|never|not|don't|no one|beware)\b", re.IGNORECASE
)


def asks_to_share_a_secret(answer: str) -> list[str]:
    """Return the clauses that ask a resident to share an OTP, password, ID number or card photo."""
    clauses = re.split(r"[.;\n]| – ", answer)
    return [
        clause
        for clause in clauses
        if (verb := SHARE_VERB.search(clause))
        and (secret := SECRET.search(clause, verb.end()))
        and secret.start() - verb.end() <= SECRET_WITHIN
        and not NEGATION.search(clause)
    ]


def all_packs() -> list[dict[str, dict[str, FaqEntry]]]:
    """Return the national topics and every province pack laid over them."""
    provinces = [path.stem for path in (FAQ_DIR / "provinces").glob("*.yaml")]
    return [load_knowledge(FAQ_DIR, NO_PROVINCE)] + [load_knowledge(FAQ_DIR, p) for p in provinces]


def test_no_answer_asks_to_share_secrets() -> None:
    """No answer, in any language or pack, asks to share an OTP, password, ID number or card photo."""
    for knowledge in all_packs():
        for lang, entry in _entries(knowledge):
            bad = asks_to_share_a_secret(entry.answer)
            assert not bad, (lang, entry.key, bad)


def test_the_secret_check_can_fail() -> None:
    """The check above catches requests and lets warnings through."""
    assert asks_to_share_a_secret("- Anh/chị đọc mã OTP cho cán bộ tổng đài.")
    assert asks_to_share_a_secret("- Gửi ảnh chụp thẻ căn cước qua Zalo để được duyệt.")
    assert asks_to_share_a_secret("- Please send your password to the volunteer.")
    assert not asks_to_share_a_secret("- Không đọc mã OTP cho ai, kể cả người xưng là công an.")
    assert not asks_to_share_a_secret("- Never read an OTP code to anyone.")


def test_residents_are_addressed_respectfully() -> None:
    """Vietnamese answers say "anh/chị" with "ạ", never "bạn"; the bot never calls itself tôi/mình."""
    for knowledge in all_packs():
        for entry in knowledge["vi"].values():
            words = {word.lower() for word in WORD.findall(entry.answer + " " + entry.title)}
            assert "anh/chị" in entry.answer.lower(), entry.key
            assert re.search(r"\bạ\b", entry.answer), entry.key
            assert not words & {"bạn", "tôi", "mình", "tớ", "tao"}, (entry.key, words)


def test_one_spelling_per_word() -> None:
    """Every FAQ file uses the old-style tone placement (hòa, khóa, xóa, hủy, khỏe)."""
    for path in [*FAQ_DIR.glob("*.yaml"), *FAQ_DIR.glob("provinces/*.yaml")]:
        found = NEW_STYLE_TONE.findall(path.read_text(encoding="utf-8"))
        assert not found, (path.name, sorted(set(found)))


def test_no_unexplained_abbreviations() -> None:
    """Titles use no listed abbreviation; answers only next to its full form."""
    for knowledge in all_packs():
        for lang, entry in _entries(knowledge):
            for short, full in ABBREVIATIONS.items():
                assert not re.search(rf"\b{short}\b", entry.title), (lang, entry.key, short)
                if lang == "vi" and re.search(rf"\b{short}\b", entry.answer):
                    assert full in entry.answer.lower(), (entry.key, short)


def test_one_stop_desk_is_now_the_public_administration_centre() -> None:
    """Since 1/7/2025 the ward's office is the Trung tâm Phục vụ hành chính công (NĐ 118/2025)."""
    for knowledge in all_packs():
        for lang, entry in _entries(knowledge):
            for text in (entry.title, entry.answer, entry.source):
                assert "một cửa" not in text.lower(), (lang, entry.key)
                assert "one-stop" not in text.lower(), (lang, entry.key)


def test_corrected_facts_of_2026_12_05(knowledge: dict[str, dict[str, FaqEntry]]) -> None:
    """The corrections of issue 14 are in the answers, and the stale claims are gone."""
    vi = knowledge["vi"]
    assert "không cài được VssID" in vi["bhyt_check"].answer
    assert "thẻ căn cước gắn chip" in vi["bhyt_check"].answer
    assert "1/1/2025" in vi["cashless_payment"].answer
    assert "hết giá trị từ 1/1/2025" in vi["cccd"].answer and "VNeID" in vi["cccd"].answer
    assert "CCCD" not in vi["cccd"].title
    assert "1/1/2023" in vi["residence"].answer
    assert "31/QĐ-BYT" in vi["health_book"].answer
    assert "0236.383.1022" in vi["hotline_1022"].answer and "IOC" in vi["hotline_1022"].answer
    for key in ("dvc_payment", "land"):
        assert "dự thảo" not in vi[key].answer, key
    for key in ("dvc_submit", "land", "dvc_payment"):
        assert "Trung tâm Phục vụ hành chính công" in vi[key].answer, key
        assert "Public Administration Service Centre" in knowledge["en"][key].answer, key


def _other_province(tmp_path: Path) -> Path:
    """Copy the knowledge base with a small pack for another province (Huế) beside Da Nang's."""
    target = tmp_path / "faq"
    (target / "provinces").mkdir(parents=True)
    for path in FAQ_DIR.glob("*.yaml"):
        (target / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    hue = {
        "name": {"vi": "thành phố Huế", "en": "Huế City"},
        "topics": {
            "hotline_1022": {
                lang: {
                    "title": "Tổng đài Huế" if lang == "vi" else "Huế hotline",
                    "answer": "- Gọi số tổng đài của thành phố Huế (ví dụ trong bài kiểm thử) ạ."
                    if lang == "vi"
                    else "- Call Huế's city hotline (a test example).",
                    "source": "https://example.gov.vn",
                    "checked": "2026-12-05",
                    "examples": ["tong dai hue"],
                }
                for lang in ("vi", "en")
            }
        },
    }
    (target / "provinces" / "hue.yaml").write_text(
        yaml.safe_dump(hue, allow_unicode=True), encoding="utf-8"
    )
    return target


DA_NANG_MARKS = ("1022", "đà nẵng", "da nang", "gopy", "góp ý đà nẵng")


@pytest.mark.parametrize("province", ["none", "hue"])
def test_other_provinces_never_mention_da_nang(tmp_path: Path, province: str) -> None:
    """With another province, no title, answer or source mentions Da Nang's 1022 or its apps."""
    knowledge = load_knowledge(_other_province(tmp_path), province)
    assert set(knowledge["vi"]) == set(REQUIRED_KEYS)
    for lang, entry in _entries(knowledge):
        for text in (entry.title, entry.answer, entry.source):
            assert not any(mark in text.lower() for mark in DA_NANG_MARKS), (lang, entry.key)
    hotline = knowledge["vi"]["hotline_1022"]
    if province == "hue":
        assert hotline.province == "hue" and "Huế" in hotline.answer
        assert "tong dai hue" in hotline.examples
    else:
        assert hotline.province is None and "Trung tâm Phục vụ hành chính công" in hotline.answer


def test_da_nang_pack_holds_its_own_channels(knowledge: dict[str, dict[str, FaqEntry]]) -> None:
    """The default pack (Da Nang) gives 1022, Góp ý Đà Nẵng and the smart-city report topic."""
    for lang in ("vi", "en"):
        entries = knowledge[lang]
        for key in ("hotline_1022", "gopy_app", "smart_city_report", "admin_units"):
            assert entries[key].province == "da_nang", (lang, key)
        assert "1022" in entries["hotline_1022"].answer
        assert "gopy.danang.gov.vn" in entries["gopy_app"].answer
        assert entries["cccd"].province is None


def test_pack_errors_are_named(tmp_path: Path) -> None:
    """A malformed pack names the file, topic and problem."""
    target = _other_province(tmp_path)
    pack = target / "provinces" / "bad.yaml"
    pack.write_text("name: {vi: X, en: X}\ntopics:\n  new_topic:\n    vi: {title: T}\n", "utf-8")
    with pytest.raises(KnowledgeError, match=r"new_topic: lacks languages \['en'\]"):
        load_knowledge(target, "bad")
    pack.write_text(
        "name: {vi: X, en: X}\ntopics:\n  new_topic:\n    vi: {title: T}\n    en: {title: T}\n",
        "utf-8",
    )
    with pytest.raises(KnowledgeError, match="missing answer, source, checked"):
        load_knowledge(target, "bad")
    pack.write_text("name: {vi: X}\ntopics:\n  cccd:\n    vi: {colour: red}\n", "utf-8")
    with pytest.raises(KnowledgeError, match="unknown fields"):
        load_knowledge(target, "bad")
    with pytest.raises(KnowledgeError, match="known: bad, hue, or none"):
        load_knowledge(target, "quang_tri")
