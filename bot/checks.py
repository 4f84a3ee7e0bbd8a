"""Checks that run before any work: the inputs of /brief and what a message can be briefed from.

They only look at what Discord already sent (no I/O), so a bad input is refused at once with a
private message instead of after a "thinking…" response.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import discord

from summarizer.errors import BriefError, EmptyInput, InputTooLarge, UnsupportedInput
from summarizer.models import FILE_KINDS

LENGTHS = {"short": 3, "medium": 5, "long": 8}  # summary sentences per /brief length choice
URL_LIMIT = 2048
LINK = re.compile(r"https?://[^\s<>|\]\)\"']+", re.IGNORECASE)


@dataclass(slots=True, frozen=True)
class BriefSource:
    """Exactly one thing to brief; a file is read only after the interaction is acknowledged."""

    text: str | None = None
    url: str | None = None
    file: discord.Attachment | None = None


def brief_source(
    *, text: str | None, url: str | None, file: discord.Attachment | None, max_file_bytes: int
) -> BriefSource:
    """Exactly one of text / url / file, each checked, or a BriefError saying what to change."""
    given = [name for name, value in (("text", text), ("url", url), ("file", file)) if value is not None]
    if not given:
        raise EmptyInput("Give me something to brief: one of `text`, `url` or `file`.")
    if len(given) > 1:
        raise BriefError(
            f"Use only one of `text`, `url` or `file` at a time (you gave {' and '.join(given)})."
        )
    if text is not None:
        if not text.strip():
            raise EmptyInput("The `text` is empty. Paste the article's text, or use `url` or `file`.")
        return BriefSource(text=text)
    if url is not None:
        return BriefSource(url=checked_url(url))
    assert file is not None
    return BriefSource(file=checked_file(file, max_file_bytes))


def checked_url(url: str) -> str:
    """An absolute http(s) link; whether its address may be fetched is the fetcher's call."""
    url = url.strip()
    if len(url) > URL_LIMIT:
        raise UnsupportedInput(f"That link is longer than {URL_LIMIT} characters.")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        shown = url if len(url) <= 80 else url[:79] + "…"
        raise UnsupportedInput(f"I can only brief http:// and https:// links, and “{shown}” is not one.")
    return url


def checked_file(file: discord.Attachment, max_file_bytes: int) -> discord.Attachment:
    suffix = PurePosixPath(file.filename).suffix.lower()
    if suffix not in FILE_KINDS:
        kinds = ", ".join(FILE_KINDS)
        raise UnsupportedInput(f"I can read {kinds} files, not “{file.filename}”.")
    if file.size > max_file_bytes:
        raise InputTooLarge(
            f"“{file.filename}” is {_size(file.size)}; the limit is {_size(max_file_bytes)}. "
            "Send a shorter file, or a link to the article."
        )
    return file


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1024 / 1024:.1f} MB" if n_bytes >= 1024 * 1024 else f"{n_bytes / 1024:.0f} KB"


def message_source(message: discord.Message) -> BriefSource:
    """What "Brief this message" briefs: the message's first link, else its text."""
    link = first_link(message.content)
    if link is None:
        link = next((embed.url for embed in message.embeds if embed.url), None)
    if link is not None:
        return BriefSource(url=checked_url(link))
    if message.content.strip():
        return BriefSource(text=message.content)
    raise EmptyInput("That message has no link or text for me to brief.")


def first_link(text: str) -> str | None:
    match = LINK.search(text)
    return match.group(0).rstrip(".,;:!?") if match else None


def summary_sentences(length: str | None, default: int) -> int:
    return LENGTHS[length] if length else default
