"""Safe fetching against a real local server: redirects, caps, timeouts, address checks, TLS."""

from __future__ import annotations

import gzip
import re
import shutil
import socket
import ssl
import subprocess
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from ipaddress import IPv4Address, ip_address
from pathlib import Path
from typing import Any

import pytest
from http_server import LocalServer, send

from summarizer import fetch
from summarizer.config import FetchConfig
from summarizer.errors import BlockedAddress, FetchError, InputTooLarge, UnsupportedInput
from summarizer.fetch import fetch as fetch_page
from summarizer.fetch import is_public_address, resolve

PAGES = Path(__file__).parent / "pages"
NEWS = (PAGES / "news_article.html").read_bytes()
MB = 1024 * 1024


def _article(handler: BaseHTTPRequestHandler) -> None:
    send(handler, 200, NEWS)


def _hop(remaining: int) -> Any:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 302, b"", headers={"Location": f"/hops/{remaining - 1}"})

    return route if remaining else _article


def _redirect(location: str) -> Any:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 302, b"", headers={"Location": location})

    return route


def _typed(content_type: str, body: bytes) -> Any:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 200, body, content_type=content_type)

    return route


def _status(status: int) -> Any:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, status, b"<html><body><h1>Something went wrong</h1></body></html>")

    return route


def _untyped(handler: BaseHTTPRequestHandler) -> None:
    send(handler, 200, NEWS, content_type=None)


def _huge_declared(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(50 * MB))
    handler.end_headers()
    for _ in range(50 * 16):
        handler.wfile.write(b"<p>" + b"x" * (64 * 1024 - 3))


