"""Who speaks: the subject of a cue resolved to an actor, or kept as the article describes them.

A speaker may be written as a name ("Peskov"), a pronoun ("she", "it"), a name in apposition
("The Shadow Secretary of State for the Family, Theresa May, said"), a description that refers
back to a named actor ("the party", "the agency", "the Prime Minister"), a description with the
name inside it ("CNN affiliate WAVY", "Russian state news agency Tass") or only a description
("a senior US official"), which is kept as written.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from summarizer.actors import ActorIndex
from summarizer.actors.common import person_word
from summarizer.lexicon import (
    DOCUMENT_NOUNS,
    ISSUED_NOUNS,
    ORGANISATION_NOUNS,
    PHRASAL_SPEECH_VERBS,
    SPEECH_LEMMA_OF_FORM,
    SPEECH_VERBS,
    STATEMENT_NOUNS,
)
from summarizer.models import Actor, Position, Sentence
from summarizer.segmentation import OPENING_MARKS

FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})  # a verb with tense of its own: a clause, not a phrase
# Entity labels of places, which speak through no apposition.
_PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC"})
_PRONOUN_KINDS = {"it": ("organization", "place"), "they": ("organization", "group")}
_MID_SENTENCE_KEY = "briefbot.mid_sentence_words"
_REFER_BACK_SENTENCES = 4  # how far back "the party" may reach for its organisation
# Endings of nouns for a person by what they do ("pundit" aside): "commentator", "campaigner", "economist".
_AGENT_SUFFIXES = ("er", "or", "ist", "ian", "ant")
_GROUP_NOUNS = frozenset({"party", "union", "movement", "coalition", "alliance", "group"})


@dataclass(slots=True)
class Context:
    """What speaker resolution needs to know about the article."""

    doc: Doc
    sentences: list[Sentence]
    index: ActorIndex
    sentence_of: list[int]
    quoted: set[int]
    found: list[Position] = field(default_factory=list)  # reported positions so far, in order
    person_names: set[str] = field(default_factory=set)
    actor_names: set[str] = field(default_factory=set)
    # described speakers written as a definite description of a person ("the relieved father")
    definite_people: set[str] = field(default_factory=set)


def verb_lemma(token: Token) -> str:
    """The lemma, corrected from the lexicon's own inflections where the lemmatizer errs."""
    if token.lemma_ in SPEECH_VERBS:
        return token.lemma_
    return SPEECH_LEMMA_OF_FORM.get(token.lower_, token.lemma_)


def is_speech_verb(token: Token) -> bool:
    if token.pos_ != "VERB":
        return False
    if verb_lemma(token) in SPEECH_VERBS:
        return True
    # "fired back": the particle makes a speech verb of a verb that is none alone
    return any(
        c.dep_ in ("prt", "advmod")
        and c.i == token.i + 1
        and (token.lemma_, c.lower_) in PHRASAL_SPEECH_VERBS
        for c in token.children
    )


def subject_token(verb: Token) -> Token | None:
    """The verb's subject, or for "..., adding" / "and said" the subject of the verb it hangs on."""
    subject, _ = subject_and_distance(verb)
    return subject


def subject_and_distance(verb: Token) -> tuple[Token | None, int]:
    for steps in range(4):
        subject = _main_subject(verb)
        if subject is None and verb_lemma(verb) == "quote":  # "X was quoted as saying"
            subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if subject is not None:
            if subject.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                return verb.head, steps  # "the minister, who said ..."
            return subject, steps
        head = verb.head
        if verb.dep_ == "pcomp" and head.lower_ == "as":  # "quoted as saying"
            quoted = quoted_person(verb)
            if quoted is not None:
                return quoted, steps
            verb = head.head
            continue
        if verb.dep_ == "acl" and head.lemma_ in STATEMENT_NOUNS | DOCUMENT_NOUNS and head.dep_ == "dobj":
            verb = head.head  # "issued a statement saying", "signed a letter saying"
            continue
        if steps == 0 and (head.i == verb.i or verb.tag_ in FINITE_TAGS):
            named = _name_set_off_before(verb)
            if named is not None or head.i == verb.i:
                return named, steps
        if verb.dep_ not in ("advcl", "conj", "xcomp") or head.i == verb.i:
            return None, steps
        verb = outer_speech_verb(verb) or head
    return None, 4


