"""Property-based tests of every way text comes in: whatever arrives, a clean Article or a BriefError.

Random bytes (files, stdin), random Unicode (pasted text, lone surrogates and controls included),
random and deeply nested HTML (pages, feed entries), run-on sentences, and hostile servers.
No other exception escapes, and an Article never carries what cannot be hashed or stored.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from http_server import LocalServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from summarizer import sources
from summarizer.config import EngineConfig, FetchConfig
from summarizer.errors import BriefError
from summarizer.fetch import fetch
from summarizer.models import Article
from summarizer.segmentation import segment

CONFIG = EngineConfig()
WORDS = st.sampled_from(
    [
        "the",
        "minister",
        "said",
        "council",
        "budget",
        "on",
        "Monday",
        "critics",
        "warned",
        "plan",
        "would",
        "cut",
        "jobs",
        "and",
    ]
)
SENTENCE = st.lists(WORDS, min_size=3, max_size=25).map(lambda words: " ".join(words).capitalize() + ".")
PROSE = st.lists(SENTENCE, min_size=1, max_size=30).map(" ".join)
# Every code point, lone surrogates and control characters included.
ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=3000)

quick = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_clean(article: Article) -> None:
    for text in (article.text, article.title, article.byline):
        text.encode("utf-8")  # no lone surrogates: hashing and SQLite both encode
        assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in text)
        assert not any(0x7F <= ord(ch) <= 0x9F for ch in text)
    assert len(article.content_hash) == 64


def brief_or_refuse(load: Any, *args: Any) -> None:
    try:
        article = load(*args)
    except BriefError as err:
        assert str(err)  # a sentence for the user
        return
    assert_clean(article)


@quick
@given(data=st.binary(max_size=4000), name=st.sampled_from(["a.txt", "a.md", "a.html"]))
def test_random_bytes_in_a_file(data: bytes, name: str) -> None:
    brief_or_refuse(sources.load_bytes, name, data, CONFIG)


@quick
@given(prose=PROSE, noise=st.binary(max_size=40), at=st.integers(min_value=0))
def test_text_bytes_with_stray_bytes_on_stdin(prose: str, noise: bytes, at: int) -> None:
    data = prose.encode()
    cut = at % (len(data) + 1)
    brief_or_refuse(sources.load_text_bytes, data[:cut] + noise + data[cut:], CONFIG)


@quick
@given(text=ANY_TEXT)
def test_random_unicode_pasted(text: str) -> None:
    brief_or_refuse(sources.load_text, text, CONFIG)


@quick
@given(prose=PROSE, junk=ANY_TEXT)
def test_an_article_with_random_unicode_inside(prose: str, junk: str) -> None:
    brief_or_refuse(sources.load_text, f"{prose} {junk} {prose}", CONFIG)


TAGS = st.sampled_from(["div", "p", "span", "article", "section", "b", "table", "td", "li", "script"])
HTML = st.recursive(
    st.one_of(PROSE, ANY_TEXT.map(lambda text: text[:200])),
    lambda children: st.tuples(TAGS, st.lists(children, max_size=4)).map(
        lambda node: f"<{node[0]}>{''.join(node[1])}</{node[0]}>"
    ),
    max_leaves=40,
)


@quick
@given(body=HTML)
def test_random_html_from_a_feed(body: str) -> None:
    brief_or_refuse(sources.article_from_html, f"<html><body>{body}</body></html>", "https://x.test/", CONFIG)


@settings(max_examples=10, deadline=None)
@given(depth=st.integers(min_value=100, max_value=20_000), prose=PROSE)
def test_deeply_nested_html(depth: int, prose: str) -> None:
    html = "<div>" * depth + f"<p>{prose}</p>" + "</div>" * depth
    brief_or_refuse(sources.article_from_html, html, "https://x.test/", CONFIG)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(WORDS, min_size=500, max_size=4000), pauses=st.booleans())
def test_no_sentence_runs_past_the_cap(nlp: Language, words: list[str], pauses: bool) -> None:
    run_on = (", " if pauses else " ").join(words)
    sentences = segment(nlp(f"The talks began on Monday. {run_on}. Both sides left."))
    assert max(len(sentence.text) for sentence in sentences) <= CONFIG.max_sentence_chars


# --- hostile servers ------------------------------------------------------------------------------


class Behaviour:
    """What the server does for the current example; set before each fetch."""

    status = 200
    headers: dict[str, str] = {}  # noqa: RUF012 - replaced, never mutated
    body = b""
    chunk_delay_s = 0.0


def _hostile(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(Behaviour.status)
    for name, value in Behaviour.headers.items():
        handler.send_header(name, value)
    handler.send_header("Connection", "close")
    handler.end_headers()
    for start in range(0, len(Behaviour.body), 512):
        handler.wfile.write(Behaviour.body[start : start + 512])
        handler.wfile.flush()
        time.sleep(Behaviour.chunk_delay_s)
    handler.close_connection = True


@pytest.fixture(scope="module")
def hostile() -> Iterator[LocalServer]:
    with LocalServer({"/": _hostile}) as server:
        yield server


HEADER_VALUE = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
HEADERS = st.dictionaries(
    st.sampled_from(["Content-Type", "Content-Length", "Content-Encoding", "Transfer-Encoding", "Location"]),
    st.one_of(
        HEADER_VALUE,
        st.sampled_from(["text/html", "text/plain; charset=utf-32", "gzip", "chunked", "99999", "0", "-1"]),
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    status=st.sampled_from([200, 200, 200, 204, 301, 302, 304, 404, 500, 999]),
    headers=HEADERS,
    body=st.one_of(st.binary(max_size=3000), PROSE.map(str.encode)),
    delay=st.sampled_from([0.0, 0.0, 0.05]),
)
def test_a_hostile_server_gives_a_page_or_a_fetch_error_by_the_deadline(
    hostile: LocalServer, status: int, headers: dict[str, str], body: bytes, delay: float
) -> None:
    Behaviour.status, Behaviour.headers, Behaviour.body, Behaviour.chunk_delay_s = (
        status,
        headers,
        body,
        delay,
    )
    config = FetchConfig(allow_private_addresses=True, connect_timeout_s=0.5, read_timeout_s=0.5)
    started = time.monotonic()
    try:
        page = fetch(hostile.url("/"), config)
    except BriefError as err:
        assert str(err)
    else:
        assert len(page.body) <= config.max_bytes
    assert time.monotonic() - started < 1.0 + 1.0  # the deadline, plus slack for a loaded machine
