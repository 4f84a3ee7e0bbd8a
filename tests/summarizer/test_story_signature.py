"""Story signatures: the keys, dates and numbers grouping compares, read the same way from any outlet."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from summarizer.models import Actor, Article
from summarizer.story_signature import (
    actor_key,
    mentioned_dates,
    mentioned_numbers,
    outlet_of,
    parse_time,
)


@pytest.mark.parametrize(
    ("actor", "key"),
    [
        (Actor("Lindsay Lohan", "person"), "person:lohan"),
        (Actor("Lohan", "person"), "person:lohan"),
        (Actor("Arcade Joseph Comeaux Jr", "person"), "person:comeaux"),
        (Actor("José Pérez", "person"), "person:perez"),
        (Actor("The New Orleans Saints", "organization"), "org:new orleans saints"),
        (Actor("Central Aceh", "place"), "place:central aceh"),
    ],
)
def test_actor_keys_match_across_ways_of_writing_a_name(actor: Actor, key: str) -> None:
    assert actor_key(actor) == key


def test_dates_are_years_and_month_days_in_either_order() -> None:
    text = "The quake struck on Tuesday, July 2, 2013; a similar one hit on 4 January 2009."
    assert mentioned_dates(text) == {"y:2013", "y:2009", "md:07-02", "md:01-04"}
    assert mentioned_dates("No date here.", "2012-12-23") == {"y:2012", "md:12-23"}
    assert mentioned_dates("Stocks fell 30 percent.") == set()


def test_numbers_normalised_without_years_or_tiny_counts() -> None:
    text = "A magnitude 6.1 quake killed 1,200 people, a 33-year-old among them, in 2013; 2 were hurt."
    assert mentioned_numbers(text) == {"6.1", "1200", "33"}


def test_outlet_is_the_domain_or_the_file_name() -> None:
    web = Article(text="x", source_kind="url", source="https://www.bbc.co.uk/news/world-1")
    assert outlet_of(web) == "bbc.co.uk"
    local = Article(text="x", source_kind="file", source="/tmp/feeds/reuters-aceh.md")
    assert outlet_of(local) == "reuters-aceh.md"
    assert outlet_of(Article(text="x", source_kind="text", source="pasted")) == "pasted text"


def test_publication_times_are_aware_or_none() -> None:
    assert parse_time("2013-07-02") == datetime(2013, 7, 2, tzinfo=UTC)
    assert parse_time("2013-07-02T10:00:00Z") == datetime(2013, 7, 2, 10, tzinfo=UTC)
    assert parse_time("") is None
    assert parse_time("last Tuesday") is None