def _name_set_off_before(verb: Token) -> Token | None:
    """ "Pete Saunders, chief executive of the National Association for People Abused in Childhood,
    added:": a name opening the sentence, then a description between commas, right before the
    speech verb, when the parser took the description's participle for the name's verb."""
    if verb.i < 2 or verb.doc[verb.i - 1].text != ",":
        return None
    described = _subject_of_participle(verb)
    if described is not None:
        return described
    named = _name_before_apposition(verb)
    if named is not None:
        return named
    words = [t for t in verb.sent if t.text not in OPENING_MARKS]
    first = words[0] if words else None
    if first is None or first.pos_ != "PROPN":
        return None
    name = first
    while name.i + 1 < verb.i and verb.doc[name.i + 1].pos_ == "PROPN":
        name = verb.doc[name.i + 1]
    after = verb.doc[name.i + 1]
    if after.text != "," or after.i >= verb.i - 1 or name.ent_type_ not in ("PERSON", ""):
        return None
    return name


def _name_before_apposition(verb: Token) -> Token | None:
    """ "... reported the eatery after Jason Chan, its marketing manager, boasted that ...": a
    finite speech verb with no subject of its own, right after a name and its apposition set off by
    commas, which the parser took for the object of something before. Only a proper name or a
    personal pronoun speaks so ("Smith resigned after the vote, saying ..." is no such thing)."""
    doc = verb.doc
    if verb.tag_ not in FINITE_TAGS or doc[verb.i - 1].text != ",":
        return None
    apposition = doc[verb.i - 2]
    while apposition.dep_ != "appos" and apposition.head.i < verb.i - 1 and apposition.head.i != apposition.i:
        apposition = apposition.head
    name = apposition.head
    if apposition.dep_ != "appos" or name.i >= apposition.left_edge.i or doc[name.i + 1].text != ",":
        return None
    if (
        name.pos_ not in ("PROPN", "PRON")
        or name.dep_ in ("nsubj", "nsubjpass")
        or name.ent_type_ in _PLACE_ENTITIES
    ):
        return None
    following = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
    if following is not None and following.pos_ == "PROPN":
        return None  # "... on the road to Hue, Vietnam, says Thompson": the inverted subject speaks
    return name


