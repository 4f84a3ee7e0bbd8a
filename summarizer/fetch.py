"""Download a web page (or a feed) for a user without letting the link reach the bot's own network.

Each hop of a redirect chain is resolved once, every address it resolves to is checked, and the
connection goes to the checked address while the Host header, TLS SNI and certificate check stay on
the host name, so DNS rebinding cannot slip a private address in between check and connect.
Proxy environment variables are deliberately ignored: a proxy would resolve names itself.
Synchronous on purpose: the service runs it in a worker thread.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from email.message import Message
from http import HTTPStatus
from ipaddress import IPv4Address, IPv6Address, ip_address
from types import TracebackType
from typing import Any
from urllib.parse import urljoin

from urllib3 import HTTPHeaderDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    DecodeError,
    IncompleteRead,
    LocationParseError,
    NewConnectionError,
    ProtocolError,
)
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.response import BaseHTTPResponse
from urllib3.util import Url, parse_url

from summarizer.config import FetchConfig
from summarizer.errors import BlockedAddress, FetchError, InputTooLarge, UnsupportedInput

READABLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
_CHUNK_BYTES = 64 * 1024

_VALIDATOR_HEADERS = frozenset({"if-none-match", "if-modified-since"})

# In the order a list of accepted types is named in messages.
_TYPE_NAMES = {
    "text/html": "a web page",
    "application/xhtml+xml": "a web page",
    "text/plain": "plain text",
    "application/rss+xml": "an RSS feed",
    "application/atom+xml": "an Atom feed",
    "application/feed+json": "a JSON feed",
    "application/rdf+xml": "an RDF document",
    "application/xml": "an XML document",
    "text/xml": "an XML document",
    "application/pdf": "a PDF",
    "application/json": "JSON data",
    "application/zip": "a ZIP archive",
    "application/gzip": "a compressed archive",
    "application/octet-stream": "a file download",
    "application/msword": "a Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word document",
    "text/csv": "a CSV file",
}
_MAJOR_TYPE_NAMES = {"image": "an image", "video": "a video", "audio": "an audio file", "font": "a font"}


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # after redirects
    status: int  # 2xx, or 304 when a conditional request found nothing new
    content_type: str  # an accepted type, sniffed as text/html or text/plain if undeclared; "" on a 304
    charset: str | None  # as the server declared it; None when it did not say
    headers: Mapping[str, str]  # of the final response; names match case-insensitively
    body: bytes  # content-encoding already removed; empty on a 304


def fetch(
    url: str,
    config: FetchConfig,
    *,
    headers: Mapping[str, str] | None = None,
    content_types: frozenset[str] = READABLE_TYPES,
) -> FetchedPage:
    """GET a page, following redirects; every failure is a BriefError with a message for the user.

    `headers` override the defaults (Accept, say) on every hop, so they must hold nothing secret;
    Host is always the hop's own. A 304 is returned, not raised, only when `headers` asked for one
    with If-None-Match or If-Modified-Since. A declared Content-Type outside `content_types` is
    refused. The whole fetch, redirects included, must finish within connect_timeout_s + read_timeout_s.
    """
    extra_headers = headers or {}
    conditional = any(name.lower() in _VALIDATOR_HEADERS for name in extra_headers)
    budget_s = config.connect_timeout_s + config.read_timeout_s
    with _Deadline(budget_s) as deadline:
        for hop in range(config.max_redirects + 1):
            target = _parse_target(url, redirected=hop > 0)
            addresses = _resolve_hop(target, config, deadline, redirected=hop > 0)
            request_headers = _request_headers(target, config, extra_headers)
            conn, response = _send(target, addresses, request_headers, config, deadline)
            try:
                if response.status in REDIRECT_STATUSES:
                    url = _redirect_location(url, target, response)
                    continue
                if response.status == HTTPStatus.NOT_MODIFIED and conditional:
                    return FetchedPage(
                        url=url,
                        status=response.status,
                        content_type="",
                        charset=None,
                        headers=HTTPHeaderDict(response.headers),
                        body=b"",
                    )
                return _read_page(url, target, response, config, deadline, content_types)
            finally:
                conn.close()
    raise FetchError(
        f"That link redirected more than {config.max_redirects} times, so I stopped following it."
    )


def resolve(host: str, port: int, allow_private: bool, *, timeout_s: float | None = None) -> list[str]:
    """Every address the host resolves to, refusing the host if any of them is not public.

    All of them are checked (not only the first) because the connection may fall back to any.
    `getaddrinfo` has no timeout of its own, so with `timeout_s` the lookup runs in a daemon thread
    that is abandoned (and ends with the resolver's own timeout) when it runs over.
    """
    try:
        infos = _getaddrinfo(host, port, timeout_s)
    except (OSError, UnicodeError) as err:
        raise FetchError(f"I couldn't reach {host}: that name could not be found.") from err
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private and not all(_is_public_text(address) for address in addresses):
        raise BlockedAddress(f"That link points to a private or local address ({host}), which I don't fetch.")
    return addresses


class LookupTimedOut(Exception):
    """The name lookup did not answer within its time."""


def _getaddrinfo(host: str, port: int, timeout_s: float | None) -> list[Any]:
    if timeout_s is None:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    outcome: list[Any] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as err:  # handed to the waiting thread, which raises it
            outcome.append(err)
        finally:
            done.set()

    threading.Thread(target=lookup, name=f"dns {host}", daemon=True).start()
    if not done.wait(timeout_s):
        raise LookupTimedOut(host)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def is_public_address(address: IPv4Address | IPv6Address) -> bool:
    """True only for globally routable unicast addresses, looking through IPv4-in-IPv6 forms."""
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public_address(address.ipv4_mapped)
        # 6to4 tunnels to the embedded IPv4 address; NAT64 (64:ff9b::/96) and Teredo already count
        # as reserved and private.
        if address.sixtofour is not None and not is_public_address(address.sixtofour):
            return False
        if address.is_site_local:
            return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _is_public_text(address: str) -> bool:
    try:
        return is_public_address(ip_address(address))
    except ValueError:  # e.g. a scoped IPv6 address, which is link-local anyway
        return False


class _Deadline:
    """Shuts the socket in flight once the whole fetch runs over its time budget.

    Read timeouts only bound the gap between two packets, so a server dripping a byte a second
    could otherwise hold a worker for as long as it likes.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._ends_at = time.monotonic() + seconds
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return max(self._ends_at - time.monotonic(), 0.0)

    def watch(self, sock: socket.socket) -> None:
        """Shut this socket when time runs out (at once if it already has).

        The socket object itself is kept, not the connection: `http.client` drops the connection's
        reference once the headers say `Connection: close`, while the response still reads from it.
        """
        with self._lock:
            self._sock = sock
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        """Time is up: mark the fetch as too slow and cut the connection in flight."""
        with self._lock:
            self.expired = True
            if self._sock is not None:
                _shut(self._sock)


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _parse_target(url: str, *, redirected: bool) -> Url:
    try:
        target = parse_url(url)
    except LocationParseError as err:
        raise UnsupportedInput("That doesn't look like a valid web link.") from err
    scheme = (target.scheme or "").lower()
    if scheme not in ("http", "https"):
        if redirected:
            raise UnsupportedInput(
                f"That link redirects to an address I can't fetch ({scheme or 'no scheme'}:); "
                "I only follow http:// and https:// links."
            )
        raise UnsupportedInput("I can only fetch http:// and https:// links.")
    if not target.host:
        raise UnsupportedInput("That link has no host name in it.")
    return target


def _resolve_hop(target: Url, config: FetchConfig, deadline: _Deadline, *, redirected: bool) -> list[str]:
    host = _host_name(target)
    try:
        return resolve(host, _port(target), config.allow_private_addresses, timeout_s=deadline.remaining())
    except LookupTimedOut as err:
        deadline.expire()
        raise FetchError(_unreachable_message(host, None, deadline)) from err
    except BlockedAddress as err:
        if not redirected:
            raise
        raise BlockedAddress(
            f"That link redirects to a private or local address ({host}), which I don't fetch."
        ) from err


def _host_name(target: Url) -> str:
    return (target.host or "").strip("[]")


def _port(target: Url) -> int:
    return target.port or (443 if target.scheme == "https" else 80)


def _send(
    target: Url, addresses: list[str], headers: Mapping[str, str], config: FetchConfig, deadline: _Deadline
) -> tuple[HTTPConnection, BaseHTTPResponse]:
    """Connect to the first checked address that answers and send the request there."""
    host = _host_name(target)
    failure: BaseException | None = None
    for address in addresses:
        conn = _connection(target, address, min(config.connect_timeout_s, deadline.remaining()))
        try:
            conn.connect()
            deadline.watch(conn.sock)
            conn.timeout = config.read_timeout_s
            conn.request(
                "GET", target.request_uri, headers=headers, preload_content=False, decode_content=True
            )
            return conn, conn.getresponse()
        except (OSError, http.client.HTTPException, Urllib3Error) as err:
            conn.close()
            failure = err
            if deadline.expired:
                break
    raise FetchError(_unreachable_message(host, failure, deadline))


def _connection(target: Url, address: str, connect_timeout_s: float) -> HTTPConnection:
    port = _port(target)
    timeout = max(connect_timeout_s, 0.001)
    if target.scheme == "https":
        return HTTPSConnection(
            address,
            port,
            timeout=timeout,
            server_hostname=_host_name(target),
            cert_reqs=ssl.CERT_REQUIRED,
        )
    return HTTPConnection(address, port, timeout=timeout)


def _request_headers(target: Url, config: FetchConfig, extra: Mapping[str, str]) -> HTTPHeaderDict:
    host_header = target.host or ""
    if target.port is not None:
        host_header = f"{host_header}:{target.port}"
    headers = HTTPHeaderDict(
        {
            "User-Agent": config.user_agent,
            "Accept": _ACCEPT,
            "Accept-Language": "en;q=1.0, *;q=0.5",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
        }
    )
    headers.update(extra)  # case-insensitive: a caller's "accept" replaces the default Accept
    headers["Host"] = host_header
    return headers


def _redirect_location(url: str, target: Url, response: BaseHTTPResponse) -> str:
    location = response.headers.get("Location")
    if not location:
        raise FetchError(
            f"I couldn't fetch that link: {_host_name(target)} answered with a redirect that leads nowhere."
        )
    return urljoin(url, location.strip())


def _read_page(
    url: str,
    target: Url,
    response: BaseHTTPResponse,
    config: FetchConfig,
    deadline: _Deadline,
    content_types: frozenset[str],
) -> FetchedPage:
    host = _host_name(target)
    if not 200 <= response.status < 300:
        raise FetchError(
            f"I couldn't fetch that link: {host} answered with HTTP {_status_text(response.status)}."
        )
    declared_type = response.headers.get("Content-Type")
    content_type, charset = _parse_content_type(declared_type)
    if declared_type is not None and content_type not in content_types:
        raise UnsupportedInput(
            f"That link is {_describe_type(content_type)}, not {_describe_types(content_types)}."
        )
    declared_length = response.headers.get("Content-Length", "")
    if declared_length.isdigit() and int(declared_length) > config.max_bytes:
        raise InputTooLarge(_too_large_message(config.max_bytes, content_type))
    body = _read_body(response, config.max_bytes, content_type, host, deadline)
    if declared_type is None:
        content_type = "text/html" if body.lstrip()[:1] == b"<" else "text/plain"
    return FetchedPage(
        url=url,
        status=response.status,
        content_type=content_type,
        charset=charset,
        headers=HTTPHeaderDict(response.headers),
        body=body,
    )


def _read_body(
    response: BaseHTTPResponse, max_bytes: int, content_type: str, host: str, deadline: _Deadline
) -> bytes:
    """The decoded body, refused as soon as it outgrows the cap (so a gzip bomb stays small)."""
    chunks: list[bytes] = []
    received = 0
    try:
        while chunk := response.read1(_CHUNK_BYTES):
            received += len(chunk)
            if received > max_bytes:
                raise InputTooLarge(_too_large_message(max_bytes, content_type))
            chunks.append(chunk)
    except (OSError, http.client.HTTPException, Urllib3Error) as err:
        raise FetchError(_unreachable_message(host, err, deadline)) from err
    if deadline.expired:  # a cut connection can look like a clean end of the body
        raise FetchError(_unreachable_message(host, None, deadline))
    return b"".join(chunks)


def _parse_content_type(header: str | None) -> tuple[str, str | None]:
    if header is None:
        return "", None
    message = Message()
    message["Content-Type"] = header
    charset = message.get_param("charset")
    return message.get_content_type(), charset if isinstance(charset, str) and charset else None


def _describe_type(content_type: str) -> str:
    if content_type in _TYPE_NAMES:
        return _TYPE_NAMES[content_type]
    major = content_type.partition("/")[0]
    return _MAJOR_TYPE_NAMES.get(major, f"a {content_type} file")


def _describe_types(content_types: frozenset[str]) -> str:
    """What the caller accepts, in a user's words: "a web page or plain text"."""
    known = [content_type for content_type in _TYPE_NAMES if content_type in content_types]
    ordered = known + sorted(content_types - _TYPE_NAMES.keys())
    names = list(dict.fromkeys(_describe_type(content_type) for content_type in ordered))
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _status_text(status: int) -> str:
    try:
        return f"{status} ({HTTPStatus(status).phrase})"
    except ValueError:
        return str(status)


def _unreachable_message(host: str, error: BaseException | None, deadline: _Deadline) -> str:
    if deadline.expired:
        return f"{host} took longer than {deadline.seconds:g} seconds to send its answer, so I gave up on it."
    cut_short = _incomplete_read(error)
    if cut_short is not None:
        announced = cut_short.partial + cut_short.expected
        return (
            f"I couldn't fetch that link: {host} cut its answer short, sending {cut_short.partial:,} "
            f"of the {announced:,} bytes it announced."
        )
    cause = error.__cause__ if isinstance(error, NewConnectionError) else error
    if isinstance(cause, ConnectionRefusedError):
        reason = "the connection was refused"
    elif isinstance(cause, (TimeoutError, Urllib3Timeout)):
        reason = "it did not answer in time"
    elif isinstance(cause, ssl.SSLCertVerificationError):
        reason = "its certificate could not be verified, so the connection is not secure"
    elif isinstance(cause, ssl.SSLError):
        reason = "a secure connection could not be set up"
    elif isinstance(cause, DecodeError):
        reason = "it sent compressed data that I could not unpack"
    else:
        reason = "the connection failed"
    return f"I couldn't reach {host}: {reason}."


def _incomplete_read(error: BaseException | None) -> IncompleteRead | None:
    """The body ended before its Content-Length: urllib3 wraps that in a ProtocolError."""
    if isinstance(error, ProtocolError):
        return next((arg for arg in error.args if isinstance(arg, IncompleteRead)), None)
    return None


def _too_large_message(max_bytes: int, content_type: str) -> str:
    what = _describe_type(content_type) if content_type else "a download"
    message = f"That link is {what} larger than {human_size(max_bytes)}, the most I download."
    if content_type in READABLE_TYPES:  # an article too big to fetch can still be pasted
        message += " You can paste the article text instead."
    return message


def human_size(size: int) -> str:
    """Bytes the way a user reads them: 3 MB, 512 KB."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"
