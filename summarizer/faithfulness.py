"""Checks that generated summary sentences only name people, places and numbers the article has.

Abstractive models invent names and numbers now and then; a briefing must not. Each generated
sentence is run through spaCy NER and a number reader, and every named entity and number has to
be found in the article, allowing for the ways the same thing is written differently: case
("kilmarnock"), possessives ("Britain's"), acronyms ("U.S.", "US", "United States"), hyphenation,
plurals and demonyms ("Syrian" / "Syria"), digits against words ("three" / "3") and scales
("1.4 million" / "1,400,000" / "$1.4m").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from summarizer.models import SummarySentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Span, Token

CHECKED_ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
# Demonyms and place names differ in their endings ("Syrian"/"Syria", "British"/"Britain").
_DEMONYM_LABELS = frozenset({"GPE", "NORP", "LOC"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "rev", "st"})
_ACRONYM_CONNECTORS = frozenset({"of", "the", "and", "for", "de", "&"})
# The few names that news writes in unrelated forms; each group counts as one name.
_EQUIVALENT_NAMES = (
    frozenset({"us", "usa", "united states", "america"}),
    frozenset({"uk", "united kingdom", "britain", "great britain"}),
    frozenset({"un", "united nations"}),
    frozenset({"eu", "european union"}),
)

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_MULTIPLIERS = {"dozen": 12, "hundred": 100}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 10**9, "trillion": 10**12}
_SCALE_ABBREVIATIONS = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 10**9, "b": 10**9, "tn": 10**12}

_NUMBER_WORD = "|".join(sorted([*_UNITS, *_MULTIPLIERS, *_SCALES], key=len, reverse=True))
_DIGITS_RE = re.compile(
    r"(?<![\w.])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:\s?(?P<scale>" + "|".join(_SCALES) + r")\b|(?P<abbrev>k|m|mn|bn|b|tn)\b)?",
    re.IGNORECASE,
)
_WORDS_RE = re.compile(  # not the "million" of "1.4 million", which _DIGITS_RE reads
    rf"(?<!\d\s)(?<!\d)\b(?:{_NUMBER_WORD})(?:(?:\s+and\s+|[\s-]+)(?:{_NUMBER_WORD}))*\b",
    re.IGNORECASE,
)
_SENTENCE_ENDS = frozenset({".", "!", "?"})
_JUNK_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})  # control, format, private, unassigned
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_DOTTED_ACRONYM_RE = re.compile(r"(?<![\w.])(?:[a-z]\.){1,}[a-z]\.?(?![\w])")
_INITIALS_RE = re.compile(r"\b(?:[A-Za-z]\.)+(?=\s|$)")
_POSSESSIVE_RE = re.compile(r"(?<=\w)'s\b|(?<=s)'(?!\w)")
_NON_WORD_RE = re.compile(r"[^\w\s]|_")
_DETOKENIZE_RULES = (
    (re.compile(r"\s+([.,;:!?%)\]}])"), r"\1"),
    (re.compile(r"([(\[{$£€])\s+"), r"\1"),
    (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", re.IGNORECASE), r"\1"),
    (re.compile(r"``\s*"), '"'),
    (re.compile(r"\s*''"), '"'),
    (re.compile(r"\s{2,}"), " "),
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as written in the text and every value it can be read as ("100m": 100 or 100 million)."""

    text: str
    values: frozenset[Decimal]
    scaled: bool  # written with a scale word, so a rounded article figure supports it


@dataclass(frozen=True, slots=True)
class ArticleEvidence:
    """What a summary may mention, read once per article."""

    text: str  # normalised, padded with spaces so phrases match on word boundaries
    words: frozenset[str]
    acronyms: frozenset[str]  # initials of capitalised runs: "United Nations" -> "un"
    numbers: frozenset[Decimal]
    casing: dict[str, str]  # lowercase token -> how the article usually writes it

    @classmethod
    def from_text(cls, article_text: str, nlp: Language) -> ArticleEvidence:
        normalised = normalise(article_text)
        return cls(
            text=f" {normalised} ",
            words=frozenset(normalised.split()),
            acronyms=frozenset(_acronyms(article_text)),
            numbers=frozenset(
                value for quantity in find_quantities(article_text) for value in quantity.values
            ),
            casing=_casing(article_text, nlp),
        )

    def has_phrase(self, normalised_phrase: str) -> bool:
        return f" {normalised_phrase} " in self.text

    def has_word(self, word: str, *, allow_demonym: bool) -> bool:
        if word in self.words or word in self.acronyms:
            return True
        if any(form in self.words for form in _inflections(word)):
            return True
        return allow_demonym and any(_same_stem(word, known) for known in self.words if known[:3] == word[:3])

    def has_number(self, quantity: Quantity) -> bool:
        if quantity.values & self.numbers:
            return True
        return quantity.scaled and any(
            _rounds_to(known, value) for value in quantity.values for known in self.numbers
        )


