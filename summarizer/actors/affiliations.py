"""Where a person is from and what kind of organisation a name is: affiliations ("of the Alpine
Lakes Protection Society", "CNN's"), a court side ("defending"), the organisation after a signature's
title ("Director, Ipsos MORI Scotland") and organisation types in apposition ("Earthjustice, an
environmental group"). Kept apart from `roles.py` because these describe the body a person belongs
to, not the person's own role."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from summarizer.actors.common import Cluster, Mention, definite, first_name_votes, person_word, title_word
from summarizer.actors.role_phrases import as_written, role_phrase
from summarizer.lexicon import ORGANISATION_NOUNS

_COURT_SIDES = frozenset({"prosecuting", "defending"})  # "Sarah Jones, defending, said"


def capitalised_role_word(token: Token) -> bool:
    """ "Director", "Chief Economist", "Head" (of Research): a role written with a capital."""
    word = token.lower_
    return title_word(token) or person_word(word)


def organisation_type_written(doc: Doc, cluster: Cluster) -> bool:
    """ "Earthjustice, an environmental group" after a person's affiliation: an organisation,
    whatever the tagger made of the name."""
    return any(organisation_type_after(doc, mention) for mention in cluster.mentions)


def organisations_after_titles(doc: Doc, mention: Mention) -> list[range]:
    """Token ranges of the organisation written after a capitalised title that follows the name:
    "Mark Diffley, Director, Ipsos MORI Scotland said" (a press-release signature)."""
    root = doc[mention.start : mention.end].root
    found = []
    for child in root.children:
        titled = child.pos_ == "PROPN" and capitalised_role_word(child)
        if child.dep_ == "appos" and child.i >= mention.end and titled:
            organisation = organisation_after_title(doc, child)
            if organisation is not None:
                found.append(organisation)
    return found


def organisation_after_title(doc: Doc, title: Token) -> range | None:
    """The run of capitalised words after the title's comma, up to the verb or the next comma;
    not a person's name (a first name opens it) and at most five words."""
    end = title.i + 1
    while end < len(doc) and doc[end].pos_ == "ADP" and end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN":
        end += 2  # "Head of Research"
    if end + 1 >= len(doc) or doc[end].text != ",":
        return None
    start = stop = end + 1
    while stop < len(doc) and stop - start < 6 and doc[stop].pos_ == "PROPN" and doc[stop].text[:1].isupper():
        stop += 1
    if stop == start or stop - start > 5 or stop >= len(doc):
        return None
    after = doc[stop]
    if not (after.text == "," or after.pos_ in ("VERB", "AUX")) or doc[start].text in first_name_votes():
        return None
    return range(start, stop)


def describes_affiliation(doc: Doc, mention: Mention, appos: Token) -> bool:
    """ "Francesca Grifo of the Union of Concerned Scientists, an activist group": an organisation
    type in apposition after the person's organisation describes the organisation."""
    between = doc[mention.end : appos.left_edge.i]
    return appos.lower_ in ORGANISATION_NOUNS and any(t.ent_type_ == "ORG" for t in between)


def organisation_type_after(doc: Doc, mention: Mention) -> tuple[str, set[int]] | None:
    """The organisation type written after an organisation that ends a person's affiliation:
    "Janette Brimmer, an attorney with Earthjustice, an environmental group"."""
    if mention.end + 1 >= len(doc) or doc[mention.end].text != ",":
        return None
    for token in doc[mention.end + 1 : mention.end + 6]:
        if token.dep_ == "appos" and token.lower_ in ORGANISATION_NOUNS and token.head.i < mention.end:
            if token.left_edge.i != mention.end + 1:
                return None
            role = role_phrase(doc, token, exclude=doc[mention.start : mention.end])
            return (role, {t.i for t in token.subtree}) if role else None
    return None


def names_organisation_type(head: Token) -> bool:
    """ "the Russian Federal Space Agency", "the American space agency": a noun phrase whose head says
    what kind of organisation it is, capitalised or not."""
    return head.lower_ in ORGANISATION_NOUNS and definite(head)


def affiliation_of(doc: Doc, mention: Mention, person: bool) -> tuple[str, set[int]] | None:
    """Where a person is from, when that is their only description: "Rick McGuire of the Alpine Lakes
    Protection Society", "Dr Jane Holt, from the University of Leeds,", "CNN's Wolf Blitzer"; or
    their side in a court report ("Sarah Jones, defending,")."""
    at = mention.end + 1 if mention.end < len(doc) and doc[mention.end].text == "," else mention.end
    after = doc[at] if at < len(doc) else None
    set_off = at > mention.end
    side = after is not None and set_off and after.lower_ in _COURT_SIDES
    if side and doc[min(at + 1, len(doc) - 1)].is_punct:
        return after.text, {after.i}
    prepositions = ("of", "from", "at") if set_off else ("of", "from")
    name_root = doc[mention.start : mention.end].root
    if after is not None and after.lower_ in prepositions and after.head.i == name_root.i:
        objects = [c for c in after.children if c.dep_ == "pobj"]
        if objects and objects[0].ent_type_ == "ORG" and (not set_off or _organisation_named(objects[0])):
            tokens = [after, *objects[0].subtree]
            comma = next((k for k, t in enumerate(tokens) if t.text == ","), len(tokens))
            tokens = tokens[:comma]  # "of the Alliance, an advocacy group": the group is the Alliance's
            if tokens[-1].i - after.i + 1 == len(tokens) and not any(t.is_punct for t in tokens):
                return as_written(tokens), {t.i for t in tokens}
    before = mention.start - 1
    if before > 0 and doc[before].tag_ == "POS" and _names_a_body(doc[before - 1], person):
        start = before - 1
        while start > 0 and (doc[start].ent_iob_ == "I" or _compound_of(doc[start - 1], doc[before - 1])):
            start -= 1
        return as_written(list(doc[start : before + 1])), set(range(start, before + 1))
    return None


def _organisation_named(head: Token) -> bool:
    """ "the University of Leeds", "Imperial College London": an organisation by its words, not an
    address ("Jason Hale, of Oldbury,") that the tagger labelled ORG."""
    words = {t.lower_ for t in head.subtree}
    return any(c.dep_ == "det" for c in head.children) or bool(words & (ORGANISATION_NOUNS | {"college"}))


def _names_a_body(owner: Token, person: bool) -> bool:
    """ "CNN's", "Sportsmail's", "Liverpool's" (a club the tagger took for the city) before a
    person's name: an organisation's, or an untagged name's or a place's before a person's
    ("Obama's Joe Biden" is no affiliation, "London's Air Ambulance" no role)."""
    return owner.ent_type_ == "ORG" or (person and owner.pos_ == "PROPN" and owner.ent_type_ in ("", "GPE"))


def _compound_of(word: Token, owner: Token) -> bool:
    return word.pos_ == "PROPN" and word.dep_ == "compound" and word.head.i == owner.i
