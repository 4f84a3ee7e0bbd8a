"""Candidate speakers of a position and their features, for a learned choice between them.

The rules in `summarizer.speakers` and `summarizer.positions` pick one speaker per position: the
subject of the cue, a pronoun's antecedent, the named actor a description refers back to, or the
speaker of the quote before. Where the content is right and the speaker wrong, the right one is
often another actor mentioned nearby. Each position's candidates (the rules' choice first, then the
actor at the written speaker, the last two other speakers, the actors mentioned in its sentence and
the two before, nearest first; at most 8) get a vector of general features - how the rules chose,
where and how the candidate was mentioned, whether it speaks, pronoun gender and number agreement
as the article itself shows them (`ActorIndex.genders`), kind and salience - never a name or an
article. `SpeakerModel` is the choice `bench/train_speaker_choice.py` fits and cross-validates on
the dev split: it did not beat the rules (README, "Who said what", sixth round), so the engine
does not run it; this module is measurement tooling for a later round.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Token

from summarizer.models import Actor
from summarizer.reported import Found
from summarizer.speakers import Context

_WINDOW = 2  # sentences before the position's own whose mentions are candidates
_MAX_CANDIDATES = 8
_FAR = 10  # sentences: a mention further back than this counts as this far
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_PLURAL_PRONOUNS = frozenset({"they", "them", "their", "it", "its"})
_ORGANISATION_KINDS = frozenset({"organization", "group"})
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "its", "his", "her", "their", "one"})

FEATURES: tuple[str, ...] = (
    "rules_choice",
    "rules_choice_carried",
    "rules_choice_pronoun",
    "rules_choice_common_noun",
    "rules_choice_proper_noun",
    "rules_choice_borrowed",
    "rules_choice_not_written_actor",
    "rules_choice_direct",
    "kind_person",
    "kind_organisation",
    "kind_place",
    "kind_described",
    "at_speaker_token",
    "in_speaker_phrase",
    "subject_of_sentence",
    "subject_of_previous_sentence",
    "named_in_sentence",
    "named_after_anchor",
    "named_in_content",
    "sentences_since_mention",
    "tokens_since_mention",
    "recency_rank",
    "previous_speaker",
    "previous_speaker_same_paragraph",
    "second_previous_speaker",
    "speaks_elsewhere",
    "pronoun_gender_agrees",
    "pronoun_gender_clashes",
    "pronoun_kind_clashes",
    "nearest_agreeing_person",
    "description_overlap",
    "salience",
    "mentions",
)


# A switch is judged on the alternative's features next to those of the rules' choice.
PAIR_FEATURES: tuple[str, ...] = FEATURES + tuple(f"rules_{name}" for name in FEATURES)
# Which positions the model may change: all, or those whose speaker is written as a description.
SCOPES = ("all", "described")
_DESCRIBED = FEATURES.index("rules_choice_common_noun")


@dataclass(frozen=True, slots=True)
class SpeakerModel:
    """Standardised logistic regression over `PAIR_FEATURES`: the probability that an alternative
    candidate is right where the rules' choice is wrong. The best alternative replaces the rules'
    choice when that probability reaches the threshold."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    scope: str = "all"

    def probabilities(self, pairs: np.ndarray) -> np.ndarray:
        if not len(pairs):
            return np.zeros(0)
        z = ((pairs - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def choose(self, features: np.ndarray) -> int:
        """Index of the chosen candidate (0: keep the rules' choice)."""
        if len(features) < 2 or (self.scope == "described" and not features[0, _DESCRIBED]):
            return 0
        probabilities = self.probabilities(pair_rows(features))
        best = int(np.argmax(probabilities))
        return best + 1 if probabilities[best] >= self.threshold else 0


def pair_rows(features: np.ndarray) -> np.ndarray:
    """One `PAIR_FEATURES` row per alternative: its features, then the rules' choice's."""
    return np.hstack([features[1:], np.repeat(features[:1], len(features) - 1, axis=0)])


@dataclass(slots=True)
class Choices:
    """One position's candidate speakers (the rules' choice first) and their feature rows."""

    names: list[str]
    features: np.ndarray


class _Article:
    """What every position's features share, computed once per article."""

    def __init__(self, context: Context, found: list[Found]) -> None:
        self.context = context
        self.actors = {a.name: a for a in context.index.actors}
        self.mentions: dict[int, list[tuple[int, Actor]]] = defaultdict(list)  # sentence -> (token, actor)
        for token, sentence, actor in context.index.timeline:
            self.mentions[sentence].append((token, actor))
        self.speaking: dict[str, int] = defaultdict(int)
        for item in found:
            self.speaking[item.position.actor] += 1
        self.subjects: dict[int, str] = {}  # sentence -> the actor that is its main-clause subject

    def subject_of(self, sentence: int) -> str:
        if sentence not in self.subjects:
            self.subjects[sentence] = self._subject(sentence)
        return self.subjects[sentence]

    def _subject(self, sentence: int) -> str:
        if not 0 <= sentence < len(self.context.sentences):
            return ""
        bounds = self.context.sentences[sentence]
        span = self.context.doc.char_span(bounds.start, bounds.end, alignment_mode="expand")
        if span is None:
            return ""
        subject = next((c for c in span.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None:
            return ""
        for token in subject.subtree:
            actor = self.context.index.actor_at(token)
            if actor is not None:
                return actor.name
        return ""


def candidate_choices(context: Context, found: list[Found]) -> list[Choices]:
    """Each position's candidates and features, in the order of `found`."""
    article = _Article(context, found)
    return [_choices(article, found, k) for k in range(len(found))]


def _choices(article: _Article, found: list[Found], k: int) -> Choices:
    context = article.context
    item = found[k]
    position = item.position
    speaker = context.doc[item.speaker_token] if item.speaker_token >= 0 else None
    written = context.index.actor_at(speaker) if speaker is not None else None
    previous = _previous_speakers(found, k)
    # last mention of each actor at or before the position (in its sentence: anywhere outside quotes)
    last: dict[str, int] = {}
    named_here: set[str] = set()
    named_after: set[str] = set()
    in_content: set[str] = set()
    for sentence in range(max(position.sentence - _WINDOW, 0), position.sentence + 1):
        for token, actor in article.mentions.get(sentence, []):
            if sentence == position.sentence:
                if token in context.quoted:
                    in_content.add(actor.name)
                    continue
                named_here.add(actor.name)
                if token > item.anchor:
                    named_after.add(actor.name)
                    last.setdefault(actor.name, token)
                    continue
            if token <= item.anchor or sentence < position.sentence:
                last[actor.name] = token
    names = [position.actor]
    if written is not None:
        names.append(written.name)
    nearest = sorted(last, key=lambda name: abs(item.anchor - last[name]))
    names += [p.position.actor for p in previous] + nearest
    unique = list(dict.fromkeys(n for n in names if n))[:_MAX_CANDIDATES]
    if position.actor not in unique:
        unique.insert(0, position.actor)
    people_by_recency = [n for n in nearest if n in article.actors and article.actors[n].kind == "person"]
    wanted = _PRONOUN_GENDER.get(speaker.lower_, "") if speaker is not None else ""
    agreeing = [
        n
        for n in people_by_recency
        if last[n] <= item.anchor and wanted and context.index.genders.get(n) in (None, wanted)
    ]
    shared = _Shared(
        speaker,
        written,
        previous,
        last,
        named_here,
        named_after,
        in_content,
        people_by_recency,
        agreeing[0] if agreeing else "",
    )
    rows = [_features(article, item, name, shared) for name in unique]
    return Choices(unique, np.array(rows, dtype=float).reshape(len(unique), len(FEATURES)))


@dataclass(slots=True)
class _Shared:
    """What one position's candidates are compared on."""

    speaker: Token | None
    written: Actor | None
    previous: list[Found]
    last: dict[str, int]
    named_here: set[str]
    named_after: set[str]
    in_content: set[str]
    people_by_recency: list[str]
    nearest_agreeing: str  # the person mentioned last before the position whose gender fits the pronoun


def _previous_speakers(found: list[Found], k: int) -> list[Found]:
    """The statements of the last two distinct speakers before this one (a restatement of the same
    words is the same statement)."""
    text = found[k].position.text
    statements: list[Found] = []
    for item in reversed(found[:k]):
        name = item.position.actor
        if item.position.text != text and all(p.position.actor != name for p in statements):
            statements.append(item)
            if len(statements) == 2:
                break
    return statements


def _features(article: _Article, item: Found, name: str, shared: _Shared) -> list[float]:
    context = article.context
    position = item.position
    actor = article.actors.get(name)
    speaker = shared.speaker
    cue = context.doc[item.cue_token] if item.cue_token >= 0 else None
    rules = float(name == position.actor)
    pronoun = speaker.lower_ if speaker is not None and speaker.pos_ == "PRON" else ""
    gender = context.index.genders.get(name)
    wanted = _PRONOUN_GENDER.get(pronoun)
    last = shared.last.get(name)
    if last is None:
        sentences_since, tokens_since = _FAR, 1.0
    else:
        sentences_since = min(position.sentence - context.sentence_of[last], _FAR)
        tokens_since = min(math.log1p(abs(item.anchor - last)) / math.log1p(200), 1.0)
    in_phrase = speaker is not None and any(
        (a := context.index.actor_at(t)) is not None and a.name == name for t in speaker.subtree
    )
    recency = shared.people_by_recency.index(name) if name in shared.people_by_recency else 5
    previous = [p.position.actor for p in shared.previous]
    row: dict[str, float] = {
        "rules_choice": rules,
        "rules_choice_carried": rules * (speaker is None),
        "rules_choice_pronoun": rules * bool(pronoun),
        "rules_choice_common_noun": rules * (speaker is not None and speaker.pos_ == "NOUN"),
        "rules_choice_proper_noun": rules * (speaker is not None and speaker.pos_ == "PROPN"),
        "rules_choice_borrowed": rules
        * (speaker is not None and cue is not None and speaker.head.i != cue.i and speaker.i != cue.i),
        "rules_choice_not_written_actor": rules * (shared.written is None or shared.written.name != name),
        "rules_choice_direct": rules * (position.kind == "direct"),
        "kind_person": float(actor is not None and actor.kind == "person"),
        "kind_organisation": float(actor is not None and actor.kind in _ORGANISATION_KINDS),
        "kind_place": float(actor is not None and actor.kind == "place"),
        "kind_described": float(actor is None),
        "at_speaker_token": float(shared.written is not None and shared.written.name == name),
        "in_speaker_phrase": float(in_phrase),
        "subject_of_sentence": float(article.subject_of(position.sentence) == name),
        "subject_of_previous_sentence": float(article.subject_of(position.sentence - 1) == name),
        "named_in_sentence": float(name in shared.named_here),
        "named_after_anchor": float(name in shared.named_after),
        "named_in_content": float(name in shared.in_content),
        "sentences_since_mention": sentences_since / _FAR,
        "tokens_since_mention": tokens_since,
        "recency_rank": recency / 5,
        "previous_speaker": float(previous[:1] == [name]),
        "previous_speaker_same_paragraph": float(
            previous[:1] == [name] and shared.previous[0].paragraph in (item.paragraph, item.paragraph - 1)
        ),
        "second_previous_speaker": float(previous[1:2] == [name]),
        "speaks_elsewhere": math.log1p(max(article.speaking.get(name, 0) - rules, 0)),
        "pronoun_gender_agrees": float(wanted is not None and gender == wanted),
        "pronoun_gender_clashes": float(wanted is not None and gender is not None and gender != wanted),
        "pronoun_kind_clashes": float(
            actor is not None
            and bool(pronoun)
            and ((pronoun in _PLURAL_PRONOUNS) == (actor.kind == "person"))
        ),
        "nearest_agreeing_person": float(shared.nearest_agreeing == name),
        "description_overlap": _description_overlap(position.actor, actor) if not rules else 0.0,
        "salience": actor.salience if actor is not None else 0.0,
        "mentions": math.log1p(actor.mentions) if actor is not None else 0.0,
    }
    return [row[feature] for feature in FEATURES]


def _description_overlap(described: str, actor: Actor | None) -> float:
    """Share of the words of a described speaker ("the space agency") found in the candidate's
    name, aliases or role as the article writes them."""
    words = {w for w in described.lower().split() if w not in _DETERMINERS}
    if actor is None or not words:
        return 0.0
    written = " ".join([actor.name, actor.role, *actor.aliases]).lower().split()
    return len(words & set(written)) / len(words)