def check_sentences(sentences: list[str], article_text: str, nlp: Language) -> list[SummarySentence]:
    """Every sentence with its verdict; `unsupported` lists the names and numbers the article lacks."""
    return check_against(sentences, ArticleEvidence.from_text(article_text, nlp), nlp)


def check_against(sentences: list[str], evidence: ArticleEvidence, nlp: Language) -> list[SummarySentence]:
    """check_sentences for callers that already read the article."""
    tidied = [tidy_generated(sentence) for sentence in sentences]
    readable = [readable_text(text, evidence, nlp) for text in tidied]
    # NER sees the article's capitalisation of every lowercase word, so "the white house" is found too.
    recased = [restore_case(text, evidence, nlp) for text in tidied]
    docs = nlp.pipe(recased, disable=[name for name in nlp.pipe_names if name not in ("tok2vec", "ner")])
    checked = []
    for text, doc in zip(readable, docs, strict=True):
        unsupported = _unsupported_entities(doc.ents, evidence) + _unsupported_numbers(text, evidence)
        checked.append(
            SummarySentence(text=text, index=-1, supported=not unsupported, unsupported=unsupported)
        )
    return checked


def readable_text(generated: str, evidence: ArticleEvidence, nlp: Language) -> str:
    """Tidied generated text; all-lowercase output (older CNN/DM models) gets the article's capitals."""
    text = tidy_generated(generated)
    return restore_case(text, evidence, nlp) if text[1:].islower() else text


def tidy_generated(text: str) -> str:
    """Undo tokenised spacing (" ." " 's" "``") and stray replacement characters from generated text."""
    tidied = "".join(
        char if char.isspace() or unicodedata.category(char) not in _JUNK_CATEGORIES else ""
        for char in unicodedata.normalize("NFC", text).replace("\ufffd", "")
    )
    for pattern, replacement in _DETOKENIZE_RULES:
        tidied = pattern.sub(replacement, tidied)
    tidied = tidied.strip()
    return tidied[:1].upper() + tidied[1:]


def restore_case(text: str, evidence: ArticleEvidence, nlp: Language) -> str:
    """Write each lowercase word the way the article does ("kilmarnock" -> "Kilmarnock").

    A word after a full stop is capitalised too, unless the stop ends an abbreviation or initial
    ("U.S.", "j."), so that the parser can find where sentences start.
    """
    pieces = []
    tokens = nlp.tokenizer(text)
    for token in tokens:
        known = evidence.casing.get(token.lower_) or evidence.casing.get(token.lower_.rstrip("."))
        keep = known is None or not token.is_lower or token.is_stop
        surface = token.text if keep else known[: len(token.text)]
        if (
            token.i >= 2
            and tokens[token.i - 1].text in _SENTENCE_ENDS
            and _ends_a_sentence(tokens[token.i - 2])
        ):
            surface = surface[:1].upper() + surface[1:]
        pieces.append(surface + token.whitespace_)
    recased = "".join(pieces)
    return recased[:1].upper() + recased[1:]


def _ends_a_sentence(token: Token) -> bool:
    return (token.is_alpha and len(token) > 1) or token.like_num or token.text in {'"', "'", ")"}


def normalise(text: str) -> str:
    """Lowercase words only: no possessives, acronym dots, hyphens or punctuation."""
    folded = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    folded = _DOTTED_ACRONYM_RE.sub(lambda match: match.group().replace(".", ""), folded)
    folded = _POSSESSIVE_RE.sub("", folded)
    return " ".join(_NON_WORD_RE.sub(" ", folded).split())


def find_quantities(text: str) -> Iterator[Quantity]:
    """Numbers written with digits (with scales and abbreviations) or in words ("twenty-five")."""
    for match in _DIGITS_RE.finditer(text):
        try:
            value = Decimal(match["number"].replace(",", ""))
        except InvalidOperation:
            continue
        if match["scale"]:
            yield Quantity(match.group(), frozenset({value * _SCALES[match["scale"].lower()]}), scaled=True)
        elif match["abbrev"]:
            # "5m" is usually money and "100m" usually metres: accept either reading.
            scaled_value = value * _SCALE_ABBREVIATIONS[match["abbrev"].lower()]
            yield Quantity(match.group(), frozenset({value, scaled_value}), scaled=True)
        else:
            yield Quantity(match.group(), frozenset({value}), scaled=False)
    for match in _WORDS_RE.finditer(text):
        yield Quantity(match.group(), frozenset({_words_to_number(match.group())}), scaled=False)


