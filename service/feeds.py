"""RSS/Atom polling: a conditional GET through `summarizer.fetch` (so feeds get the same address
checks, redirect cap, deadline and size cap as pages), and feedparser for the items. Also the
check `/feed add` makes at once: a link must be a feed, or a page that names its feed in a
`<link rel="alternate">` (the way browsers and feed readers discover feeds).
Synchronous: the service runs it in a thread.
"""

from __future__ import annotations

import calendar
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
import lxml.html
from lxml.etree import ParserError

from summarizer.config import FetchConfig
from summarizer.errors import UnsupportedInput
from summarizer.fetch import FetchedPage, fetch

# RSS 1.0 is RDF. JSON Feed is left out: feedparser 6 cannot read it, and refusing it at the door
# tells the user so more plainly than a failed parse.
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}
)
# What a page's <link rel="alternate" type=...> names when it points at its feed.
LINKED_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
NOT_A_FEED = (
    "That link is a web page, not an RSS or Atom feed, and the page names no feed of its own. "
    "Look for an RSS or Atom link on the site and give me that."
)
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"


@dataclass(frozen=True, slots=True)
class FeedResponse:
    status: int  # 2xx, or 304 when the validators still match
    url: str  # after redirects
    body: bytes
    content_type: str  # the header as sent, charset included, for feedparser's encoding detection
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class FeedItem:
    key: str  # guid, else link: what makes an item "seen"
    url: str
    title: str
    published: datetime | None
    content_html: str  # the entry's own text, used when the linked page cannot be read


@dataclass(frozen=True, slots=True)
class CheckedFeed:
    """A link that was fetched and read as a feed, for `/feed add`."""

    url: str  # the feed's own address: the link given, or the feed a page linked to
    items: int
    linked_from: str | None = None  # the page whose <link rel="alternate"> named the feed


def check_feed(url: str, config: FetchConfig) -> CheckedFeed:
    """Fetch `url` now and make sure it is a feed; a page's own feed link is followed once.

    Raises a BriefError saying why when the link cannot be read or is not a feed, so the user
    learns it when adding the feed rather than later in `/feed list`.
    """
    page = fetch(url, config, headers={"Accept": _ACCEPT}, content_types=FEED_TYPES | PAGE_TYPES)
    if page.content_type in FEED_TYPES or _starts_like_xml(page.body):
        return CheckedFeed(url=url, items=len(parse_feed(_response(page))))
    linked = feed_links(page.body, page.url)
    if not linked:
        raise UnsupportedInput(NOT_A_FEED)
    feed_page = fetch(linked[0], config, headers={"Accept": _ACCEPT}, content_types=FEED_TYPES)
    return CheckedFeed(url=linked[0], items=len(parse_feed(_response(feed_page))), linked_from=url)


def feed_links(html: bytes, base_url: str) -> list[str]:
    """Absolute http(s) addresses of the feeds a page names in `<link rel="alternate" type=...>`."""
    try:
        document = lxml.html.document_fromstring(html, base_url=base_url)
    except (ParserError, ValueError):
        return []
    document.make_links_absolute(base_url, handle_failures="discard")
    found = []
    for element in document.iter("link"):
        relations = (element.get("rel") or "").lower().split()
        kind = (element.get("type") or "").split(";")[0].strip().lower()
        href = (element.get("href") or "").strip()
        if (
            "alternate" in relations
            and kind in LINKED_FEED_TYPES
            and href.lower().startswith(("http://", "https://"))
        ):
            found.append(href)
    return list(dict.fromkeys(found))


def _starts_like_xml(body: bytes) -> bool:
    """A feed served as text/html still starts like one."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf"))


def _response(page: FetchedPage) -> FeedResponse:
    return FeedResponse(
        status=page.status,
        url=page.url,
        body=page.body,
        content_type=page.headers.get("Content-Type", ""),
        etag=page.headers.get("ETag"),
        last_modified=page.headers.get("Last-Modified"),
    )


def fetch_feed(url: str, config: FetchConfig, *, etag: str | None, last_modified: str | None) -> FeedResponse:
    """GET the feed, sending If-None-Match / If-Modified-Since; failures are BriefErrors.

    Validators the answer leaves out (a 304 may) are carried over, so the next poll can still send them.
    """
    validators = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    headers = {"Accept": _ACCEPT} | {name: value for name, value in validators.items() if value}
    page = fetch(url, config, headers=headers, content_types=FEED_TYPES)
    return FeedResponse(
        status=page.status,
        url=page.url,
        body=page.body,
        content_type=page.headers.get("Content-Type", ""),
        etag=page.headers.get("ETag") or etag,
        last_modified=page.headers.get("Last-Modified") or last_modified,
    )


def parse_feed(response: FeedResponse) -> list[FeedItem]:
    """The feed's items, newest first when they carry dates (feed order otherwise)."""
    parsed = feedparser.parse(
        io.BytesIO(response.body),  # bytes or str would be taken for a file name or URL
        response_headers={"content-location": response.url, "content-type": response.content_type},
    )
    if not parsed.entries and (parsed.bozo or not parsed.version):
        raise UnsupportedInput("That link doesn't look like an RSS or Atom feed.")
    items = [item for entry in parsed.entries if (item := _item(entry)) is not None]
    dated = [item for item in items if item.published is not None]
    if len(dated) == len(items):
        items.sort(key=lambda item: item.published or datetime.min.replace(tzinfo=UTC), reverse=True)
    return items


def _item(entry: feedparser.FeedParserDict) -> FeedItem | None:
    link = str(entry.get("link", "")).strip()
    if not link.lower().startswith(("http://", "https://")):
        link = ""  # feedparser falls back to the entry id, which may be a tag: URI
    title = str(entry.get("title", "")).strip()
    key = str(entry.get("id", "")).strip() or link
    content = entry.get("content") or []
    content_html = str(content[0].get("value", "")) if content else str(entry.get("summary", ""))
    if not key:
        if not (title or content_html):
            return None
        key = "sha256:" + hashlib.sha256(f"{title}\n{content_html}".encode()).hexdigest()
    parsed_time = entry.get("published_parsed") or entry.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(parsed_time), UTC) if parsed_time else None
    return FeedItem(key=key, url=link, title=title, published=published, content_html=content_html)
