"""The normalisation every door applies: no surrogates, no control characters, binary refused."""

from __future__ import annotations

import pytest

from summarizer.cleaning import clean_text, looks_binary, printable
from summarizer.errors import NotAnArticle

PROSE = "The council approved the budget on Monday. Opponents said it cut too deep. " * 4


def test_lone_surrogates_become_replacement_characters_and_encode() -> None:
    cleaned = clean_text(PROSE + "caf\udce9 \ud800 end.")
    assert "caf\ufffd \ufffd end." in cleaned
    cleaned.encode("utf-8")  # what hashing and SQLite do; raised UnicodeEncodeError before


def test_stray_control_characters_are_dropped_and_separators_become_spaces() -> None:
    cleaned = clean_text(PROSE + "One\x07 two\x1b three\x85.\x0cFour\x0bfive.\r\nSix.\rSeven.")
    assert cleaned == PROSE + "One two three. Four five.\nSix.\nSeven."


def test_text_is_composed() -> None:
    assert clean_text("Cafe\u0301 society.") == "Café society."


@pytest.mark.parametrize("junk", ["\x00", "\x01\x02\x03\x04\x05" * 20, "\ud800" * 50])
def test_binary_looking_text_is_refused(junk: str) -> None:
    with pytest.raises(NotAnArticle, match="doesn't look like text"):
        clean_text(PROSE + junk)


def test_a_few_stray_characters_are_not_binary() -> None:
    assert not looks_binary(PROSE + "\x07\ufffd")


def test_printable_keeps_valid_text_and_replaces_surrogates() -> None:
    assert printable("notes-\udcff.txt") == "notes-\ufffd.txt"
    assert printable("Zürich.txt") == "Zürich.txt"
