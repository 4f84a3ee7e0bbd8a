"""Key actors: the people, organisations, places and groups an article is about.

spaCy's named entities are the raw material. They are cleaned (titles, possessives, datelines,
bylines and mis-tagged words removed), merged into one actor per referent ("Joe Biden", "Biden",
"President Biden", "Mr Biden" and "the president"), given the role the article writes for
them ("Kremlin spokesperson"), and followed through pronouns ("he", "her") so that mention
counts and the speakers of positions are right.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from spacy.tokens import Doc, Span, Token

from summarizer.lexicon import SPEECH_VERBS
from summarizer.models import Actor, ActorKind, Sentence
from summarizer.segmentation import find_quotations, paragraph_starts, token_sentence_indices

Gender = Literal["m", "f"]

_KIND_OF_LABEL: dict[str, ActorKind] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}
# Honorifics say who someone is (and their gender) but are not a role.
_HONORIFICS: dict[str, Gender | None] = {
    "mr": "m", "mrs": "f", "ms": "f", "miss": "f", "mx": None, "sir": "m", "dame": "f",
    "lord": "m", "lady": "f", "madam": "f", "dr": None, "prof": None, "professor": None,
}  # fmt: skip
# Titles written before a name; stripped from the name and kept as a role when none is better.
_TITLES: dict[str, Gender | None] = {
    "president": None, "minister": None, "chancellor": None, "senator": None, "sen": None,
    "representative": None, "rep": None, "congressman": "m", "congresswoman": "f", "governor": None,
    "gov": None, "mayor": None, "secretary": None, "judge": None, "justice": None, "king": "m",
    "queen": "f", "prince": "m", "princess": "f", "duke": "m", "duchess": "f", "pope": "m",
    "cardinal": "m", "bishop": None, "archbishop": None, "rev": None, "reverend": None, "rabbi": None,
    "imam": "m", "general": None, "gen": None, "colonel": None, "col": None, "lieutenant": None,
    "lt": None, "captain": None, "capt": None, "sergeant": None, "sgt": None, "officer": None,
    "detective": None, "det": None, "inspector": None, "supt": None, "superintendent": None,
    "commissioner": None, "ambassador": None, "chairman": "m", "chairwoman": "f", "speaker": None,
    "councillor": None, "cllr": None, "premier": None, "emperor": "m", "sheikh": "m", "ayatollah": "m",
    "admiral": None, "adm": None, "major": None, "maj": None, "corporal": None, "cpl": None,
    "private": None, "pte": None, "constable": None, "chief": None, "coach": None, "father": "m",
    "sister": "f", "brother": "m", "uncle": "m", "aunt": "f", "grandmother": "f", "grandfather": "m",
    "fusilier": None, "trooper": None, "gunner": None, "sapper": None, "marine": None, "airman": None,
    "seaman": None, "lance": None, "bombardier": None, "guardsman": "m", "rifleman": "m",
}  # fmt: skip
# Words that only occur inside a multi-word title ("Prime Minister", "Vice President").
_TITLE_PARTS = frozenset({
    "prime", "vice", "deputy", "acting", "interim", "first", "attorney", "foreign", "shadow", "junior",
})  # fmt: skip
# Last words of names of events and occasions, which the tagger often labels ORG ("General Election").
_EVENT_WORDS = frozenset({
    "election", "elections", "budget", "referendum", "summit", "review", "statement", "speech", "debate",
    "conference", "games", "olympics", "cup", "championship", "championships", "war", "crisis", "scandal",
    "inquiry", "act", "bill", "treaty", "agreement", "accord", "festival", "awards", "day", "week",
})  # fmt: skip
# Words before a capitalised title that show it names a work, not an organisation ("the film Argo").
_WORK_NOUNS = frozenset({
    "film", "movie", "show", "series", "album", "book", "novel", "song", "play", "documentary",
})  # fmt: skip
_FEMALE_WORDS = frozenset({
    "woman", "women", "actress", "mother", "wife", "daughter", "sister", "girlfriend", "grandmother",
    "widow", "queen", "princess", "duchess", "girl", "waitress", "heiress", "mum", "mom", "aunt", "niece",
    "bride", "lady", "mistress", "stepmother",
})  # fmt: skip
_MALE_WORDS = frozenset({
    "man", "men", "father", "husband", "son", "brother", "boyfriend", "grandfather", "widower", "king",
    "prince", "duke", "boy", "dad", "uncle", "nephew", "groom", "stepfather",
})  # fmt: skip
_HE = frozenset({"he", "him", "his", "himself"})
_SHE = frozenset({"she", "her", "hers", "herself"})
_NAME_CONNECTORS = frozenset({
    "of", "the", "and", "for", "on", "&", "de", "del", "della", "der", "di", "du", "da", "van", "von", "al",
    "el", "bin", "ibn", "la", "le", "y",
})  # fmt: skip
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Last words of football and other club names, which spaCy tags as people ("Manchester United").
_CLUB_SUFFIXES = frozenset({
    "United", "City", "FC", "AFC", "Rovers", "Athletic", "Wanderers", "Albion", "Rangers", "Hotspur",
    "Argyle", "Utd", "Academicals", "Thistle",
})  # fmt: skip
# Nouns for a team's people and parts: "Arsenal's players", "the manager of Fulham".
_TEAM_NOUNS = frozenset({
    "players", "squad", "side", "fans", "supporters", "striker", "strikers", "goalkeeper", "defender",
    "defenders", "midfielder", "winger", "manager", "boss", "stadium", "academy", "bench", "star", "stars",
})  # fmt: skip
_STAFF_NOUNS = frozenset({
    "manager", "boss", "striker", "goalkeeper", "defender", "midfielder", "winger", "players", "squad",
})  # fmt: skip
# Verbs whose subject or object is a team when a club-like name is ambiguous ("Manchester City beat ...").
_MATCH_VERBS = frozenset({"beat", "defeat", "thrash", "draw", "lose", "host", "face", "play", "sign"})
_ORGANISATION_WORDS = frozenset({
    "inc", "ltd", "plc", "llc", "group", "company", "co", "corp", "corporation", "foundation", "trust",
    "bank", "institute", "university", "college", "school", "hospital", "council", "party", "association",
    "society", "partners", "records", "media", "news", "times", "post", "&", "club", "agency", "service",
})  # fmt: skip
# Nouns, in apposition to a name, that only a person can be ("a spokesman for the police").
_PERSON_NOUNS = frozenset({
    "spokesman", "spokeswoman", "spokesperson", "director", "lawyer", "attorney", "doctor", "officer",
    "student", "teacher", "singer", "songwriter", "actor", "actress", "founder", "chairman", "chairwoman",
    "executive", "analyst", "professor", "researcher", "scientist", "resident", "native", "player",
    "manager", "coach", "father", "mother", "son", "daughter", "wife", "husband", "official", "author",
    "writer", "musician", "member", "survivor", "victim", "witness", "neighbour", "neighbor", "friend",
})  # fmt: skip
_PLACE_ALIASES = {
    "us": "united states", "usa": "united states", "america": "united states",
    "united states of america": "united states", "uk": "united kingdom", "britain": "united kingdom",
    "great britain": "united kingdom",
}  # fmt: skip
_SALIENCE_KIND_WEIGHT: dict[ActorKind, float] = {
    "person": 1.0,
    "organization": 0.9,
    "group": 0.8,
    "place": 0.7,
}
_MISLABELLED_NAME_LABELS = frozenset({"PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"})
_LEAD_SENTENCES = 3
_PRONOUN_WINDOW = 2  # sentences back that a pronoun may reach
_FAR_PRONOUN_WINDOW = 8  # ... when the person's gender is known
_SCORE = re.compile(r"^\d+-\d+$")
_AGE = re.compile(r"year-old$|^\d+$")
_AGE_PHRASE = re.compile(r"\b\d+-year-old(?: \w+)?$")  # "the 39-year-old", "the 36-year-old publican"
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][\w.'’-]*(?:[ ,]+[A-Z][\w.'’-]*){0,4}\s*)?\((?:[A-Z][\w.]*(?: [A-Z][\w.]*){0,2})\)"
    r"(?:\s*[-—–]+\s*|(?=[A-Z\"“‘']))"
    r"|^\s*[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Z.'’-]+){0,3}\s*[-—–]{1,2}\s"
)
_CREDIT = re.compile(
    r"^\W*(?:additional\s+)?(?:reporting|editing|writing|compiled|research|produced)(?:\s+\w+)?\s+by\b"
    r"|;\s*(?:editing|writing)\s+by\b|^\s*by\s+\.|\b(?:published|updated):\s",
    re.IGNORECASE,
)
# Web page furniture that survives in article text ("Scroll down for video").
_BOILERPLATE = re.compile(r"\b(?:Scroll down for (?:video|more)|Click here\b[^.]*|Daily Mail Reporter)", re.I)
_FIRST_NAME_LOCALES = (
    "en_US", "en_GB", "en_IE", "en_IN", "es_ES", "es_MX", "fr_FR", "de_DE", "it_IT", "pt_BR", "pt_PT",
    "ru_RU", "ar_AA", "ar_SA", "hi_IN", "pl_PL", "nl_NL", "tr_TR", "uk_UA", "sv_SE", "da_DK", "no_NO",
    "fi_FI", "cs_CZ", "el_GR", "he_IL", "fa_IR", "id_ID", "yo_NG", "zu_ZA", "hu_HU", "ro_RO",
)  # fmt: skip


@dataclass(slots=True)
class _Mention:
    start: int  # token span of the name, titles and possessives removed
    end: int
    kind: ActorKind
    text: str
    sentence: int
    form: Literal["name", "pronoun", "nominal"] = "name"
    alias: str = ""  # the surface form to list as an alias ("President Biden", "the president")
    tentative: bool = False  # a word the tagger missed or mislabelled: kept only as a known surname
    honorific_gender: Gender | None = None  # from "Mr", "Mrs" written before the name


@dataclass(slots=True, eq=False)
class _Cluster:
    kind: ActorKind
    mentions: list[_Mention] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)  # as written, best first
    titles: list[str] = field(default_factory=list)
    descriptors: set[str] = field(default_factory=set)  # role words a "the ..." phrase can refer by
    gender: Gender | None = None
    speaker: bool = False
    role_tokens: set[int] = field(default_factory=set)  # tokens of the roles written around names

    @property
    def names(self) -> list[str]:
        return [m.text for m in self.mentions if m.form == "name"]


@dataclass(slots=True)
class ActorIndex:
    """The ranked actors plus which tokens refer to which actor, for `extract_positions`."""

    actors: list[Actor]
    by_token: dict[int, Actor] = field(default_factory=dict)
    # (token index, sentence index, actor) of every mention, in article order
    timeline: list[tuple[int, int, Actor]] = field(default_factory=list)
    genders: dict[str, Gender] = field(default_factory=dict)  # person name -> "m"/"f" when known
    ignored: frozenset[int] = frozenset()  # tokens of datelines, credits and page furniture

    def actor_at(self, token: Token) -> Actor | None:
        """The actor a token refers to: part of a name, a resolved pronoun or role phrase."""
        return self.by_token.get(token.i)

    def latest(
        self,
        before: Token,
        kinds: Iterable[ActorKind],
        since_sentence: int,
        *,
        gender: Gender | None = None,
        exclude: Iterable[str] = (),
    ) -> Actor | None:
        """The actor of these kinds mentioned last before a token, no earlier than a sentence,
        of a compatible gender and not excluded by name."""
        wanted, excluded = set(kinds), set(exclude)
        for index, sentence, actor in reversed(self.timeline):
            if sentence < since_sentence:
                break
            if index >= before.i or actor.kind not in wanted or actor.name in excluded:
                continue
            if gender is None or self.genders.get(actor.name) in (None, gender):
                return actor
        return None


def extract_actors(doc: Doc, sentences: list[Sentence]) -> ActorIndex:
    """Actors ranked by salience, best first, and the token-to-actor map."""
    if not sentences:
        return ActorIndex(actors=[])
    sentence_of = token_sentence_indices(doc, sentences)
    skipped = _skipped_tokens(doc, sentences, sentence_of)
    mentions = _name_mentions(doc, sentence_of, skipped)
    clusters = _cluster(doc, mentions)
    for cluster in clusters:
        if cluster.kind == "person":
            _describe_person(doc, cluster, skipped)
    by_token = _follow_references(doc, clusters, sentence_of, skipped)
    index = _rank(doc, sentences, clusters, by_token)
    index.ignored = frozenset(skipped)
    return index


def first_name_gender(name: str) -> Gender | None:
    """Gender a first name usually has, from Faker's per-country name lists; None when unclear."""
    votes = _first_name_votes().get(name)
    if votes is None:
        return None
    male, female = votes
    if male >= 3 * female and male:
        return "m"
    if female >= 3 * male and female:
        return "f"
    return None


