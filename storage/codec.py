"""How a briefing is kept: the article text once per content hash, the computation once, both compact.

A `Briefing` record repeats the article text twice (the article and every sentence); stored as is, a
brief costs ~18 KB. Here the article text is stored on its own (shared by every brief of the same
text), sentences keep only their offsets into it, and both blobs are zlib-compressed JSON. Every
store implementation uses these functions, so SQLite and PostgreSQL hold the same bytes.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import fields
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any

import orjson

from summarizer.models import Actor, Article, Briefing, Position

COMPRESSION_LEVEL = 6
# Fields of an Article that belong to one reading of it (a URL, a file), kept with the brief row.
_READING_FIELDS = ("title", "byline", "date", "language", "source_kind", "source")
# The part of a reading a brief row keeps as JSON (source and source kind have columns of their own).
READING_KEYS = ("title", "byline", "date", "language")


# Names recur (a few actors are in most of the news), so their keys are computed once per process.
_NAME_CACHE = 65_536


@lru_cache(maxsize=_NAME_CACHE)
def name_key(name: str) -> str:
    """How actor names are compared: whitespace-collapsed and casefolded (Unicode-aware)."""
    return " ".join(name.split()).casefold()


@lru_cache(maxsize=_NAME_CACHE)
def word_suffixes(key: str) -> tuple[str, ...]:
    """ "dmitry peskov" -> ("dmitry peskov", "peskov"): a prefix search over these finds a name by the
    start of any of its words, with an index range scan instead of a `LIKE '% x%'` full scan."""
    words = key.split()
    return tuple(" ".join(words[i:]) for i in range(len(words)))


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string above every string that starts with `prefix` (for `>= p AND < bound`)."""
    return prefix + "\U0010ffff"


def whole_word_bound(key: str) -> str:
    """`term >= key AND term < whole_word_bound(key)` is `key` itself or `key` followed by more words:
    "peskov" and "peskov jr", never "peskova" (" " < "!" < every letter)."""
    return key + "!"


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def pack(value: Any) -> bytes:
    """orjson writes the same compact UTF-8 JSON as `to_json`, about seven times faster: serialising
    was the largest part of a save."""
    return zlib.compress(orjson.dumps(value), COMPRESSION_LEVEL)


def unpack(blob: bytes) -> Any:
    """orjson reads a timeline's twenty computations in a third of the time; a blob it refuses (one
    written by the standard library before, with a NaN in it) is read by the standard parser."""
    text = zlib.decompress(blob)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def pack_text(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), COMPRESSION_LEVEL)


def unpack_text(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8", "surrogatepass")


def reading_of(article: Article) -> dict[str, str]:
    """What one reading adds to the shared text: title, byline, date, language, where it came from."""
    return {name: getattr(article, name) for name in _READING_FIELDS}


def computation_record(briefing: Briefing) -> dict[str, Any]:
    """The briefing without its article. A sentence whose offsets give its text back is kept as
    [index, start, end, paragraph] (most are; dozens per article), any other one whole.

    Built field by field rather than with `dataclasses.asdict`, which deep-copies every value and
    cost more than everything else in a save put together.
    """
    text = briefing.article.text
    sentences: list[Any] = [
        [s.index, s.start, s.end, s.paragraph] if text[s.start : s.end] == s.text else _flat(s)
        for s in briefing.sentences
    ]
    summary = briefing.summary
    record = _flat(briefing)
    del record["article"]
    del record["sentence_vectors"]  # computed for the request that made it (topic matching), not kept
    record["sentences"] = sentences
    record["summary"] = {**_flat(summary), "sentences": [_flat(s) for s in summary.sentences]}
    record["actors"] = [_flat(actor) for actor in briefing.actors]
    record["positions"] = [_flat(position) for position in briefing.positions]
    return record


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in fields(cls))


def _flat(obj: Any) -> dict[str, Any]:
    """A dataclass's fields, one level deep (new fields are kept without touching this module)."""
    return {name: getattr(obj, name) for name in _field_names(type(obj))}


def pack_computation(briefing: Briefing) -> bytes:
    return pack(computation_record(briefing))


def restore_briefing(computation: bytes, text: str, reading: dict[str, str], content_hash: str) -> Briefing:
    """The inverse of `pack_computation` + `reading_of`: the whole Briefing, as it was saved."""
    record = unpack(computation)
    record["sentences"] = [
        {"index": s[0], "start": s[1], "end": s[2], "paragraph": s[3], "text": text[s[1] : s[2]]}
        if isinstance(s, list)
        else s
        for s in record["sentences"]
    ]
    record["article"] = {**reading, "text": text, "content_hash": content_hash}
    return Briefing.from_record(record)


def unpack_statements(computation: bytes) -> tuple[list[Actor], list[Position]]:
    """Only the actors and positions of a computation: what a timeline needs, without the article."""
    record = unpack(computation)
    return [Actor(**a) for a in record["actors"]], [Position(**p) for p in record["positions"]]


def positions_of(actors: list[Actor], positions: list[Position], keys: set[str]) -> list[Position]:
    """The positions of the actor called by one of `keys`: its own name, or any name of the actor it
    resolves to in the same briefing (so "Biden" finds what "Joe Biden" said)."""
    actor_names: dict[str, set[str]] = {}
    for actor in actors:
        names = {name_key(actor.name), *(name_key(alias) for alias in actor.aliases)} - {""}
        for name in names:
            actor_names.setdefault(name, names)
    matches = []
    for position in positions:
        speaker = name_key(position.actor)
        if speaker in keys or actor_names.get(speaker, set()) & keys:
            matches.append(position)
    return sorted(matches, key=lambda position: position.sentence)
