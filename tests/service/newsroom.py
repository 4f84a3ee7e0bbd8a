"""Test helpers for the service: realistic news stories, a local news site serving them with RSS and
Atom feeds, and settings/services bound to a temporary database.
"""

from __future__ import annotations

import hashlib
import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from service.briefing_service import BriefingService, open_store
from service.settings import Settings
from service.worker import WorkerPool
from storage import Store
from summarizer.config import EngineConfig, FetchConfig


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    paragraphs: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


STORIES = {
    story.slug: story
    for story in (
        Story(
            "kremlin-truce",
            "Kremlin rejects calls for an Easter ceasefire in Ukraine",
            [
                "The Kremlin on Monday rejected calls for a ceasefire in Ukraine over the Easter holiday, "
                "saying Russian forces would continue their operations in the east of the country.",
                '"There are no plans for a truce," Kremlin spokesman Dmitry Peskov told reporters in Moscow. '
                '"The special military operation continues."',
                "Ukrainian President Volodymyr Zelensky said Moscow had never been serious about peace and "
                "urged Western allies to speed up deliveries of air defence systems.",
                "The proposal for a pause in the fighting had been put forward by the Vatican last week. "
                "Pope Francis appealed for an end to the shelling of cities during the holiday.",
                "Fighting around the town of Bakhmut intensified over the weekend, according to the "
                "Ukrainian military, which reported dozens of attacks on its positions.",
            ],
        ),
        Story(
            "kremlin-talks",
            "Kremlin says peace talks with Kyiv are frozen",
            [
                "Russia said on Tuesday that peace talks with Ukraine were frozen and that it saw no basis "
                "for a new round of negotiations in the coming weeks.",
                'Dmitry Peskov, the Kremlin spokesman, said the talks "cannot resume while Kyiv refuses to '
                'accept reality on the ground." He added that President Vladimir Putin remained open to '
                "contacts with Western leaders.",
                "Ukraine's foreign minister Dmytro Kuleba said Russia was trying to dictate terms rather "
                "than negotiate, and that Kyiv would not give up any of its territory.",
                "Diplomats in Brussels said European Union ministers would discuss new sanctions against "
                "Moscow at a meeting next month.",
            ],
        ),
        Story(
            "celtic-manager",
            "Celtic manager says title race is far from over",
            [
                "Celtic manager Brendan Rodgers insisted the Scottish Premiership title race was far from "
                "over after his side were held to a goalless draw by Hibernian at Easter Road on Sunday.",
                '"We have eight games left and a lot of football still to play," Rodgers told BBC Scotland. '
                '"Nobody in that dressing room is thinking about the trophy yet."',
                "The draw leaves Celtic two points clear of Rangers, who beat Motherwell 3-1 at Ibrox on "
                "Saturday with two goals from striker Cyriel Dessers.",
                "Rangers manager Philippe Clement said his players had shown great character and that the "
                "Old Firm derby next month could decide the league.",
                "Hibernian goalkeeper David Marshall made three fine saves in the second half to earn his "
                "side a point in front of a crowd of 20,000.",
            ],
        ),
        Story(
            "north-sea-wind",
            "Britain approves giant North Sea wind farm",
            [
                "The British government approved a giant offshore wind farm in the North Sea on Wednesday, "
                "a project ministers said would power two million homes by the end of the decade.",
                "Energy secretary Ed Miliband said the decision showed that Britain was serious about "
                "cutting carbon emissions and lowering household energy bills.",
                '"This is the clean power the country needs," Miliband told parliament. "It will create '
                'thousands of skilled jobs along the coast."',
                "Environmental groups welcomed the approval but warned that the grid connections needed for "
                "the turbines were years behind schedule.",
            ],
        ),
    )
}


def story_html(story: Story) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(story.title)}</title>"
        "</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{html.escape(story.title)}</h1>"
        "<p class='byline'>By Anna Reporter</p>"
        f"{paragraphs}</article>"
        "<footer>Copyright The Daily Example. All rights reserved.</footer></body></html>"
    )


@dataclass
class Served:
    path: str
    if_none_match: str | None
    if_modified_since: str | None
    status: int