def _huge_chunked(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"<p>filler text</p>" * 3000
    for _ in range(32 * MB // len(chunk)):
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    handler.wfile.write(b"0\r\n\r\n")


def _gzip_bomb() -> bytes:
    """64 MB of zeros in about 64 KB, built without holding the 64 MB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    zeros = b"\0" * MB
    return b"".join(compressor.compress(zeros) for _ in range(64)) + compressor.flush()


def _gzipped(body: bytes) -> Any:
    compressed = body if body.startswith(b"\x1f\x8b") else gzip.compress(body)

    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 200, compressed, headers={"Content-Encoding": "gzip"})

    return route


def _echo_headers(handler: BaseHTTPRequestHandler) -> None:
    """Every request header as sent, one per line, so tests can see duplicates the server would merge."""
    lines = [f"{name.lower()}: {value}" for name, value in handler.headers.items()]
    send(handler, 200, "\n".join(lines).encode(), content_type="text/plain; charset=utf-8")


ARTICLE_ETAG = '"kremlin-truce-v1"'


def _conditional(handler: BaseHTTPRequestHandler) -> None:
    if handler.headers.get("If-None-Match") == ARTICLE_ETAG:
        send(handler, 304, b"", content_type=None, headers={"ETag": ARTICLE_ETAG})
    else:
        send(handler, 200, NEWS, headers={"ETag": ARTICLE_ETAG})


def _drip_body(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(200):
        handler.wfile.write(b"a")
        handler.wfile.flush()
        time.sleep(0.05)


def _drip_until_close(handler: BaseHTTPRequestHandler) -> None:
    """No length: the body ends when the server closes, and http.client lets go of the socket."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Connection", "close")
    handler.end_headers()
    for _ in range(100):
        handler.wfile.write(b"a")
        handler.wfile.flush()
        time.sleep(0.05)
    handler.close_connection = True


def _drip_chunked(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.send_header("Connection", "close")
    handler.end_headers()
    for _ in range(100):
        handler.wfile.write(b"1\r\na\r\n")
        handler.wfile.flush()
        time.sleep(0.05)
    handler.wfile.write(b"0\r\n\r\n")
    handler.close_connection = True


def _lying_length(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "5000")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(b"<html><body><p>Only the first lines of")
    handler.close_connection = True


def _drip_headers(handler: BaseHTTPRequestHandler) -> None:
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    for _ in range(200):
        handler.wfile.write(b"X-Padding: 1\r\n")
        handler.wfile.flush()
        time.sleep(0.05)


ROUTES = {
    "/article": _article,
    **{f"/hops/{n}": _hop(n) for n in range(8)},
    "/to-ftp": _redirect("ftp://files.example.org/article.txt"),
    "/to-metadata": _redirect("http://metadata.test/latest/meta-data/"),
    "/to-intranet": _redirect("http://intranet.test/"),
    "/to-loopback": _redirect("http://127.0.0.2/"),
    "/nowhere": _status(302),
    "/missing": _status(404),
    "/broken": _status(500),
    "/pdf": _typed("application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    "/png": _typed("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01"),
    "/feed": _typed("application/rss+xml; charset=utf-8", b"<rss version='2.0'><channel/></rss>"),
    "/plain": _typed(
        "text/plain; charset=iso-8859-1", "Caf\xe9 prices rose. Nobody was pleased.".encode("cp1252")
    ),
    "/untyped": _untyped,
    "/echo-headers": _echo_headers,
    "/conditional": _conditional,
    "/not-modified": _status(304),
    "/huge-declared": _huge_declared,
    "/huge-chunked": _huge_chunked,
    "/bomb": _gzipped(_gzip_bomb()),
    "/gzipped": _gzipped(NEWS),
    "/drip-body": _drip_body,
    "/drip-headers": _drip_headers,
    "/drip-until-close": _drip_until_close,
    "/drip-chunked": _drip_chunked,
    "/lying-length": _lying_length,
}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(ROUTES) as running:
        yield running


def local(**overrides: Any) -> FetchConfig:
    """Tests serve from 127.0.0.1, so private addresses are allowed unless a test says otherwise."""
    return FetchConfig(**{"allow_private_addresses": True, **overrides})


@dataclass
class FakeDNS:
    """Answers for made-up names; each lookup takes the next answer, the last one repeating."""

    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)

    def set(self, host: str, *answers: list[str]) -> None:
        self.answers[host] = list(answers)

    def getaddrinfo(self, host: str, port: Any, family: int = 0, type: int = 0, *args: Any) -> list[Any]:
        if host not in self.answers:
            if str(host).endswith(".invalid"):
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return REAL_GETADDRINFO(host, port, family, type, *args)
        self.lookups.append(host)
        queue = self.answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]


REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    fake = FakeDNS()
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the test server's 127.0.0.1 is on the internet; every other private address stays blocked."""
    real = fetch.is_public_address
    monkeypatch.setattr(fetch, "is_public_address", lambda a: a == IPv4Address("127.0.0.1") or real(a))


# --- fetching ---------------------------------------------------------------------------------


def test_fetches_a_page_with_honest_headers(server: LocalServer) -> None:
    config = local()
    page = fetch_page(server.url("/article"), config)
    assert page.body == NEWS
    assert (page.content_type, page.charset) == ("text/html", "utf-8")
    seen = server.requests[-1].headers
    assert seen["user-agent"] == config.user_agent
    assert seen["host"] == f"127.0.0.1:{server.port}"
    assert "text/html" in seen["accept"]
    assert "gzip" in seen["accept-encoding"]


def test_reports_status_and_response_headers_by_any_case(server: LocalServer) -> None:
    page = fetch_page(server.url("/conditional"), local())
    assert page.status == 200
    assert page.headers["etag"] == page.headers["ETag"] == ARTICLE_ETAG
    assert page.headers["content-length"] == str(len(NEWS))


def test_caller_headers_replace_defaults_but_never_the_host(server: LocalServer) -> None:
    config = local()
    page = fetch_page(
        server.url("/echo-headers"),
        config,
        headers={
            "accept": "application/rss+xml, application/atom+xml",
            "If-Modified-Since": "Mon, 14 Apr 2025 09:00:00 GMT",
            "HOST": "intranet.test",
        },
    )
    sent = page.body.decode().splitlines()
    assert [line for line in sent if line.startswith(("accept:", "host:"))] == [
        "accept: application/rss+xml, application/atom+xml",
        f"host: 127.0.0.1:{server.port}",
    ]
    assert "if-modified-since: Mon, 14 Apr 2025 09:00:00 GMT" in sent
    assert f"user-agent: {config.user_agent}" in sent


def test_conditional_request_returns_304_without_a_body(server: LocalServer) -> None:
    page = fetch_page(server.url("/conditional"), local(), headers={"If-None-Match": ARTICLE_ETAG})
    assert (page.status, page.body, page.content_type, page.charset) == (304, b"", "", None)
    assert page.headers["ETag"] == ARTICLE_ETAG
    assert server.requests[-1].headers["if-none-match"] == ARTICLE_ETAG


def test_a_304_nobody_asked_for_is_still_an_error(server: LocalServer) -> None:
    with pytest.raises(FetchError, match=r"answered with HTTP 304 \(Not Modified\)"):
        fetch_page(server.url("/not-modified"), local())


def test_caller_content_types_let_a_feed_through(server: LocalServer) -> None:
    feed_types = frozenset({"application/rss+xml", "application/atom+xml"})
    page = fetch_page(server.url("/feed"), local(), content_types=feed_types)
    assert (page.status, page.content_type, page.charset) == (200, "application/rss+xml", "utf-8")
    assert page.body == b"<rss version='2.0'><channel/></rss>"
    with pytest.raises(
        UnsupportedInput, match=r"^That link is a web page, not an RSS feed or an Atom feed\.$"
    ):
        fetch_page(server.url("/article"), local(), content_types=feed_types)
    with pytest.raises(UnsupportedInput, match=r"^That link is an RSS feed, not a web page or plain text\.$"):
        fetch_page(server.url("/feed"), local())  # the default still reads pages only


def test_gzip_encoded_page_is_decoded(server: LocalServer) -> None:
    assert fetch_page(server.url("/gzipped"), local()).body == NEWS


def test_missing_content_type_is_sniffed_from_the_body(server: LocalServer) -> None:
    page = fetch_page(server.url("/untyped"), local())
    assert page.content_type == "text/html"
    assert page.charset is None


def test_plain_text_keeps_its_declared_charset(server: LocalServer) -> None:
    page = fetch_page(server.url("/plain"), local())
    assert (page.content_type, page.charset) == ("text/plain", "iso-8859-1")
    assert page.body.startswith(b"Caf\xe9")


def test_follows_up_to_five_redirects(server: LocalServer) -> None:
    page = fetch_page(server.url("/hops/5"), local())
    assert page.url == server.url("/hops/0")
    assert page.body == NEWS


def test_refuses_a_sixth_redirect_without_requesting_it(server: LocalServer) -> None:
    before = len(server.requests)
    with pytest.raises(FetchError, match="redirected more than 5 times"):
        fetch_page(server.url("/hops/6"), local())
    assert [r.path for r in server.requests[before:]] == [f"/hops/{n}" for n in range(6, 0, -1)]


def test_refuses_a_redirect_to_another_scheme(server: LocalServer) -> None:
    with pytest.raises(UnsupportedInput, match=r"redirects to an address I can't fetch \(ftp:\)"):
        fetch_page(server.url("/to-ftp"), local())


def test_a_redirect_without_location_is_a_fetch_error(server: LocalServer) -> None:
    with pytest.raises(FetchError, match="redirect that leads nowhere"):
        fetch_page(server.url("/nowhere"), local())


@pytest.mark.parametrize(
    ("path", "status"), [("/missing", "404 (Not Found)"), ("/broken", "500 (Internal Server Error)")]
)
def test_http_errors_name_the_status(server: LocalServer, path: str, status: str) -> None:
    with pytest.raises(FetchError, match=r"127\.0\.0\.1 answered with HTTP " + re.escape(status)):
        fetch_page(server.url(path), local())


@pytest.mark.parametrize(
    ("path", "described"), [("/pdf", "a PDF"), ("/png", "an image"), ("/feed", "an RSS feed")]
)
def test_refuses_what_is_not_a_web_page(server: LocalServer, path: str, described: str) -> None:
    with pytest.raises(UnsupportedInput, match=f"That link is {described}, not a web page"):
        fetch_page(server.url(path), local())


def test_connection_refused_is_a_fetch_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the fetch: nothing listens there
    with pytest.raises(FetchError, match="connection was refused"):
        fetch_page(f"http://127.0.0.1:{port}/", local())


def test_unknown_host_is_a_fetch_error(dns: FakeDNS) -> None:
    with pytest.raises(FetchError, match=r"no-such-paper\.invalid: that name could not be found"):
        fetch_page("https://no-such-paper.invalid/story", local())


@pytest.mark.parametrize("url", ["ftp://example.org/a.txt", "javascript:alert(1)", "http:///path-only"])
def test_refuses_links_it_cannot_fetch(url: str) -> None:
    with pytest.raises(UnsupportedInput):
        fetch_page(url, local())


# --- size caps --------------------------------------------------------------------------------


def test_refuses_a_declared_length_over_the_cap_before_reading(server: LocalServer) -> None:
    started = time.monotonic()
    with pytest.raises(InputTooLarge, match=r"a web page larger than 1 MB.* paste the article text instead"):
        fetch_page(server.url("/huge-declared"), local(max_bytes=MB))
    assert time.monotonic() - started < 1.0


def test_stops_an_undeclared_stream_at_the_cap(server: LocalServer) -> None:
    with pytest.raises(InputTooLarge, match="larger than 512 KB"):
        fetch_page(server.url("/huge-chunked"), local(max_bytes=512 * 1024))


def test_a_body_shorter_than_its_content_length_is_reported_as_cut_short(server: LocalServer) -> None:
    with pytest.raises(FetchError, match=r"cut its answer short, sending 38 of the 5,000 bytes"):
        fetch_page(server.url("/lying-length"), local())


def test_gzip_bomb_is_refused_without_inflating_it(server: LocalServer) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(InputTooLarge):
            fetch_page(server.url("/bomb"), local(max_bytes=MB))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB  # the bomb inflates to 64 MB


# --- time budget ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers", "/drip-until-close", "/drip-chunked"])
def test_slow_drip_gives_up_at_the_overall_deadline(server: LocalServer, path: str) -> None:
    config = local(connect_timeout_s=0.5, read_timeout_s=0.7)  # each byte arrives well within 0.7 s
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 1\.2 seconds"):
        fetch_page(server.url(path), config)
    assert time.monotonic() - started < 2.0


def test_a_slow_name_lookup_counts_against_the_deadline(
    server: LocalServer, dns: FakeDNS, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stalled_lookup(*args: Any, **kwargs: Any) -> list[Any]:
        time.sleep(3.0)  # bounded, so the abandoned lookup thread ends soon after the test
        return REAL_GETADDRINFO("127.0.0.1", server.port, 0, socket.SOCK_STREAM)

    monkeypatch.setattr(socket, "getaddrinfo", stalled_lookup)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 1\.2 seconds"):
        fetch_page(
            server.url("/article", host="slow-dns.test"), local(connect_timeout_s=0.5, read_timeout_s=0.7)
        )
    assert time.monotonic() - started < 2.0


# --- address checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "240.0.0.1",
        "198.18.0.1",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        "ff02::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 wrapping 169.254.169.254
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_private_and_special_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:1.1.1.1", "2002:808:808::1"]
)
def test_internet_addresses_are_public(address: str) -> None:
    assert is_public_address(ip_address(address))


def test_resolve_refuses_a_name_if_any_answer_is_private(dns: FakeDNS) -> None:
    dns.set("mixed.test", ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(BlockedAddress, match=r"private or local address \(mixed\.test\)"):
        resolve("mixed.test", 443, allow_private=False)
    assert resolve("mixed.test", 443, allow_private=True) == ["93.184.216.34", "10.0.0.5"]


def test_resolve_returns_every_public_answer(dns: FakeDNS) -> None:
    dns.set("news.test", ["93.184.216.34", "2606:4700:4700::1111"])
    assert resolve("news.test", 80, allow_private=False) == ["93.184.216.34", "2606:4700:4700::1111"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "0.0.0.0", "2130706433"])
def test_local_addresses_are_blocked_before_connecting(server: LocalServer, host: str) -> None:
    before = len(server.requests)
    with pytest.raises(BlockedAddress, match="which I don't fetch"):
        fetch_page(server.url("/article", host=host), FetchConfig())
    assert len(server.requests) == before


@pytest.mark.usefixtures("loopback_is_public")
@pytest.mark.parametrize("path", ["/to-metadata", "/to-intranet", "/to-loopback"])
def test_each_redirect_hop_is_checked(server: LocalServer, dns: FakeDNS, path: str) -> None:
    dns.set("public.test", ["127.0.0.1"])
    dns.set("metadata.test", ["169.254.169.254"])
    dns.set("intranet.test", ["10.0.0.8"])
    with pytest.raises(BlockedAddress, match="That link redirects to a private or local address"):
        fetch_page(server.url(path, host="public.test"), FetchConfig())
    assert server.requests[-1].path == path  # the first, public hop was fetched


@pytest.mark.usefixtures("loopback_is_public")
def test_connects_to_the_checked_address_not_a_second_lookup(server: LocalServer, dns: FakeDNS) -> None:
    dns.set("rebind.test", ["127.0.0.1"], ["10.0.0.1"])  # a rebinding server answers private next time
    page = fetch_page(server.url("/article", host="rebind.test"), FetchConfig())
    assert page.body == NEWS
    assert dns.lookups == ["rebind.test"]
    assert server.requests[-1].headers["host"] == f"rebind.test:{server.port}"


# --- TLS on a pinned address ------------------------------------------------------------------


@dataclass
class Certificate:
    cert: Path
    key: Path


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for news.test, made with the openssl command line."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    made = Certificate(cert=folder / "cert.pem", key=folder / "key.pem")
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "2"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-subj", "/CN=news.test", "-addext", "subjectAltName=DNS:news.test"),
            *("-keyout", str(made.key), "-out", str(made.cert)),
        ],
        check=True,
        capture_output=True,
    )
    return made


