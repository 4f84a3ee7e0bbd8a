"""Key actors: the people, organisations, places and groups an article is about.

spaCy's named entities are the raw material. They are cleaned (titles, possessives, datelines,
bylines and mis-tagged words removed), merged into one actor per referent ("Joe Biden", "Biden",
"President Biden", "Mr Biden" and "the president"), given the role the article writes for
them ("Kremlin spokesperson"), and followed through pronouns ("he", "her") so that mention
counts and the speakers of positions are right.
"""

from __future__ import annotations

from spacy.tokens import Doc

from summarizer.actors.common import ROLE_ABBREVIATIONS, ActorIndex, Cluster, first_name_gender
from summarizer.actors.coreference import cluster_mentions, follow_references
from summarizer.actors.mentions import name_mentions, skipped_tokens
from summarizer.actors.roles import (
    describe_organisation,
    describe_person,
    role_says_organisation,
    word_gender,
)
from summarizer.actors.salience import rank, salience
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
    clusters = cluster_mentions(doc, mentions)
    for cluster in clusters:
        if cluster.kind == "person":
            describe_person(doc, cluster, skipped)
            if role_says_organisation(cluster):
                cluster.kind = "organization"
        elif cluster.kind == "organization":
            describe_organisation(doc, cluster, skipped)
            if _personal_role(cluster):  # "Eleanor Laws QC", tagged ORG
                cluster.kind, cluster.roles = "person", []
                describe_person(doc, cluster, skipped)
    by_token = follow_references(doc, clusters, sentence_of, skipped)
    index = rank(doc, sentences, clusters, by_token)
    index.ignored = frozenset(skipped)
    return index


def _personal_role(cluster: Cluster) -> bool:
    """An organisation tagged so by mistake: a first name and a surname with a person's abbreviated
    role after them ("Eleanor Laws QC"); "SNP MPs" stays a party."""
    full = max(cluster.names, key=lambda n: len(n.split()), default="").split()
    if len(full) < 2 or first_name_gender(full[0]) is None:
        return False
    return any(role in ROLE_ABBREVIATIONS for role in cluster.roles)
