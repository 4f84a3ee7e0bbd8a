"""Roles as written around a person's name: titles before it ("Secretary of State"), premodifiers
("Tory leader"), appositions on either side ("Peskov, the Kremlin spokesperson", "The Shadow Secretary
of State for the Family, Theresa May"), and the gender those words show. Roles the clause states
(`stated_roles.py`), affiliations (`affiliations.py`) and the phrase text (`role_phrases.py`) are
read by their own modules; this one gathers them per name."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from summarizer.actors.affiliations import (
    affiliation_of,
    capitalised_role_word,
    describes_affiliation,
    names_organisation_type,
    organisation_after_title,
    organisation_type_after,
)
from summarizer.actors.common import (
    AGENT_ENDINGS,
    HONORIFICS,
    PARTY_WORDS,
    PERSON_NOUNS,
    ROLE_ABBREVIATIONS,
    TITLE_PARTS,
    TITLES,
    Cluster,
    Gender,
    Mention,
    definite,
    first_name_gender,
    modifies_a_common_noun,
    person_noun,
    person_word,
    role_word_before_name,
    title_word,
    word_gender,
)
from summarizer.actors.role_phrases import as_written, role_phrase
from summarizer.actors.stated_roles import role_naming, stated_role, stated_role_noun
from summarizer.lexicon import ORGANISATION_NOUNS

_AGE = re.compile(r"year-old$|^\d+$")
_ROLE_PREPOSITION = re.compile(r"\s(?:of|for|in|at|from|with)\s")  # the role's head noun comes before it
_PLACE_PREPOSITIONS = frozenset({"in", "of", "for", "at"})  # "prime minister in Gaza", "mayor of London"
_AGE_WORDS = frozenset({"-", "year", "years", "old", "year-old", "aged"})
_PARTY_LETTERS = frozenset({"R", "D", "I"})  # "R-Ohio", "D-Calif."


def describe_person(doc: Doc, cluster: Cluster, skipped: set[int]) -> None:
    """Collect roles, titles and gender evidence around every name mention of a person."""
    relations: list[tuple[int, str]] = []  # (where in the roles, role)
    for mention in cluster.mentions:
        title_start = _title_start(doc, mention.start)
        title_tokens = list(doc[title_start : mention.start])
        for token in title_tokens:
            word = token.lower_.rstrip(".")
            gender = HONORIFICS.get(word) or TITLES.get(word)
            cluster.gender = cluster.gender or gender
        title = " ".join(t.text for t in title_tokens if t.lower_.rstrip(".") not in HONORIFICS)
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
            if _names_another(doc, mention, tokens):
                relations.append((len(cluster.roles), role))
            else:
                cluster.roles.append(role)
            cluster.descriptors.add(_head_word(role))
        stated = stated_role(doc, mention)
        if stated:
            cluster.weak_roles.append(stated)
            cluster.descriptors.add(_head_word(stated))
    # "Niyazov's successor, President X": a relation to another person says less than a title, and
    # is the role in its place when there is none
    if cluster.titles:
        cluster.weak_roles[:0] = [role for _, role in relations]
    else:
        for at, role in reversed(relations):
            cluster.roles.insert(at, role)
    for word in _gender_words(cluster):
        cluster.gender = cluster.gender or word
    if cluster.gender is None:
        full = cluster.full_name
        if len(full.split()) > 1:
            cluster.gender = first_name_gender(full.split()[0])


def _head_word(role: str) -> str:
    """The role's head noun, the word "the ..." can refer by: "chairman" of "chairman of the board"."""
    before = _ROLE_PREPOSITION.split(f" {role.lower()} ")[0].split()
    return before[-1] if before else role.split()[-1].lower()


def _names_another(doc: Doc, mention: Mention, tokens: set[int]) -> bool:
    """Does the role name a person other than its holder, as its possessor or in a prepositional
    phrase ("Niyazov's successor", "the successor of dictator Saparmurat Niyazov")? Words the
    tagger took for a name before the holder's ("Multimillionaire Tory donor") are not another."""
    for i in tokens:
        if doc[i].ent_type_ != "PERSON" or doc[i].pos_ != "PROPN" or mention.start <= i < mention.end:
            continue
        token = doc[i]
        while token.i in tokens and token.head.i != token.i:
            if token.dep_ in ("poss", "pobj", "appos"):
                return True
            token = token.head
    return False