@functools.cache
def _first_name_votes() -> dict[str, tuple[int, int]]:
    votes: dict[str, tuple[int, int]] = {}
    for locale in _FIRST_NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for name in set(getattr(provider, "first_names_male", ())):
            male, female = votes.get(name, (0, 0))
            votes[name] = (male + 1, female)
        for name in set(getattr(provider, "first_names_female", ())):
            male, female = votes.get(name, (0, 0))
            votes[name] = (male, female + 1)
    return votes


# --- finding name mentions -------------------------------------------------------------------


def _skipped_tokens(doc: Doc, sentences: list[Sentence], sentence_of: list[int]) -> set[int]:
    """Tokens of datelines ("LONDON (Reuters) -", "(CNN)") and newsroom credits."""
    skipped: set[int] = set()
    credit_sentences = {s.index for s in sentences if _CREDIT.search(s.text)}
    for start in [0, *paragraph_starts(doc.text)]:
        match = _DATELINE.match(doc.text, start)
        if match and match.end() > start:
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None:
                skipped.update(range(span.start, span.end))
    skipped.update(t.i for t in doc if sentence_of[t.i] in credit_sentences)
    for match in _BOILERPLATE.finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None:
            skipped.update(range(span.start, span.end))
    return skipped


def _name_mentions(doc: Doc, sentence_of: list[int], skipped: set[int]) -> list[_Mention]:
    """Entity mentions, plus tentative ones (see `_Mention.tentative`) for capitalised words the
    tagger left untagged or labelled PRODUCT/WORK_OF_ART ("Locke" tagged PRODUCT)."""
    mentions: list[_Mention] = []
    taken: set[int] = set()
    lower_words = {t.text for t in doc if t.is_lower}
    thing_names = [[t.text for t in e] for e in doc.ents if e.label_ in ("ORG", "GPE", "FAC", "LOC", "EVENT")]
    for ent in doc.ents:
        kind = _KIND_OF_LABEL.get(ent.label_)
        tentative = kind is None and ent.label_ in _MISLABELLED_NAME_LABELS and len(ent) == 1
        if tentative or ent[0].lower_.rstrip(".") in _HONORIFICS:
            kind = "person"  # "Mr Hussen" tagged GPE is a person all the same
        if kind is None or ent.start in taken or any(i in skipped for i in range(ent.start, ent.end)):
            continue
        span = _clean_span(doc, ent, kind, lower_words, thing_names)
        if span is None:
            continue
        if kind == "person" and not tentative:
            span = _complete_person(doc, span, skipped)
        if not tentative and kind != "group":
            kind = _kind_in_context(doc, span, kind)
        if kind == "group" and not _used_as_noun(span):
            continue
        taken.update(range(span.start, span.end))
        text = _name_text(span)
        mention = _Mention(span.start, span.end, kind, text, sentence_of[span.start], tentative=tentative)
        mention.honorific_gender = _honorific_gender(doc, span.start)
        mentions.append(mention)
    mentions += _untagged_appositive_names(doc, sentence_of, skipped, taken)
    for token in doc:
        if token.ent_type_ or token.i in taken or token.i in skipped or not token.is_title:
            continue
        if token.tag_ not in ("NNP", "NN"):  # "Boase" opening a sentence is often tagged NN
            continue
        text = _name_text(doc[token.i : token.i + 1])
        mentions.append(_Mention(token.i, token.i + 1, "person", text, sentence_of[token.i], tentative=True))
    mentions.sort(key=lambda m: m.start)
    return mentions


