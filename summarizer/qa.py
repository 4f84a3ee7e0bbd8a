"""Follow-up questions about a briefed article, answered only with the article's own words.

A question that names someone (name, alias, surname, role) and asks for a statement ("What did Peskov
say?", "What is the Kremlin's position?") is answered from that speaker's positions, quoted with their
cue; an organisation also speaks through the people whose role names it ("Kremlin spokesperson"). With
a subject ("... say about sanctions?") only positions on that subject count. Any other question, or one
whose speaker said nothing on the subject, is answered with the 1-3 most relevant sentences verbatim,
ranked by MiniLM similarity plus IDF-weighted overlap of stemmed content words. Below
RELEVANCE_THRESHOLD nothing is claimed: "The article does not say."
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
        "say said says tell told think thinks believe feel position view stance opinion comment statement "
        "claim react reaction respond response argue want stand thoughts warn accuse deny insist promise",
        keep_stopwords=True,
    )
)
_QUESTION_FILLER = frozenset(content_terms("article story report reported mention mentioned happen happened"))
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b", re.IGNORECASE)


@dataclass(slots=True)
class _Referent:
    """Someone a question can name: an actor or a described speaker ("a Cabinet Office spokeswoman")."""

    name: str  # as in Actor.name / Position.actor
    names: list[str]  # lowercased name and aliases: how others' roles refer to them ("kremlin")
    forms: list[str]  # every lowercased way a question may name them (names, role, "the official")
    context: str  # lowercased role and name, searched for an organisation's name to find its voices


def answer_question(briefing: Briefing, question: str, encoder: Encoder) -> Answer:
    asked = question.strip()
    if not asked:
        return Answer(question=question, text=EMPTY_QUESTION, citations=[], found=False)
    normalised = " " + _POSSESSIVE.sub("", asked.lower()) + " "
    named = _named_speakers(briefing, normalised)
    if named is None or not _SPEECH_WORDS & set(content_terms(normalised, keep_stopwords=True)):
        return _answer_from_sentences(briefing, asked, asked, encoder)
    voices, form = named
    names = {voice.name for voice in voices}
    subject = normalised.replace(form, " ")
    answer = _answer_from_positions(briefing, asked, names, subject, encoder)
    if answer.found:
        return answer
    # Nothing they stated is on that subject, as far as positions go: the narrative may still report it
    # ("What did Starmer tell MPs?"), but only in sentences about them.
    about_them = {p.sentence for p in briefing.positions if p.actor in names} | {
        s.index
        for s in briefing.sentences
        if any(_find(f" {s.text.lower()} ", form) >= 0 for voice in voices for form in voice.forms)
    }
    return _answer_from_sentences(briefing, asked, subject, encoder, within=about_them)


def _answer_from_positions(
    briefing: Briefing, question: str, names: set[str], subject: str, encoder: Encoder
) -> Answer:
    """What the named speakers stated; only on the subject, when the question gives one."""
    positions = [p for p in briefing.positions if p.actor in names]
    if set(content_terms(subject)) - _SPEECH_WORDS - _QUESTION_FILLER:
        scores = _relevance(subject, [p.text for p in positions], encoder)
        ranked = sorted(zip(scores, positions, strict=True), key=lambda pair: -pair[0])
        positions = [p for score, p in ranked if score >= RELEVANCE_THRESHOLD]
    if not positions:
        return Answer(question=question, text=NOT_FOUND, citations=[], found=False)
    chosen = sorted(positions[:MAX_POSITIONS], key=lambda p: p.sentence)
    return Answer(
        question=question,
        text="\n".join(_render(p) for p in chosen),
        citations=list(dict.fromkeys(p.sentence for p in chosen)),
        found=True,
    )


def _named_speakers(briefing: Briefing, question: str) -> tuple[list[_Referent], str] | None:
    """Whose statements the question asks for, and the words that named them; None if it names no one.

    The one named first wins ("What did Biden say about Putin?" is about Biden). An organisation
    speaks itself and through the people whose role or description names it: "the Kremlin" includes
    "Dmitry Peskov, the Kremlin spokesperson".
    """
    referents = _referents(briefing)
    named = [
        (at, -len(form), referent, form)
        for referent in referents
        for form in referent.forms
        if (at := _find(question, form)) >= 0
    ]
    if not named:
        return None
    _, _, first, form = min(named, key=lambda hit: hit[:2])
    speaking = {p.actor for p in briefing.positions}
    voices = [
        r
        for r in referents
        if r.name in speaking and (r is first or any(_find(r.context, name) >= 0 for name in first.names))
    ]
    return (voices, form) if voices else None


def _referents(briefing: Briefing) -> list[_Referent]:
    referents = []
    for actor in briefing.actors:
        surname = [actor.name.split()[-1]] if actor.kind == "person" and " " in actor.name else []
        names = _clean([actor.name, *actor.aliases, *surname])
        forms = names + _clean([actor.role])
        referents.append(_Referent(actor.name, names, forms, f" {actor.role} {actor.name} ".lower()))
    known = {actor.name for actor in briefing.actors}
    for described in dict.fromkeys(p.actor for p in briefing.positions if p.actor not in known):
        # "a senior US official" is also "the official".
        names = _clean([described])
        forms = names + _clean([described.split()[-1]])
        referents.append(_Referent(described, names, forms, f" {described} ".lower()))
    return referents


def _clean(forms: list[str]) -> list[str]:
    cleaned = (re.sub(r"^(the|a|an)\s+", "", f.strip().lower()) for f in forms)
    return list(dict.fromkeys(f for f in cleaned if len(f) > 1))


def _find(text: str, form: str) -> int:
    """Where `form` occurs in `text` as whole words, or -1."""
    match = re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text)
    return match.start() if match else -1


def _render(position: Position) -> str:
    if position.cue.lower().startswith("according to"):
        return f"According to {position.actor}, {position.text}"
    quoted = f"“{position.text}”" if position.kind == "direct" else position.text
    line = f"{position.actor} {position.cue}: {quoted}"
    return line[0].upper() + line[1:]


def _answer_from_sentences(
    briefing: Briefing, question: str, query: str, encoder: Encoder, within: set[int] | None = None
) -> Answer:
    """The 1-3 sentences most relevant to `query`, verbatim, in article order; only `within` if given."""
    candidates = [s for s in briefing.sentences if within is None or s.index in within]
    if not candidates:
        return Answer(question=question, text=NOT_FOUND, citations=[], found=False)
    scores = _relevance(query, [s.text for s in candidates], encoder)
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    best = scores[ranked[0]]
    if best < RELEVANCE_THRESHOLD:
        return Answer(question=question, text=NOT_FOUND, citations=[], found=False)
    cutoff = max(RELEVANCE_THRESHOLD, SECOND_BEST_RATIO * best)
    chosen = sorted(
        (candidates[i] for i in ranked[:MAX_SENTENCES] if scores[i] >= cutoff), key=lambda s: s.index
    )
    return Answer(
        question=question,
        text=" ".join(s.text for s in chosen),
        citations=[s.index for s in chosen],
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