def _title_start(doc: Doc, name_start: int) -> int:
    """Where the title before a name begins: "Prime Minister", "Secretary of State", "Director of
    Public Prosecutions"."""
    start = name_start
    while start > 0:
        if title_word(doc[start - 1]):
            start -= 1
            continue
        k = start - 1
        while k > max(start - 4, 0) and doc[k].text[:1].isupper() and doc[k].lower_ not in ("of", "for"):
            k -= 1
        holder = doc[k - 1] if k > 0 else None
        titled = holder is not None and holder.text[:1].isupper()
        member = holder is not None and holder.text in ("MP", "MSP", "MEP")
        titled = titled and (title_word(holder) or holder.lower_ in PERSON_NOUNS or member)
        if k < start - 1 and doc[k].lower_ in ("of", "for") and titled:
            start = k - 1  # "Secretary of State Antony J. Blinken", "Labour MP for Tottenham David Lammy"
        else:
            break
    return start


def role_says_organisation(cluster: Cluster) -> bool:
    """A "person" whose role as written is a kind of organisation: "German magazine Der Spiegel",
    "CNN affiliate WNCN", "Roscosmos, the Russian Federal Space Agency". A first name the name
    lists as a person's overrules it."""
    full = cluster.full_name
    if not full or first_name_gender(full.split()[0]) is not None:
        return False
    for role in cluster.roles:
        head = _ROLE_PREPOSITION.split(f" {role.lower()} ")[0].split()  # "of the X Agency": no head
        if head and head[-1] in ORGANISATION_NOUNS:
            return True
    return False


def role_says_person(doc: Doc, cluster: Cluster, skipped: set[int]) -> bool:
    """A place or organisation whose role as written only a person can have: "32-year-old protester
    Paris Kyriakides" (tagged as a place), "Ann Ode, a spokeswoman"."""
    for mention in cluster.mentions:
        for role, tokens in _roles_around(doc, mention, mention.start, skipped, person=False):
            # a premodifier ("protester Paris ...") ends in its head; a phrase's head is its root
            heads = [doc[i].lower_ for i in tokens if doc[i].head.i not in tokens or doc[i].head.i == i]
            heads = heads or role.lower().split()[-1:]
            if any(person_word(h) for h in heads):
                return True
        stated = stated_role_noun(doc[mention.start : mention.end].root)
        if stated is not None and person_noun(stated):  # "Kemi Adeyemi, who was appointed chief executive"
            return True
    return False


def describe_organisation(doc: Doc, cluster: Cluster, skipped: set[int]) -> None:
    """Roles written around an organisation's name: "Russian state news agency Tass", "NASA, the
    American space agency"."""
    for mention in cluster.mentions:
        for role, _ in _roles_around(doc, mention, mention.start, skipped, person=False):
            if not _AGE.match(role.replace(" ", "")):
                cluster.roles.append(role)
        described = organisation_type_after(doc, mention)
        if described:
            cluster.roles.append(described[0])
        stated = stated_role(doc, mention)
        if stated:
            cluster.weak_roles.append(stated)


def _gender_words(cluster: Cluster) -> list[Gender]:
    words = " ".join(cluster.roles).lower().split()
    return [gender for word in words if (gender := word_gender(word)) is not None]


