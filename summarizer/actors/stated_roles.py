"""Roles the clause states of a name rather than writes next to it: "X is/was/became the chief
executive", "who was appointed ...", "who served as ambassador", "a spokesman named X". Their own
module because they are read from the verb and its objects, not from the noun phrase around the name."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from summarizer.actors.common import Mention, person_noun
from summarizer.actors.role_phrases import phrase_words
from summarizer.lexicon import ORGANISATION_NOUNS
from summarizer.segmentation import inside_quotation

_NAMING_VERBS = frozenset({"name", "call", "identify"})  # "a spokesman named ..."
_APPOINTING_VERBS = frozenset({"appoint", "elect", "name", "make", "promote", "reappoint", "re-elect"})
_SERVING_VERBS = frozenset({"serve", "work", "act", "remain", "continue", "return", "stay"})  # "... as X"


def stated_role(doc: Doc, mention: Mention) -> str:
    """The role said of the name with "be", without a clause that describes more ("Briggs is a
    former soldier who served in Afghanistan": "former soldier")."""
    name = doc[mention.start : mention.end]
    noun = stated_role_noun(name.root)
    if noun is None:
        return ""
    role = phrase_words(doc, noun, name, keep_coordinated=False) or ""
    # "a barrister of the highest integrity": a quality, not which one
    quality = next((p for p in noun.rights if p.dep_ == "prep" and _superlative_object(p)), None)
    if quality is not None and f" {quality.text} " in role:
        role = role.split(f" {quality.text} ")[0]
    return role


def _superlative_object(preposition: Token) -> bool:
    return any(c.tag_ == "JJS" for o in preposition.children if o.dep_ == "pobj" for c in o.children)


def role_naming(root: Token) -> Token | None:
    """ "a military spokesman named Karim Haddad", "a taxi driver called Omar Siddiqui": the role
    noun the participle that gives the name hangs on."""
    verb = root.head
    if root.dep_ not in ("oprd", "dobj", "attr") or verb.lemma_ not in _NAMING_VERBS or verb.dep_ != "acl":
        return None
    noun = verb.head
    return noun if noun.i < verb.i and person_noun(noun) else None


def stated_role_noun(root: Token) -> Token | None:
    """ "Daniel Ortiz is the chief executive of Northwind", "Karen Lowe, who is the director of
    ...", "who was appointed chief executive", "who served as ambassador to Kenya": a role said of
    the name, unnegated. The noun must be one only a person or an organisation can be ("Ortiz is
    the reason ..." says nothing of who Ortiz is)."""
    verb = next(
        (
            c
            for c in root.children
            if c.dep_ == "relcl"
            and any(s.dep_ in ("nsubj", "nsubjpass") and s.lower_ in ("who", "that") for s in c.children)
        ),
        root.head if root.dep_ in ("nsubj", "nsubjpass") else None,
    )
    if (
        verb is None
        or any(c.dep_ == "neg" or c.tag_ == "MD" for c in verb.children)
        or inside_quotation(verb)
    ):
        return None  # "X will be the third champion", "'She is a proven leader,' he said"
    if verb.lemma_ in ("be", "become"):
        noun = next((c for c in verb.children if c.dep_ == "attr" and c.i > verb.i), None)
    elif verb.lemma_ in _APPOINTING_VERBS:
        noun = next((c for c in verb.children if c.dep_ == "oprd" and c.i > verb.i), None)
    elif verb.lemma_ in _SERVING_VERBS:
        preposition = next((c for c in verb.rights if c.dep_ == "prep" and c.lower_ == "as"), None)
        noun = next((c for c in preposition.children if c.dep_ == "pobj"), None) if preposition else None
    else:
        return None
    if noun is None or noun.pos_ != "NOUN" or noun.tag_ == "NNS":
        return None
    if any(t.dep_ == "pobj" and t.tag_ in ("DT", "PRP") for t in noun.subtree):
        return None  # "a doctor of this": the object is elsewhere
    return noun if person_noun(noun) or noun.lower_ in ORGANISATION_NOUNS else None
