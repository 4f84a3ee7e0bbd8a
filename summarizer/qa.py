"""Follow-up questions about a briefed article, answered only with the article's own words.

A question that names someone (name, alias, surname, role) and asks for a statement ("What did Peskov
say?", "What is the Kremlin's position?") is answered from that speaker's positions, quoted with their
cue; an organisation also speaks through the people whose role names it ("Kremlin spokesperson"). A
role is asked for in any usual wording ("CEO" for "chief executive") and may name its organisation
("JPMorgan's CEO", "the CEO of JPMorgan"): then only a holder linked to it counts, by their role or by
the sentence (or the one before it) where the role is written. Speakers named together ("Biden and
Putin") are each answered, more briefly. With a subject ("... say about sanctions?") only positions on
that subject count. Any other question, or one whose speaker said nothing on the subject, is answered
with the 1-3 most relevant sentences verbatim, ranked by MiniLM similarity plus IDF-weighted overlap of
stemmed content words. Below RELEVANCE_THRESHOLD nothing is claimed: "The article does not say."
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from summarizer.embeddings import Encoder
from summarizer.models import Answer, Briefing, Position
from summarizer.nlp import load_spacy
from summarizer.topics import content_terms

NOT_FOUND = "The article does not say."
EMPTY_QUESTION = "Please ask a question about the article, for example “What did the minister say?”"
RELEVANCE_THRESHOLD = 0.5  # cosine + KEYWORD_WEIGHT * overlap; calibrated by tests on real articles
KEYWORD_WEIGHT = 0.4
SECOND_BEST_RATIO = 0.85  # further sentences must score this close to the best one to be included
MAX_SENTENCES = 3
MAX_POSITIONS = 4
MAX_POSITIONS_PER_SPEAKER = 2  # when several speakers are asked about at once
NOT_REPORTED = "The article reports nothing from {speaker} on this."

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
# Ways of writing the same role: a question's wording need not be the article's.
_ROLE_SYNONYMS = (
    frozenset({"ceo", "chief executive", "chief executive officer", "boss"}),
    frozenset({"pm", "prime minister"}),
    frozenset({"spokesman", "spokeswoman", "spokesperson", "spokesmen", "spokeswomen", "spokespeople"}),
    frozenset({"chair", "chairman", "chairwoman", "chairperson"}),
    frozenset({"president"}),
)
# A "deputy prime minister" or "former chief executive" is not who "the prime minister" or "the CEO" means.
_SUBORDINATE = re.compile(r"(?:vice|deputy|former|ex|assistant)[\s-]*$")
_OF_QUALIFIER = re.compile(r"\s+of\s+(?:the\s+)?")
_JOINED = re.compile(r"(?:\s|,|&|\band\b|\bor\b|\bthe\b|\bas well as\b)*")
_QUALIFIER_KINDS = frozenset({"organization", "place", "group"})
# A sentence opening with a pronoun subject or a definite description ("It will be led by", "The talks").
_OPENING = re.compile(r"^(?:(?P<pronoun>It|They|This|These)\b|The\s+(?P<noun>[a-z][\w-]+)\s+(?=[a-z]))")
_REFERENT_SENTENCES = 5  # how far back "the talks" looks for the talks it means


@dataclass(slots=True)
class _Referent:
    """Someone a question can name: an actor or a described speaker ("a Cabinet Office spokeswoman")."""

    name: str  # as in Actor.name / Position.actor
    kind: str  # Actor.kind, or "described"
    names: list[str]  # lowercased name and aliases: how others' roles refer to them ("kremlin")
    role: str  # lowercased role as written; a described speaker's description
    context: str  # lowercased role and name, searched for an organisation's name to find its voices


@dataclass(slots=True)
class _Hit:
    """Words of the question that name a referent, or a role that picks out whoever holds it."""

    start: int
    end: int
    referent: _Referent | None
    roles: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Asked:
    """One speaker the question asks about, and the span of the question that named them."""

    start: int
    end: int
    label: str
    voices: list[_Referent]
    # For a role: words a sentence must all name (one of each list) to be about its holder ("ceo",
    # "chief executive"; "goldman"), when no one in the article is known to hold it.
    described_by: list[list[str]] = field(default_factory=list)


def answer_question(briefing: Briefing, question: str, encoder: Encoder) -> Answer:
    asked = question.strip()
    if not asked:
        return Answer(question=question, text=EMPTY_QUESTION, citations=[], found=False)
    normalised = " " + _POSSESSIVE.sub("", asked.lower()) + " "
    named = _named_speakers(briefing, normalised)
    asks_for_a_statement = _SPEECH_WORDS & set(content_terms(normalised, keep_stopwords=True))
    # Someone named who stated nothing may still be the subject of the narrative: search all of it.
    if not asks_for_a_statement or not any(speaker.voices or speaker.described_by for speaker in named):
        return _answer_from_sentences(briefing, asked, asked, encoder)
    subject = normalised[: named[0].start] + " " + normalised[named[-1].end :]
    if len(named) == 1:
        return _answer_for(briefing, asked, named[0], subject, encoder, MAX_POSITIONS, MAX_SENTENCES)
    answers = [
        _answer_for(briefing, asked, speaker, subject, encoder, MAX_POSITIONS_PER_SPEAKER, 1)
        for speaker in named
    ]
    if not any(answer.found for answer in answers):
        return Answer(question=asked, text=NOT_FOUND, citations=[], found=False)
    lines = [
        answer.text if answer.found else NOT_REPORTED.format(speaker=speaker.label)
        for speaker, answer in zip(named, answers, strict=True)
    ]
    citations = [index for answer in answers for index in answer.citations]
    return Answer(question=asked, text="\n".join(lines), citations=list(dict.fromkeys(citations)), found=True)


def _answer_for(
    briefing: Briefing,
    question: str,
    speaker: _Asked,
    subject: str,
    encoder: Encoder,
    max_positions: int,
    max_sentences: int,
) -> Answer:
    names = {voice.name for voice in speaker.voices}
    answer = _answer_from_positions(briefing, question, names, subject, encoder, max_positions)
    if answer.found:
        return answer
    # Nothing they stated is on that subject, as far as positions go: the narrative may still report it
    # ("What did Starmer tell MPs?"), but only in sentences about them.
    texts = {s.index: f" {s.text.lower()} " for s in briefing.sentences}
    about_them = {p.sentence for p in briefing.positions if p.actor in names} | {
        index
        for index, text in texts.items()
        if any(_find(text, name) >= 0 for voice in speaker.voices for name in voice.names)
        or (
            not speaker.voices
            and speaker.described_by
            and all(any(_find(text, form) >= 0 for form in forms) for forms in speaker.described_by)
        )
    }
    return _answer_from_sentences(briefing, question, subject, encoder, about_them, max_sentences)


def _answer_from_positions(
    briefing: Briefing, question: str, names: set[str], subject: str, encoder: Encoder, limit: int
) -> Answer:
    """What the named speakers stated; only on the subject, when the question gives one."""
    positions = [p for p in briefing.positions if p.actor in names]
    if set(content_terms(subject)) - _SPEECH_WORDS - _QUESTION_FILLER:
        scores = _relevance(subject, [p.text for p in positions], encoder)
        ranked = sorted(zip(scores, positions, strict=True), key=lambda pair: -pair[0])
        positions = [p for score, p in ranked if score >= RELEVANCE_THRESHOLD]
    if not positions:
        return Answer(question=question, text=NOT_FOUND, citations=[], found=False)
    chosen = sorted(positions[:limit], key=lambda p: p.sentence)
    return Answer(
        question=question,
        text="\n".join(_render(p) for p in chosen),
        citations=list(dict.fromkeys(p.sentence for p in chosen)),
        found=True,
    )


def _named_speakers(briefing: Briefing, question: str) -> list[_Asked]:
    """Whose statements the question asks for, in the question's order; empty if it names no one.

    The one named first wins ("What did Biden say about Putin?" is about Biden), with anyone named
    alongside it ("Biden and Putin"). An organisation speaks itself and through the people whose role
    or description names it: "the Kremlin" includes "Dmitry Peskov, the Kremlin spokesperson".
    """
    referents = _referents(briefing)
    asked = _resolve(briefing, question, referents, _hits(question, referents))
    together = asked[:1]
    for following in asked[1:]:
        if not _JOINED.fullmatch(question[together[-1].end : following.start]):
            break
        together.append(following)
    speaking = {p.actor for p in briefing.positions}
    for speaker in together:
        meant = speaker.voices
        speaker.voices = [
            r
            for r in referents
            if r.name in speaking
            and (r in meant or any(_find(r.context, name) >= 0 for one in meant for name in one.names))
        ]
    return together


def _hits(question: str, referents: list[_Referent]) -> list[_Hit]:
    """Every name and role in the question, longest first where they overlap."""
    found = [
        _Hit(match.start(), match.end(), referent)
        for referent in referents
        for name in referent.names
        for match in _matches(question, name)
    ]
    role_forms = {term: group for group in _ROLE_SYNONYMS for term in group}
    for referent in referents:
        for form in _clean(
            [referent.role, referent.role.split()[-1] if referent.kind == "described" else ""]
        ):
            role_forms.setdefault(form, frozenset({form}))
    found += [
        _Hit(match.start(), match.end(), None, roles)
        for form, roles in role_forms.items()
        for match in _matches(question, form)
    ]
    found.sort(key=lambda hit: (hit.start, hit.start - hit.end, hit.referent is None))
    chosen: list[_Hit] = []
    for hit in found:
        if not chosen or hit.start >= chosen[-1].end:
            chosen.append(hit)
    return chosen


def _resolve(briefing: Briefing, question: str, referents: list[_Referent], hits: list[_Hit]) -> list[_Asked]:
    """Turn roles into the referents holding them, narrowed by an organisation named with the role."""
    asked: list[_Asked] = []
    position = 0
    while position < len(hits):
        hit = hits[position]
        position += 1
        if hit.referent is not None:
            asked.append(_Asked(hit.start, hit.end, hit.referent.name, [hit.referent]))
            continue
        start, end, qualifier = hit.start, hit.end, None
        before = asked[-1] if asked else None
        after = hits[position] if position < len(hits) else None
        if (
            before
            and not before.described_by
            and len(before.voices) == 1
            and _qualifies(before.voices[0], question[before.end : start])
        ):
            asked.pop()
            start, qualifier = before.start, before.voices[0]
        elif (
            after
            and after.referent
            and after.referent.kind in _QUALIFIER_KINDS
            and _OF_QUALIFIER.fullmatch(question[end : after.start])
        ):
            position += 1
            end, qualifier = after.end, after.referent
        holders = [r for r in referents if _holds(r, hit.roles)]
        if qualifier is not None:
            links = [_link(briefing, holder, qualifier) for holder in holders]
            strongest = max(links, default=0)
            holders = [h for h, link in zip(holders, links, strict=True) if strongest and link == strongest]
        elif len(holders) > 1:
            # An organisation the article does not list as an actor may still qualify the role in a
            # speaker's description: "the Elysee spokesman" is "an Elysee spokeswoman".
            floor = asked[-1].end if asked else 0
            words = list(re.finditer(r"\S+", question[floor:start]))[-2:]
            described = [w for w in words if w[0].isalnum() and w[0] not in STOP_WORDS]
            narrowed = [h for h in holders if all(_find(h.context, w[0]) >= 0 for w in described)]
            if described and narrowed:
                holders, start = narrowed, floor + described[0].start()
        label = holders[0].name if len(holders) == 1 else question[start:end].strip()
        described_by = [sorted(hit.roles), *([qualifier.names] if qualifier else [])]
        asked.append(_Asked(start, end, label, holders, described_by))
    return asked


def _qualifies(candidate: _Referent, gap: str) -> bool:
    """An organisation written just before a role says whose role it is: "jpmorgan ceo"."""
    words = gap.split()
    return (
        candidate.kind in _QUALIFIER_KINDS
        and len(words) <= 2
        and all(w == "the" or (w.isalnum() and w not in STOP_WORDS) for w in words)
    )


def _holds(referent: _Referent, roles: frozenset[str]) -> bool:
    role = f" {referent.role} "
    return any(
        (match := re.search(rf"(?<!\w){re.escape(form)}(?!\w)", role))
        and not _SUBORDINATE.search(role[: match.start()])
        for form in roles
    )


def _link(briefing: Briefing, holder: _Referent, organisation: _Referent) -> int:
    """How surely the holder's role is at `organisation`: 3 by the role itself ("Kremlin spokesperson"),
    2 by the sentence where the role is written, 1 by the sentence before ("JPMorgan ... Its chief
    executive, Jamie Dimon, ..."), 0 not at all."""
    if any(_find(holder.context, name) >= 0 for name in organisation.names):
        return 3
    texts = [f" {s.text.lower()} " for s in briefing.sentences]
    best = 0
    for index, text in enumerate(texts):
        if _find(text, holder.role) < 0 or not any(_find(text, name) >= 0 for name in holder.names):
            continue
        for strength, nearby in ((2, text), (1, texts[index - 1] if index else "")):
            if any(_find(nearby, name) >= 0 for name in organisation.names):
                best = max(best, strength)
    return best


def _referents(briefing: Briefing) -> list[_Referent]:
    referents = []
    for actor in briefing.actors:
        surname = [actor.name.split()[-1]] if actor.kind == "person" and " " in actor.name else []
        names = _clean([actor.name, *actor.aliases, *surname])
        role = actor.role.lower()
        referents.append(_Referent(actor.name, actor.kind, names, role, f" {role} {actor.name.lower()} "))
    known = {actor.name for actor in briefing.actors}
    for described in dict.fromkeys(p.actor for p in briefing.positions if p.actor not in known):
        # "a senior US official" is also "the official": its last word is a role any holder is called by.
        lowered = described.lower()
        referents.append(_Referent(described, "described", _clean([described]), lowered, f" {lowered} "))
    return referents


def _clean(forms: list[str]) -> list[str]:
    cleaned = (re.sub(r"^(the|a|an)\s+", "", f.strip().lower()) for f in forms)
    return list(dict.fromkeys(f for f in cleaned if len(f) > 1))


def _find(text: str, form: str) -> int:
    """Where `form` occurs in `text` as whole words, or -1."""
    match = next(_matches(text, form), None) if form else None
    return match.start() if match else -1


def _matches(text: str, form: str) -> Iterator[re.Match[str]]:
    return re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text)


