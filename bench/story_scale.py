"""Joining a story at scale: the cost of one join (candidate lookup in the store's key index, scoring
with the fitted model, the one-transaction write) as the stored history grows, and of rendering a
50-story digest.

Synthetic but shaped like news: events with 1-6 articles each, published over a year, each naming two
people and an organisation drawn Zipf-distributed from 20,000 names and a place from 2,000, with
random unit lead vectors (an event's articles close to each other). The store is filled through its
public API (briefs, then each brief joined to its event's story); at each size, REPEATS new briefs
are joined the way the service joins them (join_best_story: under the guild's join lock, the store's
candidates -> StoryGrouper.plan -> the write, in one transaction) and timed, median and p95. The
curve shows whether a join scans: an index range per key stays flat.

    python bench/story_scale.py                          # SQLite, 1 K, 10 K, 100 K briefs
    python bench/story_scale.py --sizes 1000,10000 --stores sqlite,postgres
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
from common import ROOT, write_results

from bot.render_stories import digest_messages
from storage import NewBrief, PostgresStore, SqliteStore, Store
from storage.base import StoryChooser
from summarizer.digest import rank_stories
from summarizer.models import Article, Briefing, Summary, SummarySentence
from summarizer.stories import InMemoryStoryIndex, Plan, StoryGrouper, StoryProfile
from summarizer.story_merge import OutletStatement, Story, StoryActor, StoryFact
from summarizer.story_signature import ArticleRef, StorySignature

sys.path.insert(0, str(ROOT / "tests"))  # the throwaway PostgreSQL cluster the tests use
from postgres_cluster import PostgresCluster, server_bindir

GUILD = 1
DIM = 384
PEOPLE, PLACES = 20_000, 2_000
YEAR = timedelta(days=365)
START = datetime(2025, 1, 1, tzinfo=UTC)
REPEATS = 200
BATCH = 500


class Newsroom:
    """Synthetic events and their articles, deterministic for a seed."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.numpy = np.random.default_rng(seed)
        self.people = list(accumulate(1 / rank for rank in range(1, PEOPLE + 1)))
        self.places = list(accumulate(1 / rank for rank in range(1, PLACES + 1)))
        self.count = 0

    def event(self, when: datetime) -> tuple[np.ndarray, list[str], datetime]:
        center = self.numpy.standard_normal(DIM)
        keys = [
            f"person:p{self.random.choices(range(PEOPLE), cum_weights=self.people)[0]}",
            f"person:p{self.random.choices(range(PEOPLE), cum_weights=self.people)[0]}",
            f"org:o{self.random.choices(range(PEOPLE), cum_weights=self.people)[0]}",
            f"place:l{self.random.choices(range(PLACES), cum_weights=self.places)[0]}",
        ]
        return center, keys, when

    def article(self, event: tuple[np.ndarray, list[str], datetime]) -> tuple[NewBrief, StorySignature]:
        center, keys, when = event
        self.count += 1
        vector = center + 0.5 * self.numpy.standard_normal(DIM)
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        published = when + timedelta(hours=self.random.uniform(0, 48))
        text = f"Report {self.count} on the event. Officials said it happened."
        article = Article(
            text=text, source_kind="url", source=f"https://o{self.count % 40}.example/{self.count}",
            title=f"Report {self.count}", content_hash=f"story-bench-{self.count:09d}",
        )  # fmt: skip
        briefing = Briefing(article, [], Summary("extractive", [SummarySentence(text, 0)]), [], [])
        signature = StorySignature(
            ref=ArticleRef(f"o{self.count % 40}.example", article.title, article.source, published),
            vector=vector,
            actors=tuple((key, 0.8) for key in keys if not key.startswith("place:")),
            places=tuple((key, 0.5) for key in keys if key.startswith("place:")),
            dates=frozenset({f"y:{published.year}", f"md:{published.month:02d}-{published.day:02d}"}),
            numbers=frozenset({str(self.random.randrange(3, 500))}),
        )
        return NewBrief(GUILD, 10, 7, briefing, 3, urls=(article.source,)), signature


async def fill(store: Store, room: Newsroom, target: int, events: list[Any]) -> float:
    """Briefs until `target`, each joined to its event's story; seconds spent."""
    started = time.perf_counter()
    story_of: dict[int, int] = {}
    while room.count < target:
        batch = []
        for _ in range(min(BATCH, target - room.count)):
            if not events or room.random.random() < 0.3:
                when = START + room.random.random() * YEAR
                events.append(room.event(when))
            index = len(events) - 1 - min(int(room.random.expovariate(0.5)), len(events) - 1)
            batch.append((index, *room.article(events[index])))
        ids = await store.save_briefs([new for _, new, _ in batch])
        for brief_id, (index, _, signature) in zip(ids, batch, strict=True):
            joined = await store.join_story(GUILD, brief_id, signature, story_of.get(index))
            story_of[index] = joined.story_id
    return time.perf_counter() - started


