"""One actor per referent: names merged with their short forms, spellings and initials ("Biden",
"President Biden", "J. Blinken", "TimeWarner"), kinds settled by vote, and pronouns and role phrases
("he", "the spokeswoman") resolved to the person they refer to."""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

from spacy.tokens import Doc, Token

from summarizer.actors.common import (
    NAME_CONNECTORS,
    PERSON_NOUNS,
    ROLE_ABBREVIATIONS,
    TITLES,
    Cluster,
    Gender,
    Mention,
    definite,
    first_name_gender,
    first_name_votes,
    name_key,
    person_word,
    title_word,
    word_gender,
)
from summarizer.actors.role_phrases import role_phrase
from summarizer.lexicon import SPEECH_VERBS
from summarizer.models import ActorKind
from summarizer.segmentation import find_quotations

_HE = frozenset({"he", "him", "his", "himself"})

_SHE = frozenset({"she", "her", "hers", "herself"})

_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})

_PRONOUN_WINDOW = 2  # sentences back that a pronoun may reach

_FAR_PRONOUN_WINDOW = 8  # ... when the person's gender is known

_AGE_PHRASE = re.compile(r"\b\d+-year-old\b")  # "the 39-year-old", "the 20-year-old murder suspect"

_JOURNALIST_NOUNS = frozenset({"reporter", "correspondent", "editor", "journalist"})
# Words that make a role another role: a deputy prime minister is not "the prime minister".
_ROLE_QUALIFIERS = frozenset({
    "deputy", "vice", "shadow", "former", "acting", "interim", "assistant", "junior",
})  # fmt: skip


def _vote_kind(doc: Doc, cluster: Cluster, long_names: set[str]) -> ActorKind:
    """Person if PERSON labels plus person contexts (x3: "Mr X", "defender X") outweigh the
    other labels, unless the name is part of a longer organisation or place name ("Dortmund")."""
    kinds = Counter(m.kind for m in cluster.mentions)
    if cluster.kind == "group":
        return "group"
    person_votes = kinds["person"] + 3 * sum(_person_context(doc, m) for m in cluster.mentions)
    others = {k: n for k, n in kinds.items() if k != "person"}
    # "Labour MPs", "Apple shares": a name modifying a noun is rarely a person's
    modifier_votes = sum(_modifies_a_noun(doc, m) for m in cluster.mentions)
    single_word = all(" " not in name_key(m) for m in cluster.mentions)
    part_of_longer_name = single_word and name_key(cluster.mentions[0]) in long_names
    # "Zoo visitor Terra Lurie", tagged ORG; not "south London"
    labelled_or_titled = kinds["person"] or (person_votes >= 3 and set(kinds) == {"organization"})
    if (
        labelled_or_titled
        and person_votes > sum(others.values()) + modifier_votes
        and not part_of_longer_name
    ):
        return "person"
    if not others:
        return "person" if person_votes > 2 * modifier_votes else "organization"
    return max(others, key=lambda k: (others[k], k == cluster.mentions[0].kind))


def _modifies_a_noun(doc: Doc, mention: Mention) -> bool:
    root = doc[mention.start : mention.end].root
    return root.dep_ == "compound" and root.head.pos_ == "NOUN"


def _person_context(doc: Doc, mention: Mention) -> bool:
    if mention.start == 0:
        return False
    before = doc[mention.start - 1]
    role_word = before.tag_ in ("NN", "JJ") and before.is_lower and before.head.i == mention.end - 1
    first_name = before.is_title and before.text in first_name_votes()  # "Per" tagged as a preposition
    root = doc[mention.start : mention.end].root
    # "who gave only her first name, Veatriki,": what a person's name is called is a person's
    named = root.dep_ == "appos" and root.head.lemma_ == "name" and root.head.pos_ == "NOUN"
    return title_word(before) or role_word or first_name or named


