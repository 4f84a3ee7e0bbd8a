"""The committed-names cache: it may only ever skip rows that are in the database."""

from __future__ import annotations

from store_builders import kremlin_briefing, summit_briefing

from storage.indexing import actor_entries, term_rows
from storage.writes import WrittenNames

PESKOV = (1, "peskov", "dmitry peskov")  # an alias
DMITRY = (1, "dmitry peskov", "dmitry peskov")
KULEBA = (1, "kuleba", "dmytro kuleba")


def test_remembered_rows_are_skipped_others_kept_in_order() -> None:
    written = WrittenNames()
    assert written.unwritten([DMITRY, PESKOV]) == [DMITRY, PESKOV]
    written.remember([PESKOV])
    assert written.unwritten([DMITRY, KULEBA, PESKOV]) == [DMITRY, KULEBA]
    assert written.unwritten([(2, "peskov", "dmitry peskov")]) == [(2, "peskov", "dmitry peskov")]


def test_the_least_recently_written_rows_are_evicted_first() -> None:
    written = WrittenNames(capacity=2)
    written.remember([PESKOV, DMITRY])
    written.remember([PESKOV])  # written again: now the newest
    written.remember([KULEBA])
    assert len(written) == 2
    assert written.unwritten([PESKOV, DMITRY, KULEBA]) == [DMITRY]


def test_each_name_becomes_the_terms_of_its_words_per_guild_sorted() -> None:
    names = [(2, "peskov", "dmitry peskov"), DMITRY, (1, "peskov", "dmitry peskov")]
    assert term_rows(names) == [
        (1, "dmitry peskov", "dmitry peskov"),
        (1, "peskov", "dmitry peskov"),  # from the full name and from the alias: one row
        (2, "peskov", "dmitry peskov"),
    ]


def test_a_briefs_names_are_its_actors_their_aliases_and_described_speakers() -> None:
    assert actor_entries(kremlin_briefing()).names == {
        ("dmitry peskov", "dmitry peskov"),
        ("peskov", "dmitry peskov"),  # the alias finds the actor
        ("dmytro kuleba", "dmytro kuleba"),
        ("kuleba", "dmytro kuleba"),
        ("kremlin", "kremlin"),
    }
    spokeswoman = ("a commission spokeswoman", "a commission spokeswoman")
    assert spokeswoman in actor_entries(summit_briefing()).names  # a timeline of their own
