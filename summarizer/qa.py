"""Follow-up questions about a briefed article, answered only with the article's own words.

A question that names someone who is quoted ("What did Peskov say?", "What is the Kremlin's
position?") is answered from that speaker's positions; an organisation with no statements of its own
is answered through the people whose role names it ("Kremlin spokesperson"). Any other question is
answered with the 1-3 most relevant sentences, ranked by MiniLM similarity plus IDF-weighted overlap of
stemmed content words. Below RELEVANCE_THRESHOLD nothing is claimed: "The article does not say."
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from summarizer.embeddings import Encoder
from summarizer.models import Answer, Briefing, Position
from summarizer.topics import content_terms

NOT_FOUND = "The article does not say."
EMPTY_QUESTION = "Please ask a question about the article, for example “What did the minister say?”"
RELEVANCE_THRESHOLD = 0.5  # cosine + KEYWORD_WEIGHT * overlap; calibrated by tests on real articles
KEYWORD_WEIGHT = 0.4
SECOND_BEST_RATIO = 0.85  # further sentences must score this close to the best one to be included
MAX_SENTENCES = 3
MAX_POSITIONS = 4

# Words that ask for a statement rather than name a subject: "what did X *say* about Y".
_SPEECH_WORDS = frozenset(
    content_terms(
        "say said says tell told think thinks believe believes feel position positions view views stance "
        "opinion opinions comment comments statement statements claim claims react reaction respond "
        "response argue argued want wants stand thoughts"
    )
)
_QUESTION_FILLER = frozenset(content_terms("article story report reported mention mentioned happen happened"))
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b", re.IGNORECASE)


@dataclass(slots=True)
class _Speaker:
    name: str  # as in Position.actor
    surface_forms: list[str]  # lowercased names by which a question may refer to them
    role: str


def answer_question(briefing: Briefing, question: str, encoder: Encoder) -> Answer:
    asked = question.strip()
    if not asked:
        return Answer(question=question, text=EMPTY_QUESTION, citations=[], found=False)
    normalised = " " + _POSSESSIVE.sub("", asked.lower()) + " "
    named = _named_speakers(briefing, normalised)
    if named is None:
        return _answer_from_sentences(briefing, asked, encoder)
    names, form = named
    subject = set(content_terms(normalised.replace(form, " "))) - _SPEECH_WORDS - _QUESTION_FILLER
    positions = [p for p in briefing.positions if p.actor in names]
    if subject:
        # "What did Peskov say about sanctions?": only what he said on that subject.
        scores = _relevance(asked, [p.text for p in positions], encoder)
        ranked = sorted(zip(scores, positions, strict=True), key=lambda pair: -pair[0])
        positions = [p for score, p in ranked if score >= RELEVANCE_THRESHOLD]
    if not positions:
        return Answer(question=asked, text=NOT_FOUND, citations=[], found=False)
    chosen = sorted(positions[:MAX_POSITIONS], key=lambda p: p.sentence)
    return Answer(
        question=asked,
        text="\n".join(_render(p) for p in chosen),
        citations=list(dict.fromkeys(p.sentence for p in chosen)),
        found=True,
    )


def _named_speakers(briefing: Briefing, question: str) -> tuple[list[str], str] | None:
    """Who the question asks about, and the words that named them; None when it names no speaker.

    The speaker named first wins ("What did Biden say about Putin?" is about Biden). An organisation
    without statements of its own speaks through the people whose role names it.
    """
    speakers = _speakers(briefing)
    found: list[tuple[int, int, str, str]] = []
    for speaker in speakers:
        for form in speaker.surface_forms:
            at = _find(question, form)
            if at >= 0:
                found.append((at, -len(form), speaker.name, form.removeprefix("the ")))
    if found:
        _, _, name, form = min(found)
        return [name], form
    speaking = {s.name for s in speakers}
    for actor in briefing.actors:
        for form in (actor.name, *actor.aliases):
            if actor.name in speaking or _find(question, form.lower()) < 0:
                continue
            voices = [s.name for s in speakers if _find(f" {s.role} {s.name} ".lower(), form.lower()) >= 0]
            if voices:
                return voices, form.lower().removeprefix("the ")
    return None


def _speakers(briefing: Briefing) -> list[_Speaker]:
    actors = {actor.name: actor for actor in briefing.actors}
    speakers = []
    for name in dict.fromkeys(p.actor for p in briefing.positions):
        actor = actors.get(name)
        forms = [name] if actor is None else [name, *actor.aliases]
        speakers.append(_Speaker(name, [f.lower() for f in forms if f.strip()], actor.role if actor else ""))
    return speakers


def _find(text: str, form: str) -> int:
    """Where `form` occurs in `text` as whole words ("the" before it optional), or -1."""
    form = form.removeprefix("the ").strip()
    if not form:
        return -1
    match = re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text)
    return match.start() if match else -1


def _render(position: Position) -> str:
    if position.cue.lower().startswith("according to"):
        return f"According to {position.actor}, {position.text}"
    if position.kind == "direct":
        return f"{position.actor} {position.cue}: “{position.text}”"
    return f"{position.actor} {position.cue}: {position.text}"


def _answer_from_sentences(briefing: Briefing, question: str, encoder: Encoder) -> Answer:
    if not briefing.sentences:
        return Answer(question=question, text=NOT_FOUND, citations=[], found=False)
    scores = _relevance(question, [s.text for s in briefing.sentences], encoder)
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    best = scores[ranked[0]]
    if best < RELEVANCE_THRESHOLD:
        return Answer(question=question, text=NOT_FOUND, citations=[], found=False)
    chosen = [
        i for i in ranked[:MAX_SENTENCES] if scores[i] >= max(RELEVANCE_THRESHOLD, SECOND_BEST_RATIO * best)
    ]
    sentences = [briefing.sentences[i] for i in sorted(chosen)]
    return Answer(
        question=question,
        text=" ".join(s.text for s in sentences),
        citations=[s.index for s in sentences],
        found=True,
    )


def _relevance(question: str, texts: list[str], encoder: Encoder) -> np.ndarray:
    """Cosine similarity plus KEYWORD_WEIGHT * IDF-weighted share of the question's words found."""
    vectors = encoder.encode([question, *texts])
    cosine = vectors[1:] @ vectors[0]
    text_terms = [set(content_terms(t)) for t in texts]
    asked = set(content_terms(question)) - _QUESTION_FILLER
    if not asked:
        return cosine
    frequency = Counter(term for terms in text_terms for term in terms)
    weight = {t: math.log((len(texts) + 1) / (frequency[t] + 0.5)) for t in asked}
    total = sum(weight.values())
    overlap = np.array([sum(weight[t] for t in asked & terms) / total for terms in text_terms])
    return cosine + KEYWORD_WEIGHT * overlap
