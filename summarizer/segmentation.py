"""Sentences and quotations of a news article.

spaCy's parser gets news copy wrong in predictable ways: it splits `"...," he said.` in two,
breaks quotations at commas and dashes, and lets sentences run across paragraph breaks. The
`news_sentences` component (added before the parser by `summarizer.nlp.load_spacy`) decides
every boundary from the quotation structure and punctuation instead; the parser respects preset
`is_sent_start` values, so the dependency trees used for actors and positions never cross them.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Token

from summarizer.lexicon import SPEECH_VERB_FORMS, TITLE_ABBREVIATIONS
from summarizer.models import Sentence

COMPONENT = "news_sentences"
DEFAULT_MAX_SENTENCE_CHARS = 1_000  # see EngineConfig.max_sentence_chars

_SENT_START_VALUES = {True: 1, False: -1, None: 0}
_PAUSES = frozenset({",", ";", ":", "—", "–", "-"})

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_TERMINAL = re.compile(r"^(?:[.!?…]+|\.\.\.)$")
_INITIAL = re.compile(r"^[A-Z]\.$")
_CLOSING_BRACKETS = frozenset(")]}")
_OPENING_BRACKETS = frozenset("([{")
# Shapes that look like an opening single quote but are elisions: 'em, 'til, '90s, rock 'n' roll.
_ELISIONS = re.compile(r"^(?:s|em|til|tis|twas|cause|n|\d0s|\d\d)$", re.IGNORECASE)
_USER_DATA_KEY = "briefbot.quotations"
_SINGLE_MARKS = frozenset("'‘’")
# Marks that open and close a quotation (straight ones do both).
OPENING_MARKS = frozenset({"'", '"', "‘", "“"})
CLOSING_MARKS = frozenset({"'", '"', "’", "”"})
# Function words that, capitalised mid-sentence, show a new sentence began ("At", "The", "However").
_SEAM_TAGS = frozenset({"DT", "IN", "RB", "WRB", "WDT", "WP", "CC", "EX"})
# ... after the last word of a caption: a noun, adjective, adverb, particle or a verb (the tagger
# often takes a caption's last noun for a verb: "their exam answers The 31-year-old").
_SEAM_PREVIOUS_TAGS = frozenset(
    {"NN", "NNS", "JJ", "RB", "RP", "CD", "VB", "VBZ", "VBP", "VBD", "VBN", "VBG"}
)


class _Mark(Enum):
    OPEN = "open"
    CLOSE = "close"
    WEAK_CLOSE = "weak"  # a closing single quote that may be a plural possessive: "the players' union"


@dataclass(frozen=True, slots=True)
class Quotation:
    """Quoted text as token indices: the content is doc[start:end]."""

    opening: int  # token index of the opening mark
    closing: int | None  # token index of the closing mark; None when a new paragraph continues it
    start: int
    end: int
    continues: bool  # opens a further paragraph of the previous quotation, which had no closing mark


_HEADING_WORDS = 8  # a line this short, above a capitalised line, is a heading rather than wrapped prose


def find_quotations(doc: Doc) -> list[Quotation]:
    """Quotations in article order, nested ones left out; cached on the Doc.

    Straight quotes are told apart from apostrophes by spacing and the tagger's ``/'' tags.
    Daily Mail style multi-paragraph quotes, flattened into one line, have an opening mark per
    paragraph and a closing mark only at the end: a new opening mark after a full stop inside an
    open quotation starts a continuing part rather than a nested quote.
    """
    cached = doc.user_data.get(_USER_DATA_KEY)
    if cached is None:
        cached = _pair_marks(doc)
        doc.user_data[_USER_DATA_KEY] = cached
    return cached


def inside_quotation(token: Token) -> bool:
    """Within a quotation's words: someone's own words, not the article's (quotes may span sentences)."""
    return any(q.start <= token.i < q.end for q in find_quotations(token.doc))


