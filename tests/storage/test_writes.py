"""The committed-terms cache: it may only ever skip rows that are in the database."""

from __future__ import annotations

from storage.writes import WrittenTerms

PESKOV = (1, "peskov", "dmitry peskov")
DMITRY = (1, "dmitry peskov", "dmitry peskov")
KULEBA = (1, "kuleba", "dmytro kuleba")


def test_remembered_rows_are_skipped_others_kept_in_order() -> None:
    written = WrittenTerms()
    assert written.unwritten([DMITRY, PESKOV]) == [DMITRY, PESKOV]
    written.remember([PESKOV])
    assert written.unwritten([DMITRY, KULEBA, PESKOV]) == [DMITRY, KULEBA]
    assert written.unwritten([(2, "peskov", "dmitry peskov")]) == [(2, "peskov", "dmitry peskov")]


def test_the_least_recently_written_rows_are_evicted_first() -> None:
    written = WrittenTerms(capacity=2)
    written.remember([PESKOV, DMITRY])
    written.remember([PESKOV])  # written again: now the newest
    written.remember([KULEBA])
    assert len(written) == 2
    assert written.unwritten([PESKOV, DMITRY, KULEBA]) == [DMITRY]
