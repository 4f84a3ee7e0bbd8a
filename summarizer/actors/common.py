"""What the actor modules share: mentions, clusters, the index handed to positions, and the
name and title knowledge every step needs (honorifics, titles, first names and person nouns, and the
gender they show)."""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from spacy.tokens import Span, Token

from summarizer.models import Actor, ActorKind

Gender = Literal["m", "f"]

# Honorifics say who someone is (and their gender) but are not a role.
HONORIFICS: dict[str, Gender | None] = {
    "mr": "m", "mrs": "f", "ms": "f", "miss": "f", "mx": None, "sir": "m", "dame": "f",
    "lord": "m", "lady": "f", "madam": "f", "dr": None, "prof": None, "professor": None,
}  # fmt: skip

# Titles written before a name; stripped from the name and kept as a role when none is better.
TITLES: dict[str, Gender | None] = {
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
    "agent": None, "councilman": "m", "councilwoman": "f", "assemblyman": "m", "assemblywoman": "f",
    "alderman": None, "commander": None, "chair": None, "leader": None, "whip": None,
}  # fmt: skip

# Words that only occur inside a multi-word title ("Prime Minister", "Vice President").
TITLE_PARTS = frozenset({
    "prime", "vice", "deputy", "acting", "interim", "first", "attorney", "foreign", "shadow", "junior",
})  # fmt: skip

NAME_CONNECTORS = frozenset({
    "of", "the", "and", "for", "on", "&", "de", "del", "della", "der", "di", "du", "da", "van", "von", "al",
    "el", "bin", "ibn", "la", "le", "y",
})  # fmt: skip

# Nouns, in apposition to a name, that only a person can be ("a spokesman for the police").
# Abbreviated roles written like names ("Tory MP Jesse Norman", "Eleanor Laws QC").
ROLE_ABBREVIATIONS = frozenset({"MP", "MPs", "MEP", "MSP", "QC", "KC", "CEO", "CFO", "COO", "PM", "DA", "AG"})
PERSON_NOUNS = frozenset({
    "spokesman", "spokeswoman", "spokesperson", "director", "lawyer", "attorney", "doctor", "officer",
    "student", "teacher", "singer", "songwriter", "actor", "actress", "founder", "chairman", "chairwoman",
    "executive", "analyst", "professor", "researcher", "scientist", "resident", "native", "player",
    "manager", "coach", "father", "mother", "son", "daughter", "wife", "husband", "official", "author",
    "writer", "musician", "member", "survivor", "victim", "witness", "neighbour", "neighbor", "friend",
    "protester", "comedian", "pensioner", "politician", "candidate", "activist", "campaigner",
    "photographer", "journalist", "reporter", "correspondent", "editor", "lawmaker", "diplomat",
    "pollster", "economist", "lecturer", "nurse", "soldier", "pilot", "farmer", "voter", "popstar",
    "presenter", "entertainer", "businessman", "businesswoman", "entrepreneur", "donor", "supporter",
    "adviser", "advisor", "aide", "consultant", "strategist", "historian", "commentator", "columnist",
    "barrister", "solicitor", "prosecutor", "surgeon", "physician", "psychologist", "engineer", "artist",
    "poet", "novelist", "footballer", "striker", "midfielder", "goalkeeper", "veteran", "mother-of-two",
})  # fmt: skip
# More nouns for what a person is or does: a role where the grammar says one is given ("X is the
# head of ...", "a taxi driver called X") or right before a name ("Blues legend B.B. King", where the
# tagger took "legend" for a verb).
ROLE_NOUNS = frozenset({
    "head", "boss", "owner", "star", "legend", "partner", "expert", "specialist", "fellow",
    "dictator", "tycoon", "billionaire", "millionaire", "magnate", "mogul", "defender", "winger",
    "principal", "headteacher", "dean", "administrator", "negotiator", "envoy", "investigator",
    "worker", "employee", "driver", "mechanic", "chef", "priest", "pastor", "vicar", "treasurer",
    "trustee", "midwife", "paramedic", "firefighter", "coroner", "magistrate", "juror", "defendant",
    "suspect", "plaintiff", "claimant", "winner", "champion",
    "jockey", "trainer", "athlete", "cyclist", "swimmer", "boxer", "rapper", "dancer", "producer",
    "designer", "citizen", "refugee", "migrant", "patient", "inmate", "prisoner", "hostage",
    "graduate", "pupil", "employer", "landlord", "tenant", "shareholder",
    "investor", "banker", "trader", "accountant", "auditor", "planner",
})  # fmt: skip
# Party labels written before a politician's name as their role ("Tory Ruth Davidson").
PARTY_WORDS = frozenset({
    "tory", "labour", "conservative", "democrat", "republican", "liberal", "snp", "ukip", "green",
    "socialist", "nationalist", "unionist", "lib", "dem",
})  # fmt: skip
# Endings of nouns for what a person does ("lawyer", "analyst", "comedian", "actress").
AGENT_ENDINGS = ("er", "or", "ist", "ian", "ess", "ant", "ent")

_PLACE_ALIASES = {
    "us": "united states", "usa": "united states", "america": "united states",
    "united states of america": "united states", "uk": "united kingdom", "britain": "united kingdom",
    "great britain": "united kingdom",
}  # fmt: skip