def _untagged_appositive_names(
    doc: Doc, sentence_of: list[int], skipped: set[int], taken: set[int]
) -> list[_Mention]:
    """A person's name in apposition to their role that the tagger missed or took for a date:
    "The Shadow Secretary of State for the Family, Theresa May, said". Only names that open with a
    known first name, so that titles of things in apposition stay out."""
    found: list[_Mention] = []
    for token in doc:
        if token.dep_ != "appos" or token.pos_ != "PROPN" or token.i in taken or token.i in skipped:
            continue
        if token.head.pos_ not in ("NOUN", "PROPN") or token.head.i > token.i:
            continue
        start = token.i
        while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN":
            start -= 1
        span = doc[start : token.i + 1]
        if len(span) < 2 or any(t.i in taken or t.ent_type_ in ("PERSON", "ORG", "GPE") for t in span):
            continue
        if span[0].text not in _first_name_votes():
            continue
        taken.update(range(span.start, span.end))
        found.append(_Mention(span.start, span.end, "person", _name_text(span), sentence_of[span.start]))
    return found


def _kind_in_context(doc: Doc, span: Span, kind: ActorKind) -> ActorKind:
    """Settle PERSON/GPE vs ORG where spaCy often errs on sports clubs and little-known people.

    A club: a name ending like one ("Manchester United", "Leeds Rovers"), or written as a team
    ("City's players", "the manager of Fulham"). A person: an ORG whose apposition names a
    person's role ("Pushparam K.C., a spokesman for ..."), or that opens with a first name and
    is the subject of a speech verb ("Don McLean said")."""
    words = [t.text for t in span]
    club_name = len(words) > 1 and words[-1] in _CLUB_SUFFIXES
    if kind == "person":  # not "Mourinho's side": a manager's team is written so too
        if club_name or _staff_of(span) or _used_as_team(span) or _party_label(span):
            return "organization"
        return kind
    if kind == "place":  # "Manchester United" tagged GPE; "Mexico City" is a city unless a team
        root = span.root
        plays = root.dep_ in ("nsubj", "dobj") and root.head.lemma_ in _MATCH_VERBS
        team = words[-1] != "City" or plays or _written_as_team(doc, span) or root.head.lower_ in _TEAM_NOUNS
        return "organization" if club_name and team else kind
    if any(w in _CLUB_SUFFIXES or w.lower() in _ORGANISATION_WORDS for w in words):
        return kind
    root = span.root
    for child in root.children:
        if child.dep_ == "appos" and child.tag_ == "NN" and child.lower_ in _PERSON_NOUNS:
            return "person"
    first_name = len(words) > 1 and first_name_gender(words[0]) is not None
    speaks = root.dep_ == "nsubj" and root.head.lemma_ in SPEECH_VERBS
    return "person" if first_name and speaks else kind


