"""The text of a role noun phrase as written: what `roles.py`, `stated_roles.py`, `affiliations.py` and
coreference all cut from a parse ("the Kremlin spokesperson" -> "Kremlin spokesperson"), kept apart so
they share one reading of where a role begins and ends."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from summarizer.actors.common import modifies_a_common_noun, title_word

_ROLE_WORDS = 12  # a longer phrase next to a name is a description, not a role


def role_phrase(doc: Doc, head: Token, exclude: Span) -> str:
    """A role noun phrase without its article, pronoun possessor, relative clause or the name.

    A second role coordinated with the first ("the most senior leader of Hamas in the strip and a
    hardliner in the movement") is left out when both together are too long to read as one."""
    role = phrase_words(doc, head, exclude, keep_coordinated=True)
    role = role if role is not None else phrase_words(doc, head, exclude, keep_coordinated=False) or ""
    return _with_short_clause(doc, head, role, exclude)


def _with_short_clause(doc: Doc, head: Token, role: str, exclude: Span) -> str:
    """ "a doctor who treated Khanal": a short relative or participle clause right after the role
    noun says which one, and is part of the role as written (a long one is a description)."""
    if not role:
        return role
    clause = next((c for c in head.rights if c.dep_ in ("relcl", "acl") and c.i > head.i), None)
    if clause is None:
        return role
    words = sorted(clause.subtree, key=lambda t: t.i)
    contiguous = words[-1].i - words[0].i + 1 == len(words) and words[0].i == head.i + 1
    inside = any(exclude.start <= t.i < exclude.end for t in words)
    if not contiguous or inside or any(t.is_punct for t in words):
        return role
    if len(role.split()) + len(words) > _ROLE_WORDS:
        return role
    return role + " " + "".join(t.text_with_ws for t in words).strip()


def phrase_words(doc: Doc, head: Token, exclude: Span, *, keep_coordinated: bool) -> str | None:
    """The role text; "" when it is no role, None when it is too long (see `role_phrase`)."""
    dropped: set[int] = set(range(exclude.start, exclude.end))
    for token in head.subtree:
        if token.i in dropped:
            continue
        if token.dep_ in ("relcl", "acl", "appos") and token.i != head.i:
            dropped.update(t.i for t in token.subtree)
        if token.dep_ == "poss" and token.head.i == head.i and not _proper(token):
            dropped.update(t.i for t in token.subtree)
        if (
            not keep_coordinated
            and token.head.i == head.i
            and token.dep_ in ("conj", "cc")
            and token.i > head.i
        ):
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
    if len(words) > _ROLE_WORDS:
        return None
    if not words or words[-1].i - words[0].i + 1 != len(words):
        return ""
    if any(
        (w.ent_type_ == "PERSON" and not _in_modifier(w, head) and not modifies_a_common_noun(w))
        or (w.tag_.startswith("VB") and w.dep_ != "amod")  # "a hospitalized woman" is a role
        or w.tag_ in ("MD", "PRP")
        for w in words
    ):
        return ""  # another person's name (a list), or a clause: not a role
    return as_written(words)


def _in_modifier(token: Token, head: Token) -> bool:
    """Is `token` inside a prepositional or possessive modifier of the role noun? A person named
    there belongs to the role ("a publicist for Claudette King", "Mr. Ortega's campaign manager")."""
    while token.i != head.i and token.head.i != token.i:
        if token.dep_ in ("pobj", "poss"):
            return True
        token = token.head
    return False


def _written_in_lower_case(token: Token) -> bool:
    """ "Actress Julia Louis-Dreyfus" opens a sentence; "the actress" shows the word is common."""
    return any(t.text == token.lower_ for t in token.doc)


def _proper(token: Token) -> bool:
    return any(t.pos_ == "PROPN" for t in token.subtree)


def as_written(words: list[Token]) -> str:
    """Text of consecutive tokens; a sentence-initial common noun loses its capital."""
    text = "".join(t.text_with_ws for t in words).strip()
    first = words[0]
    common = first.tag_ in ("NN", "NNS", "PRP$", "DT") and not first.ent_type_ and not first.text.isupper()
    common = common or (first.tag_ == "NNP" and not first.ent_type_ and _written_in_lower_case(first))
    if first.is_sent_start and common and not title_word(first):
        text = text[0].lower() + text[1:]
    return text
