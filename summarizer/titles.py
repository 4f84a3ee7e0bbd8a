"""A title for an article that came without a headline: its lead's main clause, shortened.

News puts the event in the first sentence, and its main clause (subject, verb, object) already
reads like a headline once the when/where details, subordinate clauses and asides are dropped:
"Dock workers at the Port of Rotterdam walked off the job on Monday in a dispute over automation,
halting traffic" -> "Dock workers at the Port of Rotterdam walked off the job". A lead that
reports speech ("X said on Friday that Y will ...") is titled by what was said, after the speaker:
"Jack Ketsoyan: Tara Reid went to the Promises Treatment Center". When the parse gives nothing
usable, the lead's first words are kept, cut at a word boundary.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from summarizer.models import Sentence

MAX_TITLE_CHARS = 90
MIN_TITLE_WORDS = 3
ELLIPSIS = "…"
# Children of the main verb that only add circumstance, not the event itself.
_DROPPED_DEPS = frozenset({
    "advcl", "parataxis", "punct", "cc", "conj", "npadvmod", "intj", "mark", "dep", "meta", "appos",
})  # fmt: skip
# Inside the subject or object: asides and relative clauses ("who ...", ", 39,").
_DROPPED_INNER_DEPS = frozenset({"relcl", "appos", "parataxis", "advcl", "acl"})
_TIME_ENTITIES = frozenset({"DATE", "TIME"})
_CIRCUMSTANCE_DEPS = frozenset({"npadvmod", "advmod", "tmod"})
_NEUTRAL_SPEECH_VERBS = frozenset({"say", "tell"})
_LEADING_NOISE = "\"'“”‘’-–—:;,. "


def fallback_title(doc: Doc, sentences: list[Sentence], ignored: frozenset[int] = frozenset()) -> str:
    """A headline-like title from the first sentence that has a main clause."""
    for sentence in sentences[:3]:
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None:
            continue
        tokens = [token for token in span if token.i not in ignored]
        title = _main_clause(span, tokens)
        if title:
            return _shorten(title)
    lead = sentences[0].text if sentences else doc.text
    return _shorten(" ".join(lead.split()))


def _main_clause(span: Span, tokens: list[Token]) -> str:
    roots = [token for token in tokens if token.dep_ == "ROOT" and token.pos_ in ("VERB", "AUX")]
    if not roots:
        return ""
    root = roots[0]
    allowed = {token.i for token in tokens}
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ == "PRON":
        return ""  # "It was pretty impressive" says nothing without the sentences around it
    reported = next((c for c in root.children if c.dep_ == "ccomp"), None)
    # "X said that Y" and "Y, X confirmed" are titled "X: Y"; "Greece denied that ..." keeps its verb.
    if reported is not None and (root.lemma_ in _NEUTRAL_SPEECH_VERBS or reported.i < root.i):
        clause = _clause_words(reported, allowed)
        speaker = _phrase(subject, allowed)
        if clause and speaker and len(clause.split()) >= MIN_TITLE_WORDS and not clause[0].islower():
            return f"{speaker}: {clause}"
    words = _clause_words(root, allowed)
    return words if len(words.split()) >= MIN_TITLE_WORDS else ""


def _clause_words(head: Token, allowed: set[int]) -> str:
    """The head verb with its subject, auxiliaries, negation, objects and first complement."""
    kept = {head.i}
    kept_preposition = False
    for child in head.children:
        if child.dep_ in _DROPPED_DEPS or _is_time(child):
            continue
        if child.dep_ == "prep" and child.i > head.i:
            if kept_preposition:
                continue  # "walked off the job [on Monday] [in a dispute]": the first complement only
            kept_preposition = True
        kept |= _subtree(child)
    return _tidy(_join(head.doc, sorted(i for i in kept if i in allowed)))


def _subtree(token: Token) -> set[int]:
    """The token's subtree less relative clauses, asides and times hung inside it."""
    dropped: set[int] = set()
    for inner in token.subtree:
        if inner.i != token.i and (inner.dep_ in _DROPPED_INNER_DEPS or _is_time(inner)):
            dropped |= {t.i for t in inner.subtree}
    return {t.i for t in token.subtree} - dropped


def _is_time(token: Token) -> bool:
    """ "on Monday", "last week": a date or time phrase that only says when (not an object)."""
    if token.dep_ in _CIRCUMSTANCE_DEPS and token.ent_type_ in _TIME_ENTITIES:
        return True
    if token.dep_ == "prep":
        objects = [c for c in token.children if c.dep_ == "pobj"]
        return bool(objects) and all(o.ent_type_ in _TIME_ENTITIES for o in objects)
    return False


def _phrase(token: Token, allowed: set[int]) -> str:
    return _tidy(_join(token.doc, sorted(i for i in _subtree(token) if i in allowed)))


def _join(doc: Doc, indices: list[int]) -> str:
    """The tokens as written: their own spacing between neighbours, one space across a gap.

    A comma next to a gap opened or closed an aside that was dropped, so it goes too.
    """
    present = set(indices)
    kept = [i for i in indices if not (doc[i].text == "," and not (i - 1 in present and i + 1 in present))]
    parts = []
    for position, i in enumerate(kept):
        parts.append(doc[i].text)
        if position + 1 < len(kept):
            parts.append(doc[i].whitespace_ if kept[position + 1] == i + 1 else " ")
    return "".join(parts)


def _tidy(text: str) -> str:
    """No dangling marks, a capital first letter."""
    text = re.sub(r"\s*,(?:\s*,)+", ",", " ".join(text.replace(" ,", ",").split())).strip(_LEADING_NOISE)
    text = _balance_quotes(text)
    return text[:1].upper() + text[1:]


def _balance_quotes(text: str) -> str:
    """Drop quote marks left without their partner when words were removed between them."""
    for opening, closing in (("“", "”"), ('"', '"')):
        if opening == closing:
            if text.count(opening) % 2:
                text = text.replace(opening, "")
        elif text.count(opening) != text.count(closing):
            text = text.replace(opening, "").replace(closing, "")
    return text


def _shorten(text: str) -> str:
    text = text.rstrip(".!?;:, ")
    if len(text) <= MAX_TITLE_CHARS:
        return text
    cut = text[: MAX_TITLE_CHARS - len(ELLIPSIS)]
    boundary = cut.rfind(" ")
    if boundary > MAX_TITLE_CHARS // 2:
        cut = cut[:boundary]
    return cut.rstrip(",;: ") + ELLIPSIS