def _party_label(span: Span) -> bool:
    """ "Lib Dem spokeswoman", "Sinn Fein leader": a name with no first name that modifies a role noun
    is an organisation's label, not a person."""
    root = span.root
    return (
        len(span) > 1
        and first_name_gender(span[0].text) is None
        and span[0].text not in _first_name_votes()
        and root.dep_ == "compound"
        and root.head.pos_ == "NOUN"
        and root.head.i == span.end
    )


def _written_as_team(doc: Doc, span: Span) -> bool:
    """ "City's players", "the manager of City"."""
    after = doc[span.end : span.end + 2]
    if len(after) == 2 and after[0].tag_ == "POS" and after[1].lower_ in _TEAM_NOUNS:
        return True
    return _staff_of(span)


def _used_as_team(span: Span) -> bool:
    """ "Former Valencia striker", "his former club Valencia", "Valencia were unable to hold on":
    a name modifying a player, in apposition to "club", or a lone name taking a plural verb."""
    root = span.root
    head = root.head
    if root.dep_ == "compound" and head.lower_ in _STAFF_NOUNS and head.i > root.i:
        return True
    if root.dep_ == "appos" and head.lower_ in ("club", "side", "team") and head.i < root.i:
        return True
    plural_verb = head.lower_ in ("were", "are") or any(
        c.dep_ == "aux" and c.lower_ in ("were", "are", "have") for c in head.children
    )
    alone = not any(c.dep_ in ("conj", "cc") for c in root.children) and root.dep_ == "nsubj"
    return alone and plural_verb and root.tag_ == "NNP"


def _staff_of(span: Span) -> bool:
    """ "the manager of Fulham", "a striker for Rovers"."""
    root = span.root
    preposition = root.head
    return (
        root.dep_ == "pobj"
        and preposition.lower_ in ("of", "for")
        and preposition.head.lower_ in _STAFF_NOUNS
        and preposition.head.i < span.start
    )


def _honorific_gender(doc: Doc, start: int) -> Gender | None:
    before = doc[start - 1] if start > 0 else None
    return _HONORIFICS.get(before.lower_.rstrip(".")) if before is not None and _title_word(before) else None


def _borrowed_word(span: Span, thing_names: list[list[str]]) -> bool:
    """Is the first word of a PERSON span really the end of another name ("League Klopp", from
    "Premier League Klopp"): a word of an organisation's name, and the rest a known person?"""
    first, rest = span[0].text, span[1:].text
    if first in _first_name_votes() or rest not in {e.text for e in span.doc.ents if e.label_ == "PERSON"}:
        return False
    return any(first in words and span[-1].text not in words for words in thing_names)


def _clean_span(
    doc: Doc, ent: Span, kind: ActorKind, lower_words: set[str], thing_names: list[list[str]]
) -> Span | None:
    """The entity without leading "the"/titles and trailing possessive or punctuation; None if junk."""
    start, end = ent.start, ent.end
    while start < end and (doc[start].lower_ == "the" or doc[start].is_punct or doc[start].pos_ == "ADV"):
        start += 1
    if kind == "person":
        while start < end and _title_word(doc[start]):
            start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    score_start = end
    while score_start > start + 1 and (doc[score_start - 1].like_num or doc[score_start - 1].text == "-"):
        score_start -= 1
    if _SCORE.match(doc[score_start:end].text.replace(" ", "")):
        end = score_start  # "beat Chelsea 2-1" tagged as "Chelsea 2-1"
    if kind == "person" and end - start > 1 and _borrowed_word(doc[start:end], thing_names):
        start += 1  # "Premier League Klopp" tagged as "League Klopp"
    if start >= end:
        return None
    span = doc[start:end]
    if not _looks_like_a_name(span, kind) or _part_of_title(doc, span):
        return None
    if _names_a_work_or_event(doc, span, kind):
        return None
    after_article = start > 0 and doc[start - 1].lower_ in ("the", "a", "an")
    if kind == "person" and after_article:
        return None  # "the Premiership"
    # "Hair" opening a sentence while "hair" occurs too; "Strictly"
    ordinary_word = span.text.lower() in lower_words or not span[0].is_title
    if (
        len(span) == 1
        and kind != "group"
        and ordinary_word
        and (span[0].tag_ not in ("NNP", "NNPS") or kind == "person")
    ):
        return None
    return span


