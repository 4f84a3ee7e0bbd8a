"""History at scale: fill a store through its public API and time every query the bot makes.

Synthetic but realistic history: real briefings (computed by the engine from CNN/DailyMail articles,
shipped in bench/data/briefing-samples.jsonl) varied so every brief is a distinct article with its own
actors: 20,000 actor names drawn Zipf-distributed, 30 servers of Zipf-distributed size, 3% private
briefs, 5% from feeds. At each size the benchmark times, on the largest server, every interactive
query path (median and p95 over many calls), and reports the insert rate and the bytes per brief
beyond the article text (which is stored once, compressed). Briefs are saved as the bot saves what it
computed: packed by the NLP worker (that CPU is reported apart); `--packed-by store` measures saves that
pack in the saving process, as for a computation reused from the store.

    python bench/store_scale.py                    # both stores: 10 K, 100 K, 1 M briefs (about 1 h)
    python bench/store_scale.py --stores sqlite    # SQLite only (PostgreSQL: a throwaway local cluster)
    python bench/store_scale.py --sizes 10000      # a quick look
    python bench/store_scale.py --make-samples     # recompute the sample briefings with the engine
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import fields, replace
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import psycopg
from common import DEFAULT_DATA, ROOT, as_article, load_rows, write_results
from faker import Faker

from storage import NewBrief, PostgresStore, SqliteStore, Store
from storage.packing import pack_briefing
from summarizer.models import Briefing

sys.path.insert(0, str(ROOT / "tests"))  # the throwaway PostgreSQL cluster the tests use
from postgres_cluster import PostgresCluster, server_bindir

SAMPLES = Path(__file__).resolve().parent / "data" / "briefing-samples.jsonl"
GUILDS = 30
ACTOR_NAMES = 20_000
PRIVATE_SHARE = 0.03
FEED_SHARE = 0.05
BATCH = 500
BATCHES_PER_WRITER = 4  # drawn and packed ahead (not timed), then saved by free-running writers
REPEATS = 200  # timed calls per query path (each with its own random input)


class History:
    """Draws varied briefs from the real samples; deterministic for a seed."""

    def __init__(self, samples: list[Briefing], seed: int) -> None:
        self.samples = samples
        self.random = random.Random(seed)
        fake = Faker()
        fake.seed_instance(seed)
        names: set[str] = set()
        while len(names) < ACTOR_NAMES:
            names.add(f"{fake.first_name()} {fake.last_name()}" if len(names) % 5 else fake.company())
        self.names = sorted(names)
        # Cumulative weights, computed once: `choices` with plain weights re-sums 20,000 of them per call.
        self.name_weights = list(accumulate(1 / rank for rank in range(1, ACTOR_NAMES + 1)))
        self.guild_weights = list(accumulate(1 / rank for rank in range(1, GUILDS + 1)))
        self.count = 0

    def guild(self) -> int:
        return self.random.choices(range(1, GUILDS + 1), cum_weights=self.guild_weights)[0]

    def actor_name(self) -> str:
        return self.random.choices(self.names, cum_weights=self.name_weights)[0]

    def next(self) -> NewBrief:
        self.count += 1
        sample = self.samples[self.count % len(self.samples)]
        renamed = {actor.name: self.actor_name() for actor in sample.actors}
        actors = [
            _copy(actor, name=renamed[actor.name], aliases=[renamed[actor.name].split()[-1]])
            for actor in sample.actors
        ]
        positions = [
            _copy(position, actor=renamed.get(position.actor, position.actor))
            for position in sample.positions
        ]
        marker = f" (Report {self.count}.)"
        article = replace(
            sample.article,
            text=sample.article.text + marker,
            title=f"{sample.article.title or 'Untitled'} #{self.count}",
            source=f"https://news.example/{self.count}",
            content_hash=f"bench-{self.count:09d}",
        )
        briefing = replace(sample, article=article, actors=actors, positions=positions)
        private = self.random.random() < PRIVATE_SHARE
        from_feed = self.random.random() < FEED_SHARE
        return NewBrief(
            guild_id=self.guild(),
            channel_id=1000 + self.random.randrange(20),
            user_id=self.random.randrange(1, 5000) if not from_feed else 1,
            briefing=briefing,
            sentences=3,
            urls=(article.source,),
            private=private,
        )


def _copy(record: Any, **changes: Any) -> Any:
    """`dataclasses.replace` without re-running `__init__`: drawing a million briefs with `replace`
    took longer than saving them."""
    copy = object.__new__(type(record))
    for name in _slots(type(record)):
        setattr(copy, name, changes[name] if name in changes else getattr(record, name))
    return copy


@cache
def _slots(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in fields(cls))


async def fill(
    store: Store,
    history: History,
    target: int,
    server_cpu: Callable[[], float] | None = None,
    packed_by: str = "worker",
    writers: int = 1,
) -> dict[str, float]:
    """Save briefs until `target`: briefs per second of saving (drawing them is not counted), this
    process's CPU per save (all its threads; on a busy machine the rate falls, the CPU cost does not),
    a database server's CPU per save when `server_cpu` reads it, and the load average meanwhile.

    `packed_by="worker"` is how the bot saves a brief it computed: the NLP worker packed it in its own
    process, so that CPU is counted apart (`worker_pack_cpu_ms_per_brief`), not in the saves.
    `"store"` saves briefs without their packing, as for a computation reused from the store.
    `writers` save at once, each taking the next batch as soon as its last is saved, as concurrent
    requests (or several bot processes) save."""
    spent = cpu = server = packing = 0.0
    added = 0
    while history.count < target:
        batches: deque[list[NewBrief]] = deque()
        for _ in range(writers * BATCHES_PER_WRITER):
            if history.count < target:
                batches.append([history.next() for _ in range(min(BATCH, target - history.count))])
        if packed_by == "worker":
            started_cpu = time.process_time()
            batches = deque([replace(new, packed=pack_briefing(new.briefing)) for new in b] for b in batches)
            packing += time.process_time() - started_cpu
        added += sum(len(batch) for batch in batches)
        started, started_cpu = time.perf_counter(), time.process_time()
        started_server = server_cpu() if server_cpu else 0.0
        await asyncio.gather(*(save_from(store, batches) for _ in range(writers)))
        spent += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        server += server_cpu() - started_server if server_cpu else 0.0
    row: dict[str, Any] = {
        "packed_by": packed_by,
        "writers": writers,
        "saves_per_s": round(added / spent),
        "client_cpu_ms_per_save": round(cpu / added * 1000, 3),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    if packed_by == "worker":
        row["worker_pack_cpu_ms_per_brief"] = round(packing / added * 1000, 3)
    if server_cpu:
        row["server_cpu_ms_per_save"] = round(server / added * 1000, 3)
    return row


async def save_from(store: Store, batches: deque[list[NewBrief]]) -> None:
    """One writer: saves the next batch as soon as its last one is saved, as a bot process does, rather
    than in step with the other writers."""
    while batches:
        await store.save_briefs(batches.popleft())


async def timed(call: Callable[[], Awaitable[Any]], repeats: int = REPEATS) -> dict[str, float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 3),
    }


async def measure_queries(store: Store, history: History) -> dict[str, dict[str, float]]:
    rng = random.Random(7)
    guild = 1  # the largest server
    viewer = 42
    top = history.names[:50]
    rare = history.names[-5000:]
    last = history.count
    page = await store.history(guild, limit=10, viewer_id=viewer)
    newest = page.rows[0].id if page.rows else last
    ids = [rng.randrange(1, last + 1) for _ in range(REPEATS)]
    titles = [sample.article.title for sample in history.samples if sample.article.title] or ["police"]

    def pick(values: list[Any]) -> Any:
        return values[rng.randrange(len(values))]

    queries: dict[str, Callable[[], Awaitable[Any]]] = {
        "autocomplete, 5-char prefix": lambda: store.actor_names(guild, pick(rare)[:5], limit=25),
        "autocomplete, 2-char prefix": lambda: store.actor_names(guild, pick(top)[:2], limit=25),
        "autocomplete, empty": lambda: store.actor_names(guild, "", limit=25),
        "timeline, frequent actor": lambda: store.actor_timeline(guild, pick(top[:10]), limit=20),
        "timeline, rare actor": lambda: store.actor_timeline(guild, pick(rare), limit=20),
        "timeline, surname only": lambda: store.actor_timeline(guild, pick(rare).split()[-1], limit=20),
        "history, first page": lambda: store.history(guild, limit=10, viewer_id=viewer),
        "history, deep page": lambda: store.history(
            guild, limit=10, before=rng.randrange(1, newest + 1), viewer_id=viewer
        ),
        "history, last page": lambda: store.history(guild, limit=10, after=0, viewer_id=viewer),
        "show (get brief)": lambda: store.get_brief(guild, pick(ids), viewer_id=viewer),
        "search, common word": lambda: store.search_briefs(guild, "police", limit=25, viewer_id=viewer),
        "search, by id": lambda: store.search_briefs(
            guild, f"#{rng.randrange(1, last + 1)}", limit=25, viewer_id=viewer
        ),
        "search, title words": lambda: store.search_briefs(
            guild, " ".join(pick(titles).split()[:2]), limit=25, viewer_id=viewer
        ),
        "search, no match": lambda: store.search_briefs(guild, "zzqxv", limit=25, viewer_id=viewer),
        "lookup by URL": lambda: store.find_brief(
            guild, method="extractive", sentences=3, url=f"https://news.example/{pick(ids)}"
        ),
        "lookup by hash": lambda: store.find_brief(
            guild, method="extractive", sentences=3, content_hash=f"bench-{pick(ids):09d}"
        ),
        "computation elsewhere": lambda: store.find_briefing_elsewhere(
            f"bench-{pick(ids):09d}", method="extractive", sentences=3
        ),
        "latest in channel": lambda: store.latest_brief_id(guild, 1000 + rng.randrange(20), viewer_id=viewer),
    }
    return {name: await timed(call) for name, call in queries.items()}


def sqlite_bytes(path: Path) -> dict[str, float]:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
        briefs = conn.execute("SELECT COUNT(*) FROM briefs").fetchone()[0]
        text = conn.execute("SELECT COALESCE(SUM(LENGTH(text)), 0) FROM articles").fetchone()[0]
    total = path.stat().st_size
    return {
        "file_bytes": total,
        "article_text_bytes": text,
        "bytes_per_brief_beyond_text": round((total - text) / max(1, briefs)),
    }


def postgres_bytes(dsn: str, empty: int) -> dict[str, float]:
    """Like sqlite_bytes, less what the database took before the first brief (`empty`: PostgreSQL's
    catalogue, about 7.5 MB, which a 10 K-brief database would otherwise spread over its briefs)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # type: ignore[arg-type]
        briefs, text, total = conn.execute(
            "SELECT (SELECT COUNT(*) FROM briefs), "
            "(SELECT COALESCE(SUM(octet_length(text)), 0) FROM articles), "
            "pg_database_size(current_database())"
        ).fetchone() or (0, 0, 0)
    return {
        "file_bytes": total,
        "empty_database_bytes": empty,
        "article_text_bytes": text,
        "bytes_per_brief_beyond_text": round((total - empty - text) / max(1, briefs)),
    }