def _render(position: Position) -> str:
    if position.cue.lower().startswith("according to"):
        return f"According to {position.actor}, {position.text}"
    quoted = f"“{position.text}”" if position.kind == "direct" else position.text
    line = f"{position.actor} {position.cue}: {quoted}"
    return line[0].upper() + line[1:]


def _answer_from_sentences(
    briefing: Briefing,
    question: str,
    query: str,
    encoder: Encoder,
    within: set[int] | None = None,
    limit: int = MAX_SENTENCES,
) -> Answer:
    """The 1-`limit` sentences most relevant to `query`, verbatim, in article order; only `within` if set."""
    candidates = [s for s in briefing.sentences if within is None or s.index in within]
    if not candidates:
        return Answer(question=question, text=NOT_FOUND, citations=[], found=False)
    referents = _subject_referents(briefing)
    texts = [f"{s.text} {referents[s.index]}" if s.index in referents else s.text for s in candidates]
    scores = _relevance(query, texts, encoder)
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    best = scores[ranked[0]]
    if best < RELEVANCE_THRESHOLD:
        return Answer(question=question, text=NOT_FOUND, citations=[], found=False)
    cutoff = max(RELEVANCE_THRESHOLD, SECOND_BEST_RATIO * best)
    chosen = sorted((candidates[i] for i in ranked[:limit] if scores[i] >= cutoff), key=lambda s: s.index)
    return Answer(
        question=question,
        text=" ".join(s.text for s in chosen),
        citations=[s.index for s in chosen],
        found=True,
    )