def segment(doc: Doc) -> list[Sentence]:
    """Sentences of a Doc from `load_spacy`, stripped, with offsets and paragraph numbers."""
    paragraph_of = _paragraph_numberer(doc.text)
    sentences: list[Sentence] = []
    for span in doc.sents:
        raw = span.text
        text = raw.strip()
        if not text:
            continue
        start = span.start_char + (len(raw) - len(raw.lstrip()))
        sentences.append(
            Sentence(
                index=len(sentences),
                text=text,
                start=start,
                end=start + len(text),
                paragraph=paragraph_of(start),
            )
        )
    return _renumber_paragraphs(sentences)


def token_sentence_indices(doc: Doc, sentences: list[Sentence]) -> list[int]:
    """For each token, the index of the sentence it belongs to (whitespace joins the one before)."""
    starts = [s.start for s in sentences]
    return [max(bisect.bisect_right(starts, token.idx) - 1, 0) for token in doc]


def paragraph_starts(text: str) -> list[int]:
    """Character offsets where a paragraph (text after a blank line) begins."""
    return [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]


@Language.factory(COMPONENT, default_config={"max_sentence_chars": DEFAULT_MAX_SENTENCE_CHARS})
def _news_sentences(nlp: Language, name: str, max_sentence_chars: int) -> Callable[[Doc], Doc]:
    return functools.partial(mark_sentence_starts, max_sentence_chars=max_sentence_chars)


def mark_sentence_starts(doc: Doc, max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS) -> Doc:
    """Set `is_sent_start` on every token; runs after the tagger, before the parser.

    A sentence that runs past `max_sentence_chars` is cut (see `_cap_sentence_length`). The values
    are written in one `from_array`: spaCy's `is_sent_start` setter scans the whole Doc each time.
    """
    if not len(doc):
        return doc
    quotations = find_quotations(doc)
    openings = {q.opening for q in quotations}
    closings = {q.closing for q in quotations if q.closing is not None}
    paragraphs = _token_paragraphs(doc)
    starts: list[bool | None] = []
    previous: Token | None = None
    for token in doc:
        if token.i == 0:
            starts.append(True)
        elif token.is_space:
            starts.append(False)
            continue
        elif previous is None or paragraphs[previous.i] != paragraphs[token.i]:
            starts.append(True)
        else:
            starts.append(_starts_sentence(doc, previous, token, openings, closings))
        previous = token
    _cap_sentence_length(doc, starts, max_sentence_chars)
    values = [_SENT_START_VALUES[start] for start in starts]
    doc.from_array([SENT_START], numpy.array(values, dtype=numpy.int64).astype(numpy.uint64))
    return doc


def _cap_sentence_length(doc: Doc, starts: list[bool | None], max_chars: int) -> None:
    """Start a new sentence where one runs past `max_chars`, after its last comma or dash if any.

    Real sentences stay far below the cap; a run-on one (a table flattened to text, a page with no
    full stops) would otherwise make the parser and the speaker search grow with its square.
    """
    sentence_start = 0  # character offset
    last_pause: int | None = None  # token index after a comma, semicolon or dash in this sentence
    for token in doc:
        if starts[token.i]:
            sentence_start, last_pause = token.idx, None
            continue
        if token.is_space:
            continue
        if token.i > 0 and doc[token.i - 1].text in _PAUSES:
            last_pause = token.i
        if token.idx + len(token.text) - sentence_start > max_chars:
            cut = last_pause if last_pause is not None else token.i
            starts[cut] = True
            sentence_start, last_pause = doc[cut].idx, None


