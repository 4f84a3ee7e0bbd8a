"""Key actors: the people, organisations, places and groups an article is about.

spaCy's named entities are the raw material. They are cleaned (titles, possessives, datelines,
bylines and mis-tagged words removed), merged into one actor per referent ("Joe Biden", "Biden",
"President Biden", "Mr Biden" and "the president"), given the role the article writes for
them ("Kremlin spokesperson"), and followed through pronouns ("he", "her") so that mention
counts and the speakers of positions are right.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from summarizer.actors.affiliations import organisation_type_written, organisations_after_titles
from summarizer.actors.common import (
    PARTY_WORDS,
    PERSON_NOUNS,
    ROLE_ABBREVIATIONS,
    ActorIndex,
    Cluster,
    Mention,
    first_name_gender,
    modifies_a_common_noun,
    name_text,
    title_word,
    word_gender,
)
from summarizer.actors.coreference import cluster_mentions, follow_references
from summarizer.actors.mentions import name_mentions, skipped_tokens
from summarizer.actors.roles import (
    describe_organisation,
    describe_person,
    role_says_organisation,
    role_says_person,
)
from summarizer.actors.salience import rank, salience
from summarizer.lexicon import ORGANISATION_NOUNS
from summarizer.models import Sentence
from summarizer.segmentation import token_sentence_indices

__all__ = ["ActorIndex", "extract_actors", "first_name_gender", "salience", "word_gender"]


def extract_actors(doc: Doc, sentences: list[Sentence]) -> ActorIndex:
    """Actors ranked by salience, best first, and the token-to-actor map."""
    if not sentences:
        return ActorIndex(actors=[])
    sentence_of = token_sentence_indices(doc, sentences)
    skipped = skipped_tokens(doc, sentences, sentence_of)
    mentions = name_mentions(doc, sentence_of, skipped)
    _organisations_in_signatures(doc, mentions)
    clusters = cluster_mentions(doc, mentions)
    for cluster in list(clusters):
        if cluster.kind in ("place", "organization") and (
            role_says_person(doc, cluster, skipped) or _named_by_surname(cluster, clusters)
        ):
            cluster.kind = "person"
        elif cluster.kind == "place" and organisation_type_written(doc, cluster):
            cluster.kind = "organization"
        if cluster.kind == "person":
            describe_person(doc, cluster, skipped)
            if role_says_organisation(cluster) and not _named_by_surname(cluster, clusters):
                cluster.kind = "organization"
        elif cluster.kind == "organization":
            describe_organisation(doc, cluster, skipped)
            if _personal_role(cluster):  # "Eleanor Laws QC", tagged ORG
                cluster.kind, cluster.roles, cluster.weak_roles = "person", [], []
                describe_person(doc, cluster, skipped)
    clusters = _without_common_modifiers(doc, _without_title_words(doc, clusters))
    clusters = _with_surnames_joined(_with_glued_names_split(doc, clusters))
    by_token = follow_references(doc, clusters, sentence_of, skipped)
    index = rank(doc, sentences, clusters, by_token)
    index.ignored = frozenset(skipped)
    return index


def _organisations_in_signatures(doc: Doc, mentions: list[Mention]) -> None:
    """ "Mark Diffley, Director, Ipsos MORI Scotland said": the name after the title is the
    person's organisation, whatever the tagger made of it."""
    inside = {
        i
        for mention in mentions
        if mention.kind == "person"
        for span in organisations_after_titles(doc, mention)
        for i in span
    }
    for mention in mentions:
        if mention.start in inside and mention.end - 1 in inside:
            mention.kind = "organization"


def _personal_role(cluster: Cluster) -> bool:
    """An organisation tagged so by mistake: a first name and a surname with a person's abbreviated
    role after them ("Eleanor Laws QC"); "SNP MPs" stays a party."""
    full = cluster.full_name.split()
    if len(full) < 2 or first_name_gender(full[0]) is None:
        return False
    return any(role in ROLE_ABBREVIATIONS for role in cluster.roles)


def _without_title_words(doc: Doc, clusters: list[Cluster]) -> list[Cluster]:
    """Drop a one-word name that ends a capitalised title and that the article also writes in lower
    case ("Operations" in "UNRWA's Director of Operations"), or that is a party word of a person's
    role ("Liberal" in "Liberal Democrat Willie Rennie"): words of a role, not organisations."""
    lower = {t.text for t in doc if t.is_lower}
    role_words = {i for c in clusters if c.kind == "person" for i in c.role_tokens}
    kept: list[Cluster] = []
    for cluster in clusters:
        if cluster.kind != "person":
            cluster.mentions = [
                m
                for m in cluster.mentions
                if not (
                    m.end - m.start == 1
                    and (_ends_title(doc[m.start], lower) or _part_of_party_label(doc, m.start, role_words))
                )
            ]
        if cluster.mentions:
            kept.append(cluster)
    return kept


