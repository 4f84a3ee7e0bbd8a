"""What every kind of statement finding shares: the position found, its text from the parse, and
the words that are never a speaker."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from summarizer.models import Position, PositionKind
from summarizer.segmentation import CLOSING_MARKS, OPENING_MARKS
from summarizer.speakers import Context

# Subjects that are never the source of a reported statement ("it" is one only when it refers back
# to an organisation or a document: `speaker_of` decides).
NOT_A_SOURCE = frozenset({"i", "we", "you", "this", "that", "there", "which", "who", "what"})


@dataclass(slots=True)
class Found:
    position: Position
    anchor: int  # token index that orders positions within a sentence
    paragraph: int
    # The tokens of its cue and of the speaker as written (-1 when the speaker was carried over
    # from the quote before or read from a label): what the learned filter (`position_filter`) weighs.
    cue_token: int = -1
    speaker_token: int = -1


def found_at(
    context: Context,
    speaker: str,
    text: str,
    kind: PositionKind,
    cue: str,
    anchor: int,
    *,
    speaker_token: int = -1,
) -> Found:
    """A position whose cue is the token at `anchor`."""
    sentence = context.sentence_of[anchor]
    position = Position(actor=speaker, text=text, kind=kind, cue=cue, sentence=sentence)
    paragraph = context.sentences[sentence].paragraph
    return Found(position, anchor, paragraph, cue_token=anchor, speaker_token=speaker_token)


def in_quote_marks(token: Token) -> bool:
    """Is the phrase this token heads set in quotation marks ('complete nonsense')?"""
    doc = token.doc
    start, end = token.left_edge.i, token.right_edge.i
    if start == 0 or doc[start - 1].text not in OPENING_MARKS:
        return False
    return doc[end].text in CLOSING_MARKS or (end + 1 < len(doc) and doc[end + 1].text in CLOSING_MARKS)


def clause_text(words: list[Token]) -> str:
    words = sorted(words, key=lambda t: t.i)
    while words and (words[0].is_punct or (words[0].lower_ == "that" and words[0].dep_ == "mark")):
        words.pop(0)
    while words and (
        (words[-1].is_punct and words[-1].text not in "\"'”’)")
        or words[-1].is_space
        or words[-1].dep_ == "cc"
    ):
        words.pop()
    if not words:
        return ""
    doc = words[0].doc
    after = doc[words[-1].i + 1] if words[-1].i + 1 < len(doc) else None
    if after is not None and after.text in CLOSING_MARKS and after.i not in {w.i for w in words}:
        opened = sum(w.text in OPENING_MARKS for w in words)
        if opened > sum(w.text in CLOSING_MARKS for w in words if w.text not in OPENING_MARKS):
            words = [*words, after]  # "called the plan 'illogical'": the mark that closes the quote
    text = doc[words[0].i : words[-1].i + 1].text  # not doc.text: that joins the whole article
    return " ".join(text.split())