def _part_of_title(doc: Doc, span: Span) -> bool:
    """ "State" in "Secretary of State", "Shadow" in "Shadow Home Secretary": a word of a title."""
    if len(span) != 1:
        return False
    before = doc[span.start - 2 : span.start]
    after = doc[span.end : span.end + 1]
    title_of = len(before) == 2 and before[1].lower_ == "of" and _title_word(before[0])
    return title_of or (len(after) == 1 and _title_word(after[0]) and not _first_name_votes().get(span.text))


def _names_a_work_or_event(doc: Doc, span: Span, kind: ActorKind) -> bool:
    """ "General Election", "the Budget" or a film title in quotes, tagged as an organisation."""
    if kind != "organization":
        return False
    if span[-1].lower_ in _EVENT_WORDS:
        return True
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ == "the" and span.start > 1:
        before = doc[span.start - 2]
    after = doc[span.end] if span.end < len(doc) else None
    quoted = before is not None and before.text in ('"', "“", "‘", "'") and after is not None
    quoted = quoted and after.text in ('"', "”", "’", "'")
    return quoted or (before is not None and before.lower_ in _WORK_NOUNS)


def _looks_like_a_name(span: Span, kind: ActorKind) -> bool:
    text = span.text
    if not text[:1].isalnum() or not any(c.isalpha() for c in text):
        return False
    if kind == "person" and (any(c.isdigit() for c in text) or len(text.split()) > 4):
        return False  # "Nicole Miller Bold Stripe Mini Skirt"
    if all(_title_word(t) or t.is_stop for t in span):
        return False
    return all(
        t.is_punct or t.lower_ in _NAME_CONNECTORS or t.text[:1].isupper() or t.text[:1].isdigit()
        for t in span
        if not t.is_space
    )


def _title_word(token: Token) -> bool:
    """ "Mr", "President", "Prime", "Sen.": capitalised, as titles are before a name."""
    if not token.text[:1].isupper():
        return False
    word = token.lower_.rstrip(".")
    return word in _TITLES or word in _HONORIFICS or word in _TITLE_PARTS


def _complete_person(doc: Doc, span: Span, skipped: set[int]) -> Span:
    """Add the surname the tagger left out of a lone first name ("Keir" tagged, "Starmer" not).
    Only to the right: a capitalised word before a name is far more often a club or a title."""
    if len(span) != 1 or span.end >= len(doc) or not _missing_name_word(doc[span.end], skipped):
        return span
    # Only a word that is some person's name elsewhere: "Berckmans Road" stays a road.
    elsewhere = {t.text for e in doc.ents if e.label_ == "PERSON" and e.start != span.start for t in e}
    return doc[span.start : span.end + 1] if doc[span.end].text in elsewhere else span


def _missing_name_word(token: Token, skipped: set[int]) -> bool:
    return (
        token.tag_ == "NNP"
        and token.is_title
        and token.ent_type_ in ("", "PERSON")
        and not _title_word(token)
        and token.i not in skipped
        and not token.is_sent_start
    )


def _used_as_noun(span: Span) -> bool:
    """NORP as a group of people ("Republicans said"), not an adjective ("Russian forces")."""
    root = span.root
    if root.dep_ in ("amod", "compound", "nmod", "npadvmod", "poss"):
        return False
    preceded_by_the = span.start > 0 and span.doc[span.start - 1].lower_ == "the"
    return root.tag_ in ("NNPS", "NNS") or preceded_by_the


def _name_text(span: Span) -> str:
    return " ".join(span.text.replace("’", "'").split())


# --- merging mentions into actors ------------------------------------------------------------


def _vote_kind(doc: Doc, cluster: _Cluster, long_names: set[str]) -> ActorKind:
    """Person if PERSON labels plus person contexts (x3: "Mr X", "defender X") outweigh the
    other labels, unless the name is part of a longer organisation or place name ("Dortmund")."""
    kinds = Counter(m.kind for m in cluster.mentions)
    if cluster.kind == "group":
        return "group"
    person_votes = kinds["person"] + 3 * sum(_person_context(doc, m) for m in cluster.mentions)
    others = {k: n for k, n in kinds.items() if k != "person"}
    # "Labour MPs", "Apple shares": a name modifying a noun is rarely a person's
    modifier_votes = sum(_modifies_a_noun(doc, m) for m in cluster.mentions)
    single_word = all(" " not in _key(m) for m in cluster.mentions)
    part_of_longer_name = single_word and _key(cluster.mentions[0]) in long_names
    if kinds["person"] and person_votes > sum(others.values()) + modifier_votes and not part_of_longer_name:
        return "person"
    if not others:
        return "person" if person_votes > 2 * modifier_votes else "organization"
    return max(others, key=lambda k: (others[k], k == cluster.mentions[0].kind))


def _modifies_a_noun(doc: Doc, mention: _Mention) -> bool:
    root = doc[mention.start : mention.end].root
    return root.dep_ == "compound" and root.head.pos_ == "NOUN"


def _person_context(doc: Doc, mention: _Mention) -> bool:
    if mention.start == 0:
        return False
    before = doc[mention.start - 1]
    role_word = before.tag_ in ("NN", "JJ") and before.is_lower and before.head.i == mention.end - 1
    first_name = before.is_title and before.text in _first_name_votes()  # "Per" tagged as a preposition
    return _title_word(before) or role_word or first_name


