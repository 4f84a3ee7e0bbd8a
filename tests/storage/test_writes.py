"""The committed-names cache: it may only ever skip rows that are in the database."""

from __future__ import annotations

from store_builders import kremlin_briefing, summit_briefing

from storage.indexing import term_rows
from storage.packing import actor_entries
from storage.writes import WrittenNames

PESKOV = ("peskov", "dmitry peskov")  # an alias
DMITRY = ("dmitry peskov", "dmitry peskov")
KULEBA = ("kuleba", "dmytro kuleba")


def test_remembered_names_are_skipped_per_guild() -> None:
    written = WrittenNames()
    assert written.unwritten({1: {DMITRY, PESKOV}}) == {1: {DMITRY, PESKOV}}
    written.remember({1: {PESKOV}})
    assert written.unwritten({1: {DMITRY, KULEBA, PESKOV}, 2: {PESKOV}}) == {1: {DMITRY, KULEBA}, 2: {PESKOV}}
    assert written.unwritten({1: {PESKOV}}) == {}  # nothing left to write in that guild


def test_the_guilds_written_to_least_recently_are_forgotten_first() -> None:
    written = WrittenNames(capacity=3)
    written.remember({1: {PESKOV, DMITRY}, 2: {KULEBA}})
    written.remember({1: {PESKOV}})  # written again: guild 1 is now the newest
    written.remember({3: {KULEBA}})  # four names: guild 2, the oldest, goes
    assert len(written) == 3
    assert written.unwritten({1: {PESKOV, DMITRY}, 2: {KULEBA}, 3: {KULEBA}}) == {2: {KULEBA}}


def test_each_name_becomes_the_terms_of_its_words_per_guild_sorted() -> None:
    names = {2: {PESKOV}, 1: {DMITRY, PESKOV}}
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
