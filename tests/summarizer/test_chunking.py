from __future__ import annotations

import pytest

from summarizer.chunking import leading_sentences, pack_sentences


def test_pack_sentences_fills_each_chunk_without_crossing_the_budget() -> None:
    assert pack_sentences([40, 50, 30, 60, 10, 90], max_tokens=100) == [range(0, 2), range(2, 5), range(5, 6)]


def test_pack_sentences_gives_an_overlong_sentence_a_chunk_of_its_own() -> None:
    assert pack_sentences([20, 250, 20, 20], max_tokens=100) == [range(0, 1), range(1, 2), range(2, 4)]


def test_pack_sentences_keeps_everything_in_order() -> None:
    counts = [17, 33, 8, 61, 45, 12, 90, 5, 5, 70]
    runs = pack_sentences(counts, max_tokens=100)
    assert [index for run in runs for index in run] == list(range(len(counts)))
    assert all(sum(counts[i] for i in run) <= 100 for run in runs)


def test_pack_sentences_of_nothing_is_no_chunks() -> None:
    assert pack_sentences([], max_tokens=100) == []
    with pytest.raises(ValueError, match="positive"):
        pack_sentences([10], max_tokens=0)


def test_leading_sentences_stops_at_the_character_budget() -> None:
    sentences = ["The council met on Tuesday.", "It voted to close the bridge.", "Repairs start in May."]
    assert leading_sentences(sentences, max_chars=57) == sentences[:2]  # 27 + 1 + 29 characters
    assert leading_sentences(sentences, max_chars=56) == sentences[:1]
    assert leading_sentences(sentences, max_chars=1_000) == sentences


def test_leading_sentences_cuts_a_first_sentence_longer_than_the_budget_at_a_space() -> None:
    assert leading_sentences(["word " * 10], max_chars=12) == ["word word"]
    assert leading_sentences(["x" * 30], max_chars=12) == ["x" * 12]