def cluster_mentions(doc: Doc, mentions: list[Mention]) -> list[Cluster]:
    """One cluster per referent: full names first, then short forms matched to them."""
    persons = [m for m in mentions if m.kind == "person" and len(m.text.split()) > 1]
    clusters: list[Cluster] = []
    for mention in persons:
        cluster = next((c for c in clusters if _same_person(c, mention.text)), None)
        if cluster is None:
            cluster = Cluster("person")
            clusters.append(cluster)
        cluster.mentions.append(mention)
    singles: dict[tuple[str, str], Cluster] = {}
    others: list[Cluster] = []
    for mention in mentions:
        if mention.kind == "person" and len(mention.text.split()) > 1 and not mention.tentative:
            continue
        person = _person_for_short_name(clusters, mention)
        if person is not None:
            mention.kind = "person"
            person.mentions.append(mention)
            continue
        if mention.tentative:
            continue
        # The tagger often labels one name differently from place to place (Mertesacker as ORG
        # four times and PERSON once; a club as ORG, then FAC): one bucket, then a vote.
        bucket = "group" if mention.kind == "group" else "name"
        key = (bucket, name_key(mention))
        cluster = singles.get(key)
        if cluster is None:
            cluster = singles[key] = Cluster(mention.kind)
            others.append(cluster)
        cluster.mentions.append(mention)
    thing_keys = [name_key(m) for m in mentions if m.kind != "person"]
    long_names = {w for key in thing_keys if " " in key for w in key.split()[1:]}
    long_names |= {key.split()[0] for key in thing_keys if " " in key}
    for cluster in others:
        cluster.kind = _vote_kind(doc, cluster, long_names)
    merged = _merge_short_forms([*clusters, *others])
    for cluster in merged:
        cluster.mentions.sort(key=lambda m: m.start)
    return merged


def _same_person(cluster: Cluster, name: str) -> bool:
    words = _name_words(name)
    for other in cluster.names:
        theirs = _name_words(other)
        if len(theirs) > 1 and theirs[-1] == words[-1] and _compatible_first(theirs[0], words[0]):
            return True
        shorter, longer = sorted((words, theirs), key=len)
        if 1 < len(shorter) < len(longer) and longer[-len(shorter) :] == shorter:
            return True  # "J. Blinken" and "Antony J. Blinken"
    return False


def _name_words(name: str) -> list[str]:
    words = [w.strip(".,").lower() for w in name.split()]
    return [w for w in words if w and w not in _NAME_SUFFIXES] or words


def _compatible_first(a: str, b: str) -> bool:
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    return _short_form_of(a, b) or _short_form_of(b, a)


def _short_form_of(short: str, full: str) -> bool:
    """ "Andy" for "Andrew", "Chris" for "Christopher": a short first name sharing the full one's first
    three letters, and not a name of the other gender ("Mark" is not "Maria")."""
    if not 3 <= len(short) < len(full) or short[:3] != full[:3]:
        return False
    genders = {first_name_gender(short.title()), first_name_gender(full.title())}
    return len(genders - {None}) <= 1


def _person_for_short_name(clusters: list[Cluster], mention: Mention) -> Cluster | None:
    """The full-named person a one-word name (possibly tagged ORG/GPE by mistake) refers to."""
    words = _name_words(mention.text)
    if len(words) > 1:
        candidates = [c for c in clusters if any(_name_words(n) == words for n in c.names)]
    else:
        by_surname = [c for c in clusters if any(_name_words(n)[-1:] == words for n in c.names)]
        by_first = [c for c in clusters if any(_name_words(n)[:1] == words for n in c.names)]
        # A one-word place matching a first name is the place ("Jordan"), unless a first name
        # that is no place name at all ("Jörg", tagged GPE).
        first_name = mention.text in first_name_votes()
        candidates = {
            "person": by_surname or by_first,
            "organization": by_surname or by_first,
            "place": by_surname or (by_first if first_name else []),
            "group": [],
        }[mention.kind]
        if mention.tentative:
            # an untagged "Keir" is Keir Starmer when he is the only Keir
            candidates = by_surname or (by_first if len(by_first) == 1 else [])
        # "Mrs Saunders" is not "Pete Saunders"
        candidates = [c for c in candidates if not _gender_conflict(c, mention.honorific_gender)]
    if not candidates:
        return None
    before = [c for c in candidates if c.mentions[0].start < mention.start]
    pool = before or candidates
    return max(pool, key=lambda c: max((m.start for m in c.mentions if m.start < mention.start), default=-1))