_FIRST_NAME_LOCALES = (
    "en_US", "en_GB", "en_IE", "en_IN", "es_ES", "es_MX", "fr_FR", "de_DE", "it_IT", "pt_BR", "pt_PT",
    "ru_RU", "ar_AA", "ar_SA", "hi_IN", "pl_PL", "nl_NL", "tr_TR", "uk_UA", "sv_SE", "da_DK", "no_NO",
    "fi_FI", "cs_CZ", "el_GR", "he_IL", "fa_IR", "id_ID", "yo_NG", "zu_ZA", "hu_HU", "ro_RO",
)  # fmt: skip


@dataclass(slots=True)
class Mention:
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
class Cluster:
    kind: ActorKind
    mentions: list[Mention] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)  # as written, best first
    titles: list[str] = field(default_factory=list)
    # said of the name with "be", or relating the person to another: the role only when no other is written
    weak_roles: list[str] = field(default_factory=list)
    descriptors: set[str] = field(default_factory=set)  # role words a "the ..." phrase can refer by
    gender: Gender | None = None
    speaker: bool = False
    role_tokens: set[int] = field(default_factory=set)  # tokens of the roles written around names

    @property
    def names(self) -> list[str]:
        return [m.text for m in self.mentions if m.form == "name"]

    @property
    def full_name(self) -> str:
        """The name written with the most words ("Antony J. Blinken", not "Blinken"); "" for none."""
        return max(self.names, key=lambda n: len(n.split()), default="")


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


def first_name_gender(name: str) -> Gender | None:
    """Gender a first name usually has, from Faker's per-country name lists; None when unclear."""
    votes = first_name_votes().get(name)
    if votes is None:
        return None
    male, female = votes
    if male >= 3 * female and male:
        return "m"
    if female >= 3 * male and female:
        return "f"
    return None


@functools.cache
def first_name_votes() -> dict[str, tuple[int, int]]:
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


_FEMALE_WORDS = frozenset({
    "woman", "women", "actress", "mother", "wife", "daughter", "sister", "girlfriend", "grandmother",
    "widow", "queen", "princess", "duchess", "girl", "waitress", "heiress", "mum", "mom", "aunt", "niece",
    "bride", "lady", "mistress", "stepmother",
})  # fmt: skip

_MALE_WORDS = frozenset({
    "man", "men", "father", "husband", "son", "brother", "boyfriend", "grandfather", "widower", "king",
    "prince", "duke", "boy", "dad", "uncle", "nephew", "groom", "stepfather",
})  # fmt: skip


def word_gender(word: str) -> Gender | None:
    """The gender a person noun shows ("mother", "spokeswoman", "father"), if any."""
    word = word.lower()
    if word in _FEMALE_WORDS or word.endswith("woman"):
        return "f"
    if word in _MALE_WORDS or (word.endswith("man") and not word.endswith("human")):
        return "m"
    return None


def person_word(word: str) -> bool:
    """A common noun only a person can be: "spokesman", "chief executive", "defendant", "actress"."""
    return word in PERSON_NOUNS or word in TITLES or word in ROLE_NOUNS or word_gender(word) is not None


def person_noun(token: Token) -> bool:
    """A person word written as a common noun, in lower case ("the chairman", not "Chairman Mao")."""
    return token.is_lower and person_word(token.lower_)


def definite(head: Token) -> bool:
    """Headed by "the": a phrase that points at something already known ("the agency", "the minister")."""
    return any(c.dep_ == "det" and c.lower_ == "the" for c in head.children)


def title_word(token: Token) -> bool:
    """ "Mr", "President", "Prime", "Sen.": capitalised, as titles are before a name."""
    if not token.text[:1].isupper():
        return False
    word = token.lower_.rstrip(".")
    return word in TITLES or word in HONORIFICS or word in TITLE_PARTS


def role_word_before_name(token: Token, lower_words: set[str] | None = None) -> bool:
    """ "Lawyer Alexis Kougias said", "Comedian Ben Elton": a capitalised role word that the tagger
    took for the first word of a name. It is no first name and comes right before one; a person
    noun anywhere, or an agent noun ("analyst", written in lower case elsewhere too) opening a
    sentence."""
    doc = token.doc
    if token.i + 2 >= len(doc) or not (token.is_title and token.is_alpha):
        return False
    following = doc[token.i + 1]
    votes = first_name_votes()
    if not (following.is_title and doc[token.i + 2].is_title):
        return False
    if following.text not in votes:  # "Spokeswoman Jen Psaki": a first name the list lacks
        return token.lower_ in PERSON_NOUNS and token.text not in votes
    word = token.lower_
    if word in PARTY_WORDS and token.ent_type_ in ("NORP", "ORG", "PERSON"):
        return True  # "Tory Ruth Davidson" ("Tory" is a first name too)
    if token.text in votes:
        return False
    if word in PERSON_NOUNS or word in TITLES:
        return True
    if not token.is_sent_start:
        return False
    if lower_words is None:
        lower_words = {t.text for t in doc if t.is_lower}
    return word.endswith(AGENT_ENDINGS) or word in lower_words


def modifies_a_common_noun(token: Token) -> bool:
    """ "Cheetah" in "the Cheetah exhibit", "Labour" in "Long-time Labour supporter": the word
    modifies a common noun after it, so it names no one by itself."""
    head = token.head
    return token.dep_ in ("compound", "amod", "nmod") and head.i > token.i and head.pos_ == "NOUN"


def name_text(span: Span) -> str:
    return " ".join(span.text.replace("’", "'").split())


def name_key(mention: Mention) -> str:
    key = re.sub(r"[.]", "", mention.text.lower()).strip()
    key = re.sub(r"\s+", " ", key)
    if mention.kind == "place":
        return _PLACE_ALIASES.get(key, key)
    if mention.kind == "group":
        return key[:-1] if key.endswith("s") else key
    return key
