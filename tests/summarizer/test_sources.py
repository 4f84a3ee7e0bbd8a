"""Every way into an Article (link, file, attachment, pasted text) and every way it is refused."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from http_server import LocalServer, send

from summarizer import sources
from summarizer.config import EngineConfig, FetchConfig
from summarizer.errors import BlockedAddress, EmptyInput, InputTooLarge, NotAnArticle, UnsupportedInput

PAGES = Path(__file__).parent / "pages"
NEWS_HTML = (PAGES / "news_article.html").read_bytes()
FRENCH_HTML = (PAGES / "french_cp1252.html").read_bytes()
LOGIN_HTML = (PAGES / "login.html").read_bytes()

HEADLINE = "Storm Elena cuts power to 200,000 homes across the north-west"
BODY = """\
Storm Elena brought winds of up to 140 km/h to the north-west on Sunday, cutting power to more than
200,000 homes and forcing the closure of two major bridges.

The national weather service issued a red warning for the coast and urged people to stay indoors.
"Conditions are dangerous and will remain so until the early hours of Monday," a spokeswoman said.

Northern Grid said crews had restored power to about half of the affected homes by the evening. The
company warned that some rural areas could remain without electricity until Wednesday.

Rail operators cancelled most services in the region, and the airport in Port Avery suspended all
flights for six hours."""
PASTED = f"{HEADLINE}\n\n{BODY}\n"

FRENCH_TEXT = (
    "La Direction générale de l'aviation civile a demandé jeudi aux compagnies aériennes de réduire "
    "d'un tiers leurs programmes de vols à Orly, en raison d'une grève des contrôleurs aériens. "
    "Selon le ministère des Transports, près de 900 vols ont été annulés dans la matinée. "
    "Les passagers sont invités à vérifier l'état de leur vol avant de se rendre à l'aéroport."
)

MARKDOWN = """\
---
title: "Storm Elena cuts power to 200,000 homes"
author: Jonas Meyer
date: 2024-11-03T21:40:00Z
layout: post
---

# Live updates from the coast