def _subject_referents(briefing: Briefing) -> dict[int, str]:
    """What a sentence's pronoun or definite-description subject refers to, by sentence index:
    "It will be led by the State Department" mentions the Geneva talks of the sentence before, and
    "The talks will resume" the "Geneva talks" named earlier. Used for relevance only; answers stay
    verbatim."""
    sentences = briefing.sentences
    openings = {s.index: _OPENING.match(s.text) for s in sentences}
    wanted = {i for i, m in openings.items() if m is not None and i > 0}
    if not wanted:
        return {}
    nlp = load_spacy()
    previous = sorted({i - 1 for i in wanted if openings[i].group("pronoun")})
    subjects = {
        i: _subject_phrase(doc)
        for i, doc in zip(previous, nlp.pipe(sentences[i].text for i in previous), strict=True)
    }
    referents: dict[int, str] = {}
    for i in sorted(wanted):
        match = openings[i]
        if match.group("pronoun"):
            referents[i] = subjects.get(i - 1, "")
            continue
        head = match.group("noun").lower()
        for earlier in reversed(sentences[max(0, i - _REFERENT_SENTENCES) : i]):
            named = re.search(rf"((?:[A-Z][\w'’-]*\s+)+){re.escape(head)}\b", earlier.text)
            if named is not None:
                referents[i] = named.group(0)
                break
    return {i: text for i, text in referents.items() if text}


def _subject_phrase(doc: Doc) -> str:
    """The sentence's subject noun phrase, the usual referent of a pronoun opening the next one."""
    for chunk in doc.noun_chunks:
        if chunk.root.dep_ in ("nsubj", "nsubjpass") and chunk.root.pos_ != "PRON":
            return chunk.text
    return ""


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
