"""Statements whose cue is no speech verb: an attitude ("is confident that ..."), a statement or
stance noun owned by its holder ("X's warning that ...", "its claim to be ..."), and the clause
shapes of `clause_shapes` (a light verb with a stance noun, a passive or relative naming verb)."""

from __future__ import annotations

from spacy.tokens import Token

from summarizer.actors.common import person_word
from summarizer.clause_shapes import Shape, stance_noun_content
from summarizer.lexicon import DOCUMENT_NOUNS, LIGHT_VERBS, ORGANISATION_NOUNS, STANCE_NOUNS
from summarizer.segmentation import OPENING_MARKS
from summarizer.speakers import Context, is_speech_verb, name_for, speaker_of, subject_token
from summarizer.statement_text import (
    NOT_A_SOURCE,
    Found,
    clause_text,
    found_at,
    in_quote_marks,
)

_CONDITIONS = frozenset({"if", "once", "unless", "whenever"})
_HYPOTHETICAL = frozenset({"would", "could", "might", "may", "should", "must", "can"})


def attitude(context: Context, adjective: Token) -> Found | None:
    """ "Ministers are confident that the system works", "The White House was 'furious' that ..."."""
    clause = next((c for c in adjective.children if c.dep_ in ("ccomp", "advcl", "xcomp")), None)
    copula = adjective.head
    if clause is None or adjective.dep_ not in ("acomp", "oprd"):
        return None
    if copula.lemma_ not in ("be", "remain", "feel"):
        return None
    if clause.dep_ != "ccomp" and not any(t.lower_ == "that" for t in clause.children):
        return None
    subject = subject_token(copula)
    if subject is None or subject.lower_ in NOT_A_SOURCE or subject.i in context.quoted:
        return None
    if any(c.dep_ == "neg" for c in copula.children):
        return None
    text = clause_text(list(clause.subtree))
    speaker = name_for(context, subject)
    if len(text.split()) < 3 or not speaker:
        return None
    cue = " ".join(context.doc[copula.i : adjective.i + 1].text.replace('"', "").split())
    return found_at(context, speaker, text, "reported", cue, adjective.i, speaker_token=subject.i)


def statement_noun(context: Context, noun: Token) -> Found | None:
    """ "Israel's assertion that it is going to extraordinary lengths", "his warning that ...", "its
    claim to be ...", "her call for a ceasefire": a statement or stance noun owned by its holder."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None or in_quote_marks(owner) or owner.i in context.quoted:
        return None
    topic = noun.dep_ == "dobj" and noun.head.lemma_ not in LIGHT_VERBS
    doer = subject_token(noun.head) if topic else None
    if topic and (is_speech_verb(noun.head) or (doer is not None and doer.pos_ in ("PROPN", "NOUN"))):
        return None  # "she attacked Fisk's pledge to ...": the topic of her act, not his statement
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp")), None)
    if clause is not None and any(t.lower_ == "that" and t.dep_ == "mark" for t in clause.children):
        words: list[Token] | None = list(clause.subtree)
    elif noun.lemma_.lower() in STANCE_NOUNS:
        words = stance_noun_content(noun)
    else:
        return None
    text = clause_text(words or [])
    speaker = _owner_name(context, owner)
    if len(text.split()) < 3 or not speaker or (owner.lower_ in ("its", "their") and speaker == owner.text):
        return None
    return found_at(context, speaker, text, "reported", noun.text, noun.i, speaker_token=owner.i)


def _owner_name(context: Context, owner: Token) -> str:
    """Who a possessive names: "his" and "her" are the person of that gender named last."""
    sentence = context.sentence_of[owner.i]
    if owner.lower_ in ("his", "her"):
        gender = "m" if owner.lower_ == "his" else "f"
        actor = context.index.latest(owner, ("person",), since_sentence=sentence - 3, gender=gender)
        return actor.name if actor is not None else ""
    if owner.lower_ in ("its", "their"):  # the organisation named last ("its claim to be ...")
        actor = context.index.latest(owner, ("organization", "group"), since_sentence=sentence - 1)
        return actor.name if actor is not None else ""
    return name_for(context, owner)


def stated(verb: Token) -> bool:
    """Neither negated nor hypothetical ("did not give an assurance", "would make the case", "once
    the firm issues a warning"); a light verb announced ahead ("will make the case for ...") is a
    speech to come."""
    return not any(
        c.dep_ == "neg"
        or (c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL)
        or (c.dep_ == "mark" and c.lower_ in _CONDITIONS)
        for c in verb.children
    )


def shaped(context: Context, shape: Shape | None) -> Found | None:
    """A position from a clause shape (`clause_shapes`), when its speaker is a source."""
    if shape is None or shape.speaker.i in context.quoted or in_quote_marks(shape.speaker):
        return None
    if shape.speaker.lower_ in NOT_A_SOURCE or shape.cue.i in context.quoted:
        return None
    text = clause_text([t for t in shape.words if t.i not in context.index.ignored])
    if shape.words and shape.words[0].text in OPENING_MARKS and text[:1] not in OPENING_MARKS:
        text = shape.words[0].text + text  # "dubbed 'a triumph'": the mark opening the description
    if shape.described:  # "the plan, which she described as reckless": "the plan as reckless"
        text = f"{clause_text(list(shape.described))} {text}"
    speaker = _reporter(context, shape.cue, shape.speaker) or source_name(context, shape.speaker)
    if len(text.split()) < 3 or not speaker:
        return None
    anchor = max(shape.cue.i, shape.speaker.i)  # "dubbed X by one and Y by another": in that order
    return found_at(context, speaker, text, "reported", shape.cue_text, anchor, speaker_token=shape.speaker.i)


def _reporter(context: Context, cue: Token, subject: Token) -> str:
    """ "The spokesman said the cut hit the poorest, which he described as cruel": "he" inside a
    reported clause is its speaker."""
    if subject.lower_ not in ("he", "she"):
        return ""
    for ancestor in cue.ancestors:
        if is_speech_verb(ancestor) and subject_token(ancestor) is not None:
            outer = subject_token(ancestor)
            if outer is not None and outer.lower_ in ("he", "she"):
                return ""
            return speaker_of(context, ancestor)
    return ""


def source_name(context: Context, token: Token) -> str:
    """The speaker a clause shape names, when it can speak: an actor, a pronoun or proper noun, a
    person, organisation or document noun ("the scandal raised doubts" has no speaker)."""
    name = name_for(context, token)
    if not name:
        return ""
    lemma = token.lemma_.lower()
    if name in context.actor_names or token.pos_ in ("PRON", "PROPN"):
        return name
    if lemma in ORGANISATION_NOUNS | DOCUMENT_NOUNS or person_word(lemma):
        return name
    return ""