def _starts_sentence(
    doc: Doc, previous: Token, token: Token, openings: set[int], closings: set[int]
) -> bool | None:
    """True/False where the rules are sure; None leaves the choice to the parser."""
    first = token.text[0]
    opens = token.i in openings or first in _OPENING_BRACKETS
    if (token.is_punct or token.i in closings) and not opens:
        return False
    end = previous
    crossed_closing = False
    # (a nested quotation's mark, left out of `closings`, closes too: 'I was like, "Wow!"' However)
    while end.i > 0 and (
        end.i in closings or end.text in _CLOSING_BRACKETS or (end.tag_ == "''" and end.i not in openings)
    ):
        crossed_closing = crossed_closing or end.i in closings
        end = doc[end.i - 1]
    capitalised = first.isupper() or first.isdigit() or token.is_currency or opens
    if _TERMINAL.match(end.text):
        if not capitalised or (
            end.text == "." and end.i > 0 and doc[end.i - 1].text + "." in TITLE_ABBREVIATIONS
        ):
            return False
        if end.text == "." and end.i > 0 and doc[end.i - 1].lower_ == "no" and first.isdigit():
            return False  # "No. 10"
        if "\n" in doc[end.i : token.i].text_with_ws:
            return True  # `... ever has."` then a new line: not `"...," she said`
        return not (crossed_closing and _is_short_attribution(doc, token.i))
    if end.text.endswith(".") and len(end.text) > 1 and capitalised:
        if end.text in TITLE_ABBREVIATIONS or _INITIAL.match(end.text):
            return False
        return None  # "the U.S. The talks..." vs "the U.S. Senate": the parser decides
    # doc[...] and not doc.text, which joins the whole article on every call
    if capitalised and "\n" in doc[previous.i : token.i].text_with_ws:
        # a line break: a heading (a short line), or a hard-wrapped line (the parser decides)
        return True if _short_line_ends_at(doc, previous) else None
    return _caption_seam(doc, previous, token)


def _short_line_ends_at(doc: Doc, last: Token) -> bool:
    """Is `last` the end of a line of at most `_HEADING_WORDS` words, like a subheading ("'Families
    know best'") above a paragraph? A hard-wrapped line of prose is longer."""
    words = 0
    for token in reversed(doc[max(last.i - 3 * _HEADING_WORDS, 0) : last.i + 1]):
        if "\n" in token.text_with_ws and token.i != last.i:
            return words > 0
        words += not (token.is_punct or token.is_space)
        if words > _HEADING_WORDS:
            return False
    return last.i < 3 * _HEADING_WORDS and words > 0


def _caption_seam(doc: Doc, previous: Token, token: Token) -> bool:
    """A photo caption run into the text without a full stop ("... up to scratch At around 3.30pm",
    "(file picture) However, he insisted"): a capitalised function word right after a noun-like
    word or a bracket can only start a new sentence. "The" before a capitalised word may be a
    title ("the band The Who"), so it needs a lower-case or numeric word after it."""
    if token.tag_ not in _SEAM_TAGS or token.text == "I" or not token.text[0].isupper():
        return False
    after_word = previous.tag_ in _SEAM_PREVIOUS_TAGS and previous.is_lower
    # "(file picture) However", but not the dateline "(CNN)They"
    after_note = previous.text in _CLOSING_BRACKETS and previous.i > 0 and doc[previous.i - 1].is_lower
    if not (after_word or after_note):
        return False
    if token.tag_ == "DT":
        following = doc[token.i + 1] if token.i + 1 < len(doc) else None
        return following is not None and (following.is_lower or following.text[:1].isdigit())
    return True


def _is_short_attribution(doc: Doc, start: int) -> bool:
    """`"We won." Smith said.` - a speaker and a speech verb closing the quotation's sentence."""
    verbs = 0
    speech = False
    for token in doc[start : start + 8]:
        if token.text in {".", ",", "!", "?", ";"}:
            return speech and verbs == 1
        if token.is_space or token.text in "\"'“‘”’:":
            return False
        if token.tag_.startswith("VB") or token.tag_ == "MD":
            verbs += 1
            speech = speech or token.lower_ in SPEECH_VERB_FORMS
    return False