def _cluster(doc: Doc, mentions: list[_Mention]) -> list[_Cluster]:
    """One cluster per referent: full names first, then short forms matched to them."""
    persons = [m for m in mentions if m.kind == "person" and len(m.text.split()) > 1]
    clusters: list[_Cluster] = []
    for mention in persons:
        cluster = next((c for c in clusters if _same_person(c, mention.text)), None)
        if cluster is None:
            cluster = _Cluster("person")
            clusters.append(cluster)
        cluster.mentions.append(mention)
    singles: dict[tuple[str, str], _Cluster] = {}
    others: list[_Cluster] = []
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
        key = (bucket, _key(mention))
        cluster = singles.get(key)
        if cluster is None:
            cluster = singles[key] = _Cluster(mention.kind)
            others.append(cluster)
        cluster.mentions.append(mention)
    long_names = {w for m in mentions if m.kind != "person" for w in _key(m).split()[1:] if " " in _key(m)}
    long_names |= {_key(m).split()[0] for m in mentions if m.kind != "person" and " " in _key(m)}
    for cluster in others:
        cluster.kind = _vote_kind(doc, cluster, long_names)
    merged = _merge_short_forms([*clusters, *others])
    for cluster in merged:
        cluster.mentions.sort(key=lambda m: m.start)
    return merged


def _same_person(cluster: _Cluster, name: str) -> bool:
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
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _person_for_short_name(clusters: list[_Cluster], mention: _Mention) -> _Cluster | None:
    """The full-named person a one-word name (possibly tagged ORG/GPE by mistake) refers to."""
    words = _name_words(mention.text)
    if len(words) > 1:
        candidates = [c for c in clusters if any(_name_words(n) == words for n in c.names)]
    else:
        by_surname = [c for c in clusters if any(_name_words(n)[-1:] == words for n in c.names)]
        by_first = [c for c in clusters if any(_name_words(n)[:1] == words for n in c.names)]
        # A one-word place matching a first name is the place ("Jordan"), unless a first name
        # that is no place name at all ("Jörg", tagged GPE).
        first_name = mention.text in _first_name_votes()
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


def _gender_conflict(cluster: _Cluster, gender: Gender | None) -> bool:
    if gender is None:
        return False
    full = max(cluster.names, key=lambda n: len(n.split()))
    known = next((m.honorific_gender for m in cluster.mentions if m.honorific_gender), None)
    known = known or (first_name_gender(full.split()[0]) if len(full.split()) > 1 else None)
    return known is not None and known != gender


def _key(mention: _Mention) -> str:
    key = re.sub(r"[.]", "", mention.text.lower()).strip()
    key = re.sub(r"\s+", " ", key)
    if mention.kind == "place":
        return _PLACE_ALIASES.get(key, key)
    if mention.kind == "group":
        return key[:-1] if key.endswith("s") else key
    return key


def _merge_spellings(clusters: list[_Cluster]) -> list[_Cluster]:
    """One actor for names written with and without spaces or hyphens ("TimeWarner", "Time Warner")."""
    by_key: dict[str, _Cluster] = {}
    result: list[_Cluster] = []
    for cluster in clusters:
        keys = {re.sub(r"[\s.\-]", "", _key(m)) for m in cluster.mentions if m.form == "name"}
        host = next((by_key[k] for k in keys if k in by_key), None)
        if host is not None and host.kind != "place" and cluster.kind != "place":
            host.mentions.extend(cluster.mentions)
            continue
        result.append(cluster)
        for key in keys:
            by_key.setdefault(key, cluster)
    return result


def _merge_short_forms(clusters: list[_Cluster]) -> list[_Cluster]:
    """Fold "Goldman" into "Goldman Sachs", "WHO" into "World Health Organization", "Keir" into
    "Keir Starmer" when the short form fits exactly one longer name of the same kind."""
    clusters = _merge_spellings(clusters)
    result: list[_Cluster] = []
    for cluster in clusters:
        short = {_key(m) for m in cluster.mentions}
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


def _abbreviates(short: str, mention: _Mention) -> bool:
    words = _key(mention).split()
    if len(words) < 2:
        return False
    if mention.kind == "person":
        return short in (words[0], words[-1])
    initials = "".join(w[0] for w in words if w not in _NAME_CONNECTORS)
    return short == words[0] or (len(short) > 1 and short == initials)


# --- roles, titles and gender ----------------------------------------------------------------


def _describe_person(doc: Doc, cluster: _Cluster, skipped: set[int]) -> None:
    """Collect roles, titles and gender evidence around every name mention of a person."""
    for mention in cluster.mentions:
        title_start = _title_start(doc, mention.start)
        title_tokens = list(doc[title_start : mention.start])
        for token in title_tokens:
            word = token.lower_.rstrip(".")
            gender = _HONORIFICS.get(word) or _TITLES.get(word)
            cluster.gender = cluster.gender or gender
        title = " ".join(t.text for t in title_tokens if t.lower_.rstrip(".") not in _HONORIFICS)
        if title:
            cluster.titles.append(title)
            cluster.descriptors.add(title_tokens[-1].lower_.rstrip("."))
        if title_tokens:
            mention.alias = " ".join([*(t.text for t in title_tokens), mention.text])
        for role, tokens in _roles_around(doc, mention, title_start, skipped):
            cluster.role_tokens |= tokens
            if _AGE.match(role.replace(" ", "")):
                cluster.descriptors.add(role.split("-")[-1].lower())
                continue
            cluster.roles.append(role)
            cluster.descriptors.add(role.split()[-1].lower())
    for word in _gender_words(cluster):
        cluster.gender = cluster.gender or word
    if cluster.gender is None:
        full = max(cluster.names, key=lambda n: len(n.split()), default="")
        if len(full.split()) > 1:
            cluster.gender = first_name_gender(full.split()[0])


def _title_start(doc: Doc, name_start: int) -> int:
    """Where the title before a name begins: "Prime Minister", "Secretary of State"."""
    start = name_start
    while start > 0:
        if _title_word(doc[start - 1]):
            start -= 1
        elif (
            start > 2
            and doc[start - 1].text[:1].isupper()
            and doc[start - 2].lower_ == "of"
            and _title_word(doc[start - 3])
        ):
            start -= 3  # "Secretary of State Antony J. Blinken"
        else:
            break
    return start