def _roles_around(
    doc: Doc, mention: Mention, title_start: int, skipped: set[int], *, person: bool = True
) -> list[tuple[str, set[int]]]:
    """Roles written next to a name: "Kremlin spokesperson Dmitry Peskov", "Peskov, the Kremlin
    spokesperson", "its chairman and chief executive, Jamie Dimon"."""
    roles: list[tuple[str, set[int]]] = []
    name = doc[mention.start : mention.end]
    root = name.root
    premodifier, premodifier_start = _premodifier_role(doc, title_start, mention.start, mention.end, skipped)
    if premodifier:
        roles.append((premodifier, set(range(premodifier_start, mention.start))))
    after = mention.end
    while after < len(doc) and doc[after].text in ROLE_ABBREVIATIONS and not doc[after].text.endswith("s"):
        after += 1
    if after > mention.end:  # "Eleanor Laws QC", "Jesse Norman MP" (not "SNP MPs")
        roles.append((doc[mention.end : after].text, set(range(mention.end, after))))
    for child in [*root.children, *_appositions_after_place(root), *_appositions_after_party_tag(root)]:
        if child.dep_ != "appos" or child.i < mention.end or describes_affiliation(doc, mention, child):
            continue
        organisation_type = names_organisation_type(child)  # "Roscosmos (the Russian Federal Space Agency)"
        capitalised_role = child.pos_ == "PROPN" and capitalised_role_word(child)
        # "Carla Dunmore, the Virginia Republican running for ...": a party member is a role
        capitalised_role = capitalised_role or (child.lower_ in PARTY_WORDS and definite(child))
        # "the Manchester United forward", tagged PROPN (not a caption's ", right,")
        lower_case = child.pos_ == "PROPN" and child.is_lower and child.is_alpha
        common = child.pos_ in ("NOUN", "NUM", "PRON", "ADJ") or lower_case
        if common or organisation_type or capitalised_role:
            if doc[child.left_edge.i - 1].text == "(" and not organisation_type:
                continue  # a photo caption's "(right)", "(pictured)"
            role = role_phrase(doc, child, exclude=name)
            organisation = organisation_after_title(doc, child) if capitalised_role else None
            if role and organisation is not None:  # "Mark Diffley, Director, Ipsos MORI Scotland said"
                role = f"{role}, {doc[organisation.start : organisation.stop].text}"
            if role:
                roles.append((role, {t.i for t in child.subtree}))
    affiliation = affiliation_of(doc, mention, person)
    if affiliation:
        roles.append(affiliation)
    head = root.head
    title_head = head.pos_ == "PROPN" and title_word(head)  # "The Shadow Secretary of State ..., Theresa May"
    if (
        root.dep_ == "appos"
        and (head.pos_ == "NOUN" or title_head)
        and head.tag_ != "NNS"
        and head.i < mention.start
        and _holds_the_name(doc, head, title_start)
    ):
        role = role_phrase(doc, head, exclude=name)
        if role:
            roles.append((role, {t.i for t in head.subtree} - set(range(mention.start, mention.end))))
    holder = _role_across_place(root)
    if holder is not None:
        role = role_phrase(doc, holder, exclude=name)
        if role:
            roles.append((role, {t.i for t in holder.subtree} - set(range(mention.start, mention.end))))
    noun = role_naming(root)
    if noun is not None:
        role = role_phrase(doc, noun, exclude=name)
        if role:
            roles.append((role, {t.i for t in noun.subtree} - set(range(mention.start, mention.end))))
    return roles


def _holds_the_name(doc: Doc, head: Token, title_start: int) -> bool:
    """Is the noun the name is in apposition to the name's own role? Next to it ("the newspaper
    Kathmandu Post"), set off by a comma ("his older brother, 26-year-old X"), or after a plural
    that cannot be a person ("chief inspector of prisons X"); not "the successor of dictator X",
    where the nearer noun is the name's role and the parser hung the name too high."""
    k = title_start - 1
    while k > head.i and (doc[k].like_num or doc[k].lower_ in _AGE_WORDS):
        k -= 1  # ", 26-year-old X"
    return (
        head.i == title_start - 1
        or doc[k].text in (",", "(", ":", "–", "—")
        or doc[title_start - 1].tag_ in ("NNS", "NNPS")
    )


def _role_across_place(root: Token) -> Token | None:
    """ "The Hamas prime minister in Gaza, Ismail Haniyeh, said", "The governor of Unity State, Taban
    Deng": the parser hangs the name on the place or body that ends the role; the role noun that
    place belongs to is the person's role."""
    place = root.head
    if root.dep_ != "appos" or place.i >= root.i or place.ent_type_ not in ("GPE", "LOC", "ORG", "FAC"):
        return None
    preposition = place.head
    if place.dep_ != "pobj" or preposition.dep_ != "prep" or preposition.lower_ not in _PLACE_PREPOSITIONS:
        return None
    noun = preposition.head
    if noun.pos_ != "NOUN" or noun.tag_ == "NNS" or noun.i > preposition.i:
        return None
    return noun if root.doc[root.left_edge.i - 1].text == "," else None  # set off by a comma


def _appositions_after_place(root: Token) -> list[Token]:
    """ "Nick Rahall of West Virginia, the chairman of ...": the parser hangs the role on the place
    that follows the name; a common noun in apposition there is the person's role."""
    found: list[Token] = []
    for prep in root.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("of", "from"):
            continue
        for place in prep.children:
            if place.dep_ == "pobj" and place.ent_type_ in ("GPE", "LOC"):
                found += [c for c in place.children if c.dep_ == "appos" and c.pos_ == "NOUN" and c.is_lower]
    return found


