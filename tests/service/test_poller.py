"""`briefbot poller`: two poller processes side by side fetch each due feed exactly once per interval,
and stop cleanly on SIGTERM. The feeds are empty, so no NLP is involved: this is about the leases."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from newsroom import NewsSite
from postgres_cluster import PostgresCluster

from storage import PostgresStore

REPO_ROOT = Path(__file__).resolve().parents[2]
FEEDS = 24
EMPTY_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet news</title>'
    b"<link>https://news.example/</link><description>Nothing yet</description></channel></rss>"
)


def start_poller(dsn: str, workdir: Path, name: str) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")},
        "BRIEFBOT_DATABASE_URL": dsn,
        "BRIEFBOT_FEED_INTERVAL_S": "3600",
        "BRIEFBOT_ENGINE__FETCH__ALLOW_PRIVATE_ADDRESSES": "true",
        "PYTHONPATH": str(REPO_ROOT),
    }
    with open(workdir / f"{name}.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "poller"],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


async def add_feeds(dsn: str, site: NewsSite) -> None:
    store = await PostgresStore.open(dsn)
    try:
        for n in range(FEEDS):
            site.pages[f"/feed{n}.xml"] = ("application/rss+xml", EMPTY_FEED)
            await store.add_feed(1000 + n % 3, f"{site.base_url}/feed{n}.xml", 7)
    finally:
        await store.close()


def test_two_pollers_fetch_each_due_feed_once(
    postgres_cluster: PostgresCluster, news_site: NewsSite, tmp_path: Path
) -> None:
    dsn = postgres_cluster.new_database("pollers")
    asyncio.run(add_feeds(dsn, news_site))

    pollers = [start_poller(dsn, tmp_path, f"poller{n}") for n in range(2)]
    try:
        deadline = time.monotonic() + 120
        while len({served.path for served in news_site.served}) < FEEDS and time.monotonic() < deadline:
            assert all(poller.poll() is None for poller in pollers), (tmp_path / "poller0.log").read_text()
            time.sleep(0.2)
        time.sleep(1.0)  # a duplicate fetch still in flight would land by now
        fetches = Counter(served.path for served in news_site.served)
        assert fetches == Counter({f"/feed{n}.xml": 1 for n in range(FEEDS)})
    finally:
        for poller in pollers:
            poller.send_signal(signal.SIGTERM)
        codes = [poller.wait(timeout=30) for poller in pollers]
    assert codes == [0, 0], [(tmp_path / f"poller{n}.log").read_text()[-2000:] for n in range(2)]