@pytest.fixture(scope="module")
def tls_server(certificate: Certificate) -> Iterator[tuple[LocalServer, list[str | None]]]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.cert, certificate.key)
    server_names: list[str | None] = []
    context.sni_callback = lambda _sock, name, _context: server_names.append(name)
    with LocalServer({"/article": _article}, ssl_context=context) as running:
        yield running, server_names


def test_tls_uses_the_host_name_for_sni_and_verification(
    tls_server: tuple[LocalServer, list[str | None]],
    certificate: Certificate,
    dns: FakeDNS,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, server_names = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))  # trust the test certificate
    dns.set("news.test", ["127.0.0.1"])
    page = fetch_page(server.url("/article", host="news.test"), local())
    assert page.body == NEWS
    assert server_names[-1] == "news.test"
    assert server.requests[-1].headers["host"] == f"news.test:{server.port}"


def test_tls_refuses_a_certificate_for_another_name(
    tls_server: tuple[LocalServer, list[str | None]],
    certificate: Certificate,
    dns: FakeDNS,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, _ = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    dns.set("other.test", ["127.0.0.1"])
    with pytest.raises(FetchError, match="certificate could not be verified"):
        fetch_page(server.url("/article", host="other.test"), local())


def test_tls_refuses_an_untrusted_certificate(
    tls_server: tuple[LocalServer, list[str | None]], dns: FakeDNS
) -> None:
    server, _ = tls_server
    dns.set("news.test", ["127.0.0.1"])
    with pytest.raises(FetchError, match="certificate could not be verified"):
        fetch_page(server.url("/article", host="news.test"), local())