@dataclass
class NewsSite:
    """A small news site on 127.0.0.1: article pages plus RSS and Atom feeds that honour ETags."""

    base_url: str = ""
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # path -> (content type, body)
    served: list[Served] = field(default_factory=list)
    published: datetime = datetime(2025, 4, 14, 9, 0, tzinfo=UTC)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def publish(self, story: Story) -> str:
        path = f"/news/{story.slug}.html"
        self.pages[path] = ("text/html; charset=utf-8", story_html(story).encode())
        return self.url(path)

    def rss(self, path: str, stories: list[Story]) -> str:
        """Serve an RSS 2.0 feed listing `stories`, the first being the newest."""
        items = "".join(
            f"<item><title>{html.escape(s.title)}</title><link>{self.publish(s)}</link>"
            f"<guid isPermaLink='false'>urn:example:{s.slug}</guid>"
            f"<pubDate>{format_datetime(self.published - timedelta(hours=i))}</pubDate>"
            f"<description>{html.escape(s.paragraphs[0])}</description></item>"
            for i, s in enumerate(stories)
        )
        body = (
            "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
            f"<title>The Daily Example</title><link>{self.url('/')}</link>"
            f"<description>News</description>{items}</channel></rss>"
        )
        self.pages[path] = ("application/rss+xml", body.encode())
        return self.url(path)

    def atom(self, path: str, stories: list[Story]) -> str:
        """Serve an Atom feed whose entries carry their full text (no link to fetch)."""
        entries = "".join(
            f"<entry><title>{html.escape(s.title)}</title><id>tag:example.org,2025:{s.slug}</id>"
            f"<updated>{(self.published - timedelta(hours=i)).isoformat()}</updated>"
            f"<content type='html'>{html.escape(''.join(f'<p>{p}</p>' for p in s.paragraphs))}</content>"
            "</entry>"
            for i, s in enumerate(stories)
        )
        body = (
            "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            f"<title>Example Sport</title><id>tag:example.org,2025:sport</id>"
            f"<updated>{self.published.isoformat()}</updated>{entries}</feed>"
        )
        self.pages[path] = ("application/atom+xml", body.encode())
        return self.url(path)

    def statuses(self, path: str) -> list[int]:
        return [s.status for s in self.served if s.path == path]


def _handler(site: NewsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = site.pages.get(self.path)
            if page is None:
                self._answer(404, "text/plain", b"not found")
                return
            content_type, body = page
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self._answer(304, content_type, b"", etag=etag)
            else:
                self._answer(200, content_type, body, etag=etag)

        def _answer(self, status: int, content_type: str, body: bytes, etag: str | None = None) -> None:
            site.served.append(
                Served(
                    self.path,
                    self.headers.get("If-None-Match"),
                    self.headers.get("If-Modified-Since"),
                    status,
                )
            )
            self.send_response(status)
            if etag:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", format_datetime(site.published, usegmt=True))
            if status != 304:
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

    return Handler


def make_settings(database_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_path": database_path,
        "workers": 1,
        "user_cooldown_s": 0.0,
        "queue_limit": 20,
        "engine": EngineConfig(fetch=FetchConfig(allow_private_addresses=True)),
    }
    values.update(overrides)
    return Settings(**values)


class Services:
    """Opens services on this test's database with the shared workers; `restart` reopens the same file."""

    def __init__(self, database_path: Path, pool: WorkerPool, database_url: str | None = None) -> None:
        self._database_path = database_path
        self._database_url = database_url  # PostgreSQL instead of the SQLite file
        self._pool = pool
        self._stores: list[Store] = []
        self._overrides: dict[str, Any] = {}

    async def open(self, **overrides: Any) -> BriefingService:
        self._overrides = overrides
        settings = make_settings(self._database_path, database_url=self._database_url, **overrides)
        store = await open_store(settings)
        self._stores.append(store)
        return BriefingService(settings, store, self._pool)

    async def restart(self) -> BriefingService:
        """As after a bot restart: the old store is closed, a new one opens the same file."""
        await self._stores[-1].close()
        return await self.open(**self._overrides)

    async def close(self) -> None:
        await self._stores[-1].close()


@contextmanager
def serve_news_site() -> Iterator[NewsSite]:
    site = NewsSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