def _paragraph_numberer(text: str) -> Callable[[int], int]:
    """Character offset -> paragraph number (count of blank lines before it)."""
    starts = paragraph_starts(text)
    return lambda offset: bisect.bisect_right(starts, offset)


def _token_paragraphs(doc: Doc) -> list[int]:
    paragraph_of = _paragraph_numberer(doc.text)
    return [paragraph_of(token.idx) for token in doc]


def _renumber_paragraphs(sentences: list[Sentence]) -> list[Sentence]:
    """Number paragraphs 0, 1, 2... in order, however many blank lines came before the text."""
    numbers: dict[int, int] = {}
    for sentence in sentences:
        sentence.paragraph = numbers.setdefault(sentence.paragraph, len(numbers))
    return sentences


def _pair_marks(doc: Doc) -> list[Quotation]:
    """Pair opening and closing marks paragraph by paragraph (see `find_quotations`)."""
    paragraphs = _token_paragraphs(doc)
    marks = [(t.i, kind, _family(t.text)) for t in doc if (kind := _mark_kind(doc, t)) is not None]
    positions = [index for index, _, _ in marks]
    quotations: list[Quotation] = []
    chain: list[Quotation] = []  # earlier paragraphs of the open quotation
    opening: int | None = None
    family = ""
    continues = False
    weak: int | None = None
    k = 0
    while k <= len(marks):
        at_end = k == len(marks)
        if opening is not None and (at_end or paragraphs[marks[k][0]] != paragraphs[opening]):
            if weak is not None:
                quotations += [*chain, Quotation(opening, weak, opening + 1, weak, continues)]
                chain, opening, k = [], None, bisect.bisect_right(positions, weak)
                continue
            if (
                not at_end
                and _opens_paragraph(doc, marks[k], family, paragraphs)
                and _may_run_on(doc, opening)
            ):
                end = _paragraph_end(doc, opening, paragraphs)
                quotations += [*chain, Quotation(opening, None, opening + 1, end, continues)]
                chain, opening, continues, k = [], marks[k][0], True, k + 1
                continue
            # An opening mark that never closes in its paragraph was an apostrophe or a typo.
            quotations += chain
            chain, k = [], bisect.bisect_right(positions, opening)
            opening = None
            continue
        if at_end:
            break
        index, kind, mark_family = marks[k]
        if opening is None:
            if kind is _Mark.OPEN:
                opening, family, continues, weak = index, mark_family, False, None
        elif mark_family == family:
            if kind is _Mark.OPEN and _closes_after_comma(doc, index):
                kind = _Mark.CLOSE
            if kind is _Mark.CLOSE:
                quotations += [*chain, Quotation(opening, index, opening + 1, index, continues)]
                chain, opening = [], None
            elif kind is _Mark.WEAK_CLOSE:
                weak = index if weak is None else weak
            elif kind is _Mark.OPEN and (weak is not None or _follows_terminal(doc, index)):
                # (after a weak close, a new opening mark shows the weak one closed: "which 'punished
                # the poor' Mr Cameron ... He added: 'True compassion ...'")
                if weak is not None:
                    quotations += [*chain, Quotation(opening, weak, opening + 1, weak, continues)]
                    chain, continues, weak = [], False, None
                elif not _may_run_on(doc, opening):
                    # `be "Star Trek...`: an unclosed quote that opened mid-sentence was no quote.
                    quotations += chain
                    chain, k = [], bisect.bisect_right(positions, opening)
                    opening = None
                    continue
                else:
                    chain.append(Quotation(opening, None, opening + 1, index, continues))
                    continues = True
                opening = index
        k += 1
    return quotations


def _closes_after_comma(doc: Doc, index: int) -> bool:
    """A straight double quote glued to the next word but right after a comma, inside an open
    quotation: `... and it has to stop, "he said` (text joined from tokens). Straight double
    quotes do not nest, so it closes the open one rather than opening another."""
    before = _previous_word(doc, index)
    return doc[index].text == '"' and before is not None and before.text == ","