def postgres_activity(dsn: str) -> dict[str, float]:
    """Server-wide counters that say where a save's time goes beyond CPU: checkpoints, pages that
    backends had to write out themselves (shared_buffers too small), and WAL volume (full-page images
    after each checkpoint dominate it when indexes are written at random)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT checkpoints_timed + checkpoints_req, buffers_backend, buffers_checkpoint, "
            "wal_bytes, wal_fpi FROM pg_stat_bgwriter, pg_stat_wal"
        ).fetchone()
    assert row is not None
    names = ("checkpoints", "backend_page_writes", "checkpoint_page_writes", "wal_bytes", "wal_full_pages")
    return dict(zip(names, map(float, row), strict=True))


def postgres_size(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


async def run_store(
    name: str,
    store: Store,
    sizes: list[int],
    samples: list[Briefing],
    measure_bytes: Callable[[], dict[str, float]],
    server_cpu: Callable[[], float] | None = None,
    packed_by: str = "worker",
    writers: int = 1,
    activity: Callable[[], dict[str, float]] | None = None,
) -> list[dict[str, Any]]:
    """Fill to each size, then measure bytes (which also refreshes the planner's statistics, as
    SQLite's ANALYZE and PostgreSQL's autovacuum would on a live database) and the queries."""
    history = History(samples, seed=1)
    rows = []
    try:
        for size in sizes:
            added = size - history.count
            before = activity() if activity else {}
            saving = await fill(store, history, size, server_cpu, packed_by, writers)
            if activity:
                after = activity()
                saving["server_activity"] = {
                    "checkpoints": after["checkpoints"] - before["checkpoints"],
                    **{
                        f"{name}_per_save": round((after[name] - before[name]) / added, 2)
                        for name in after
                        if name != "checkpoints"
                    },
                }
            size_row = measure_bytes()
            queries = await measure_queries(store, history)
            load = round(os.getloadavg()[0], 2)
            row = {"store": name, "briefs": size, **saving, **size_row, "queries_load_average": load}
            row["queries"] = queries
            rows.append(row)
            print_row(row)
    finally:
        await store.close()
    return rows


async def requery_sqlite(samples: list[Briefing], path: Path, count: int) -> list[dict[str, Any]]:
    history = History(samples, seed=1)
    history.count = count  # the names and samples are drawn from the seed; the queries pick among them
    store = await SqliteStore.open(path)
    try:
        row = {"store": "sqlite", "briefs": count, "requeried": True, **sqlite_bytes(path)}
        row["queries_load_average"] = round(os.getloadavg()[0], 2)
        row["queries"] = await measure_queries(store, history)
    finally:
        await store.close()
    print_row(row)
    return [row]


async def run_all(
    samples: list[Briefing],
    sizes: list[int],
    folder: Path,
    stores: list[str],
    packed_by: str,
    writers: int,
    pg_settings: dict[str, str],
) -> list[dict[str, Any]]:
    rows = []
    if "sqlite" in stores:
        path = folder / "scale.db"
        store = await SqliteStore.open(path)
        rows += await run_store(
            "sqlite", store, sizes, samples, lambda: sqlite_bytes(path), None, packed_by, writers
        )
    if "postgres" in stores:
        bindir = server_bindir()
        if bindir is None:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
        # fsync and synchronous commit on, as in production
        cluster = PostgresCluster(bindir, durable=True, settings=pg_settings)
        cluster.start()
        try:
            dsn = cluster.new_database("scale")
            store = await PostgresStore.open(dsn)
            empty = postgres_size(dsn)  # migrated, no brief yet
            rows += await run_store(
                "postgresql",
                store,
                sizes,
                samples,
                lambda: postgres_bytes(dsn, empty),
                cluster.cpu_seconds,
                packed_by,
                writers,
                lambda: postgres_activity(dsn),
            )
            for row in rows:
                if row["store"] == "postgresql":
                    row["server_settings"] = pg_settings
        finally:
            cluster.stop()
    return rows


def print_row(row: dict[str, Any]) -> None:
    saving = (
        "queries re-timed, "
        if row.get("requeried")
        else f"{row['saves_per_s']:,} saves/s packed by the {row['packed_by']}, "
        f"{row['writers']} writer{'s' if row['writers'] > 1 else ''} "
        f"({row['client_cpu_ms_per_save']} ms client CPU per save, "
        + (f"{row['server_cpu_ms_per_save']} ms server CPU, " if "server_cpu_ms_per_save" in row else "")
        + (
            f"{row['worker_pack_cpu_ms_per_brief']} ms worker CPU packing, "
            if "worker_pack_cpu_ms_per_brief" in row
            else ""
        )
        + f"load {row['load_average_1min']}), "
    )
    print(
        f"\n{row['store']} at {row['briefs']:,} briefs: {saving}"
        f"{row['bytes_per_brief_beyond_text']:,} B/brief beyond the article text"
    )
    if "server_activity" in row:
        print(f"  server while saving: {row['server_activity']}")
    print(f"  queries timed at load average {row['queries_load_average']:.2f}")
    print(f"  {'query':32} {'median ms':>10} {'p95 ms':>10}")
    for name, numbers in row["queries"].items():
        print(f"  {name:32} {numbers['median_ms']:>10.2f} {numbers['p95_ms']:>10.2f}")
    sys.stdout.flush()


def load_samples() -> list[Briefing]:
    if not SAMPLES.exists():
        raise SystemExit(f"{SAMPLES} is missing: run with --make-samples")
    return [
        Briefing.from_record(json.loads(line)) for line in SAMPLES.read_text(encoding="utf-8").splitlines()
    ]


def make_samples(data: Path, count: int) -> None:
    """Brief `count` CNN/DailyMail articles with the real engine and keep them as sample records."""
    from summarizer.pipeline import Engine

    engine = Engine()
    records = []
    for row in load_rows(data)[:count]:
        briefing = engine.brief_article(as_article(row), sentences=3, method="extractive")
        if briefing.actors and briefing.positions:
            records.append(json.dumps(briefing.to_record(), ensure_ascii=False))
    SAMPLES.parent.mkdir(exist_ok=True)
    SAMPLES.write_text("\n".join(records) + "\n", encoding="utf-8")
    print(f"wrote {len(records)} sample briefings to {SAMPLES}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated brief counts")
    parser.add_argument("--stores", default="sqlite,postgres", help="which stores to fill (comma-separated)")
    parser.add_argument("--make-samples", action="store_true", help="recompute the sample briefings")
    parser.add_argument(
        "--packed-by",
        choices=("worker", "store"),
        default="worker",
        help="who packs a brief: the NLP worker that computed it, as for every brief the bot computes "
        "(default), or the store at save time, as for a computation reused from the store",
    )
    parser.add_argument(
        "--writers",
        type=int,
        default=1,
        help="batches saved at once (concurrent requests, several bot processes); default 1",
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="CNN/DM JSON lines for --make-samples"
    )
    parser.add_argument(
        "--folder", type=Path, help="keep the SQLite database here (default: a temporary folder, deleted)"
    )
    parser.add_argument(
        "--pg-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL server parameter for the throwaway cluster (repeatable), e.g. "
        "shared_buffers=4GB; default: the server's defaults",
    )
    parser.add_argument(
        "--requery",
        action="store_true",
        help="time the queries again on the database kept in --folder, without filling (e.g. on a quieter "
        "machine: filling to 1 M takes an hour)",
    )
    args = parser.parse_args()
    pg_settings = dict(setting.split("=", 1) for setting in args.pg_setting)
    if args.make_samples:
        make_samples(args.data, 40)
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    samples = load_samples()
    stores = args.stores.split(",")
    if args.requery:
        if args.folder is None or stores != ["sqlite"]:
            raise SystemExit("--requery re-times a kept SQLite database: give --stores sqlite --folder DIR")
        path = args.folder / "scale.db"
        if not path.exists():
            raise SystemExit(f"{path} does not exist: fill it first with --folder")
        with sqlite3.connect(path) as conn:
            (count,) = conn.execute("SELECT COUNT(*) FROM briefs").fetchone()
        rows = asyncio.run(requery_sqlite(samples, path, count))
    elif args.folder is not None:
        args.folder.mkdir(parents=True, exist_ok=True)
        rows = asyncio.run(
            run_all(samples, sizes, args.folder, stores, args.packed_by, args.writers, pg_settings)
        )
    else:
        with tempfile.TemporaryDirectory(prefix="briefbot-scale-") as folder:
            rows = asyncio.run(
                run_all(samples, sizes, Path(folder), stores, args.packed_by, args.writers, pg_settings)
            )
    path = write_results(
        f"store_scale-{args.stores.replace(',', '-')}{'-requery' if args.requery else ''}"
        f"{'-store-packed' if args.packed_by == 'store' else ''}"
        f"{f'-{args.writers}-writers' if args.writers > 1 else ''}",
        {"guilds": GUILDS, "actor_names": ACTOR_NAMES, "rows": rows},
    )
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
