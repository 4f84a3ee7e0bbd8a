"""Cutting an article into pieces a model can read, only ever at sentence boundaries."""

from __future__ import annotations

from collections.abc import Sequence


def pack_sentences(token_counts: Sequence[int], max_tokens: int) -> list[range]:
    """Greedy runs of consecutive sentences whose token counts add up to at most `max_tokens`.

    A single sentence longer than the budget gets a run of its own (the tokenizer truncates it);
    splitting it mid-sentence would hand the model a fragment.
    """
    if max_tokens <= 0:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    runs: list[range] = []
    start, used = 0, 0
    for position, count in enumerate(token_counts):
        if position > start and used + count > max_tokens:
            runs.append(range(start, position))
            start, used = position, 0
        used += count
    if start < len(token_counts):
        runs.append(range(start, len(token_counts)))
    return runs


def leading_sentences(sentences: Sequence[str], max_chars: int) -> list[str]:
    """The longest opening run of sentences that fits in `max_chars` once joined with spaces.

    An opening sentence longer than the whole budget (a run-on text without full stops) is cut
    at the last space that fits, so the result is never empty and never over budget.
    """
    if max_chars <= 0:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    kept: list[str] = []
    used = 0
    for sentence in sentences:
        cost = len(sentence) + (1 if kept else 0)
        if used + cost > max_chars:
            if not kept:
                cut = sentence.rfind(" ", 0, max_chars + 1)
                kept.append(sentence[:cut] if cut > 0 else sentence[:max_chars])
            break
        kept.append(sentence)
        used += cost
    return kept