def _gender_conflict(cluster: Cluster, gender: Gender | None) -> bool:
    if gender is None:
        return False
    full = cluster.full_name
    known = next((m.honorific_gender for m in cluster.mentions if m.honorific_gender), None)
    known = known or (first_name_gender(full.split()[0]) if len(full.split()) > 1 else None)
    return known is not None and known != gender


def _merge_spellings(clusters: list[Cluster]) -> list[Cluster]:
    """One actor for names written with and without spaces or hyphens ("TimeWarner", "Time Warner").
    A person is compared by full names only: "Frank Jordan" and "Louis Jordan" share "Jordan"."""
    by_key: dict[str, Cluster] = {}
    result: list[Cluster] = []
    for cluster in clusters:
        keys = {
            re.sub(r"[\s.\-]", "", name_key(m))
            for m in cluster.mentions
            if m.form == "name" and (cluster.kind != "person" or len(m.text.split()) > 1)
        }
        host = next((by_key[k] for k in keys if k in by_key), None)
        if host is not None and host.kind != "place" and cluster.kind != "place":
            host.mentions.extend(cluster.mentions)
            continue
        result.append(cluster)
        for key in keys:
            by_key.setdefault(key, cluster)
    return result


def _merge_short_forms(clusters: list[Cluster]) -> list[Cluster]:
    """Fold "Goldman" into "Goldman Sachs", "WHO" into "World Health Organization", "Keir" into
    "Keir Starmer" when the short form fits exactly one longer name of the same kind."""
    clusters = _merge_spellings(clusters)
    result: list[Cluster] = []
    for cluster in clusters:
        short = {name_key(m) for m in cluster.mentions}
        if any(len(k.split()) > 1 for k in short):
            result.append(cluster)
            continue
        hosts = [
            other
            for other in clusters
            if other is not cluster
            and other.kind == cluster.kind
            and any(_abbreviates(k, m) for k in short for m in other.mentions)
        ]
        genders = {m.honorific_gender for m in cluster.mentions} - {None}
        if cluster.kind == "person":
            hosts = [h for h in hosts if not any(_gender_conflict(h, g) for g in genders)]
        if len(hosts) == 1:
            hosts[0].mentions.extend(cluster.mentions)
        else:
            result.append(cluster)
    return result


def _abbreviates(short: str, mention: Mention) -> bool:
    words = name_key(mention).split()
    if len(words) < 2:
        return False
    if mention.kind == "person":
        return short in (words[0], words[-1])
    initials = "".join(w[0] for w in words if w not in NAME_CONNECTORS)
    return short == words[0] or (len(short) > 1 and short == initials)


