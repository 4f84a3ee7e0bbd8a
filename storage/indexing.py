"""What every store derives from a brief before writing it: the same rows in SQLite and PostgreSQL.

The packed brief (its briefing packed by `storage.packing`, usually in the worker), the search words
and scope, and the rows of the per-guild actor directory, its prefix terms and the speaker index.
Pure functions: the stores only add the SQL.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage.codec import word_suffixes
from storage.packing import NO_ACTORS, ActorEntries, PackedBriefing, pack_briefing
from storage.records import NewBrief


def guild_key(guild_id: int | None) -> int:
    """Direct messages are guild 0 in the database: plain equality, served by the indexes."""
    return guild_id or 0


def search_scope(guild: int, private: bool, user_id: int) -> str:
    """The tokens that let one full-text match also filter by guild and by who may see the brief."""
    return f"g{guild} {'u' + str(user_id) if private else 'pub'}"


@dataclass(slots=True, frozen=True)
class PackedBrief:
    """A brief ready for the transaction: its briefing packed, and who it is for."""

    new: NewBrief
    packed: PackedBriefing
    title: str

    @property
    def actors(self) -> ActorEntries:
        """Empty for a private brief: the directory lists public briefs only."""
        return NO_ACTORS if self.new.private else self.packed.actors


def _pack(news: Sequence[NewBrief], titles: Sequence[str] | None) -> list[PackedBrief]:
    packed = []
    for index, new in enumerate(news):
        briefing = new.packed or pack_briefing(new.briefing)
        packed.append(PackedBrief(new, briefing, briefing.label if titles is None else titles[index]))
    return packed


async def pack_briefs(news: Sequence[NewBrief], titles: Sequence[str] | None = None) -> list[PackedBrief]:
    """Pack what the worker did not (a reused computation) in a thread: a batch of hundreds would
    otherwise hold the loop."""
    if titles is None and all(new.packed is not None for new in news):
        return _pack(news, None)
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
    names: dict[int, set[tuple[str, str]]]  # per guild: (name key, actor key), expanded by `term_rows`
    speakers: list[tuple[int, str, int]]  # guild, speaker name key, brief id


def actor_index_rows(placed: list[tuple[int, int, ActorEntries]]) -> ActorIndexRows:
    """(guild, brief id, entries) of a batch -> the rows to upsert: one directory row per guild and
    actor, adding up the batch (an upsert may touch a row once per statement), with the name as the
    newest brief writes it.

    Sorted, so concurrent writers take row locks in the same order and never deadlock. Names are kept
    as a set per guild: a batch's names are mostly the same few, and set unions (and the
    `WrittenNames` difference after) run in C rather than a tuple per name and brief.
    """
    actors: dict[tuple[int, str], list[Any]] = {}
    names: dict[int, set[tuple[str, str]]] = {}
    speaker_rows = set()
    for guild, brief_id, entries in sorted(placed, key=lambda entry: entry[1]):
        for key, name, speaks in entries.actors:
            row = actors.get((guild, key))
            if row is None:
                actors[guild, key] = [guild, key, name, 1, speaks, brief_id]
            else:
                row[2:] = [name, row[3] + 1, row[4] + speaks, brief_id]
        names.setdefault(guild, set()).update(entries.names)
        speaker_rows.update((guild, key, brief_id) for key in entries.speakers)
    actor_rows = [tuple(row) for _, row in sorted(actors.items())]
    return ActorIndexRows(actor_rows, names, sorted(speaker_rows))  # type: ignore[arg-type]


def term_rows(names: dict[int, set[tuple[str, str]]]) -> list[tuple[int, str, str]]:
    """Per guild (name key, actor key) -> the prefix-term rows that find the actor by the start of any
    word of that name, sorted (lock order)."""
    return sorted(
        {
            (guild, term, key)
            for guild, pairs in names.items()
            for name, key in pairs
            for term in word_suffixes(name)
        }
    )
