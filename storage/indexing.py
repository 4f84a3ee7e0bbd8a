"""What every store derives from a brief before writing it: the same rows in SQLite and PostgreSQL.

Packing (compression, JSON) and the listing label, the search words and scope, and the rows of the
per-guild actor directory, its prefix terms and the speaker index. Pure functions: the stores only
add the SQL.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage.codec import name_key, pack_computation, pack_text, word_suffixes
from storage.records import NewBrief
from summarizer.models import Briefing

LABEL_CHARS = 100  # listing label of a brief without a title


def guild_key(guild_id: int | None) -> int:
    """Direct messages are guild 0 in the database: plain equality, served by the indexes."""
    return guild_id or 0


def label(briefing: Briefing) -> str:
    """What listings show and search: the title, else the article's opening words."""
    if briefing.article.title:
        return briefing.article.title
    opening = " ".join(briefing.article.text.split())
    if len(opening) <= LABEL_CHARS:
        return opening
    return opening[:LABEL_CHARS].rsplit(" ", 1)[0] + "…"


def search_scope(guild: int, private: bool, user_id: int) -> str:
    """The tokens that let one full-text match also filter by guild and by who may see the brief."""
    return f"g{guild} {'u' + str(user_id) if private else 'pub'}"


@dataclass(slots=True, frozen=True)
class ActorEntries:
    """One brief's share of the actor directory, before it has a guild key and an id."""

    actors: list[tuple[str, str, int]]  # key, display name, speaks (0/1)
    names: set[tuple[str, str]]  # a name key the actor is found under (its own, an alias), actor key
    speakers: set[str]  # name keys with a timeline entry for this brief


NO_ACTORS = ActorEntries([], set(), set())


@dataclass(slots=True, frozen=True)
class PackedBrief:
    """A brief's CPU-bound part, done before the transaction and off the event loop."""

    new: NewBrief
    text: bytes
    computation: bytes
    title: str
    actors: ActorEntries  # empty for a private brief: the directory lists public briefs only


def _pack(news: Sequence[NewBrief], titles: Sequence[str] | None) -> list[PackedBrief]:
    return [
        PackedBrief(
            new,
            pack_text(new.briefing.article.text),
            pack_computation(new.briefing),
            label(new.briefing) if titles is None else titles[index],
            NO_ACTORS if new.private else actor_entries(new.briefing),
        )
        for index, new in enumerate(news)
    ]


async def pack_briefs(news: Sequence[NewBrief], titles: Sequence[str] | None = None) -> list[PackedBrief]:
    """Compress, serialise and index in a thread: a batch of hundreds would otherwise hold the loop."""
    return await asyncio.to_thread(_pack, news, titles)


_WORD = re.compile(r"\w+")


def search_words(text: str) -> list[str]:
    """Words as search sees them: casefolded, accents removed (é -> e), split on anything not a letter
    or digit; both stores index and query these, so they find the same briefs."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _WORD.findall(plain)


@dataclass(slots=True, frozen=True)
class ActorIndexRows:
    actors: list[tuple[int, str, str, int, int, int]]  # guild, key, name, briefs, speaks, last brief id
    names: list[tuple[int, str, str]]  # guild, name key, actor key: expanded by `term_rows`
    speakers: list[tuple[int, str, int]]  # guild, speaker name key, brief id


def actor_entries(briefing: Briefing) -> ActorEntries:
    """What a briefing adds to its guild's actor directory, prefix terms and speaker index."""
    actors, names_found, speakers = [], set(), set()
    speaker_keys = {name_key(position.actor) for position in briefing.positions} - {""}
    for actor in briefing.actors:
        key = name_key(actor.name)
        if not key:
            continue
        names = {key, *(name_key(alias) for alias in actor.aliases)} - {""}
        speaks = int(bool(names & speaker_keys))
        actors.append((key, actor.name, speaks))
        names_found.update((name, key) for name in names)
        if speaks:
            speakers.update(names)
    # Described speakers ("a Cabinet Office spokeswoman") have timelines too, under their own words.
    for key in speaker_keys:
        speakers.add(key)
        names_found.add((key, key))
    return ActorEntries(actors, names_found, speakers)


def actor_index_rows(placed: list[tuple[int, int, ActorEntries]]) -> ActorIndexRows:
    """(guild, brief id, entries) of a batch -> the rows to upsert: one directory row per guild and
    actor, adding up the batch (an upsert may touch a row once per statement), with the name as the
    newest brief writes it.

    Sorted, so concurrent writers take row locks in the same order and never deadlock.
    """
    actors: dict[tuple[int, str], list[Any]] = {}
    name_rows, speaker_rows = set(), set()
    for guild, brief_id, entries in sorted(placed, key=lambda entry: entry[1]):
        for key, name, speaks in entries.actors:
            row = actors.get((guild, key))
            if row is None:
                actors[guild, key] = [guild, key, name, 1, speaks, brief_id]
            else:
                row[2:] = [name, row[3] + 1, row[4] + speaks, brief_id]
        name_rows.update((guild, name, key) for name, key in entries.names)
        speaker_rows.update((guild, key, brief_id) for key in entries.speakers)
    actor_rows = [tuple(row) for _, row in sorted(actors.items())]
    # Names need no order: only the term rows made of them are written (`term_rows` sorts those).
    return ActorIndexRows(actor_rows, list(name_rows), sorted(speaker_rows))  # type: ignore[arg-type]


def term_rows(names: Sequence[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """(guild, name key, actor key) -> the prefix-term rows that find the actor by the start of any
    word of that name, sorted (lock order)."""
    return sorted({(guild, term, key) for guild, name, key in names for term in word_suffixes(name)})
