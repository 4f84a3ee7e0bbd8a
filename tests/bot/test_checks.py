from __future__ import annotations

from types import SimpleNamespace

import discord
import pytest

from bot import checks
from summarizer.errors import BriefError, EmptyInput, InputTooLarge, UnsupportedInput

MAX_BYTES = 2 * 1024 * 1024
ARTICLE = (
    "Ministers from the European Union agreed on Tuesday to cut methane emissions from energy imports. "
    "The deal sets limits that start in 2027."
)


def attachment(filename: str, size: int) -> discord.Attachment:
    data = {
        "id": 1,
        "filename": filename,
        "size": size,
        "url": f"https://cdn.example/{filename}",
        "proxy_url": f"https://media.example/{filename}",
    }
    return discord.Attachment(data=data, state=SimpleNamespace(http=None))  # type: ignore[arg-type]


def test_text_is_accepted() -> None:
    source = checks.brief_source(text=ARTICLE, url=None, file=None, max_file_bytes=MAX_BYTES)
    assert source == checks.BriefSource(text=ARTICLE)


def test_nothing_given_is_refused_with_the_options_named() -> None:
    with pytest.raises(EmptyInput, match="one of `text`, `url` or `file`"):
        checks.brief_source(text=None, url=None, file=None, max_file_bytes=MAX_BYTES)


def test_two_options_are_refused_naming_both() -> None:
    with pytest.raises(BriefError, match=r"you gave text and url"):
        checks.brief_source(text=ARTICLE, url="https://example.org/a", file=None, max_file_bytes=MAX_BYTES)


def test_all_three_are_refused() -> None:
    with pytest.raises(BriefError, match=r"text and url and file"):
        checks.brief_source(
            text=ARTICLE, url="https://example.org", file=attachment("a.txt", 10), max_file_bytes=MAX_BYTES
        )


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(EmptyInput, match="`text` is empty"):
        checks.brief_source(text=text, url=None, file=None, max_file_bytes=MAX_BYTES)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/news.txt",
        "javascript:alert(1)",
        "example.org/news",
        "file:///etc/passwd",
        "http://",
    ],
)
def test_bad_links_are_refused(url: str) -> None:
    with pytest.raises(UnsupportedInput, match="http:// and https://"):
        checks.brief_source(text=None, url=url, file=None, max_file_bytes=MAX_BYTES)


def test_link_is_trimmed() -> None:
    source = checks.brief_source(
        text=None, url="  https://news.example.org/a?b=1 ", file=None, max_file_bytes=1
    )
    assert source.url == "https://news.example.org/a?b=1"


def test_overlong_link_is_refused() -> None:
    with pytest.raises(UnsupportedInput, match="longer than 2048"):
        checks.checked_url("https://example.org/" + "a" * 2100)


@pytest.mark.parametrize("name", ["story.txt", "story.MD", "page.html", "page.htm", "notes.markdown"])
def test_supported_files(name: str) -> None:
    file = attachment(name, 5000)
    assert checks.brief_source(text=None, url=None, file=file, max_file_bytes=MAX_BYTES).file is file


@pytest.mark.parametrize("name", ["photo.png", "report.pdf", "archive.tar.gz", "README"])
def test_wrong_file_type(name: str) -> None:
    with pytest.raises(UnsupportedInput, match=f"not “{name}”"):
        checks.brief_source(text=None, url=None, file=attachment(name, 10), max_file_bytes=MAX_BYTES)


def test_huge_file_is_refused_with_both_sizes() -> None:
    with pytest.raises(InputTooLarge, match=r"“big\.txt” is 5\.0 MB; the limit is 2\.0 MB"):
        checks.brief_source(
            text=None, url=None, file=attachment("big.txt", 5 * 1024 * 1024), max_file_bytes=MAX_BYTES
        )


def message(content: str, embed_urls: tuple[str, ...] = ()) -> discord.Message:
    return SimpleNamespace(content=content, embeds=[discord.Embed(url=url) for url in embed_urls])  # type: ignore[return-value]


def test_message_with_a_link_briefs_its_first_link() -> None:
    text = "Have you seen this? <https://news.example.org/eu-methane>, and https://other.example/x."
    assert checks.message_source(message(text)).url == "https://news.example.org/eu-methane"


def test_link_loses_trailing_punctuation() -> None:
    assert checks.first_link("Read https://news.example.org/a-story.") == "https://news.example.org/a-story"


def test_message_without_link_briefs_its_text() -> None:
    assert checks.message_source(message(ARTICLE)).text == ARTICLE


def test_link_preview_embed_counts_as_a_link() -> None:
    source = checks.message_source(message("", ("https://news.example.org/embedded",)))
    assert source.url == "https://news.example.org/embedded"


def test_empty_message_is_refused() -> None:
    with pytest.raises(EmptyInput, match="no link or text"):
        checks.message_source(message("   "))


def test_lengths() -> None:
    assert checks.summary_sentences(None, default=3) == 3
    assert [checks.summary_sentences(name, default=3) for name in ("short", "medium", "long")] == [3, 5, 8]