def _subject_of_participle(verb: Token) -> Token | None:
    """ "But the lawyer acting for the officer, who ..., said that ...": the parser makes "lawyer"
    the subject of the participle hung on the speech verb; the noun speaks."""
    for child in verb.children:
        if child.dep_ == "advcl" and child.i < verb.i and child.tag_ in ("VBG", "VBN"):
            subject = next(
                (c for c in child.children if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")), None
            )
            if subject is not None and subject.i < child.i:
                return subject
    return None


def quoted_person(verb: Token) -> Token | None:
    """ "Der Spiegel quoted Nikos Theocharakis as saying ...": the person quoted speaks (the outlet
    quoting them is the `via`, see `quoting_source`)."""
    head = verb.head
    if verb.dep_ != "pcomp" or head.lower_ != "as" or verb_lemma(head.head) != "quote":
        return None
    return next((c for c in head.head.children if c.dep_ == "dobj"), None)


def quoting_source(verb: Token) -> Token | None:
    """The outlet or document that quotes the speaker of "as saying" (see `quoted_person`)."""
    if quoted_person(verb) is None:
        return None
    return next((c for c in verb.head.head.children if c.dep_ == "nsubj"), None)


def _main_subject(verb: Token) -> Token | None:
    """The verb's subject; of two (a misparse of "Booker Prize winner and Wolf Hall author Hilary
    Mantel has described ...", or of a caption run into the text: "... until now, feminism She
    added:"), the proper name or pronoun nearest the verb."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if len(subjects) > 1 and subjects[0].pos_ == "NOUN":
        names = [s for s in subjects[1:] if s.pos_ in ("PROPN", "PRON")]
        return names[-1] if names else subjects[0]
    return subjects[0] if subjects else None


def outer_speech_verb(verb: Token) -> Token | None:
    """The parser hangs a second speech verb on the reported clause instead of the first speech
    verb: "She said the Kremlin had never honoured a ceasefire and urged ministers ...", "Stancil
    said Lane deserved to die, accusing him of ...". The verb shares the outer verb's subject when
    its form matches the outer verb and not the reported one (urged/said vs. had honoured), or
    when it is a participle clause after a comma."""
    head = verb.head
    outer = head.head
    if not is_speech_verb(verb) or head.dep_ != "ccomp" or not is_speech_verb(outer):
        return None
    if verb.dep_ == "conj" and verb.tag_ == outer.tag_ and head.tag_ != verb.tag_:
        return outer
    after_comma = verb.i > 0 and verb.doc[verb.i - 1].text == ","
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and after_comma:
        return outer
    return None


def speaker_of(context: Context, verb: Token, quote: str = "") -> str:
    """Who speaks through this verb. A subject borrowed from another verb ("..., adding") must be
    a known actor: in run-on captions it is too often a thing ("a change in hair ... explaining")."""
    subject, borrowed = subject_and_distance(verb)
    if subject is None or subject.i in context.index.ignored:
        return ""  # no subject, or a dateline the parser took for one
    name = name_for(context, subject)
    known = name in context.actor_names or subject.pos_ in ("PRON", "PROPN")
    if borrowed and not known and subject.lemma_ not in ORGANISATION_NOUNS | DOCUMENT_NOUNS:
        return ""
    if subject.lower_ in ("he", "she") and name and _names_in(name, quote):
        # "'Peter was not the type to let illness stop him,' he said": he is not Peter.
        gender = "m" if subject.lower_ == "he" else "f"
        sentence = context.sentence_of[subject.i]
        other = context.index.latest(subject, ("person",), sentence - 3, gender=gender, exclude=(name,))
        return other.name if other is not None else ""
    return name


def _called_name(token: Token) -> Token | None:
    """ "a military spokesman called Abu Ubaida", "a man named John Hale": the name the phrase gives."""
    for t in token.subtree:
        naming = t.head.dep_ in ("acl", "relcl") and t.head.lemma_ in ("call", "name")
        if t.dep_ == "oprd" and t.pos_ == "PROPN" and naming:
            return t
    return None


def _names_in(name: str, quote: str) -> bool:
    """Does the quotation's first sentence name the person? (Later sentences of a run-on quotation
    may carry a photo caption that names the speaker: "... Me and Myleene Klass. Comedian Ben Elton,
    left, took a swipe ...".)"""
    first = re.split(r"(?<=[.!?])\s+", quote.strip(), maxsplit=1)[0]
    words = set(first.replace("’", "'").split())
    return any(part in words or part + "'s" in words for part in name.split())


def name_for(context: Context, token: Token) -> str:
    """Canonical actor name for a speaker token, or how the article describes the speaker."""
    index = context.index
    # "Pama's defence lawyer, Bruce Peters, said", "said Myer's Marketing Officer and Deputy CEO, Daniel
    # Bracken": the name in apposition
    named = [t for t in token.subtree if t.dep_ == "appos" and t.pos_ == "PROPN" and t.i > token.left_edge.i]
    people = [a for t in named if (a := index.actor_at(t)) is not None and a.kind == "person"]
    actor = index.actor_at(token)
    if people and (actor is None or actor.kind != "person"):
        return people[0].name
    called = _called_name(token)
    if called is not None and actor is None:
        known = index.actor_at(called)
        return known.name if known is not None else _proper_name(called)
    if actor is not None:
        return actor.name
    word = token.lower_
    sentence = context.sentence_of[token.i]
    if word in _PRONOUN_KINDS:
        # "The UN was incensed ... It said ...": the organisation the previous sentence is about
        topic = _previous_topic(context, sentence, _PRONOUN_KINDS[word])
        if topic is not None:
            return topic.name
        # "The memo warns ... It states ...": the last non-person speaker, else the last organisation
        previous = [
            p for p in context.found if p.sentence >= sentence - 2 and p.actor not in context.person_names
        ]
        if previous:
            return previous[-1].actor
        actor = index.latest(token, _PRONOUN_KINDS[word], since_sentence=sentence - 1)
        return actor.name if actor is not None else ""
    if token.pos_ == "PRON":
        if word in ("he", "she"):
            gender = "m" if word == "he" else "f"
            actor = index.latest(token, ("person",), since_sentence=sentence - 3, gender=gender)
            return actor.name if actor is not None else ""
        return ""
    inside = _name_inside(context, token)
    if inside:
        return inside
    issuer = _issuer_of_statement(context, token)
    if issuer:
        return issuer
    earlier = _organisation_described_before(context, token)
    if earlier:
        return earlier
    referred = _referred_actor(context, token)
    if referred is not None:
        return referred.name
    described = _described(context, token)
    if described and _describes_a_person_definitely(token):
        context.definite_people.add(described)
    return described


def _describes_a_person_definitely(head: Token) -> bool:
    """ "the relieved father", "United's head coach": a definite description of a person, made
    specific by nothing that follows it ("the head of the agency", "the lawyer who ..." are someone
    new). Organisations are left out: "The Israeli military said" after "Reuters reported" is a
    new speaker, and only knowing what each organisation is could tell it from "the agency"."""
    definite = any(
        (c.dep_ == "det" and c.lower_ in ("the", "this", "that")) or (c.dep_ == "poss" and c.pos_ == "PROPN")
        for c in head.children
    )
    if not definite or head.tag_ != "NN" or any(c.dep_ in ("prep", "relcl", "acl") for c in head.children):
        return False
    noun = head.lower_
    if noun in DOCUMENT_NOUNS | STATEMENT_NOUNS | ORGANISATION_NOUNS:
        return False
    if person_word(noun):
        return True
    return noun.endswith(_AGENT_SUFFIXES)


def _issuer_of_statement(context: Context, head: Token) -> str:
    """ "NASA said ... 'The spacecraft was not carrying ...,' a statement said": a statement with no
    author of its own is the organisation that has just been speaking."""
    if head.lemma_ not in ISSUED_NOUNS or any(c.dep_ in ("poss", "prep", "compound") for c in head.children):
        return ""
    sentence = context.sentence_of[head.i]
    recent = [
        p.actor
        for p in context.found
        if sentence - 2 <= p.sentence <= sentence and p.actor in context.actor_names
    ]
    issuers = [a for a in recent if a not in context.person_names]
    return issuers[-1] if issuers else ""


def _previous_topic(context: Context, sentence: int, kinds: tuple[str, ...]) -> Actor | None:
    """The actor that is the main-clause subject of the sentence before, when it is of these kinds
    (an "it" or "they" that opens the next sentence most often continues that subject)."""
    if sentence < 1:
        return None
    before = context.sentences[sentence - 1]
    span = context.doc.char_span(before.start, before.end, alignment_mode="expand")
    if span is None:
        return None
    root = span.root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    actor = context.index.actor_at(subject) if subject is not None else None
    return actor if actor is not None and actor.kind in kinds else None


def _name_inside(context: Context, head: Token) -> str:
    """A proper name within the speaker's phrase: "CNN affiliate WAVY", "Russian state news agency
    Tass", "The Shadow Secretary of State for the Family, Theresa May", "a statement from NASA"."""
    index = context.index
    for token in head.children:
        if token.dep_ == "appos" and token.pos_ == "PROPN" and token.i not in index.ignored:
            actor = index.actor_at(token)
            if actor is not None:
                return actor.name
            return _proper_name(token)
    if head.lemma_ in STATEMENT_NOUNS | DOCUMENT_NOUNS:  # "a statement from NASA", "a study by X"
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in ("from", "by")):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                actor = index.actor_at(obj)
                if actor is not None:
                    return actor.name
    if head.pos_ == "PROPN" and head.i > head.left_edge.i:
        # "CNN affiliate WAVY reported": the head itself is the name, modified by its description
        words = [t for t in head.subtree if t.i <= head.i]
        if any(t.pos_ == "NOUN" for t in words):
            return _proper_name(head)
    return ""