def _with_glued_names_split(doc: Doc, clusters: list[Cluster]) -> list[Cluster]:
    """ "... the invasion of Iraq Al-Douri was ...": a caption or sentence break lost, the tagger
    glued a place to a person. A place name made of a place's name followed by a person's name
    (each written alone elsewhere) is that person's mention."""
    things = {name for c in clusters if c.kind == "place" for name in c.names}
    people = {name: c for c in clusters if c.kind == "person" for name in c.names}
    for cluster in [c for c in clusters if c.kind == "place"]:
        for mention in [m for m in cluster.mentions if m.form == "name"]:
            words = mention.text.split()
            person = next(
                (
                    (k, people[" ".join(words[k:])])
                    for k in range(1, len(words))
                    if " ".join(words[:k]) in things
                    and people.get(" ".join(words[k:]), cluster) is not cluster
                ),
                None,
            )
            if person is None:
                continue
            k, owner = person
            suffix = " ".join(words[k:])
            start = next(
                (i for i in range(mention.start, mention.end) if name_text(doc[i : mention.end]) == suffix),
                None,
            )
            if start is None:
                continue
            cluster.mentions.remove(mention)
            mention.start, mention.kind, mention.text = start, "person", suffix
            owner.mentions = sorted([*owner.mentions, mention], key=lambda m: m.start)
    return [c for c in clusters if c.mentions]


def _without_common_modifiers(doc: Doc, clusters: list[Cluster]) -> list[Cluster]:
    """Drop a one-word organisation or place that is only ever written as a capitalised modifier of
    a common noun, while the article also writes the word in lower case ("the Cheetah exhibit" in a
    story about "a cheetah exhibit"): a common word, not a name."""
    modifiers = [
        c
        for c in clusters
        if c.kind != "person"
        and all(m.end - m.start == 1 and modifies_a_common_noun(doc[m.start]) for m in c.mentions)
    ]
    if not modifiers:
        return clusters
    lower = {t.text for t in doc if t.is_lower}
    common = {id(c) for c in modifiers if all(doc[m.start].lower_ in lower for m in c.mentions)}
    return [c for c in clusters if id(c) not in common]


def _part_of_party_label(doc: Doc, start: int, role_words: set[int]) -> bool:
    """ "Liberal" of "Liberal Democrat Willie Rennie": one word of a party label in a person's role."""
    words = [i for i in (start, start + 1) if i in role_words and i < len(doc)]
    return len(words) == 2 and all(doc[i].lower_ in PARTY_WORDS for i in words)


def _ends_title(token: Token, lower: set[str]) -> bool:
    preposition = token.head
    holder = preposition.head
    return (
        token.dep_ == "pobj"
        and token.lower_ in lower
        and preposition.lower_ in ("of", "for")
        and preposition.i == token.i - 1
        and holder.text[:1].isupper()
        and (title_word(holder) or holder.lower_ in PERSON_NOUNS)
    )


def _named_by_surname(cluster: Cluster, clusters: list[Cluster]) -> bool:
    """ "Giorgos Kyrtsos, publisher of ..." then "Kyrtsos said": a two- or three-word name that the
    article also writes as its last word alone, for a person, is a person's, whatever the tagger
    labelled it (an organisation is not called by its last word: not "Sachs" for "Goldman Sachs")."""
    full = cluster.full_name.split()
    if not 2 <= len(full) <= 3 or not all(w.isalpha() and w.istitle() for w in full):
        return False
    if any(w.lower() in ORGANISATION_NOUNS for w in full):
        return False
    alone = {full[-1]}
    return full[-1] in cluster.names or any(c.kind == "person" and set(c.names) == alone for c in clusters)


def _with_surnames_joined(clusters: list[Cluster]) -> list[Cluster]:
    """One actor for "Paris Kyriakides" and the "Kyriakides" the article writes later, which formed
    a cluster of its own while the full name was taken for a place; only when one full name fits."""
    people = [c for c in clusters if c.kind == "person"]
    by_surname: dict[str, list[Cluster]] = {}
    for cluster in people:
        full = cluster.full_name.split()
        if len(full) >= 2:
            by_surname.setdefault(full[-1], []).append(cluster)
    merged: set[int] = set()
    for cluster in people:
        names = set(cluster.names)
        if len(names) != 1:
            continue
        owners = by_surname.get(next(iter(names)), [])
        if len(owners) == 1 and owners[0] is not cluster:
            owners[0].mentions = sorted([*owners[0].mentions, *cluster.mentions], key=lambda m: m.start)
            merged.add(id(cluster))
    return [c for c in clusters if id(c) not in merged]