def _gender_words(cluster: _Cluster) -> list[Gender]:
    words = " ".join(cluster.roles).lower().split()
    genders: list[Gender] = []
    for word in words:
        if word in _FEMALE_WORDS or word.endswith("woman"):
            genders.append("f")
        elif word in _MALE_WORDS or (word.endswith("man") and not word.endswith("human")):
            genders.append("m")
    return genders


def _roles_around(
    doc: Doc, mention: _Mention, title_start: int, skipped: set[int]
) -> list[tuple[str, set[int]]]:
    """Roles written next to a name: "Kremlin spokesperson Dmitry Peskov", "Peskov, the Kremlin
    spokesperson", "its chairman and chief executive, Jamie Dimon"."""
    roles: list[tuple[str, set[int]]] = []
    name = doc[mention.start : mention.end]
    root = name.root
    premodifier = _premodifier_role(doc, title_start, mention.start, mention.end, skipped)
    if premodifier:
        roles.append((premodifier, set(range(title_start, mention.start))))
    for child in root.children:
        if child.dep_ == "appos" and child.i >= mention.end and child.pos_ in ("NOUN", "NUM", "PRON", "ADJ"):
            if doc[child.left_edge.i - 1].text == "(":
                continue  # a photo caption's "(right)", "(pictured)"
            role = _phrase(doc, child, exclude=name)
            if role:
                roles.append((role, {t.i for t in child.subtree}))
    head = root.head
    title_head = head.pos_ == "PROPN" and _title_word(
        head
    )  # "The Shadow Secretary of State ..., Theresa May"
    if (
        root.dep_ == "appos"
        and (head.pos_ == "NOUN" or title_head)
        and head.tag_ != "NNS"
        and head.i < mention.start
    ):
        role = _phrase(doc, head, exclude=name)
        if role:
            roles.append((role, {t.i for t in head.subtree} - set(range(mention.start, mention.end))))
    return roles


def _premodifier_role(doc: Doc, title_start: int, name_start: int, name_end: int, skipped: set[int]) -> str:
    """Words before a name (and its title) that modify it: "Tory leader", "US President",
    "Ex-Killie and Hearts player". Honorifics ("Mr") are not a role."""
    start = title_start
    while (
        start > 0
        and not doc[start].is_sent_start
        and doc[start - 1].i not in skipped
        and (doc[start - 1].is_space or _may_modify_a_name(doc[start - 1]))
    ):
        start -= 1
    # Keep the longest run, ending at the name, whose words all attach inside the phrase.
    # (The parser may hang the name on its role as a conjunct: "chairman and chief executive Richard Parsons")
    name_head = doc[name_start:name_end].root.head.i
    while start < title_start and any(
        not start <= t.head.i < name_end and t.i != name_head
        for t in doc[start:title_start]
        if not t.is_space
    ):
        start += 1
    words = [t for t in doc[start:name_start] if t.lower_.rstrip(".") not in _HONORIFICS and not t.is_space]
    if not words or not any(_role_word(t) for t in words):
        return ""
    if words[-1].i - words[0].i + 1 != len([t for t in doc[words[0].i : words[-1].i + 1] if not t.is_space]):
        return ""
    return " ".join(_as_written(words).split())


def _role_word(token: Token) -> bool:
    """A common noun, a title, or a sentence-initial capitalised noun ("Prosecutor David Moore")."""
    initial = token.is_sent_start and token.tag_ == "NNP" and not token.ent_type_
    return token.pos_ == "NOUN" or _title_word(token) or initial


def _may_modify_a_name(token: Token) -> bool:
    hyphen = token.text in ("-", "–") and not token.whitespace_
    return (
        (token.pos_ in ("PROPN", "NOUN", "ADJ", "NUM", "CCONJ") or hyphen)
        and (token.dep_ not in ("det", "poss", "case", "nsubj", "dobj", "pobj", "appos") or _role_noun(token))
        and (token.ent_type_ in ("", "ORG", "GPE", "NORP", "LOC", "FAC") or _inside_role(token))
    )


def _role_noun(token: Token) -> bool:
    """A noun only a role can be ("chairman", "spokeswoman"), whatever the parser made of it."""
    return token.is_lower and (token.lower_ in _PERSON_NOUNS or token.lower_ in _TITLES)


def _inside_role(token: Token) -> bool:
    """ "Lib Dem" in "Lib Dem leader Nick Clegg": a name that modifies the role noun, not the person."""
    head = token
    while head.dep_ == "compound" and head.head.i > head.i:
        head = head.head
    return head.i != token.i and head.pos_ == "NOUN"


def _phrase(doc: Doc, head: Token, exclude: Span) -> str:
    """A role noun phrase without its article, pronoun possessor, relative clause or the name."""
    dropped: set[int] = set(range(exclude.start, exclude.end))
    for token in head.subtree:
        if token.i in dropped:
            continue
        if token.dep_ in ("relcl", "acl", "appos") and token.i != head.i:
            dropped.update(t.i for t in token.subtree)
        if token.dep_ == "poss" and token.head.i == head.i and not _proper(token):
            dropped.update(t.i for t in token.subtree)
    words = [t for t in head.subtree if t.i not in dropped]
    while words and (words[0].dep_ in ("det", "case", "cc") or words[0].is_punct):
        words.pop(0)
    # Stop at the first comma, dash or quote mark; keep hyphens inside words ("vice-president").
    cut = next(
        (k for k, w in enumerate(words) if w.is_punct and not (w.text == "-" and not w.whitespace_)), None
    )
    words = words[:cut]
    while words and words[-1].dep_ in ("cc", "case", "prep", "det"):
        words.pop()
    if not words or len(words) > 12 or words[-1].i - words[0].i + 1 != len(words):
        return ""
    if any(w.ent_type_ == "PERSON" or w.tag_.startswith("VB") or w.tag_ in ("MD", "PRP") for w in words):
        return ""  # another person's name (a list), or a clause: not a role
    return _as_written(words)


def _written_in_lower_case(token: Token) -> bool:
    """ "Actress Julia Louis-Dreyfus" opens a sentence; "the actress" shows the word is common."""
    return any(t.text == token.lower_ for t in token.doc)


