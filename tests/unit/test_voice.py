"""One voice across the catalogs (issue 14.4): one spelling per word, residents as "anh/chị",
the bot never "mình", no abbreviations on buttons."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.i18n import LOCALES_DIR, read_catalog
from handlers.core import cancel
from handlers.registry import build_router

VI = read_catalog(LOCALES_DIR / "vi" / "LC_MESSAGES")
YAML_FILES = sorted([*LOCALES_DIR.glob("*.yaml"), *LOCALES_DIR.glob("faq/**/*.yaml")])

# The listed words, each with its one spelling (old-style tone placement, as in "Cộng hòa xã hội
# chủ nghĩa Việt Nam", "Quốc hội khóa XV", "Ủy ban nhân dân") and the variants we refuse.
SPELLINGS = {
    "hủy": "huỷ",
    "xóa": "xoá",
    "khóa": "khoá",
    "hòa": "hoà",
    "khỏe": "khoẻ",
    "thủy": "thuỷ",
    "tùy": "tuỳ",
    "ủy": "uỷ",
    "hóa": "hoá",
    "lũy": "luỹ",
}
# Any new-style placement at all: a tone mark on the "a"/"e" of "oa"/"oe", or on the "y" of "uy".
NEW_STYLE = re.compile(r"(?<![qQ])(?:[oO][àáảãạ]|[oO][èéẻẽẹ]|[uU][ỳýỷỹỵ])(?![^\W\d_])")

# What residents read: every text they can be sent, in the order a resident meets them.
RESIDENT_KEYS = {
    key
    for key in VI
    if key.startswith(("chat.", "faq.", "web.", "error.", "cancel.", "lang."))
    or key
    in {
        "start.friend",
        "start.welcome.resident",
        "help.intro.resident",
        "help.outro",
        "flow.expired",
        "numbered.hint",
        "button.cancel",
        "privacy.forget_ask",
        "privacy.forget_yes",
        "privacy.forgotten",
        "privacy.full",
        "privacy.short",
        "handoff.already_open",
        "handoff.cancelled",
        "handoff.change_team",
        "handoff.choose",
        "handoff.closed",
        "handoff.describe",
        "handoff.ended_by_volunteer",
        "handoff.ended_you",
        "handoff.escalated_resident",
        "handoff.expired",
        "handoff.from_volunteer",
        "handoff.idle_closed",
        "handoff.more",
        "handoff.no_members",
        "handoff.no_teams",
        "handoff.nothing",
        "handoff.pick_team",
        "handoff.pick_ward",
        "handoff.redacted",
        "handoff.sent",
        "handoff.taken_resident",
        "handoff.waiting",
        "handoff.wait_minutes",
        "handoff.wait_hours",
        "handoff.wait_unknown",
        "menu.faq",
        "menu.help",
        "menu.lang",
        "menu.volunteer",
    }
    | {f"cmd.{name}" for name in ("start", "help", "cancel", "lang", "privacy", "forgetme")}
    | {f"cmd.{name}" for name in ("faq", "end", "volunteer", "link")}
} - {"faq.date_format"}
# Texts that speak to the resident (not titles, buttons or fragments) say "anh/chị".
ADDRESSING_KEYS = {
    "chat.greeting",
    "chat.thanks",
    "chat.ok",
    "chat.digits",
    "chat.no_words",
    "faq.unknown",
    "faq.suggest",
    "faq.topics",
    "faq.redacted",
    "start.welcome.resident",
    "help.intro.resident",
    "handoff.describe",
    "handoff.sent",
    "handoff.waiting",
    "handoff.taken_resident",
    "handoff.pick_ward",
    "handoff.expired",
    "privacy.full",
    "privacy.short",
    "web.intro",
}
BUTTON_ABBREVIATION = re.compile(r"\b\d+\s?(?:p|ph|h|g|tr)\b", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+")


def words(text: str) -> set[str]:
    """Return the lower-case words of a text."""
    return {word.casefold() for word in WORD.findall(text)}


def mixed_spellings(texts: dict[str, str]) -> list[str]:
    """Return 'where: word' for every refused variant spelling found in the texts."""
    found = []
    for where, text in texts.items():
        lowered = words(text)
        found += [f"{where}: {bad}" for bad in SPELLINGS.values() if bad in lowered]
        found += [f"{where}: {match}" for match in NEW_STYLE.findall(text)]
    return found


def all_texts() -> dict[str, str]:
    """Return every Vietnamese catalog text and every knowledge file, by where it is."""
    texts = {f"vi:{key}": text for key, text in VI.items()}
    texts.update(
        {str(path.relative_to(LOCALES_DIR)): path.read_text("utf-8") for path in YAML_FILES}
    )
    return texts


def test_one_spelling_per_word_across_all_catalogs() -> None:
    """hủy, xóa, khóa, hòa… everywhere: the .po catalogs, the FAQ and the service catalogue."""
    assert YAML_FILES and len(VI) > 400
    assert mixed_spellings(all_texts()) == []
    for kept in ("hủy", "xóa", "khóa"):
        assert any(kept in words(text) for text in all_texts().values()), kept


def test_the_spelling_check_can_fail() -> None:
    """A variant spelling, listed or not, is caught."""
    assert mixed_spellings({"a": "✖️ Huỷ"}) == ["a: huỷ", "a: uỷ"]
    assert mixed_spellings({"b": "Đã xoá bản ghi"}) == ["b: xoá", "b: oá"]
    assert mixed_spellings({"c": "sức khoẻ"})
    assert mixed_spellings({"d": "Quý khách, thủy lợi, hòa bình"}) == []


def test_residents_are_addressed_as_anh_chi_and_never_as_ban() -> None:
    """Every resident-facing text: no "bạn"; those speaking to the resident say "anh/chị"."""
    assert ADDRESSING_KEYS <= RESIDENT_KEYS
    for key in sorted(RESIDENT_KEYS):
        assert "bạn" not in words(VI[key]), key
    for key in sorted(ADDRESSING_KEYS):
        assert "anh/chị" in VI[key].casefold(), key
        if key != "privacy.full":  # a notice in bullet points, not a reply
            assert re.search(r"\bạ\b", VI[key]), key


def test_the_bot_speaks_of_itself_one_way() -> None:
    """The bot is "tôi" to the team and impersonal to residents; "mình" appears nowhere.

    The FAQ answers' own voice is tested in tests/faq/test_knowledge.py.
    """
    for key, text in VI.items():
        assert "mình" not in words(text), key
    for key in sorted(RESIDENT_KEYS):
        assert "tôi" not in words(VI[key]), key


def test_buttons_spell_out_units() -> None:
    """Buttons and menu labels say "15 phút", never "15p"."""
    for key, text in VI.items():
        if ".button." in key or key.startswith(("menu.", "button.")) or key.endswith("_button"):
            assert not BUTTON_ABBREVIATION.search(text), (key, text)
    assert VI["log.button.m15"] == "15 phút"
    assert BUTTON_ABBREVIATION.search("15p") and BUTTON_ABBREVIATION.search("1h")


def test_users_may_still_type_either_spelling_to_cancel() -> None:
    """Only the bot's own texts have one spelling: "hủy", "huỷ" and "huy" all cancel a flow."""
    router = build_router()
    for typed in ("hủy", "huỷ", "huy", "Hủy", "HUỶ"):
        assert router.for_flow_word(typed) is cancel, typed


def test_the_web_page_fallbacks_follow_the_catalog() -> None:
    """The web chat's built-in texts (before the catalog loads) address residents the same way."""
    static = Path(__file__).resolve().parents[2] / "bot" / "web" / "static"
    page = (static / "index.html").read_text("utf-8") + (static / "chat.js").read_text("utf-8")
    assert VI["web.input_label"] in page and VI["web.you"] in page
    assert "bạn" not in words(page)
