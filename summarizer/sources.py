"""Turn what a user hands over (a link, a file, an attachment, pasted text) into a checked Article.

Every way in ends in the same validation, so an empty, oversized, binary or too-short input is
refused with the same polite message whichever way it arrived.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path, PurePath

import charset_normalizer
import trafilatura
from markdown_it import MarkdownIt
from markdown_it.token import Token
from trafilatura.settings import Document

from summarizer import fetch
from summarizer.boilerplate import drop_kicker, without_furniture
from summarizer.cleaning import BINARY_MESSAGE, clean_text
from summarizer.config import EngineConfig
from summarizer.errors import EmptyInput, InputTooLarge, NotAnArticle, UnsupportedInput
from summarizer.fetch import human_size
from summarizer.language import detect_language
from summarizer.models import FILE_KINDS, Article, FileKind, SourceKind

_TOO_SHORT = "That is too short to brief"
_NO_ARTICLE_ON_PAGE = "I couldn't find an article on that page"
_NO_ARTICLE_IN_FILE = "I couldn't find an article in that file"

_MAX_SPEC_PATH_CHARS = 1024  # longer input is never a path, and stat() would choke on it
_MAX_HEADLINE_CHARS = 150
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):")  # two letters at least: C:\ is a drive
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*(?=\s|$)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE)
# Browsers read these labels as windows-1252, and so do the pages that declare them.
_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"})
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_FIELD = re.compile(
    r"^(title|author|date)[ \t]*:[ \t]*(.+?)[ \t]*$", re.MULTILINE | re.IGNORECASE
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def load(spec: str, config: EngineConfig) -> Article:
    """Read a link, a file path or literal text, told apart by the shape of `spec`.

    Opens local files, so it is for trusted callers such as the CLI: text typed by a chat user
    belongs in `load_text` or `fetch_article`, never here.
    """
    candidate = spec.strip()
    if not candidate:
        raise EmptyInput("There is nothing to brief: the input is empty.")
    if "\n" not in candidate and len(candidate) <= _MAX_SPEC_PATH_CHARS:
        single_token = not any(ch.isspace() for ch in candidate)
        scheme = _SCHEME.match(candidate) if single_token else None
        if scheme is not None:
            if scheme.group(1).lower() in ("http", "https"):
                return fetch_article(candidate, config)
            raise UnsupportedInput(
                f"I can only fetch http:// and https:// links, so I can't open that {scheme.group(1)}: link."
            )
        path = _existing_path(candidate)
        if path is not None:
            return load_file(path, config)
        if single_token and PurePath(candidate).suffix.lower() in FILE_KINDS:
            raise EmptyInput(f"I couldn't open {candidate}: file not found.")
    return load_text(spec, config)


def _existing_path(candidate: str) -> Path | None:
    try:
        path = Path(candidate).expanduser()
        return path if path.exists() else None
    except (OSError, ValueError, RuntimeError):  # name too long, NUL byte, unknown ~user
        return None


def load_text(
    text: str, config: EngineConfig, *, source: str = "pasted", source_kind: SourceKind = "text"
) -> Article:
    """Plain text; an obvious headline (a short first line set apart by a blank line) becomes the title,
    after any section label and page furniture above it."""
    _check_size(text, config)
    return _article_from_text(clean_text(text), config, source=source, source_kind=source_kind)


def load_text_bytes(data: bytes, config: EngineConfig, *, source: str = "stdin") -> Article:
    """Plain text as raw bytes (stdin), decoded exactly like a .txt file with the same bytes."""
    if not data.strip():
        raise EmptyInput("There is nothing to brief: the input is empty.")
    return _article_from_text(_decode(data, None, html=False), config, source=source, source_kind="text")


def _article_from_text(text: str, config: EngineConfig, *, source: str, source_kind: SourceKind) -> Article:
    """Clean text, see `load_text`."""
    _check_size(text, config)
    title, body = _split_headline(drop_kicker(text))
    return _article(body, config, title=title, source=source, source_kind=source_kind)


def load_file(path: str | Path, config: EngineConfig) -> Article:
    """A .txt, .md or .html file from disk."""
    path = Path(path)
    kind = _file_kind(path.name)
    try:
        if not path.is_file():
            if path.exists():
                raise UnsupportedInput(f"I can only read files, and {path} is not a regular file.")
            raise EmptyInput(f"I couldn't open {path}: file not found.")
        size = path.stat().st_size
        if size > config.fetch.max_bytes:
            raise InputTooLarge(
                f"That file is {human_size(size)}; the largest file I read is "
                f"{human_size(config.fetch.max_bytes)}."
            )
        data = path.read_bytes()
    except OSError as err:
        raise UnsupportedInput(
            f"I couldn't read {path}: {err.strerror or 'the file could not be opened'}."
        ) from err
    return _article_from_bytes(data, kind, config, source=str(path))


def load_bytes(name: str, data: bytes, config: EngineConfig) -> Article:
    """An uploaded file (a Discord attachment), read by the rules of its extension."""
    kind = _file_kind(name)
    if len(data) > config.fetch.max_bytes:
        raise InputTooLarge(
            f"That file is {human_size(len(data))}; the largest file I read is "
            f"{human_size(config.fetch.max_bytes)}."
        )
    return _article_from_bytes(data, kind, config, source=name)


def fetch_article(url: str, config: EngineConfig) -> Article:
    """Download a page (see `summarizer.fetch` for what is refused) and extract its article."""
    page = fetch.fetch(url, config.fetch)
    is_html = page.content_type != "text/plain"
    text = _decode(page.body, page.charset, html=is_html)
    if is_html:
        return _article_from_html(text, config, url=page.url, source=page.url, source_kind="url")
    return _article_from_text(text, config, source=page.url, source_kind="url")


def article_from_html(html: str, url: str, config: EngineConfig) -> Article:
    """The main text and metadata of a page already in hand; navigation and footers are dropped."""
    return _article_from_html(clean_text(html), config, url=url, source=url, source_kind="url")


def _article_from_bytes(data: bytes, kind: FileKind, config: EngineConfig, *, source: str) -> Article:
    if not data.strip():
        raise EmptyInput(f"There is nothing to brief: {PurePath(source).name} is empty.")
    text = _decode(data, None, html=kind == "html")
    if kind == "html":
        return _article_from_html(text, config, url="", source=source, source_kind="file")
    if kind == "markdown":
        return _article_from_markdown(text, config, source=source)
    return _article_from_text(text, config, source=source, source_kind="file")


def _article_from_html(
    html: str, config: EngineConfig, *, url: str, source: str, source_kind: SourceKind
) -> Article:
    no_article = _NO_ARTICLE_ON_PAGE if source_kind == "url" else _NO_ARTICLE_IN_FILE
    document = (
        trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
        )
        if html.strip()
        else None
    )
    if not isinstance(document, Document) or not document.text:
        raise NotAnArticle(f"{no_article}: it seems to hold only navigation, forms or very little text.")
    # Entities are decoded only now (&#x301; is a combining accent): the extracted text is cleaned too.
    title = clean_text(document.title or "")
    blocks = clean_text(document.text).splitlines()  # trafilatura puts each block on one line
    if blocks and title and " ".join(blocks[0].split()).casefold() == " ".join(title.split()).casefold():
        blocks = blocks[1:]  # the headline, already kept as the title
    return _article(
        "\n\n".join(blocks),
        config,
        title=title,
        byline=clean_text(document.author or ""),
        date=document.date or "",
        source=source,
        source_kind=source_kind,
        too_short=no_article,
    )


def _article_from_markdown(markdown: str, config: EngineConfig, *, source: str) -> Article:
    """Markup stripped to prose; front matter or a leading heading gives the title."""
    _check_size(markdown, config)
    metadata: dict[str, str] = {}
    front_matter = _FRONT_MATTER.match(markdown)
    if front_matter is not None:
        metadata = {
            key.lower(): value.strip("\"'")
            for key, value in _FRONT_MATTER_FIELD.findall(front_matter.group(1))
        }
        markdown = markdown[front_matter.end() :]
    heading, paragraphs = _markdown_blocks(markdown)
    title = metadata.get("title") or heading
    if heading and heading != title:  # the front matter named the title; the heading is content
        paragraphs.insert(0, heading)
    date = metadata.get("date", "")
    return _article(
        "\n\n".join(paragraphs),
        config,
        title=title,
        byline=metadata.get("author", ""),
        date=date[:10] if _ISO_DATE.match(date) else "",
        source=source,
        source_kind="file",
    )


def _markdown_blocks(markdown: str) -> tuple[str, list[str]]:
    """(the leading heading, every other prose block); code, tables, HTML and images are dropped."""
    tokens = _MARKDOWN.parse(markdown)
    heading = ""
    paragraphs: list[str] = []
    table_depth = 0
    for previous, token in zip([None, *tokens], tokens, strict=False):
        if token.type == "table_open":
            table_depth += 1
        elif token.type == "table_close":
            table_depth -= 1
        elif token.type == "inline" and table_depth == 0:
            text = " ".join(_inline_text(token.children or []))
            text = " ".join(text.split())
            if not text:
                continue
            if previous is not None and previous.type == "heading_open" and not heading and not paragraphs:
                heading = text
            else:
                paragraphs.append(text)
    return heading, paragraphs


def _inline_text(children: list[Token]) -> Iterator[str]:
    """Words of an inline run: link text without its target, code spans as written, no images."""
    for child in children:
        if child.type in ("text", "code_inline"):
            yield child.content
        elif child.type in ("softbreak", "hardbreak"):
            yield " "


def _article(
    text: str,
    config: EngineConfig,
    *,
    source: str,
    source_kind: SourceKind,
    title: str = "",
    byline: str = "",
    date: str = "",
    too_short: str = _TOO_SHORT,
) -> Article:
    """Validate and normalise the final text; the one gate every input passes through."""
    _check_size(text, config)
    # Clean already (every door called `clean_text`); page furniture is dropped here, for every door.
    body = "\n\n".join(without_furniture(_paragraphs(text)))
    if len(body) < config.min_article_chars:
        raise NotAnArticle(
            f"{too_short}: I need at least {config.min_article_chars} characters of article text, "
            f"and this has {len(body)}."
        )
    if len(_SENTENCE_END.findall(body)) < 2:
        raise NotAnArticle(f"{too_short}: I need at least two full sentences of article text.")
    return Article(
        text=body,
        source_kind=source_kind,
        source=source,
        title=" ".join(title.split()),
        byline=" ".join(byline.split()),
        date=date,
        language=detect_language(body),
        content_hash=content_hash(body),
    )


def content_hash(text: str) -> str:
    """The dedupe key: the same words in the same order hash alike however they are spaced."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def _check_size(text: str, config: EngineConfig) -> None:
    if not text.strip():
        raise EmptyInput("There is nothing to brief: the input is empty.")
    if len(text) > config.max_input_chars:
        raise InputTooLarge(
            f"That text is {len(text):,} characters long, and the most I can brief is "
            f"{config.max_input_chars:,}. Please send a shorter article or an excerpt."
        )


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; text without any has one paragraph per line."""
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    return [paragraph for paragraph in (" ".join(block.split()) for block in blocks) if paragraph]


def _split_headline(text: str) -> tuple[str, str]:
    """(headline, rest) when the first line is short, unpunctuated and followed by a blank line."""
    parts = _BLANK_LINE.split(text.strip(), maxsplit=1)
    if len(parts) < 2:
        return "", text
    first, rest = parts[0].strip(), parts[1]
    is_headline = (
        "\n" not in first and len(first) <= _MAX_HEADLINE_CHARS and not first.endswith((".", ",", ";", ":"))
    )
    return (first, rest) if is_headline and rest.strip() else ("", text)


def _file_kind(name: str) -> FileKind:
    suffix = PurePath(name).suffix.lower()
    if suffix not in FILE_KINDS:
        raise UnsupportedInput(
            f"I can read .txt, .md and .html files, so I can't open {PurePath(name).name}."
        )
    return FILE_KINDS[suffix]


def _decode(data: bytes, declared_charset: str | None, *, html: bool) -> str:
    """Bytes to clean text (see `clean_text`), whatever door they came in by."""
    return clean_text(_decode_bytes(data, declared_charset, html=html))


def _decode_bytes(data: bytes, declared_charset: str | None, *, html: bool) -> str:
    """Byte-order mark, then the declared charset, then UTF-8, then detection."""
    for encoding in _candidate_encodings(data, declared_charset, html=html):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise NotAnArticle(BINARY_MESSAGE)
    # Short Western text reads equally well as several code pages; windows-1252 is by far the most
    # common of them (the web's own fallback), so it wins a tie.
    tied = (m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence))
    return str(next((m for m in tied if m.encoding == "cp1252"), best))


def _candidate_encodings(data: bytes, declared_charset: str | None, *, html: bool) -> Iterator[str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            yield encoding
    meta = _META_CHARSET.search(data[:4096]) if html else None
    for label in (declared_charset, meta.group(1).decode("ascii") if meta else None):
        if label:
            encoding = _browser_encoding(label)
            if encoding == "cp1252":
                # Pages labelled Latin-1 are often UTF-8 in fact, while real Latin-1 text with
                # accents is practically never valid UTF-8: trying UTF-8 first costs nothing.
                yield "utf-8"
            yield encoding
    yield "utf-8"


def _browser_encoding(label: str) -> str:
    label = label.strip().lower()
    return "cp1252" if label in _WINDOWS_1252_LABELS else label
