"""A briefing in the form the stores write, made wherever there is CPU to spare.

Packing (compressing the text, serialising the computation, listing the actor directory's entries)
is half of what a save costs in the saving process. It depends on the briefing alone, not on who
asked or where, so the NLP worker that computed the briefing packs it in its own process and the
packing travels back with the briefing: the bot's process (one per shard, or `briefbot run`) only
writes. A briefing without its packing (one reused from the store) is packed at save time.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.codec import name_key, pack_computation, pack_text
from summarizer.models import Briefing

LABEL_CHARS = 100  # listing label of a brief without a title


@dataclass(slots=True, frozen=True)
class ActorEntries:
    """One brief's share of the actor directory, before it has a guild key and an id."""

    actors: list[tuple[str, str, int]]  # key, display name, speaks (0/1)
    names: frozenset[tuple[str, str]]  # a name key the actor is found under (its own, an alias), actor key
    speakers: frozenset[str]  # name keys with a timeline entry for this brief


NO_ACTORS = ActorEntries([], frozenset(), frozenset())


@dataclass(slots=True, frozen=True)
class PackedBriefing:
    text: bytes
    computation: bytes
    label: str
    actors: ActorEntries  # what the brief adds to its guild's directory when it is public


def pack_briefing(briefing: Briefing) -> PackedBriefing:
    return PackedBriefing(
        pack_text(briefing.article.text), pack_computation(briefing), label(briefing), actor_entries(briefing)
    )


def label(briefing: Briefing) -> str:
    """What listings show and search: the title, else the article's opening words."""
    if briefing.article.title:
        return briefing.article.title
    opening = " ".join(briefing.article.text.split())
    if len(opening) <= LABEL_CHARS:
        return opening
    return opening[:LABEL_CHARS].rsplit(" ", 1)[0] + "…"


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
    return ActorEntries(actors, frozenset(names_found), frozenset(speakers))