def _family(mark: str) -> str:
    return "single" if mark in _SINGLE_MARKS else "double"


def _mark_kind(doc: Doc, token: Token) -> _Mark | None:
    """Opening, closing or neither, from the mark, the spacing around it and the tagger."""
    text = token.text
    if text in ("“", "‘", "``"):
        return _Mark.OPEN
    if text in ("”", "''"):
        return _Mark.CLOSE
    if text not in _SINGLE_MARKS and text != '"':
        return None
    free_before = token.i == 0 or bool(doc[token.i - 1].whitespace_) or doc[token.i - 1].is_space
    free_before = free_before or doc[token.i - 1].text in _OPENING_BRACKETS or doc[token.i - 1].text in ":—–-"
    following = doc[token.i + 1] if token.i + 1 < len(doc) else None
    free_after = following is None or bool(token.whitespace_) or following.is_space or following.is_punct
    free_after = free_after or following.text[0] in "-–—,.;:!?)"  # `"Star Trek"-type`
    if free_before and not free_after:
        if text == "’" or (text == "'" and _ELISIONS.match(following.text)):
            return None
        return _Mark.OPEN
    if free_after and not free_before:
        if token.i > 1 and doc[token.i - 1].lower_ == "n" and doc[token.i - 2].text in _SINGLE_MARKS:
            return None  # rock 'n' roll
        return _closing_kind(doc, token, following)
    if (
        free_before
        and free_after
        and _ends_line(doc, token)
        and doc[token.i - 1].text in (".", "!", "?", ",")
    ):
        return _Mark.CLOSE  # `... by the shell. "` closing a quote with a stray space before the mark
    if token.tag_ == "``":
        return _Mark.OPEN
    return _Mark.CLOSE if token.tag_ == "''" else None


def _ends_line(doc: Doc, token: Token) -> bool:
    after = doc.text[token.idx + 1 : token.idx + 40]
    return not after.strip() or after.lstrip(" \t")[:1] == "\n"


def _closing_kind(doc: Doc, token: Token, following: Token | None) -> _Mark:
    """A closing mark, or a weak one where it may be a plural possessive ("the players' union")."""
    before = doc[token.i - 1]
    possessive_shape = (
        token.text != '"'
        and before.text[-1:] in ("s", "S")
        and following is not None
        and following.text[:1].islower()
    )
    return _Mark.WEAK_CLOSE if possessive_shape or token.tag_ == "POS" else _Mark.CLOSE


def _may_run_on(doc: Doc, opening: int) -> bool:
    """Only a quotation that starts a sentence (or follows "said:") may go on unclosed."""
    before = _previous_word(doc, opening)
    return before is None or bool(_TERMINAL.match(before.text)) or before.text in (":", ",", "—", "–", "-")


def _follows_terminal(doc: Doc, index: int) -> bool:
    before = _previous_word(doc, index)
    return before is not None and bool(_TERMINAL.match(before.text))


def _previous_word(doc: Doc, index: int) -> Token | None:
    for i in range(index - 1, -1, -1):
        if not doc[i].is_space:
            return doc[i]
    return None


def _opens_paragraph(doc: Doc, mark: tuple[int, _Mark, str], family: str, paragraphs: list[int]) -> bool:
    """Is this mark an opening of the same kind that starts its paragraph?"""
    index, kind, mark_family = mark
    before = _previous_word(doc, index)
    return (
        kind is _Mark.OPEN
        and mark_family == family
        and before is not None
        and paragraphs[before.i] != paragraphs[index]
    )


def _paragraph_end(doc: Doc, index: int, paragraphs: list[int]) -> int:
    """One past the last non-space token of the paragraph holding token `index`."""
    end = index + 1
    for token in doc[index + 1 :]:
        if paragraphs[token.i] != paragraphs[index]:
            break
        if not token.is_space:
            end = token.i + 1
    return end
