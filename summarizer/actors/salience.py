"""Ranking actors: the salience score, and the Actor records the briefing shows."""

from __future__ import annotations

from spacy.tokens import Doc

from summarizer.actors.common import ActorIndex, Cluster
from summarizer.models import Actor, ActorKind, Sentence

_SALIENCE_KIND_WEIGHT: dict[ActorKind, float] = {
    "person": 1.0,
    "organization": 0.9,
    "group": 0.8,
    "place": 0.7,
}

_LEAD_SENTENCES = 3


def rank(
    doc: Doc, sentences: list[Sentence], clusters: list[Cluster], by_cluster_token: dict[int, Cluster]
) -> ActorIndex:
    """Salience in 0..1, documented in `salience`; actors sorted best first."""
    counts = [len(c.mentions) for c in clusters]
    most = max(counts, default=1)
    text_length = max(len(doc.text), 1)
    scored: list[tuple[float, int, Cluster, Actor]] = []
    for cluster in clusters:
        actor = _actor(cluster)
        actor.salience = salience(
            mentions=len(cluster.mentions),
            most_mentions=most,
            first_position=doc[cluster.mentions[0].start].idx / text_length,
            speaker=cluster.speaker,
            in_lead=cluster.mentions[0].sentence < _LEAD_SENTENCES,
            kind=cluster.kind,
        )
        scored.append((actor.salience, cluster.mentions[0].start, cluster, actor))
    scored.sort(key=lambda item: (-item[0], item[1]))
    actor_of = {id(cluster): actor for _, _, cluster, actor in scored}
    by_token = {i: actor_of[id(c)] for i, c in by_cluster_token.items()}
    timeline = sorted((m.start, m.sentence, actor_of[id(c)]) for _, _, c, _ in scored for m in c.mentions)
    genders = {actor.name: c.gender for _, _, c, actor in scored if c.gender is not None}
    return ActorIndex(
        actors=[actor for *_, actor in scored], by_token=by_token, timeline=timeline, genders=genders
    )


def salience(
    *,
    mentions: int,
    most_mentions: int,
    first_position: float,
    speaker: bool,
    in_lead: bool,
    kind: ActorKind,
) -> float:
    """How central an actor is, 0..1.

    0.45 x mentions relative to the most-mentioned actor (aliases, pronouns and role phrases
    included) + 0.20 x how early the first mention comes (1 at the start, 0 at the end)
    + 0.20 if the actor speaks (subject of a speech verb, or "according to" them)
    + 0.15 if mentioned in the first three sentences; then weighted by kind (person 1.0,
    organisation 0.9, group 0.8, place 0.7), as places are more often setting than actor.
    """
    score = 0.45 * mentions / max(most_mentions, 1) + 0.20 * (1 - first_position)
    score += (0.20 if speaker else 0.0) + (0.15 if in_lead else 0.0)
    return round(score * _SALIENCE_KIND_WEIGHT[kind], 3)


def _actor(cluster: Cluster) -> Actor:
    names = [m for m in cluster.mentions if m.form == "name"]
    canonical = max(names, key=lambda m: (len(m.text.split()), len(m.text), -m.start)).text
    if cluster.kind == "group":
        plural = [m.text for m in names if m.text.lower().endswith("s")]
        canonical = plural[0] if plural else canonical
    aliases: list[str] = []
    seen = {canonical.lower()}
    for mention in cluster.mentions:
        for form in (mention.text if mention.form == "name" else "", mention.alias):
            if form and form.lower() not in seen:
                seen.add(form.lower())
                aliases.append(form)
    role = _written_role(cluster)
    return Actor(
        name=canonical, kind=cluster.kind, role=role, aliases=aliases, mentions=len(cluster.mentions)
    )


_AFFILIATION_WORDS = frozenset({"of", "with", "from", "at", "for"})


def _written_role(cluster: Cluster) -> str:
    """The first role written for the actor; a lone noun ("compatriot", "victim") gives way to the
    first fuller one ("Borussia Dortmund boss"), which says which one they are. A title comes next,
    then a role only said of them ("X is the director of ...") or relating them to someone else."""
    if not cluster.roles:
        return next(iter([*cluster.titles, *cluster.weak_roles]), "")
    first = cluster.roles[0]
    if len(first.split()) > 1:
        return first
    # an affiliation alone ("of the Center for ...") says less than the role noun it follows
    fuller = (r for r in cluster.roles[1:] if len(r.split()) > 1 and r.split()[0] not in _AFFILIATION_WORDS)
    return next(fuller, first)