def _proper(token: Token) -> bool:
    return any(t.pos_ == "PROPN" for t in token.subtree)


def _as_written(words: list[Token]) -> str:
    """Text of consecutive tokens; a sentence-initial common noun loses its capital."""
    text = "".join(t.text_with_ws for t in words).strip()
    first = words[0]
    common = first.tag_ in ("NN", "NNS", "PRP$", "DT") and not first.ent_type_ and not first.text.isupper()
    common = common or (first.tag_ == "NNP" and not first.ent_type_ and _written_in_lower_case(first))
    if first.is_sent_start and common and not _title_word(first):
        text = text[0].lower() + text[1:]
    return text


# --- pronouns and role phrases ---------------------------------------------------------------


def _follow_references(
    doc: Doc, clusters: list[_Cluster], sentence_of: list[int], skipped: set[int]
) -> dict[int, _Cluster]:
    """Resolve he/she pronouns and "the spokeswoman"-style phrases, left to right, learning each
    person's gender from unambiguous pronouns as it goes. Returns token index -> cluster."""
    by_token: dict[int, _Cluster] = {}
    starts: dict[int, tuple[_Cluster, _Mention]] = {}
    for cluster in clusters:
        for mention in cluster.mentions:
            starts[mention.start] = (cluster, mention)
            for i in range(mention.start, mention.end):
                by_token[i] = cluster
    in_quote = _quoted_tokens(doc)
    role_words = {i for c in clusters for i in c.role_tokens}
    recent: list[tuple[Token, _Cluster]] = []  # person mentions so far, with their head token
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
            cluster = _resolve_role_phrase(token, clusters, recent, sentence_of)
        else:
            continue
        if cluster is None:
            continue
        by_token[token.i] = cluster
        form: Literal["pronoun", "nominal"] = "pronoun" if gender is not None else "nominal"
        alias = "" if gender is not None else _nominal_text(token)
        mention = _Mention(token.i, token.i + 1, "person", token.text, sentence_of[token.i], form, alias)
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
    pronoun: Token, gender: Gender | None, recent: list[tuple[Token, _Cluster]], sentence_of: list[int]
) -> _Cluster | None:
    """The person a he/she pronoun refers to: recent, preferably a subject, gender-compatible.

    Each candidate scores by its best recent mention: 1/(1 + sentences back), +0.5 for being a
    main-clause subject (+0.25 inside a reported or subordinate clause: in "Smith told WRAL that
    Lane never made advances. He described him as ...", "He" is Smith), +0.3 when its gender is
    known to match. Known-mismatching genders are out; so is
    the subject of the pronoun's own verb for an object pronoun ("Smith praised him").
    """
    now = sentence_of[pronoun.i]
    scores: dict[int, tuple[float, _Cluster]] = {}
    for head, cluster in reversed(recent):
        distance = now - sentence_of[head.i]
        if distance > _PRONOUN_WINDOW:
            break
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
    if head.dep_ not in ("nsubj", "nsubjpass"):
        return 0.0
    verb = head.head
    main = verb.dep_ in ("ROOT", "conj") or verb.lemma_ in SPEECH_VERBS
    return 0.5 if main else 0.25


def _is_role_phrase_head(token: Token) -> bool:
    """ "the spokeswoman", "the prime minister", "the 39-year-old": a definite singular phrase."""
    if (
        token.tag_ not in ("NN", "JJ")
        or token.ent_type_ not in ("", "DATE")
        or token.dep_ in ("compound", "amod", "appos")
    ):
        return False  # (spaCy often tags "the 28-year-old" as a DATE)
    if any(child.dep_ == "appos" for child in token.children):
        return False  # "the prime minister, Sir Keir Starmer": the name is counted already
    return any(child.dep_ == "det" and child.lower_ == "the" for child in token.children)


def _resolve_role_phrase(
    token: Token, clusters: list[_Cluster], recent: list[tuple[Token, _Cluster]], sentence_of: list[int]
) -> _Cluster | None:
    """The person whose role or title the phrase names. A proper modifier must match too:
    "the German boss" is not the "Arsenal boss". "the 39-year-old" refers back like a pronoun."""
    phrase = _nominal_text(token).lower().removeprefix("the ")
    proper = {t.lower_ for t in token.lefts if t.pos_ == "PROPN" or t.ent_type_ in ("NORP", "GPE", "ORG")}
    candidates = []
    for cluster in clusters:
        written = " ".join([*cluster.roles, *cluster.titles]).lower()
        if cluster.kind != "person" or not proper <= set(written.split()):
            continue
        if (
            phrase in (r.lower() for r in [*cluster.roles, *cluster.titles])
            or token.lower_ in cluster.descriptors
        ):
            candidates.append(cluster)
    if not candidates:
        # "the 36-year-old publican": news refers back by age, like a pronoun
        return _resolve(token, None, recent, sentence_of) if _AGE_PHRASE.search(phrase) else None
    last_seen = {id(c): head.i for head, c in recent}
    return max(candidates, key=lambda c: last_seen.get(id(c), -1))


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


# --- ranking -----------------------------------------------------------------------------------


def _rank(
    doc: Doc, sentences: list[Sentence], clusters: list[_Cluster], by_cluster_token: dict[int, _Cluster]
) -> ActorIndex:
    """Salience in 0..1, documented in `salience`; actors sorted best first."""
    counts = [len(c.mentions) for c in clusters]
    most = max(counts, default=1)
    text_length = max(len(doc.text), 1)
    scored: list[tuple[float, int, _Cluster, Actor]] = []
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


def _actor(cluster: _Cluster) -> Actor:
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
    role = cluster.roles[0] if cluster.roles else (cluster.titles[0] if cluster.titles else "")
    return Actor(
        name=canonical, kind=cluster.kind, role=role, aliases=aliases, mentions=len(cluster.mentions)
    )