def follow_references(
    doc: Doc, clusters: list[Cluster], sentence_of: list[int], skipped: set[int]
) -> dict[int, Cluster]:
    """Resolve he/she pronouns and "the spokeswoman"-style phrases, left to right, learning each
    person's gender from unambiguous pronouns as it goes. Returns token index -> cluster."""
    by_token: dict[int, Cluster] = {}
    starts: dict[int, tuple[Cluster, Mention]] = {}
    for cluster in clusters:
        for mention in cluster.mentions:
            starts[mention.start] = (cluster, mention)
            for i in range(mention.start, mention.end):
                by_token[i] = cluster
    in_quote = _quoted_tokens(doc)
    role_words = {i for c in clusters for i in c.role_tokens}
    recent: list[tuple[Token, Cluster]] = []  # person mentions so far, with their head token
    for token in doc:
        if token.i in starts:
            cluster, mention = starts[token.i]
            if cluster.kind == "person":
                recent.append((doc[mention.start : mention.end].root, cluster))
            continue
        if token.i in skipped or token.i in in_quote or token.i in by_token or token.i in role_words:
            continue
        gender = _pronoun_gender(token)
        if gender is not None:
            cluster = _resolve(token, gender, recent, sentence_of)
        elif _is_role_phrase_head(token):
            cluster = _resolve_role_phrase(token, clusters, recent, sentence_of, role_words)
        elif _is_own_journalist(token):
            cluster = _outlet_journalist(clusters, recent)
        else:
            continue
        if cluster is None:
            continue
        by_token[token.i] = cluster
        form: Literal["pronoun", "nominal"] = "pronoun" if gender is not None else "nominal"
        alias = "" if gender is not None else _nominal_text(token)
        mention = Mention(token.i, token.i + 1, "person", token.text, sentence_of[token.i], form, alias)
        cluster.mentions.append(mention)
        recent.append((token, cluster))
    for cluster in clusters:
        cluster.mentions.sort(key=lambda m: m.start)
        cluster.speaker = any(_is_speaker(doc[i]) for m in cluster.mentions for i in range(m.start, m.end))
    return by_token


def _quoted_tokens(doc: Doc) -> set[int]:
    quoted: set[int] = set()
    for quotation in find_quotations(doc):
        quoted.update(range(quotation.start, quotation.end))
    return quoted


def _pronoun_gender(token: Token) -> Gender | None:
    if token.tag_ not in ("PRP", "PRP$"):
        return None
    if token.lower_ in _HE:
        return "m"
    if token.lower_ in _SHE:
        return "f"
    return None


def _resolve(
    pronoun: Token, gender: Gender | None, recent: list[tuple[Token, Cluster]], sentence_of: list[int]
) -> Cluster | None:
    """The person a he/she pronoun refers to: recent, preferably a subject, gender-compatible.

    Each candidate scores by its best recent mention: 1/(1 + sentences back), +0.5 for being a
    main-clause subject (+0.25 inside a reported or subordinate clause: in "Smith told WRAL that
    Lane never made advances. He described him as ...", "He" is Smith), +0.3 when its gender is
    known to match. Known-mismatching genders are out; so is
    the subject of the pronoun's own verb for an object pronoun ("Smith praised him").
    """
    now = sentence_of[pronoun.i]
    scores: dict[int, tuple[float, Cluster]] = {}
    # "The refugees are furious with President Bashir, he says": the speaker is no one named in
    # what he is said to say
    verb = pronoun.head
    reported = (
        {t.i for t in verb.subtree} if pronoun.dep_ == "nsubj" and verb.lemma_ in SPEECH_VERBS else set()
    )
    for head, cluster in reversed(recent):
        distance = now - sentence_of[head.i]
        if distance > _PRONOUN_WINDOW:
            break
        if head.i in reported:
            continue
        if gender is not None and cluster.gender not in (None, gender):
            continue
        if (
            pronoun.dep_ in ("dobj", "dative", "iobj")
            and head.dep_ == "nsubj"
            and head.head.i == pronoun.head.i
        ):
            continue
        score = 1 / (1 + distance) + _subject_bonus(head)
        score += 0.3 if gender is not None and cluster.gender == gender else 0
        score += head.i * 1e-6  # later wins a tie
        if score > scores.get(id(cluster), (-1.0, cluster))[0]:
            scores[id(cluster)] = (score, cluster)
    if not scores:
        # Further back, only a person known to have this gender ("She" three paragraphs on).
        return next(
            (
                cluster
                for head, cluster in reversed(recent)
                if gender is not None
                and cluster.gender == gender
                and now - sentence_of[head.i] <= _FAR_PRONOUN_WINDOW
            ),
            None,
        )
    ranked = sorted(scores.values(), key=lambda item: item[0], reverse=True)
    chosen = ranked[0][1]
    if chosen.gender is None and len(ranked) == 1 and gender is not None:
        chosen.gender = gender  # the only candidate: learn who "he"/"she" is
    return chosen


