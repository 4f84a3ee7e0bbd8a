"""The one normalisation every text gets at the door it came in by (stdin, paste, file, page, feed).

Python strings can hold what no encoder accepts: lone surrogates (from `surrogateescape` decoding,
or JSON's "\\ud800" escapes) make `str.encode` raise in hashing and in SQLite, and control
characters confuse the NLP and the chat client. Text that is mostly such characters was never text
and is refused; the odd stray one is replaced or dropped, so what follows always sees clean text.
"""

from __future__ import annotations

import re
import unicodedata

from summarizer.errors import NotAnArticle

BINARY_MESSAGE = "That doesn't look like text: it contains binary data, so there is nothing I can brief."

_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0 and C1 controls except tab, newline and carriage return; form feed and vertical tab become
# spaces, since writers use them as separators.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SEPARATOR_CONTROL = re.compile(r"[\x0b\x0c]")
# What counts against a text: controls, the replacement character, private-use code points, surrogates.
_NON_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\ud800-\udfff]")
_NON_TEXT_SHARE = 0.02
_NON_TEXT_SAMPLE_CHARS = 20_000


def clean_text(text: str) -> str:
    """NFC text with unified newlines, no lone surrogates (U+FFFD instead) and no control characters.

    Raises NotAnArticle when the text looks like binary data (a NUL, or too many of the above).
    """
    if looks_binary(text):
        raise NotAnArticle(BINARY_MESSAGE)
    text = _SURROGATE.sub("\ufffd", text)
    text = _SEPARATOR_CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


def printable(text: str) -> str:
    """`text` safe to print or store as it is (a file name from argv, say): surrogates replaced."""
    return _SURROGATE.sub("\ufffd", text)


def looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:_NON_TEXT_SAMPLE_CHARS]
    return len(_NON_TEXT.findall(sample)) > len(sample) * _NON_TEXT_SHARE