async def time_joins(
    store: Store, room: Newsroom, events: list[Any], server_cpu: Callable[[], float] | None
) -> dict[str, float]:
    """REPEATS joins as the service makes them, half of them of a recent event's new article.
    `server_cpu`: the database server's CPU seconds so far, when it runs in processes of its own."""
    grouper = StoryGrouper(InMemoryStoryIndex())  # plan() only, as in the service
    p = grouper.params
    samples, cpu, candidates = [], [], []
    server_seconds = 0.0
    for n in range(REPEATS):
        event = events[-1 - room.random.randrange(50)] if n % 2 else room.event(START + YEAR)
        new, signature = room.article(event)
        (brief_id,) = await store.save_briefs([new])
        server_before = server_cpu() if server_cpu else 0.0
        started, started_cpu = time.perf_counter(), time.process_time()
        await store.join_best_story(
            GUILD,
            brief_id,
            signature,
            chooser(grouper, signature, brief_id, candidates),
            window=p.window,
            per_key=p.per_key,
            limit=p.max_candidates,
        )
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        server_seconds += server_cpu() - server_before if server_cpu else 0.0
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
        # This process's CPU (all its threads, so SQLite's work too; not the PostgreSQL server's): the
        # join's own cost, which a loaded machine's waiting for a core does not inflate.
        "median_cpu_ms": round(statistics.median(cpu), 2),
        **({"server_cpu_ms_mean": round(server_seconds / REPEATS * 1000, 2)} if server_cpu else {}),
        "mean_candidates": round(statistics.mean(candidates), 1),
    }


def chooser(
    grouper: StoryGrouper, signature: StorySignature, brief_id: int, considered: list[int]
) -> StoryChooser:
    """The service's choice among the candidates the store read (their number noted)."""

    async def choose(found: list[StoryProfile]) -> Plan:
        considered.append(len(found))
        return grouper.plan(signature, brief_id, found)

    return choose


def time_digest_render(stories: int = 50) -> dict[str, float]:
    """Ranking and rendering a digest of 50 merged stories (merging is the NLP workers' part)."""
    rng = random.Random(3)
    merged = []
    for s in range(stories):
        outlets = [f"o{rng.randrange(40)}.example" for _ in range(rng.randrange(1, 6))]
        articles = [
            ArticleRef(o, f"Story {s} as {o} tells it " * 3, f"https://{o}/{s}", START) for o in outlets
        ]
        facts = [
            StoryFact(f"Fact {k} of story {s}, told at some length. " * 4, outlets[0], outlets)
            for k in range(3)
        ]
        said = [
            OutletStatement(o, f"what was said {s} " * 8, "direct", "said", "evidence " * 20, "")
            for o in outlets
        ]
        actors = [StoryActor(f"Person {s}-{a}", "person", "minister", outlets, said) for a in range(4)]
        merged.append(Story(f"Story {s}", articles, facts, actors, []))
    started = time.perf_counter()
    digest = rank_stories(merged, limit=stories)
    messages = digest_messages(digest, "Daily digest")
    elapsed = (time.perf_counter() - started) * 1000
    return {"stories": stories, "messages": len(messages), "ms": round(elapsed, 1)}


async def run_store(
    name: str, sizes: list[int], location: str, server_cpu: Callable[[], float] | None = None
) -> list[dict[str, Any]]:
    store: Store = await (PostgresStore.open(location) if name == "postgres" else SqliteStore.open(location))
    room, events, rows = Newsroom(11), [], []
    try:
        for size in sizes:
            spent = await fill(store, room, size, events)
            joins = await time_joins(store, room, events, server_cpu)
            result = {
                "store": name,
                "briefs": size,
                "fill_s": round(spent, 1),
                **joins,
                "load_average": round(os.getloadavg()[0], 2),  # the last minute's, as the joins end
            }
            print(result, flush=True)
            rows.append(result)
    finally:
        await store.close()
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--stores", default="sqlite")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.stores.split(","):
            if name == "postgres":
                bindir = server_bindir()
                if bindir is None:
                    raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
                cluster = PostgresCluster(bindir)
                cluster.start()
                try:
                    rows += await run_store(
                        name, sizes, cluster.new_database("story_scale"), cluster.cpu_seconds
                    )
                finally:
                    cluster.stop()
            else:
                rows += await run_store(name, sizes, str(Path(folder) / "stories.db"))
    render = time_digest_render()
    print({"digest_render": render})
    path = write_results(
        f"story_scale-{args.stores.replace(',', '-')}",
        {"joins": rows, "digest_render": render, "repeats": REPEATS},
    )
    print(f"written to {path}")


if __name__ == "__main__":
    asyncio.run(main())