def _subject_bonus(head: Token) -> float:
    if head.dep_ == "appos":
        head = head.head  # "His cousin, Steve Smith, told WRAL": the subject is "cousin"
    if _is_speaker(head) and head.dep_ == "pobj":
        return 0.5  # "according to John Ging": the source, as a speaking subject is
    if head.dep_ not in ("nsubj", "nsubjpass"):
        return 0.0
    verb = head.head
    main = verb.dep_ in ("ROOT", "conj") or verb.lemma_ in SPEECH_VERBS
    return 0.5 if main else 0.25


def _is_role_phrase_head(token: Token) -> bool:
    """ "the spokeswoman", "the prime minister", "the 39-year-old": a definite singular phrase."""
    # "The Prime Minister said", "The former Labour MP"
    capitalised_title = token.tag_ == "NNP" and (title_word(token) or token.text in ROLE_ABBREVIATIONS)
    if (
        (token.tag_ not in ("NN", "JJ") and not capitalised_title)
        or token.ent_type_ not in ("", "DATE")
        or token.dep_ in ("compound", "amod", "appos")
    ):
        return False  # (spaCy often tags "the 28-year-old" as a DATE)
    if any(child.dep_ == "appos" and child.pos_ != "NUM" for child in token.children):
        return False  # "the prime minister, Sir Keir Starmer": the name is counted already (not "MP, 71,")
    return definite(token)


def _resolve_role_phrase(
    token: Token,
    clusters: list[Cluster],
    recent: list[tuple[Token, Cluster]],
    sentence_of: list[int],
    role_words: set[int],
) -> Cluster | None:
    """The person whose role or title the phrase names. A proper modifier must match too:
    "the German boss" is not the "Arsenal boss". "the 39-year-old" refers back like a pronoun."""
    phrase = _nominal_text(token).lower().removeprefix("the ")
    proper = {t.lower_ for t in token.lefts if t.pos_ == "PROPN" or t.ent_type_ in ("NORP", "GPE", "ORG")}
    candidates = []
    seen_before = {id(c) for _, c in recent}  # a role phrase refers back, not ahead
    for cluster in clusters:
        written = " ".join([*cluster.roles, *cluster.titles]).lower()
        words = set(re.split(r"[\s-]+", written))  # "Secretary" of "Secretary-General" too
        if cluster.kind != "person" or id(cluster) not in seen_before or not proper <= words:
            continue
        written_roles = [r.lower() for r in [*cluster.roles, *cluster.titles]]
        ends_a_role = any(r.endswith(" " + phrase) for r in written_roles)  # "UN Secretary-General"
        named_by_role = token.lower_ in cluster.descriptors or ends_a_role
        if phrase in written_roles or (named_by_role and not _qualified_away(phrase, token, cluster)):
            candidates.append(cluster)
    if not candidates and token.tag_ == "NNP" and (_is_speaker(token) or token.dep_ == "nsubj"):
        # "The Prime Minister said ...": a capitalised title as a speaker or subject is the person just named,
        # and the title is that person's role when the article gave none at the name
        chosen = _resolve(token, None, recent, sentence_of)
        if chosen is not None and not chosen.roles and not chosen.titles:
            chosen.roles.append(_nominal_text(token).removeprefix("the "))
        return chosen
    if not candidates and (_AGE_PHRASE.search(phrase) or _describes_a_person(token, role_words)):
        # "the 36-year-old publican", "the Hollywood actress claims": a described person as a subject
        # refers back like a pronoun, and says who they are when the article said nothing else
        # "the relieved father" is not the person the article called "son"; a person named in the
        # same sentence is not described there again ("the shooting of Alexis, 15, ... the police
        # officer took aim"), unless by age ("Deputies rushed Stancil ... after the 20-year-old swore")
        now = sentence_of[token.i]
        others = [
            (head, c)
            for head, c in recent
            if not _known_as_another(c, token) and (_AGE_PHRASE.search(phrase) or sentence_of[head.i] < now)
        ]
        chosen = _resolve(token, word_gender(token.lower_), others, sentence_of)
        role = role_phrase(token.doc, token, exclude=token.doc[token.i : token.i])
        says_more_than_age = bool(_AGE_PHRASE.sub("", role).strip())
        if chosen is not None and not chosen.roles and not chosen.titles and says_more_than_age:
            chosen.roles.append(role)
        return chosen
    if not candidates:
        return None
    last_seen = {id(c): head.i for head, c in recent}
    return max(candidates, key=lambda c: last_seen.get(id(c), -1))