def _proper_name(token: Token) -> str:
    """The proper noun and the proper nouns compounded into it, as written ("Theresa May")."""
    words = [token]
    for child in token.lefts:
        if child.dep_ == "compound" and child.pos_ == "PROPN":
            words.append(child)
    words.sort(key=lambda t: t.i)
    if words[-1].i - words[0].i + 1 != len(words):
        words = [token]
    return token.doc[words[0].i : words[-1].i + 1].text


def _referred_actor(context: Context, head: Token) -> Actor | None:
    """The named actor a definite description refers back to: "the party" (the organisation named
    just before), "the Prime Minister" or "the pundit" (the person with that role or title)."""
    definite = any(c.dep_ in ("det", "poss") for c in head.children)
    if not definite:
        return None
    words = [t for t in head.subtree if t.i <= head.i and not (t.dep_ == "det" or t.is_punct)]
    phrase = " ".join(t.text for t in words).lower().replace("’", "'")
    index = context.index
    for actor in index.actors:
        written = [actor.role.lower().replace("’", "'"), *(a.lower() for a in actor.aliases)]
        if actor.kind == "person" and any(
            w == phrase or w.endswith(" " + phrase) or w.startswith(phrase + " ") for w in written if w
        ):
            return actor  # "the pundit", "United's head coach": the person the article gave that role
    if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children):
        return None
    if any(c.dep_ in ("prep", "relcl", "acl", "poss") for c in head.children):
        return None  # "the head of the agency", "the lawyer who ...": someone else
    noun = head.lemma_.lower()
    if noun in ORGANISATION_NOUNS and head.tag_ in ("NN", "NNP"):
        sentence = context.sentence_of[head.i]
        since = sentence - _REFER_BACK_SENTENCES
        kinds = ("organization", "group")
        named = [a for a in index.actors if a.kind in kinds and noun in f"{a.name} {a.role}".lower()]
        if len(named) == 1:
            return named[0]
        if _describes_itself(head) or _described_before(context, noun):
            return None  # "the Israeli military" is no organisation named before; "the military" is it again
        # "the party" may be "the Conservatives"; "the committee" is no group of people named before
        kinds = ("organization", "group") if noun in _GROUP_NOUNS else ("organization",)
        return index.latest(head, kinds, since_sentence=since)
    return None


