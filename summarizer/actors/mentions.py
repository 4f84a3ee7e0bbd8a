"""Finding name mentions: spaCy's entities cleaned of titles, possessives, datelines, credits and
page furniture, mislabelled words dropped (title words, events, quoted works), and each given the kind
its context shows (clubs and party labels as organisations, spokespeople as people)."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from summarizer.actors.common import (
    HONORIFICS,
    NAME_CONNECTORS,
    PERSON_NOUNS,
    ROLE_ABBREVIATIONS,
    TITLES,
    Gender,
    Mention,
    first_name_gender,
    first_name_votes,
    name_text,
    role_word_before_name,
    title_word,
)
from summarizer.boilerplate import is_furniture
from summarizer.lexicon import SPEECH_VERBS
from summarizer.models import ActorKind, Sentence
from summarizer.segmentation import paragraph_starts

_KIND_OF_LABEL: dict[str, ActorKind] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}

# Last words of names of events and occasions, which the tagger often labels ORG ("General Election").
_EVENT_WORDS = frozenset({
    "election", "elections", "budget", "referendum", "summit", "review", "statement", "speech", "debate",
    "conference", "games", "olympics", "cup", "championship", "championships", "war", "crisis", "scandal",
    "inquiry", "act", "bill", "treaty", "agreement", "accord", "festival", "awards", "day", "week",
})  # fmt: skip

# First words of the names of weather systems: events, not actors.
_STORM_WORDS = frozenset({"storm", "hurricane", "typhoon", "cyclone"})

# Words before a capitalised title that show it names a work, not an organisation ("the film Argo").
# Last words of place names that open with a first name ("Victoria Station", "Jordan River").
_PLACE_WORDS = frozenset({
    "street", "road", "avenue", "station", "river", "lake", "park", "square", "bridge", "island", "bay",
    "county", "city", "hall", "house", "centre", "center", "airport", "hospital", "school", "college",
})  # fmt: skip
_WORK_NOUNS = frozenset({
    "film", "movie", "show", "series", "album", "book", "novel", "song", "play", "documentary",
})  # fmt: skip

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

_MISLABELLED_NAME_LABELS = frozenset({"PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"})

_CAPTION_BREAKS = frozenset({":", '"', "“", "‘", "'", "(", "-", "—", "–"})

_SCORE = re.compile(r"^\d+-\d+$")

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


def skipped_tokens(doc: Doc, sentences: list[Sentence], sentence_of: list[int]) -> set[int]:
    """Tokens of datelines ("LONDON (Reuters) -", "(CNN)"), newsroom credits and page furniture
    (bylines, "Share this page", editor's notes): never actors, speakers or statements."""
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
    offset = 0
    for line in doc.text.split("\n"):
        if is_furniture(line):
            span = doc.char_span(offset, offset + len(line), alignment_mode="expand")
            if span is not None:
                skipped.update(range(span.start, span.end))
        offset += len(line) + 1
    return skipped


def name_mentions(doc: Doc, sentence_of: list[int], skipped: set[int]) -> list[Mention]:
    """Entity mentions, plus tentative ones (see `Mention.tentative`) for capitalised words the
    tagger left untagged or labelled PRODUCT/WORK_OF_ART ("Locke" tagged PRODUCT)."""
    mentions: list[Mention] = []
    taken: set[int] = set()
    lower_words = {t.text for t in doc if t.is_lower}
    starts = {sentence.start for sentence in doc.sents}
    # Capitalised words written inside a sentence, not only where every word is (sentence starts, captions)
    capitalised_inside = {
        t.lower_ for t in doc if t.is_title and t.i not in starts and doc[t.i - 1].text not in _CAPTION_BREAKS
    }
    ents = _joined_names(doc)
    thing_names = [[t.text for t in e] for e in ents if e.label_ in ("ORG", "GPE", "FAC", "LOC", "EVENT")]
    for ent in ents:
        kind = _KIND_OF_LABEL.get(ent.label_)
        tentative = kind is None and ent.label_ in _MISLABELLED_NAME_LABELS and len(ent) == 1
        if tentative or ent[0].lower_.rstrip(".") in HONORIFICS or _title_of_place(ent):
            kind = "person"  # "Mr Hussen" tagged GPE, "the Duchess of Cambridge" tagged ORG: people
        if kind is None or ent.start in taken or any(i in skipped for i in range(ent.start, ent.end)):
            continue
        span = _clean_span(doc, ent, kind, lower_words, thing_names)
        if span is not None and _capitalised_only_as_a_first_word(span, lower_words, capitalised_inside):
            continue
        if span is None:
            continue
        if kind == "person" and not tentative:
            span = _complete_person(doc, span, skipped)
        if not tentative and kind != "group":
            kind = _kind_in_context(doc, span, kind)
        if kind == "group" and not _used_as_noun(span):
            continue
        taken.update(range(span.start, span.end))
        text = name_text(span)
        mention = Mention(span.start, span.end, kind, text, sentence_of[span.start], tentative=tentative)
        mention.honorific_gender = _honorific_gender(doc, span.start)
        mentions.append(mention)
    mentions += _untagged_appositive_names(doc, sentence_of, skipped, taken)
    mentions += _untagged_full_names(doc, sentence_of, skipped, taken)
    for token in doc:
        if token.i in taken or token.i in skipped or not token.is_title:
            continue
        after_honorific = token.i > 0 and doc[token.i - 1].lower_.rstrip(".") in HONORIFICS
        if after_honorific and token.ent_type_ in ("", "DATE") and token.tag_ in ("NNP", "NNPS"):
            # "Mrs May said": a surname after an honorific, even where the tagger saw a month
            mention = Mention(
                token.i, token.i + 1, "person", name_text(doc[token.i : token.i + 1]), sentence_of[token.i]
            )
            mention.honorific_gender = _honorific_gender(doc, token.i)
            mentions.append(mention)
            continue
        if token.ent_type_:
            continue
        if token.tag_ not in ("NNP", "NN"):  # "Boase" opening a sentence is often tagged NN
            continue
        text = name_text(doc[token.i : token.i + 1])
        mentions.append(Mention(token.i, token.i + 1, "person", text, sentence_of[token.i], tentative=True))
    storms = _storm_names(doc)
    mentions = [m for m in mentions if m.text not in storms]  # "Ciara would ease by Tuesday"
    mentions.sort(key=lambda m: m.start)
    return mentions


def _storm_names(doc: Doc) -> set[str]:
    """ "Ciara" of "Storm Ciara": the name of a weather system, written alone later."""
    return {
        name_text(doc[t.i + 1 : t.i + 2])
        for t in doc[:-1]
        if t.lower_ in _STORM_WORDS and t.is_title and doc[t.i + 1].is_title and _weather_story(doc, t.lower_)
    }


def _weather_story(doc: Doc, word: str) -> bool:
    """The article also writes "the storm" in lower case: "Storm Ciara" is one, "Storm Reid" (an
    actress) in a story without a storm is not."""
    return any(t.lower_ == word and t.is_lower for t in doc)


def _joined_names(doc: Doc) -> list[Span]:
    """The entities, with a first name the tagger split off a person's name joined back: in
    "spokesman Sawarmi Khaled Saad", "Sawarmi" (tagged as a place) right after a role noun and right
    before the rest of the name."""
    ents = list(doc.ents)
    joined: list[Span] = []
    k = 0
    while k < len(ents):
        ent = ents[k]
        following = ents[k + 1] if k + 1 < len(ents) else None
        before = doc[ent.start - 1] if ent.start > 0 else None
        if (
            following is not None
            and following.label_ == "PERSON"
            and following.start == ent.end
            and len(ent) == 1
            and ent.label_ in ("PERSON", "GPE", "ORG", "LOC", "NORP")
            and ent[0].is_title
            and before is not None
            and before.is_lower
            and (before.lower_ in PERSON_NOUNS or before.lower_ in TITLES)
        ):
            joined.append(Span(doc, ent.start, following.end, label="PERSON"))
            k += 2
            continue
        joined.append(ent)
        k += 1
    return joined


def _title_of_place(ent: Span) -> bool:
    """ "Duchess of Cambridge", "Archbishop of Canterbury": a title held of a place names a person."""
    words = [t for t in ent if t.lower_ != "the"]
    return len(words) >= 3 and title_word(words[0]) and words[1].lower_ == "of"


def _untagged_full_names(
    doc: Doc, sentence_of: list[int], skipped: set[int], taken: set[int]
) -> list[Mention]:
    """ "Theresa May spoke at a nursery", "Committee Chair Maxine Waters said": a known first name, or
    any name word right after a title, and a capitalised word after it that the tagger left untagged
    (or took for a month) is a person's full name."""
    found: list[Mention] = []
    for token in doc:
        if token.i in taken or token.i in skipped or token.ent_type_ or token.pos_ != "PROPN":
            continue
        after_title = token.i > 0 and title_word(doc[token.i - 1]) and not title_word(token)
        if not token.is_title or (first_name_gender(token.text) is None and not after_title):
            continue
        end = token.i + 1
        while end < len(doc) and end - token.i < 3 and _untagged_name_word(doc[end], taken):
            end += 1
        last = doc[end - 1].lower_
        if end == token.i + 1 or last in _ORGANISATION_WORDS or last in _PLACE_WORDS:
            continue
        span = doc[token.i : end]
        taken.update(range(span.start, span.end))
        found.append(Mention(span.start, span.end, "person", name_text(span), sentence_of[span.start]))
    return found


def _untagged_name_word(token: Token, taken: set[int]) -> bool:
    return (
        token.pos_ == "PROPN"
        and token.is_title
        and token.i not in taken
        and token.ent_type_ in ("", "DATE", "PERSON")
        and not title_word(token)
    )


def _untagged_appositive_names(
    doc: Doc, sentence_of: list[int], skipped: set[int], taken: set[int]
) -> list[Mention]:
    """A person's name in apposition to their role that the tagger missed or took for a date:
    "The Shadow Secretary of State for the Family, Theresa May, said". Only names that open with a
    known first name, so that titles of things in apposition stay out."""
    found: list[Mention] = []
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
        if span[0].text not in first_name_votes():
            continue
        taken.update(range(span.start, span.end))
        found.append(Mention(span.start, span.end, "person", name_text(span), sentence_of[span.start]))
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
        if club_name or _staff_of(span) or _used_as_team(span) or _party_label(span) or _author_of_poll(span):
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
        if child.dep_ == "appos" and child.tag_ == "NN" and child.lower_ in PERSON_NOUNS:
            return "person"
    first_name = len(words) > 1 and first_name_gender(words[0]) is not None
    speaks = root.dep_ == "nsubj" and root.head.lemma_ in SPEECH_VERBS
    return "person" if first_name and speaks else kind


def _author_of_poll(span: Span) -> bool:
    """ "a poll by Ipsos Mori": the maker of a poll, survey or report, with no first name, is an
    organisation."""
    root = span.root
    preposition = root.head
    return (
        root.dep_ == "pobj"
        and preposition.lower_ == "by"
        and preposition.head.lemma_ in ("poll", "survey", "report", "study", "analysis", "research")
        and span[0].text not in first_name_votes()
    )


def _party_label(span: Span) -> bool:
    """ "Lib Dem spokeswoman", "Sinn Fein leader": a name with no first name that modifies a role noun
    is an organisation's label, not a person."""
    root = span.root
    return (
        len(span) > 1
        and first_name_gender(span[0].text) is None
        and span[0].text not in first_name_votes()
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
    return HONORIFICS.get(before.lower_.rstrip(".")) if before is not None and title_word(before) else None


def _borrowed_word(span: Span, thing_names: list[list[str]]) -> bool:
    """Is the first word of a PERSON span really the end of another name ("League Klopp", from
    "Premier League Klopp"): a word of an organisation's name, and the rest a known person?"""
    first, rest = span[0].text, span[1:].text
    if first in first_name_votes() or rest not in {e.text for e in span.doc.ents if e.label_ == "PERSON"}:
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
        while (
            start < end and title_word(doc[start]) and not (start + 1 < end and doc[start + 1].lower_ == "of")
        ):
            start += 1
        if end - start > 2 and role_word_before_name(doc[start], lower_words):
            start += 1  # "Lawyer Alexis Kougias": the role is no part of the name
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while kind in ("person", "organization") and end - start > 2 and doc[end - 1].text in ROLE_ABBREVIATIONS:
        end -= 1  # "Eleanor Laws QC" (tagged either way): the role is no part of the name
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


def _capitalised_only_as_a_first_word(span: Span, lower_words: set[str], mid_sentence: set[str]) -> bool:
    """ "Cheetah" opening a sentence (or a caption) in a story about a cheetah: a common word that the
    article never capitalises inside a sentence is no organisation's or person's name."""
    word = span.text.lower()
    return len(span) == 1 and span[0].is_title and word in lower_words and word not in mid_sentence


def _part_of_title(doc: Doc, span: Span) -> bool:
    """ "State" in "Secretary of State", "Shadow" in "Shadow Home Secretary": a word of a title."""
    if len(span) != 1:
        return False
    before = doc[span.start - 2 : span.start]
    after = doc[span.end : span.end + 1]
    title_of = len(before) == 2 and before[1].lower_ == "of" and title_word(before[0])
    return title_of or (len(after) == 1 and title_word(after[0]) and not first_name_votes().get(span.text))


def _names_a_work_or_event(doc: Doc, span: Span, kind: ActorKind) -> bool:
    """ "General Election", "the Budget" or a film title in quotes, tagged as an organisation; a named
    storm ("Storm Ciara", "Hurricane Ian"), tagged as anything."""
    if len(span) > 1 and span[0].lower_ in _STORM_WORDS and _weather_story(doc, span[0].lower_):
        return True
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
    after_honorific = span.start > 0 and span.doc[span.start - 1].lower_.rstrip(".") in HONORIFICS
    if not after_honorific and all(title_word(t) or t.is_stop for t in span):  # but "Mrs May"
        return False
    return all(
        t.is_punct
        or t.lower_ in NAME_CONNECTORS
        or t.text[:1].isupper()
        or t.text[:1].isdigit()
        or (kind == "person" and _hyphenated_part(t, span))
        for t in span
        if not t.is_space
    )


def _hyphenated_part(token: Token, span: Span) -> bool:
    """ "moon" in "Ban Ki-moon": the lower-case part of a hyphenated name."""
    before = token.doc[token.i - 1] if token.i > span.start else None
    return before is not None and before.text == "-" and not before.whitespace_ and token.is_alpha


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
        and not title_word(token)
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