def _known_as_another(cluster: Cluster, token: Token) -> bool:
    """The article named this person by another person noun ("son", "spokesman") and never by
    the phrase's head noun."""
    heads = {role.lower().split()[-1] for role in [*cluster.roles, *cluster.titles] if role.split()}
    return bool(heads & (PERSON_NOUNS | TITLES.keys())) and token.lower_ not in heads


def _describes_a_person(token: Token, role_words: set[int]) -> bool:
    """ "the Hollywood actress", "the relieved father", "The former Labour MP": a definite phrase,
    subject of its clause, whose head noun only a person can be, with no clause saying which one,
    and that does not take up an unnamed person introduced before ("a police spokeswoman said ...
    the spokeswoman said")."""
    head = token.lower_ if token.is_lower else token.text
    personal = person_word(head) or token.text in ROLE_ABBREVIATIONS
    if not personal or token.dep_ not in ("nsubj", "nsubjpass"):
        return False
    if any(c.dep_ in ("acl", "relcl", "prep") for c in token.rights):
        return False  # "the lawyer acting for the officer": says which one, a person of its own
    return not any(t.lower_ == token.lower_ and t.i not in role_words for t in token.doc[: token.i])


def _is_own_journalist(token: Token) -> bool:
    """ "our reporter", "our correspondent": the outlet's own journalist."""
    return token.lower_ in _JOURNALIST_NOUNS and any(
        c.lower_ == "our" and c.dep_ == "poss" for c in token.children
    )


def _outlet_journalist(clusters: list[Cluster], recent: list[tuple[Token, Cluster]]) -> Cluster | None:
    """The one person named before as an outlet's ("The BBC's James Copnall") or as a journalist."""
    seen = {id(c) for _, c in recent}
    found = [
        c
        for c in clusters
        if c.kind == "person"
        and id(c) in seen
        and any(
            r.replace("’", "'").endswith("'s") or set(r.lower().split()) & _JOURNALIST_NOUNS for r in c.roles
        )
    ]
    return found[0] if len(found) == 1 else None


def _qualified_away(phrase: str, token: Token, cluster: Cluster) -> bool:
    """ "the Prime Minister" is not the "Deputy Prime Minister": every role of the person that ends
    in the phrase's head noun has a qualifier ("deputy", "shadow", "former") the phrase lacks."""
    said = set(phrase.split())
    written = [r.lower().split() for r in [*cluster.roles, *cluster.titles]]
    ending = [words for words in written if words and words[-1].endswith(token.lower_)]
    return bool(ending) and all(_ROLE_QUALIFIERS & set(words) - said for words in ending)


def _nominal_text(token: Token) -> str:
    """The phrase as written up to its head: "the prime minister", "the 39-year-old"."""
    words = [t for t in token.subtree if t.i <= token.i]
    start = max((t.i for t in words if t.dep_ == "det"), default=token.i)
    text = token.doc[start : token.i + 1].text
    return text[0].lower() + text[1:] if text.startswith("The ") else text


def _is_speaker(token: Token) -> bool:
    if token.dep_ == "nsubj" and token.head.lemma_ in SPEECH_VERBS:
        return True
    return token.dep_ == "pobj" and token.head.lower_ == "to" and token.head.head.lower_ == "according"
