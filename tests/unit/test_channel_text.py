"""Splitting long replies and numbered options for channels without buttons."""

from __future__ import annotations

import unicodedata

import pytest

from bot.channels.text import split_text, utf16_length
from bot.core.messages import Button, ChatKey, Incoming, Kind, Reply, rows
from bot.core.numbered import map_choice, render_numbered


@pytest.mark.parametrize("limit", [50, 4096, 2000])
def test_split_keeps_every_line_and_respects_the_limit(limit: int) -> None:
    text = "\n".join(f"Dòng {i}: " + "chữ " * (i % 30) for i in range(600))
    chunks = split_text(text, limit)
    assert all(len(chunk) <= limit for chunk in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())


def test_split_cuts_one_very_long_line() -> None:
    chunks = split_text("a" * 9000, 4096)
    assert [len(c) for c in chunks] == [4096, 4096, 808]


def test_short_text_is_one_chunk() -> None:
    assert split_text("Xin chào", 4096) == ["Xin chào"]


def _msg(text: str) -> Incoming:
    return Incoming(ChatKey("zalo", "c", "u"), "1", Kind.TEXT, text=text)


def test_numbered_rendering_and_mapping_back() -> None:
    reply = Reply(text="Chọn:", buttons=rows(Button("Có", "yes:1"), Button("Không", "no:1")))
    rendered = render_numbered(reply, "(Trả lời bằng số)")
    assert rendered.buttons == ()
    assert rendered.text == "Chọn:\n1. Có\n2. Không\n(Trả lời bằng số)"
    labels, payloads = ["Có", "Không"], ["yes:1", "no:1"]
    mapped = map_choice(_msg("2"), labels, payloads)
    assert mapped is not None and mapped.kind is Kind.BUTTON and mapped.payload == "no:1"
    by_label = map_choice(_msg("khong"), labels, payloads)
    assert by_label is not None and by_label.payload == "no:1"
    assert map_choice(_msg("3"), labels, payloads) is None
    assert map_choice(_msg("hello"), labels, payloads) is None


def test_numeric_labels_match_by_label_before_position() -> None:
    labels = ["1", "2", "5", "10"]
    payloads = [f"n:{label}" for label in labels]
    mapped = map_choice(_msg("5"), labels, payloads)
    assert mapped is not None and mapped.payload == "n:5"


def test_in_a_menu_of_counts_a_typed_number_is_a_count_not_a_place() -> None:
    """Successes of 3 people: "4" must never pick the 4th option ("0"); the handler reads it."""
    labels = ["1", "2", "Tất cả (3)", "0"]
    payloads = ["ok:1", "ok:2", "ok:3", "ok:0"]
    assert map_choice(_msg("4"), labels, payloads) is None
    assert map_choice(_msg("3"), labels, payloads) is None
    zero = map_choice(_msg("0"), labels, payloads)
    assert zero is not None and zero.payload == "ok:0"


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_length("Xin chào") == 8
    assert utf16_length("👍") == 2 and utf16_length("✅") == 1  # U+1F44D vs U+2705
    assert utf16_length("👨‍👩‍👧") == 8  # three people (2 each) and two joiners


def test_emoji_are_counted_in_utf16_units_and_never_cut_apart() -> None:
    text = "👍" * 3000  # one line, no spaces: 6000 UTF-16 units
    parts = split_text(text, 2000, utf16_length)
    assert [utf16_length(p) for p in parts] == [2000, 2000, 2000]
    assert "".join(parts) == text
    family = "👨‍👩‍👧 " * 10 + "👨‍👩‍👧" * 300
    parts = split_text(family, 100, utf16_length)
    assert all(utf16_length(p) <= 100 for p in parts)
    assert "".join(parts).replace(" ", "") == family.replace(" ", "")
    for part in parts:
        assert part.strip().startswith("👨") and part.endswith(("👧", " ")), part


def test_vietnamese_marks_stay_on_their_letters() -> None:
    decomposed = unicodedata.normalize("NFD", "Hướng dẫn VNeID mức 2 ") * 50  # combining marks
    parts = split_text(decomposed.replace(" ", ""), 64)
    assert all(not unicodedata.combining(p[0]) for p in parts)
    assert "".join(parts) == decomposed.replace(" ", "")


@pytest.mark.parametrize("limit", [50, 2000])
def test_utf16_split_keeps_lines_whole_where_they_fit(limit: int) -> None:
    lines = [f"{'🎉' * (i % 7)} Bước {i}: cài VNeID ✅" for i in range(400)]
    parts = split_text("\n".join(lines), limit, utf16_length)
    assert all(utf16_length(p) <= limit for p in parts)
    assert [line for p in parts for line in p.split("\n")] == lines