Storm Elena brought winds of up to **140 km/h** to the north-west on Sunday, cutting power to
[more than 200,000 homes](https://grid.example/outages) and closing two bridges.

![Satellite image of the storm](elena.png)

> "Conditions are dangerous and will remain so until Monday," a weather service spokeswoman said.

## Transport

- Rail operators cancelled most services in the region.
- The airport in Port Avery suspended all flights for six hours.

```python
print("this code block is not prose")
```

| Region | Homes without power |
|--------|---------------------|
| North  | 120,000             |

Northern Grid said crews had restored power to about half of the homes, using the `outage-map` data.
"""


def _typed(content_type: str | None, body: bytes) -> Any:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 200, body, content_type=content_type)

    return route


def _redirect(location: str) -> Any:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 301, b"", headers={"Location": location})

    return route


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    routes = {
        "/news/light-rail": _typed("text/html; charset=utf-8", NEWS_HTML),
        "/short-link": _redirect("/news/light-rail"),
        "/fr/greve": _typed("text/html; charset=windows-1252", FRENCH_HTML),
        "/fr/greve-meta-only": _typed("text/html", FRENCH_HTML),
        "/login": _typed("text/html; charset=utf-8", LOGIN_HTML),
        "/nav-only": _typed(
            "text/html",
            b"<html><body><nav>"
            + b"".join(b'<a href="/s/%d">Section %d</a> ' % (n, n) for n in range(40))
            + b"</nav><footer>Contact us</footer></body></html>",
        ),
        "/story.txt": _typed("text/plain; charset=utf-8", PASTED.encode()),
        "/mislabelled.txt": _typed("text/plain; charset=iso-8859-1", FRENCH_TEXT.encode()),
        "/junk.txt": _typed("text/plain", random.Random(7).randbytes(5000)),
    }
    with LocalServer(routes) as running:
        yield running


@pytest.fixture
def config() -> EngineConfig:
    """Tests serve pages from 127.0.0.1, which the default configuration refuses to fetch."""
    return EngineConfig(fetch=FetchConfig(allow_private_addresses=True))


# --- links ------------------------------------------------------------------------------------


def test_news_page_yields_article_text_and_metadata(server: LocalServer, config: EngineConfig) -> None:
    article = sources.load(server.url("/news/light-rail"), config)
    assert article.title == "Harbor City council approves $2.1 billion light-rail expansion"
    assert article.byline == "Maria Delgado"
    assert article.date == "2024-03-14"
    assert (article.source_kind, article.source) == ("url", server.url("/news/light-rail"))
    assert article.language == "en"
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 7
    assert paragraphs[0].startswith("The Harbor City council voted 7-2 on Thursday")
    assert paragraphs[-1].endswith("before construction starts.")
    for boilerplate in ("cookies", "Subscribe", "Most read", "Ferry fares", "All rights reserved", "Sports"):
        assert boilerplate not in article.text
    assert article.title not in article.text  # the headline is the title, not a paragraph


def test_article_source_is_the_page_after_redirects(server: LocalServer, config: EngineConfig) -> None:
    article = sources.fetch_article(server.url("/short-link"), config)
    assert article.source == server.url("/news/light-rail")


@pytest.mark.parametrize("path", ["/fr/greve", "/fr/greve-meta-only"])
def test_windows_1252_page_is_decoded_and_seen_as_french(
    server: LocalServer, config: EngineConfig, path: str
) -> None:
    article = sources.fetch_article(server.url(path), config)
    assert article.title == "Grève des contrôleurs aériens : des centaines de vols annulés à Paris"
    assert article.byline == "Élodie Marchand"
    assert "« Nous regrettons les désagréments causés aux voyageurs" in article.text
    assert "\ufffd" not in article.text
    assert article.language == "fr"


@pytest.mark.parametrize("path", ["/login", "/nav-only"])
def test_page_without_an_article_is_refused(server: LocalServer, config: EngineConfig, path: str) -> None:
    with pytest.raises(NotAnArticle, match="I couldn't find an article on that page"):
        sources.fetch_article(server.url(path), config)


def test_plain_text_link_is_read_like_pasted_text(server: LocalServer, config: EngineConfig) -> None:
    article = sources.fetch_article(server.url("/story.txt"), config)
    assert (article.title, article.source_kind) == (HEADLINE, "url")
    assert article.text.startswith("Storm Elena brought winds")


def test_utf8_labelled_latin1_is_still_read_as_utf8(server: LocalServer, config: EngineConfig) -> None:
    assert sources.fetch_article(server.url("/mislabelled.txt"), config).text == FRENCH_TEXT


def test_binary_behind_a_text_link_is_refused(server: LocalServer, config: EngineConfig) -> None:
    with pytest.raises(NotAnArticle, match="doesn't look like text"):
        sources.fetch_article(server.url("/junk.txt"), config)


def test_local_links_are_blocked_by_default(server: LocalServer) -> None:
    with pytest.raises(BlockedAddress):
        sources.load(server.url("/news/light-rail"), EngineConfig())


@pytest.mark.parametrize(
    ("spec", "scheme"),
    [
        ("ftp://files.example.org/story.txt", "ftp"),
        ("file:///etc/passwd", "file"),
        ("javascript:alert(document.cookie)", "javascript"),
        ("gopher://gopher.example.org/0/news", "gopher"),
        ("data:text/html,<p>hi</p>", "data"),
    ],
)
def test_other_link_schemes_are_unsupported(spec: str, scheme: str) -> None:
    with pytest.raises(UnsupportedInput, match=f"only fetch http:// and https:// links.*{scheme}:"):
        sources.load(spec, EngineConfig())


# --- pasted text ------------------------------------------------------------------------------


def test_pasted_text_with_headline() -> None:
    article = sources.load(PASTED, EngineConfig())
    assert article.title == HEADLINE
    assert (article.source_kind, article.source) == ("text", "pasted")
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0] == (
        "Storm Elena brought winds of up to 140 km/h to the north-west on Sunday, cutting power to more "
        "than 200,000 homes and forcing the closure of two major bridges."
    )  # hard-wrapped lines joined back into one paragraph
    assert HEADLINE not in article.text
    assert article.language == "en"


@pytest.mark.parametrize(
    "text",
    [
        BODY,  # the first paragraph is several lines long
        "Storm Elena hit the coast on Sunday.\n\n" + BODY,  # one line, but a sentence
        HEADLINE + "\n" + BODY,  # no blank line after it
    ],
)
def test_no_headline_unless_it_is_obvious(text: str) -> None:
    article = sources.load_text(text, EngineConfig())
    assert article.title == ""
    assert article.text.startswith(text.split("\n")[0])


def test_lines_without_blank_lines_are_paragraphs() -> None:
    text = "\r\n".join(" ".join(paragraph.split()) for paragraph in BODY.split("\n\n"))
    article = sources.load_text(text, EngineConfig())
    assert article.text == "\n\n".join(" ".join(paragraph.split()) for paragraph in BODY.split("\n\n"))


def test_content_hash_ignores_spacing_only() -> None:
    config = EngineConfig()
    article = sources.load_text(BODY, config)
    respaced = sources.load_text("\n\n" + BODY.replace(" ", "  \t").replace("\n\n", "\n \n\n") + "\n", config)
    edited = sources.load_text(BODY.replace("140 km/h", "150 km/h"), config)
    assert article.content_hash == respaced.content_hash
    assert article.content_hash != edited.content_hash
    assert article.content_hash == hashlib.sha256(" ".join(BODY.split()).encode()).hexdigest()


def test_pasted_french_is_detected() -> None:
    assert sources.load_text(FRENCH_TEXT, EngineConfig()).language == "fr"


@pytest.mark.parametrize("text", ["", "   \n\t  \n"])
def test_empty_input_is_refused(text: str) -> None:
    with pytest.raises(EmptyInput, match="nothing to brief"):
        sources.load(text, EngineConfig())


def test_text_over_the_limit_is_refused_with_the_limit() -> None:
    config = EngineConfig(max_input_chars=1_000)
    with pytest.raises(InputTooLarge, match="1,000"):
        sources.load_text(BODY * 3, config)


def test_short_text_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle, match=r"That is too short to brief: .*at least 200 characters.* has 36"):
        sources.load("Storm Elena hit the coast on Sunday.", EngineConfig())


def test_one_long_sentence_is_not_an_article() -> None:
    sentence = (
        "Storm Elena, which forecasters had tracked across the ocean for most of the week and which "
        "brought winds of up to 140 km/h, cut power to more than 200,000 homes across the north-west "
        "on Sunday while rail operators cancelled most services."
    )
    with pytest.raises(NotAnArticle, match="two full sentences"):
        sources.load_text(sentence, EngineConfig())


def test_text_with_control_bytes_is_binary_junk() -> None:
    with pytest.raises(NotAnArticle, match="doesn't look like text"):
        sources.load_text(BODY[:200] + "\x00\x01\x02" + BODY[200:], EngineConfig())


def test_long_single_line_text_is_not_taken_for_a_path() -> None:
    text = " ".join(" ".join(BODY.split()) for _ in range(30))  # one line, thousands of characters
    assert sources.load(text, EngineConfig()).source_kind == "text"


# --- files on disk ----------------------------------------------------------------------------


def test_load_reads_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "storm.txt"
    path.write_text(PASTED, encoding="utf-8")
    article = sources.load(str(path), EngineConfig())
    assert (article.source_kind, article.source, article.title) == ("file", str(path), HEADLINE)


@pytest.mark.parametrize("spec", ["drafts/storm.txt", "storm-report.md", "page.HTML"])
def test_load_of_a_missing_file_says_file_not_found(tmp_path: Path, spec: str) -> None:
    with pytest.raises(EmptyInput, match="file not found"):
        sources.load(str(tmp_path / spec), EngineConfig())


def test_load_file_refuses_other_file_types(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(UnsupportedInput, match=r"\.txt, \.md and \.html.*report\.pdf"):
        sources.load(str(path), EngineConfig())


def test_load_of_a_folder_is_unsupported(tmp_path: Path) -> None:
    folder = tmp_path / "articles.txt"
    folder.mkdir()
    with pytest.raises(UnsupportedInput, match="not a regular file"):
        sources.load(str(folder), EngineConfig())


def test_load_file_refuses_a_file_over_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "storm.txt"
    path.write_text(BODY * 20, encoding="utf-8")
    config = EngineConfig(fetch=FetchConfig(max_bytes=4096))
    with pytest.raises(InputTooLarge, match="largest file I read is 4 KB"):
        sources.load_file(path, config)


def test_html_file_is_extracted(tmp_path: Path) -> None:
    path = tmp_path / "saved-page.htm"
    path.write_bytes(NEWS_HTML)
    article = sources.load_file(path, EngineConfig())
    assert (article.source_kind, article.byline) == ("file", "Maria Delgado")
    assert "Most read" not in article.text


def test_html_file_without_article_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "login.html"
    path.write_bytes(LOGIN_HTML)
    with pytest.raises(NotAnArticle, match="I couldn't find an article in that file"):
        sources.load_file(path, EngineConfig())


# --- attachments ------------------------------------------------------------------------------


def test_markdown_is_stripped_to_prose() -> None:
    article = sources.load_bytes("storm.md", MARKDOWN.encode(), EngineConfig())
    assert article.title == "Storm Elena cuts power to 200,000 homes"
    assert (article.byline, article.date) == ("Jonas Meyer", "2024-11-03")
    assert article.text.split("\n\n") == [
        "Live updates from the coast",
        "Storm Elena brought winds of up to 140 km/h to the north-west on Sunday, cutting power to more "
        "than 200,000 homes and closing two bridges.",
        '"Conditions are dangerous and will remain so until Monday," a weather service spokeswoman said.',
        "Transport",
        "Rail operators cancelled most services in the region.",
        "The airport in Port Avery suspended all flights for six hours.",
        "Northern Grid said crews had restored power to about half of the homes, using the outage-map data.",
    ]


def test_markdown_leading_heading_becomes_the_title() -> None:
    article = sources.load_bytes("storm.md", f"# {HEADLINE}\n\n{BODY}".encode(), EngineConfig())
    assert article.title == HEADLINE
    assert article.text.startswith("Storm Elena brought winds")


@pytest.mark.parametrize(
    ("encoding", "name"), [("cp1252", "greve.txt"), ("utf-16", "greve.TXT"), ("utf-8-sig", "greve.txt")]
)
def test_attachment_text_is_decoded(encoding: str, name: str) -> None:
    article = sources.load_bytes(name, FRENCH_TEXT.encode(encoding), EngineConfig())
    assert article.text == FRENCH_TEXT
    assert (article.source_kind, article.source, article.language) == ("file", name, "fr")


def test_html_attachment_uses_its_meta_charset() -> None:
    article = sources.load_bytes("greve.html", FRENCH_HTML, EngineConfig())
    assert "près de 900 vols ont été annulés" in article.text


@pytest.mark.parametrize(
    "data",
    [
        random.Random(1).randbytes(4000),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + random.Random(2).randbytes(4000),
        bytes(random.Random(3).choices(range(128, 256), k=4000)),  # no NUL, no valid encoding
        BODY.encode()[:300] + b"\0" * 50 + BODY.encode()[300:],
    ],
)
def test_binary_attachment_is_not_an_article(data: bytes) -> None:
    with pytest.raises(NotAnArticle, match="doesn't look like text"):
        sources.load_bytes("notes.txt", data, EngineConfig())


@pytest.mark.parametrize("data", [b"", b"  \r\n\n "])
def test_empty_attachment_is_refused(data: bytes) -> None:
    with pytest.raises(EmptyInput, match=r"notes\.txt is empty"):
        sources.load_bytes("notes.txt", data, EngineConfig())


def test_attachment_over_the_cap_is_refused() -> None:
    config = EngineConfig(fetch=FetchConfig(max_bytes=2 * 1024 * 1024))
    with pytest.raises(InputTooLarge, match=r"That file is 2\.5 MB; the largest file I read is 2 MB"):
        sources.load_bytes("big.txt", b"a" * (5 * 512 * 1024), config)


@pytest.mark.parametrize("name", ["photo.png", "report.pdf", "notes.docx", "README"])
def test_attachment_types_other_than_text_are_unsupported(name: str) -> None:
    with pytest.raises(UnsupportedInput, match=f"can't open {name}"):
        sources.load_bytes(name, PASTED.encode(), EngineConfig())


# --- one normalisation for every door -----------------------------------------------------------


def _assert_clean(text: str) -> None:
    assert not any("\ud800" <= ch <= "\udfff" or (ch < " " and ch not in "\n\t") for ch in text)
    text.encode("utf-8")


def test_pasted_text_with_lone_surrogates_and_controls_is_cleaned_before_hashing() -> None:
    article = sources.load_text(PASTED.replace("storm", "st\udcc3orm\x07", 2), EngineConfig())
    _assert_clean(article.text + article.title)
    assert len(article.content_hash) == 64


def test_feed_html_with_lone_surrogates_is_cleaned() -> None:
    html = f"<html><body><article><p>{BODY}</p><p>Stray \ud83d half of an emoji.</p></article></body></html>"
    article = sources.article_from_html(html, "https://example.com/a", EngineConfig())
    _assert_clean(article.text)


def test_stdin_bytes_are_decoded_like_a_file_with_the_same_bytes(tmp_path: Path) -> None:
    data = PASTED.encode("utf-8").replace(b" ", b" \xff", 2)
    path = tmp_path / "same.txt"
    path.write_bytes(data)
    from_stdin = sources.load_text_bytes(data, EngineConfig())
    from_file = sources.load(str(path), EngineConfig())
    assert from_stdin.text == from_file.text and from_stdin.content_hash == from_file.content_hash
    _assert_clean(from_stdin.text)


def test_entities_decoded_by_the_extractor_are_normalised_too() -> None:
    html = f"<html><body><article><p>{BODY} Cafe&#x301; owners objected.</p></article></body></html>"
    article = sources.article_from_html(html, "https://example.com/a", EngineConfig())
    assert "Café owners objected." in article.text  # composed, as every other door gives it


def test_section_label_byline_and_page_furniture_are_not_the_article() -> None:
    text = (
        "Other News\n\nMothers could take maternity pay as a lump sum under Tory plans\n\n"
        "By Jane Doe, Political Reporter\n\n"
        "Mothers would be able to take their statutory maternity pay as a single lump sum. The party "
        "says the change would give families more control.\n\nAdvertisement\n\n"
        "The plan was announced on Monday. It was welcomed by employers.\n\nShare this page\n\nSource link"
    )
    article = sources.load_text(text, EngineConfig())
    assert article.title == "Mothers could take maternity pay as a lump sum under Tory plans"
    assert article.text.startswith("Mothers would be able")
    for furniture in ("Other News", "Jane Doe", "Advertisement", "Share this page", "Source link"):
        assert furniture not in article.text