def _appositions_after_party_tag(root: Token) -> list[Token]:
    """ "Rep. Jim Jordan, R-Ohio, the top Republican on ...": the parser hangs the role on the party
    and state tag that follows the name."""
    found: list[Token] = []
    for tag in root.children:
        letter = tag.doc[tag.left_edge.i]
        hyphen = letter.i + 1 < len(letter.doc) and letter.doc[letter.i + 1].text in ("-", "–")
        if tag.dep_ == "appos" and letter.text in _PARTY_LETTERS and hyphen:
            found += [c for c in tag.children if c.dep_ == "appos"]
    return found


def _premodifier_role(
    doc: Doc, title_start: int, name_start: int, name_end: int, skipped: set[int]
) -> tuple[str, int]:
    """The role written before a name, and where it starts: the parsed one, or the whole noun
    phrase as written when it ends in the same words and says more ("Double Booker Prize winner and
    Wolf Hall author", "Mr Davey's predecessor"), as the parser often splits such phrases."""
    root = doc[name_start:name_end].root
    if root.dep_ in ("nsubj", "nsubjpass") and root.head.dep_ == "relcl" and root.head.head.i < name_start:
        return "", title_start  # "the third champion Manny has faced": the champion is another
    parsed, parsed_start = _parsed_premodifier(doc, title_start, name_start, name_end, skipped)
    written_start, written_end = _written_role_span(doc, name_start, name_end, skipped)
    words = [t for t in doc[written_start:written_end] if not t.is_space]
    written = " ".join(as_written(words).split()) if words else ""
    if written.endswith(parsed) and len(written.split()) > len(parsed.split()):
        return written, written_start
    return parsed, parsed_start


def _written_role_span(doc: Doc, name_start: int, name_end: int, skipped: set[int]) -> tuple[int, int]:
    """Where the role noun phrase right before a name begins, read word by word: modifiers,
    possessors ("Mr Davey's"), hyphens and "and" between two role nouns, back to a determiner,
    preposition, verb, punctuation mark or date. Honorifics next to the name are not part of it;
    empty when no role noun ends right before the name, or when the name itself modifies a noun
    after it ("Long-time Labour supporter": the words are the supporter's, not Labour's)."""
    if modifies_a_common_noun(doc[name_end - 1]):
        return name_start, name_start
    end = name_start
    while end > 0 and doc[end - 1].lower_.rstrip(".") in HONORIFICS and doc[end - 1].text[:1].isupper():
        end -= 1
    if end == 0 or not _role_head(doc[end - 1]) or doc[end - 1].i in skipped:
        return name_start, name_start
    head = doc[end - 1]
    personal = person_noun(head) or word_gender(head.lower_) is not None
    attached = name_start <= head.head.i < name_end
    owned = end >= 2 and doc[end - 2].pos_ == "PROPN"  # "CNN affiliate WAVY", however parsed
    # "the newspaper Kathmandu Today reported", however parsed
    owned = owned or (head.lower_ in ORGANISATION_NOUNS and end >= 2 and doc[end - 2].lower_ == "the")
    if head.is_lower and not (personal or attached or owned):
        return name_start, name_start  # "The last time Frank Jordan spoke": not a modifier of the name
    start = end - 1
    while start > 0 and not doc[start].is_sent_start and _continues_role(doc, start - 1, skipped):
        start -= 1
    return start, end


_NOT_ROLE_ENTITIES = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL"})


def _continues_role(doc: Doc, i: int, skipped: set[int]) -> bool:
    """Does the word before a role phrase belong to it: a possessive ending, a hyphen inside a word,
    "and" after another role noun, or a modifier?"""
    word = doc[i]
    if word.like_num and not word.whitespace_ and doc[i + 1].text == "-" and i not in skipped:
        return True  # "14-time major winner", "two-time champion"
    if i in skipped or word.ent_type_ in _NOT_ROLE_ENTITIES:
        return False
    hyphen = word.text == "-" and not word.whitespace_ and i > 0 and not doc[i - 1].is_punct
    joined = word.lower_ in ("and", "&") and i > 0 and _role_head(doc[i - 1])
    return word.tag_ == "POS" or hyphen or joined or _modifies_role(word, doc[i + 1])


