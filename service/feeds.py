"""RSS/Atom polling: a conditional GET under the safe-fetch rules, and feedparser for the items.

`summarizer.fetch.fetch` reads web pages only (no feed content types, no request validators, no
response headers), so the feed request is made here on the same rules: every hop's host resolved once
by `summarizer.fetch.resolve` (private addresses refused unless allowed), the connection pinned to the
checked address with Host/SNI/certificate on the name, a redirect cap, timeouts plus an overall
deadline, and a size cap on the decoded body. Synchronous: the service runs it in a thread.
"""

from __future__ import annotations

import calendar
import hashlib
import http.client
import io
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import LocationParseError
from urllib3.response import BaseHTTPResponse
from urllib3.util import Url, parse_url

from summarizer.config import FetchConfig
from summarizer.errors import FetchError, InputTooLarge, UnsupportedInput
from summarizer.fetch import REDIRECT_STATUSES, human_size, resolve

_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class FeedResponse:
    status: int  # 200, or 304 when the validators still match
    url: str  # after redirects
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class FeedItem:
    key: str  # guid, else link: what makes an item "seen"
    url: str
    title: str
    published: datetime | None
    content_html: str  # the entry's own text, used when the linked page cannot be read


def fetch_feed(url: str, config: FetchConfig, *, etag: str | None, last_modified: str | None) -> FeedResponse:
    """GET the feed, sending If-None-Match / If-Modified-Since; failures are BriefErrors."""
    deadline = time.monotonic() + config.connect_timeout_s + config.read_timeout_s
    for _ in range(config.max_redirects + 1):
        target = _target(url)
        host = (target.host or "").strip("[]")
        port = target.port or (443 if target.scheme == "https" else 80)
        addresses = resolve(host, port, config.allow_private_addresses)
        headers = {
            "Host": f"{target.host}:{target.port}" if target.port else str(target.host),
            "User-Agent": config.user_agent,
            "Accept": _ACCEPT,
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        conn = _connect(target, host, port, addresses, config)
        try:
            conn.request(
                "GET", target.request_uri, headers=headers, preload_content=False, decode_content=True
            )
            response = conn.getresponse()
            if response.status in REDIRECT_STATUSES and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"].strip())
                continue
            if response.status != 304 and not 200 <= response.status < 300:
                raise FetchError(f"I couldn't fetch the feed: {host} answered with HTTP {response.status}.")
            body = b"" if response.status == 304 else _read_capped(response, config, deadline, host)
            return FeedResponse(
                status=304 if response.status == 304 else 200,
                url=url,
                body=body,
                content_type=response.headers.get("Content-Type", ""),
                etag=response.headers.get("ETag") or etag,
                last_modified=response.headers.get("Last-Modified") or last_modified,
            )
        except (OSError, http.client.HTTPException, Urllib3Error) as err:
            raise FetchError(f"I couldn't reach {host}: the connection failed.") from err
        finally:
            conn.close()
    raise FetchError(
        f"That feed redirected more than {config.max_redirects} times, so I stopped following it."
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


def _target(url: str) -> Url:
    try:
        target = parse_url(url)
    except LocationParseError as err:
        raise UnsupportedInput("That doesn't look like a valid feed link.") from err
    if (target.scheme or "").lower() not in ("http", "https") or not target.host:
        raise UnsupportedInput("Feeds must be http:// or https:// links.")
    return target


def _connect(target: Url, host: str, port: int, addresses: list[str], config: FetchConfig) -> HTTPConnection:
    """A connection to the first checked address that accepts; the name is never resolved again."""
    failure: BaseException | None = None
    for address in addresses:
        conn: HTTPConnection
        if target.scheme == "https":
            conn = HTTPSConnection(
                address,
                port,
                timeout=config.connect_timeout_s,
                server_hostname=host,
                cert_reqs=ssl.CERT_REQUIRED,
            )
        else:
            conn = HTTPConnection(address, port, timeout=config.connect_timeout_s)
        try:
            conn.connect()
        except (OSError, Urllib3Error) as err:
            conn.close()
            failure = err
            continue
        conn.timeout = config.read_timeout_s
        return conn
    raise FetchError(f"I couldn't reach {host}: the connection failed.") from failure


def _read_capped(response: BaseHTTPResponse, config: FetchConfig, deadline: float, host: str) -> bytes:
    """The decoded body, refused once it outgrows the cap or the time budget (slow-drip servers)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > config.max_bytes:
        raise InputTooLarge(_too_large(config.max_bytes))
    chunks: list[bytes] = []
    received = 0
    while chunk := response.read1(_CHUNK_BYTES):
        received += len(chunk)
        if received > config.max_bytes:
            raise InputTooLarge(_too_large(config.max_bytes))
        if time.monotonic() > deadline:
            raise FetchError(f"{host} took too long to send the feed, so I gave up on it.")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(max_bytes: int) -> str:
    return f"That feed is larger than {human_size(max_bytes)}, the most I download."
