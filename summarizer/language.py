"""Guess an article's language offline, so text the English-only NLP cannot read gets flagged."""

from __future__ import annotations

import py3langid
from py3langid.langid import RAW_FLOOR

UNDETERMINED = "und"  # ISO 639-2 "undetermined": nothing in the text to go on
_NO_LINGUISTIC_CONTENT = "zxx"  # what the model says for digits and symbols; the same thing to a caller

# The first few thousand characters decide as well as the whole article, at a fraction of the cost.
_SAMPLE_CHARS = 10_000


def detect_language(text: str) -> str:
    """ISO 639-1 code of the most likely language (639-3 for the few without one, e.g. "yue").

    Short or ambiguous text still gets the model's best guess: defaulting to "en" would hide
    exactly the non-English input the caller wants to warn about.
    """
    language, score = py3langid.classify(text[:_SAMPLE_CHARS])
    if score <= RAW_FLOOR or language == _NO_LINGUISTIC_CONTENT:
        return UNDETERMINED
    return language