def _role_head(token: Token) -> bool:
    """A word a role noun phrase can end in: a common noun, a title or an abbreviated role."""
    if token.ent_type_ in _NOT_ROLE_ENTITIES:
        return False
    return (
        (token.is_lower and token.is_alpha and token.pos_ == "NOUN")
        or token.text.rstrip(".") in ROLE_ABBREVIATIONS
        or title_word(token)
        # "legend" taken for a verb; not "her native Austria"
        or (person_noun(token) and token.tag_ in ("NN", "NNP", "VBP", "VBZ", "VBD"))
    )


def _modifies_role(word: Token, following: Token) -> bool:
    """An adjective, noun or name before a role noun. A second person noun right before a
    capitalised word starts another phrase ("... as Tory leader Multimillionaire Tory donor")."""
    if word.is_lower and word.lower_ in TITLE_PARTS:
        return True  # "shadow", which the tagger may take for a verb
    if word.pos_ not in ("ADJ", "NOUN", "PROPN") or word.tag_ in ("PRP$", "DT", "WP$"):
        return False
    agent = word.is_lower and (word.lower_ in PERSON_NOUNS or word.lower_.endswith(AGENT_ENDINGS))
    return not (agent and following.text[:1].isupper())


def _parsed_premodifier(
    doc: Doc, title_start: int, name_start: int, name_end: int, skipped: set[int]
) -> tuple[str, int]:
    """Words before a name (and its title) that modify it, and where they start: "Tory leader", "US
    President", "Ex-Killie and Hearts player". Honorifics ("Mr") are not a role."""
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
    if doc[name_head].pos_ == "PROPN" and not title_word(doc[name_head]):
        name_head = -1  # a name in a list ("the SNP's Nicola Sturgeon and Liberal Democrat X"), not a role
    run = [t for t in doc[start:title_start] if not t.is_space]
    plain_role = bool(run) and all(t.is_lower and t.pos_ in ("NOUN", "ADJ", "CCONJ") for t in run)
    # lower-case role words right before the name are its role, however they were parsed
    trusted = plain_role and any(person_noun(t) for t in run) and run[-1].pos_ == "NOUN"
    # "Salahuddin governor Raed al-Jabouri": the role noun next to the name, its modifiers hung on it
    trusted = trusted or (
        bool(run) and person_noun(run[-1]) and all(run[0].i <= t.head.i <= run[-1].i for t in run[:-1])
    )
    while (
        not trusted
        and start < title_start
        and any(
            not start <= t.head.i < name_end and t.i != name_head
            for t in doc[start:title_start]
            if not t.is_space
        )
    ):
        start += 1
    if start == title_start:
        return "", start  # the title alone is kept as a title: an apposition may give the fuller role
    words = [t for t in doc[start:name_start] if t.lower_.rstrip(".") not in HONORIFICS and not t.is_space]
    if not words or not any(_role_word(t) for t in words):
        return "", start
    if words[-1].i - words[0].i + 1 != len([t for t in doc[words[0].i : words[-1].i + 1] if not t.is_space]):
        return "", start
    return " ".join(as_written(words).split()), start


def _role_word(token: Token) -> bool:
    """A common noun, a title, or a sentence-initial capitalised noun ("Prosecutor David Moore")."""
    initial = token.is_sent_start and token.tag_ == "NNP" and not token.ent_type_
    return (
        token.pos_ == "NOUN"
        or title_word(token)
        or initial
        or token.text.rstrip(".") in ROLE_ABBREVIATIONS
        or role_word_before_name(token)
        or (token.lower_ in PARTY_WORDS and token.ent_type_ in ("NORP", "ORG"))  # "Liberal Democrat X"
    )


def _may_modify_a_name(token: Token) -> bool:
    hyphen = token.text in ("-", "–") and not token.whitespace_
    return (
        (token.pos_ in ("PROPN", "NOUN", "ADJ", "NUM", "CCONJ") or hyphen)
        and (
            token.dep_ not in ("det", "poss", "case", "nsubj", "dobj", "pobj", "appos") or person_noun(token)
        )
        and (
            token.ent_type_ in ("", "ORG", "GPE", "NORP", "LOC", "FAC")
            or _inside_role(token)
            or role_word_before_name(token)
        )
    )


def _inside_role(token: Token) -> bool:
    """ "Lib Dem" in "Lib Dem leader Nick Clegg": a name that modifies the role noun, not the person."""
    head = token
    while head.dep_ == "compound" and head.head.i > head.i:
        head = head.head
    return head.i != token.i and head.pos_ == "NOUN"
