"""Clause shapes of reported speech that the plain "subject + cue + complement" reading misses.

Each function reads one construction from the dependency parse and returns tokens only (the
speaker as written, the words stated); `reported.py` turns them into positions. They know
nothing of actors, so the caller decides whether the speaker is a source at all:

- a gerund after a preposition ("... by arguing that ...", "after warning that ..."): the one
  who states is the subject of the clause the phrase hangs on;
- a light verb with a stance noun ("made clear that", "gave an assurance that", "issued a
  warning that", "made the argument for ..."): the noun is the cue;
- a stance noun owned by its holder ("X's view that ...", "its claim to be ...", "his call for ...");
- a naming verb in the passive with its agent ("X was described by Y as ...") or in a relative
  clause ("the plan, which she described as ..."): a description by the agent;
- an inverted subject the parser took for an object ("..., argued the council").
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Token

from summarizer.actors.common import person_word
from summarizer.lexicon import (
    INVERTING_VERBS,
    LIGHT_VERBS,
    NAMING_VERBS,
    ORGANISATION_NOUNS,
    STANCE_NOUN_PREPOSITIONS,
    STANCE_NOUNS,
)
from summarizer.segmentation import OPENING_MARKS

# Prepositions a stating gerund hangs on with the main clause's subject as its own ("by saying",
# "after warning", "since announcing"); not "without" (nothing was said) nor "for" ("fined for saying").
_GERUND_PREPOSITIONS = frozenset({"by", "after", "since", "before", "while", "in", "on", "upon", "when"})
_SUBJECTS = ("nsubj", "nsubjpass")
_COMPLEMENTS = ("ccomp", "oprd", "acomp")
_RELATIVE_WORDS = frozenset({"which", "that", "who", "whom"})


class Shape(NamedTuple):
    """A statement read from a clause shape: its speaker and cue tokens and the words stated."""

    speaker: Token
    cue: Token
    words: list[Token]
    cue_text: str
    described: tuple[Token, ...] = ()  # what a naming verb describes, when not next to its description


def gerund_subject(verb: Token) -> Token | None:
    """ "The council angered residents by arguing that ...", "She resigned after warning that
    ...": the subject of the clause the prepositional gerund hangs on (through a noun object:
    "faced criticism since announcing ...")."""
    if verb.tag_ != "VBG" or verb.dep_ not in ("pcomp", "advcl"):
        return None
    if verb.dep_ == "pcomp":
        preposition = verb.head
        if preposition.dep_ != "prep" or preposition.lower_ not in _GERUND_PREPOSITIONS:
            return None
        host = preposition.head
    else:
        marker = next((c for c in verb.children if c.dep_ in ("mark", "prep") and c.i < verb.i), None)
        if marker is None or marker.lower_ not in _GERUND_PREPOSITIONS:
            return None
        host = verb.head
    while host.pos_ in ("NOUN", "PROPN") and host.dep_ in ("dobj", "pobj", "attr") and host.head.i != host.i:
        host = host.head  # "faced criticism since announcing": the clause, not the noun
    if host.pos_ not in ("VERB", "AUX"):
        return None
    return _clause_subject(host)


def _clause_subject(verb: Token) -> Token | None:
    """The subject of a verb or of the verb it is coordinated with ("met X and, by arguing ...")."""
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
        if subject is not None:
            if subject.lower_ in _RELATIVE_WORDS and verb.dep_ == "relcl":
                return verb.head  # "the union, which angered members by claiming ..."
            return subject
        if verb.dep_ not in ("conj", "xcomp") or verb.head.i == verb.i:
            return None
        verb = verb.head
    return None


def light_verb_statement(verb: Token) -> Shape | None:
    """ "made clear that ...", "gave an assurance that ...", "issued a warning that ...", "made
    the case for ...", "delivered a plea to the council to act": a verb that states nothing of its
    own ("make", "give", "issue") with a stance noun or "clear" that carries the statement."""
    if verb.lemma_ == "have" and verb.pos_ == "VERB":
        return _has_plans(verb)
    if verb.lemma_ not in LIGHT_VERBS or verb.pos_ not in ("VERB", "AUX"):
        return None
    subject = _clause_subject(verb) or gerund_subject(verb)
    if subject is None:
        return None
    clear = next((c for c in verb.children if c.lower_ == "clear" and c.dep_ in _COMPLEMENTS), None)
    if clear is not None and verb.lemma_ == "make":  # "made clear that ...", "made it clear that ..."
        around = [*verb.children, *clear.children]
        clause = next((c for c in around if c.dep_ == "ccomp" and c.i > clear.i), None)
        if clause is not None and _has_that(clause):
            return Shape(subject, verb, list(clause.subtree), _cue_words(verb, clear))
        return None
    noun = next((c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in STANCE_NOUNS), None)
    if noun is None:
        return None
    words = stance_noun_content(noun)
    if words is None and noun.lemma_.lower() in ("plea", "appeal", "call"):
        words = _plea_to(verb, noun)
    if words is None:
        return None
    return Shape(subject, verb, words, _cue_words(verb, noun))


def _has_plans(verb: Token) -> Shape | None:
    """ "The zoo has plans to press charges": an intent on the record, like "plans to"; not "has no plans"."""
    subject = _clause_subject(verb)
    plans = next((c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() == "plan"), None)
    if subject is None or plans is None or any(c.lower_ == "no" for c in plans.children):
        return None
    act = next((c for c in plans.children if c.dep_ in ("acl", "relcl") and _is_infinitive(c)), None)
    if act is None:
        return None
    return Shape(subject, verb, list(act.subtree), _cue_words(verb, plans))


def stance_noun_content(noun: Token) -> list[Token] | None:
    """What a stance noun states: a that-clause ("a warning that strikes would follow"), an
    infinitive ("its claim to be cutting ..."), or the object of its own preposition ("an argument
    for lower duty", "concern about the delay"); a relative clause ("a warning that came late") is none."""
    for child in noun.children:
        if child.dep_ in ("acl", "relcl", "ccomp") and child.i > noun.i:
            if _has_that(child) and any(c.dep_ in _SUBJECTS and c.lower_ != "that" for c in child.children):
                return [t for t in child.subtree if not (t.lower_ == "that" and t.dep_ == "mark")]
            if child.dep_ == "acl" and _is_infinitive(child) and noun.lemma_.lower() in _INFINITIVE_NOUNS:
                return list(child.subtree)
    prepositions = STANCE_NOUN_PREPOSITIONS.get(noun.lemma_.lower(), ())
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in prepositions and child.i > noun.i:
            objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            if objects:
                return [t for t in child.subtree if t.i != child.i]
    return None


# Stance nouns that state an infinitive: "its claim to be ...", "his promise to cut ...", "a call to act".
_INFINITIVE_NOUNS = frozenset({
    "claim", "promise", "pledge", "vow", "threat", "call", "plea", "appeal", "demand",
})  # fmt: skip


def _plea_to(verb: Token, noun: Token) -> list[Token] | None:
    """ "delivered a plea to the council to save the library": the addressee and what they should do."""
    to = next((c for c in [*noun.children, *verb.children] if c.dep_ == "prep" and c.lower_ == "to"), None)
    if to is None or to.i < noun.i:
        return None
    around = [*verb.children, *noun.children, *to.children]
    act = next((c for c in around if c.dep_ in ("advcl", "acl", "xcomp") and c.i > to.i), None)
    if act is None or not _is_infinitive(act):
        return None
    end = max(t.i for t in act.subtree)
    return list(verb.doc[to.i + 1 : end + 1])


def passive_naming(verb: Token) -> list[Shape]:
    """ "The plan was described by the minister as reckless", "The film was dubbed 'a triumph' by
    one critic and 'dull' by another": each agent describes the subject. A real description is
    required ("as ...", a predicative complement or a quotation) and no particle ("was called up by
    the club")."""
    if verb.lemma_ not in NAMING_VERBS or verb.tag_ != "VBN":
        return []
    children = list(verb.children)
    subject = next((c for c in children if c.dep_ == "nsubjpass"), None)
    if subject is None or any(c.dep_ == "prt" for c in children):
        return []
    doc = verb.doc
    agents = [t for t in verb.subtree if t.lower_ == "by" and t.i > verb.i and _agent(t)]
    shapes: list[Shape] = []
    start = verb.i + 1
    for agent in agents:
        person = next((c for c in agent.children if c.dep_ == "pobj"), None)
        words = [t for t in doc[start : agent.i] if not t.is_space]
        while words and (words[0].dep_ == "cc" or words[0].text in (",", ";")):
            words.pop(0)
        if person is None:
            break
        if not (words and _describes(words)):  # "was described by the minister as reckless"
            later = (c for c in children if c.i > person.i and (c.lower_ == "as" or c.dep_ == "oprd"))
            after = next(later, None)
            words = list(after.subtree) if after is not None and after.dep_ in ("prep", "oprd") else []
        if words:
            shapes.append(Shape(person, verb, words, verb.text, tuple(doc[subject.left_edge.i : verb.i + 1])))
        start = max(person.i + 1, words[-1].i + 1 if words else 0)
    if not agents or shapes:
        return shapes
    return []


def _agent(by: Token) -> bool:
    """ "by the minister": the agent, or a "by" phrase with a name the parser hung on the description."""
    if by.dep_ == "agent":
        return True
    return by.dep_ == "prep" and any(c.dep_ == "pobj" and c.pos_ in ("PROPN", "PRON") for c in by.children)


def _describes(words: list[Token]) -> bool:
    """ "as reckless", a quotation, an adjective or a noun phrase: a description, not "up" or "for"."""
    first = words[0]
    if first.lower_ == "as" or first.text in OPENING_MARKS:
        return True
    return first.pos_ in ("ADJ", "DET", "NOUN", "PROPN", "ADV") and first.dep_ != "prep"


def relative_naming(verb: Token) -> Shape | None:
    """ "the plan, which she described as reckless": a naming verb in a relative clause whose
    object is the relative word; the noun it hangs on is what is described."""
    if verb.lemma_ not in NAMING_VERBS or verb.dep_ != "relcl" or any(c.dep_ == "prt" for c in verb.children):
        return None
    relative = next((c for c in verb.children if c.dep_ == "dobj" and c.lower_ in _RELATIVE_WORDS), None)
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if relative is None or subject is None or relative.i > verb.i:
        return None
    description = _description(verb, set())
    if not description or any(t.pos_ == "PROPN" and t.dep_ in ("oprd", "attr", "dobj") for t in description):
        return None  # "the stick, which he called the Quik Pod": a name given, no judgement
    return Shape(subject, verb, description, verb.text, tuple(_phrase(verb.head)))


def _description(verb: Token, excluded: set[int]) -> list[Token]:
    """The description a naming verb gives: "as ...", a predicative complement or a quotation."""
    for child in verb.children:
        if child.i < verb.i or child.i in excluded:
            continue
        if child.dep_ == "prep" and child.lower_ == "as":
            return [t for t in child.subtree if t.i not in excluded]
        if child.dep_ in ("oprd", "acomp", "attr", "dobj") and not child.is_punct:
            words = [t for t in child.subtree if t.i not in excluded]
            quoted = verb.doc[child.left_edge.i - 1].text in OPENING_MARKS if child.left_edge.i > 0 else False
            if child.dep_ != "dobj" or quoted:
                return words
    return []


def _phrase(noun: Token) -> list[Token]:
    """A noun and what precedes it in its phrase ("the new plan"), without clauses after it."""
    return [t for t in noun.subtree if t.i <= noun.i]


def inverted_subject(verb: Token) -> Token | None:
    """ "The result will be a longer wait, argued the council": after a comma, a stating verb whose
    only object is a person or organisation ending the clause is its subject, inverted. Not an
    audience ("..., told the radio station") and not a verb with a subject of its own."""
    if verb.lemma_ not in INVERTING_VERBS or verb.i < 2 or verb.doc[verb.i - 1].text != ",":
        return None
    if any(c.dep_ in (*_SUBJECTS, "ccomp", "xcomp", "prt", "dative") for c in verb.children):
        return None
    if verb.dep_ == "conj" and any(c.dep_ == "cc" and c.i < verb.i for c in verb.head.children):
        return None  # "resigned and thanked Smith": two verbs of one subject
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if len(objects) != 1 or objects[0].i < verb.i:
        return None
    speaker = objects[0]
    end = speaker.right_edge.i + 1
    doc = verb.doc
    if end < len(doc) and not doc[end].is_punct:
        return None  # "..., added a new clause to the bill"
    named = speaker.pos_ == "PROPN" or speaker.ent_type_ in ("PERSON", "ORG")
    if not (named or person_word(speaker.lemma_.lower()) or speaker.lemma_.lower() in ORGANISATION_NOUNS):
        return None  # "..., added a new clause": no one
    return speaker


def name_before(verb: Token) -> Token | None:
    """ "... without power and water Israel said early Wednesday that ...", "Mr Cole, in a speech
    on Monday, said ...": a finite main verb with no subject, right after a name (or a name and a
    parenthetical opened by a preposition), which the parser hung elsewhere."""
    if verb.dep_ != "ROOT" or verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None
    if any(c.dep_ in _SUBJECTS for c in verb.children):
        return None
    doc = verb.doc
    k = verb.i - 1
    if k > 0 and doc[k].text == ",":  # ", in a speech on Monday," set off before the verb
        start = next(
            (j for j in range(k - 1, max(verb.sent.start, k - 12) - 1, -1) if doc[j].text == ","), None
        )
        if start is None or doc[start + 1].tag_ != "IN":
            return None
        k = start - 1
    if (
        k < verb.sent.start
        or doc[k].pos_ != "PROPN"
        or doc[k].ent_type_ not in ("PERSON", "ORG", "GPE", "NORP", "")
    ):
        return None
    return doc[k]


def _has_that(clause: Token) -> bool:
    return any(c.lower_ == "that" and c.dep_ == "mark" for c in clause.children)


def _is_infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _cue_words(first: Token, last: Token) -> str:
    return " ".join(first.doc[first.i : last.i + 1].text.split())