def _organisation_described_before(context: Context, head: Token) -> str:
    """ "... a denial from the Greek finance ministry. '...,' the ministry said": a bare "the
    ministry" is the organisation the article just described with that noun (not the last one it
    named, the IMF); the description as written."""
    if head.tag_ != "NN" or head.lemma_.lower() not in ORGANISATION_NOUNS:
        return ""
    if [c.lower_ for c in head.children if c.dep_ != "punct"] != ["the"]:
        return ""
    since = context.sentence_of[head.i] - _REFER_BACK_SENTENCES
    for token in reversed(context.doc[: head.i]):
        if context.sentence_of[token.i] < since:
            break
        if token.lower_ != head.lower_ or token.pos_ != "NOUN" or token.i in context.quoted:
            continue
        words = [c for c in token.lefts if c.dep_ in ("amod", "compound", "nmod")]
        if not words or context.index.actor_at(token) is not None:
            continue
        return context.doc[words[0].i : token.i + 1].text
    return ""


def _describes_itself(head: Token) -> bool:
    """ "the Israeli military", "the state broadcaster": a modifier says which one, so the phrase
    names its own source rather than pointing back at the last organisation."""
    return any(c.dep_ in ("amod", "compound", "nmod") and c.i < head.i for c in head.children)


def _described_before(context: Context, noun: str) -> bool:
    """Was a speaker described by this noun, not named, earlier ("the Israeli military" ...)?"""
    return any(
        p.actor not in context.actor_names and p.actor.lower().split()[-1:] == [noun] for p in context.found
    )


def _described(context: Context, head: Token) -> str:
    """ "a senior US official", "Cabinet Office spokeswoman": the speaker's noun phrase as written."""
    dropped: set[int] = set()
    for token in head.subtree:
        if token.i != head.i and token.dep_ in ("relcl", "acl", "appos", "cc", "conj"):
            dropped.update(t.i for t in token.subtree)
    words = [t for t in head.subtree if t.i not in dropped and not t.is_space]
    breaks = [k for k, t in enumerate(words) if t.text in (":", ";", "—", "–") and t.i < head.i]
    if breaks:
        words = words[breaks[-1] + 1 :]  # "Colourful: Kites of all shapes" (a caption run into the text)
    while words and words[-1].is_punct:
        words.pop()
    while words and words[0].is_punct:
        words.pop(0)
    if not words or len(words) > 10 or words[-1].i - words[0].i + 1 != len(words):
        words = [t for t in words if t.i <= head.i] or [head]  # "an extract [of ...]"
        if words[-1].i - words[0].i + 1 != len(words):
            words = [head]
    if words[0].lower_ == "the" and len(words) > 2:
        words = words[1:]
    text = context.doc[words[0].i : words[-1].i + 1].text
    first = words[0]
    common = first.tag_ == "DT" or not (_written_capitalised(first) or first.text.isupper())
    if text[:1].isupper() and first.is_sent_start and common:
        text = text[0].lower() + text[1:]  # "Officials said" -> "officials"
    return text


def _written_capitalised(token: Token) -> bool:
    """Is this sentence-initial word capitalised elsewhere in the article too (a name)?"""
    if token.pos_ == "PROPN":
        return True
    elsewhere = _mid_sentence_words(token.doc)[token.text] - (0 if token.is_sent_start else 1)
    return elsewhere > 0


def _mid_sentence_words(doc: Doc) -> Counter[str]:
    """How often each word is written inside a sentence; counted once per Doc, because every
    `Token.is_sent_start` scans the whole Doc (asking it per word was quadratic)."""
    counts = doc.user_data.get(_MID_SENTENCE_KEY)
    if counts is None:
        starts = {sentence.start for sentence in doc.sents}
        counts = Counter(t.text for t in doc if t.i not in starts)
        doc.user_data[_MID_SENTENCE_KEY] = counts
    return counts