def _unsupported_entities(entities: Iterable[Span], evidence: ArticleEvidence) -> list[str]:
    missing = []
    for entity in entities:
        if entity.label_ not in CHECKED_ENTITY_LABELS or not any(char.isalpha() for char in entity.text):
            continue
        if not _entity_supported(entity.text, entity.label_, evidence) and entity.text not in missing:
            missing.append(entity.text)
    return missing


def _entity_supported(name: str, label: str, evidence: ArticleEvidence) -> bool:
    # "J.R. Tolkien" for "J.R.R. Tolkien": initials vary, the other words decide.
    name = _INITIALS_RE.sub(" ", name).strip() or name
    phrase = normalise(name)
    words = [word for word in phrase.split() if word not in _HONORIFICS]
    while words and words[0] == "the":
        words.pop(0)
    phrase = " ".join(words)
    if not words or evidence.has_phrase(phrase):
        return True
    for names in _EQUIVALENT_NAMES:
        if phrase in names and any(evidence.has_phrase(other) for other in names):
            return True
    initials = "".join(word[0] for word in words if word not in _ACRONYM_CONNECTORS)
    if len(words) > 1 and evidence.has_phrase(initials):
        return True
    allow_demonym = label in _DEMONYM_LABELS
    return all(
        word in _ACRONYM_CONNECTORS or word.isdigit() or evidence.has_word(word, allow_demonym=allow_demonym)
        for word in words
    )


def _unsupported_numbers(text: str, evidence: ArticleEvidence) -> list[str]:
    missing = []
    for quantity in find_quantities(text):
        if quantity.text.lower() == "one":  # mostly a pronoun ("one of the victims"), not a count
            continue
        if not evidence.has_number(quantity) and quantity.text not in missing:
            missing.append(quantity.text)
    return missing


def _words_to_number(words: str) -> Decimal:
    """ "two hundred and fifty" -> 250, "two dozen" -> 24, "1.4 million" is _DIGITS_RE's."""
    total, current = 0, 0
    for word in re.split(r"[\s-]+", words.lower()):
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _MULTIPLIERS:
            current = max(current, 1) * _MULTIPLIERS[word]
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
    return Decimal(total + current)


def _rounds_to(exact: Decimal, rounded: Decimal) -> bool:
    """Whether "1.4 million" is a fair rounding of 1,412,000 (same leading digits as written)."""
    if rounded == 0 or exact == 0:
        return False
    step = Decimal(1).scaleb(rounded.normalize().as_tuple().exponent)
    return abs(exact - rounded) <= step / 2 and exact.adjusted() == rounded.adjusted()


def _inflections(word: str) -> Iterator[str]:
    yield f"{word}s"
    yield f"{word}es"
    if word.endswith("s"):
        yield word[:-1]
    if word.endswith("es"):
        yield word[:-2]


def _same_stem(word: str, known: str) -> bool:
    """Demonym and place share a stem: Syria/Syrian, Britain/British, China/Chinese, Iraq/Iraqi."""
    shortest = min(len(word), len(known))
    if shortest < 4:
        return False
    common = 0
    for left, right in zip(word, known, strict=False):
        if left != right:
            break
        common += 1
    return common >= max(4, shortest - 3)


def _acronyms(text: str) -> Iterator[str]:
    run: list[str] = []
    for word in re.findall(r"[\w&]+", text):
        if word.lower() in _ACRONYM_CONNECTORS:
            continue
        if word[0].isupper() and not word.isupper():
            run.append(word)
        else:
            if len(run) > 1:
                yield "".join(part[0] for part in run).lower()
            run = []
    if len(run) > 1:
        yield "".join(part[0] for part in run).lower()


def _casing(article_text: str, nlp: Language) -> dict[str, str]:
    """The article's usual spelling of each word, ignoring sentence-initial capitals."""
    forms: dict[str, Counter[str]] = {}
    for token in nlp.tokenizer(article_text):
        if not token.is_alpha and "." not in token.text:
            continue
        sentence_initial = token.i == 0 or token.nbor(-1).text in {".", "!", "?", '"', "'", "‘", "“", ":"}
        if sentence_initial and token.text[:1].isupper() and not token.text.isupper():
            continue
        forms.setdefault(token.lower_, Counter())[token.text] += 1
    casing = {lower: counts.most_common(1)[0][0] for lower, counts in forms.items()}
    for lower, surface in list(casing.items()):
        casing.setdefault(lower.rstrip("."), surface.rstrip("."))
    return casing
