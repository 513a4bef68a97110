"""Splitting long replies and numbered options for channels without buttons."""

from __future__ import annotations

import pytest

from bot.channels.text import split_text
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
