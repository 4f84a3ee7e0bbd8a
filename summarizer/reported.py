"""Reported speech: statements recognised from the dependency parse.

A predicate of communication or cognition from the lexicon (`said`, `argued`, `fumed`, `believes`,
`is confident that`, `condemned`, `X's assertion that`) with a subject and a complement is a
statement: `X warned that ...`, `X urged Y to ...`, `X called the plan "illogical"`, `according to X,
...`, `The plan, she said, would cost ...`. Verbs that state nothing unless a document or outlet
is their subject ("FEC records show", "a study found") need such a subject. Negated and
hypothetical cues ("did not say", "would say") are not statements; a speech announced ahead
("will say that ...") is.
"""

from __future__ import annotations

from spacy.tokens import Token

from summarizer.actors.common import person_word
from summarizer.clause_shapes import (
    gerund_subject,
    inverted_subject,
    light_verb_statement,
    name_before,
    passive_naming,
    relative_naming,
)
from summarizer.lexicon import (
    ATTITUDE_ADJECTIVES,
    CLAUSE_STATING_VERBS,
    COGNITION_VERBS,
    DOCUMENT_NOUNS,
    LIGHT_VERBS,
    NAMING_VERBS,
    ORGANISATION_NOUNS,
    PHRASAL_SPEECH_VERBS,
    SOURCE_ONLY_VERBS,
    STANCE_NOUNS,
    STANCE_OBJECT_VERBS,
    STATEMENT_NOUNS,
)
from summarizer.segmentation import OPENING_MARKS
from summarizer.speakers import (
    FINITE_TAGS,
    Context,
    is_speech_verb,
    name_for,
    outer_speech_verb,
    quoting_source,
    speaker_of,
    subject_token,
    verb_lemma,
)
from summarizer.stance_cues import attitude, shaped, source_name, stated, statement_noun
from summarizer.statement_text import (
    NOT_A_SOURCE,
    Found,
    clause_text,
    found_at,
    in_quote_marks,
)

__all__ = ["AUDIENCE_VERBS", "FINITE_TAGS", "Found", "cue_text", "found_at", "reported_positions"]

# ... through an object and "as"/"of" ("dismissed the claims as nonsense", "accused X of Y").
_OBJECT_AS_VERBS = {**dict.fromkeys(NAMING_VERBS, "as"), "accuse": "of"}
# ... through an object and an infinitive ("urged the government to act").
_OBJECT_TO_VERBS = frozenset({"urge", "warn", "tell", "ask", "call", "caution", "appeal", "advise"})
# ... through a preposition ("warned of a recession", "called for calm").
_PREPOSITION_VERBS = {
    "warn": ("of", "about", "against"), "call": ("for", "on"), "caution": ("against",),
    "protest": ("at", "against"), "complain": ("about", "of"), "appeal": ("for", "to"),
    "boast": ("of", "about"), "argue": ("for", "against"), "speak": ("of", "about", "against", "out"),
}  # fmt: skip
AUDIENCE_VERBS = frozenset({"tell", "inform", "assure", "reassure", "warn"})  # "told reporters" is one cue
_NOT_YET = frozenset({"will", "would", "could", "might", "may", "should", "must", "can", "'ll"})
# "he will pledge to cut the deficit": a speech to come, with an infinitive for its words
_PLEDGE_VERBS = frozenset({"pledge", "promise", "vow"})
# Verbs whose future is a speech announced ahead with its words ("will say that ..."); "will
# confirm" or "will announce" is an event to come.
_PREVIEW_VERBS = frozenset({
    "say", "tell", "warn", "add", "argue", "insist", "claim", "stress", "declare", "state", "admit",
    "acknowledge", "suggest", "urge", "remind", "accuse", *_PLEDGE_VERBS,
})  # fmt: skip
# Verbs a cue may hang on as an infinitive: "continues to insist", "used to say", "appeared to concede".
_CUE_CARRIERS = frozenset({"continue", "use", "begin", "start", "appear", "seem", "keep", "go", "have"})
# Verbs that state through an object that is a thing, not a person: "urged restraint" ("threatened"
# too often has a thing for its subject: "the riots threatened the government").
_THING_VERBS = frozenset({"urge"})
_QUESTION_VERBS = frozenset({"ask", "wonder", "question"})
# Intent verbs state something only with an infinitive ("plans to press charges").
_INTENT_VERBS = frozenset({"plan", "intend"})


def reported_positions(context: Context, cue_verbs: set[int]) -> list[Found]:
    """Reported statements in article order; `cue_verbs` already introduce a direct quotation."""
    doc = context.doc
    found: list[Found] = []
    for token in doc:
        if token.i in context.index.ignored:
            continue
        if token.pos_ == "ADJ" and token.lemma_ in ATTITUDE_ADJECTIVES:
            item = attitude(context, token)
        elif token.i in context.quoted:
            continue
        elif token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            item = _according_to(context, token)
        elif is_speech_verb(token) or _is_call_for(token):
            # a cue that introduces a quotation may report a clause of its own first ("Gunness
            # denied militants were at the school: "We are sure ...""), never the quotation
            item = _reported_clause(context, token, unquoted_only=token.i in cue_verbs)
            if item is None and verb_lemma(token) in NAMING_VERBS:
                shapes = passive_naming(token) or [relative_naming(token)]
                for shape in shapes[:-1]:  # "dubbed X by one critic and Y by another": all but the last
                    if (earlier := shaped(context, shape)) is not None:
                        found.append(earlier)
                        context.found.append(earlier.position)
                item = shaped(context, shapes[-1])
        elif token.lemma_ in LIGHT_VERBS or token.lemma_ == "have":
            item = shaped(context, light_verb_statement(token)) if stated(token) else None
        elif token.pos_ == "NOUN" and token.lemma_.lower() in STATEMENT_NOUNS | STANCE_NOUNS:
            item = statement_noun(context, token)
        else:
            continue
        if item is not None:
            found.append(item)
            context.found.append(item.position)
    return found


def _reported_clause(context: Context, verb: Token, *, unquoted_only: bool = False) -> Found | None:
    preview = _speech_preview(verb)
    if any(
        child.dep_ == "neg" or (child.dep_ == "aux" and child.lower_ in _NOT_YET and not preview)
        for child in verb.children
    ):
        return None  # "did not say whether...", "will confirm"
    if verb_lemma(verb) != "quote" and _passive(verb):
        return None  # "after he was told he would face no action": the one told is no speaker
    if verb.dep_ == "xcomp" and verb.head.lemma_ not in _CUE_CARRIERS:
        return None  # "failed to explain how...", but "continues to insist that"
    subject = subject_token(verb)
    # "..., argued the council" (the parser lends the verb the subject of the clause before it);
    # "angered residents by arguing that ..."
    gerund = gerund_subject(verb) if subject is None and _gerund_cue(verb) else None
    lost = _lost_subject(verb) or name_before(verb) if subject is None else None
    inverted = inverted_subject(verb)
    borrowed = inverted or gerund or lost  # a speaker the plain reading of the parse misses
    subject = borrowed or subject
    if subject is None or subject.lower_ in NOT_A_SOURCE:
        return None  # "That said, ...", "is said to be", "I think"
    if subject.i in context.quoted or in_quote_marks(subject):
        return None  # "dismissed as 'complete nonsense' claims that ...": a quoted phrase speaks for no one
    if verb_lemma(verb) in SOURCE_ONLY_VERBS and not (
        _is_source(context, subject) or _person_states_clause(context, verb, subject)
    ):
        return None  # "the cat showed no fear"
    complement = _complement(verb, rescue=gerund is None)
    if inverted is not None:  # "..., argued the council": what comes before
        fronted = _fronted_words(verb)
        complement = (fronted, verb.i) if fronted else None
    if complement is None:
        return _parenthetical(context, verb)
    if verb_lemma(verb) in _QUESTION_VERBS and (verb.tag_ == "VBN" or _asks(complement[0])):
        return None  # a question ("asked whether ..."), not a statement
    words, cue_end = complement
    if unquoted_only:  # the clause ends where the quotation it introduces begins
        opening = min((t.i for t in words if t.i in context.quoted), default=None)
        words = [t for t in words if opening is None or t.i < opening]
        if any(t.i < verb.i for t in words):
            return None  # "... on Friday 'I'd be over the moon,' said Locke": the quotation's own cue
    content = [t for t in sorted(words, key=lambda t: t.i) if not t.is_punct and t.lower_ != "that"]
    if not content or (content[0].i in context.quoted and content[0].i > verb.i + 1):
        return None  # the quotation's own attribution: a direct position
    if lost is not None:  # "..., the Highway Patrol said": the name the parser hung inside the clause
        first = lost.i
        while first > 0 and context.doc[first - 1].pos_ in ("PROPN", "DET"):
            first -= 1
        words = [t for t in words if not first <= t.i <= lost.i]
    carried = _according_to_phrases(words)
    text = clause_text([t for t in words if t.i not in context.index.ignored and t.i not in carried])
    if len(text.split()) < 3 and verb_lemma(verb) not in NAMING_VERBS:
        return None  # "she was"
    speaker = speaker_of(context, verb) if borrowed is None else source_name(context, borrowed)
    if not text or not speaker:
        return None
    cue = " ".join(context.doc[verb.i : cue_end + 1].text.split()) if cue_end > verb.i else cue_text(verb)
    item = found_at(context, speaker, text, "reported", cue, verb.i, speaker_token=subject.i)
    outlet = quoting_source(verb)
    if outlet is not None:
        item.position.via = name_for(context, outlet)  # "Der Spiegel quoted X as saying ..."
    return item


def _someone(subject: Token | None) -> bool:
    """A named or personal subject: "the practice calls for ..." states nothing."""
    return subject is not None and (subject.pos_ in ("PROPN", "PRON") or person_word(subject.lemma_.lower()))


def _gerund_cue(verb: Token) -> bool:
    """A gerund that states ("by arguing", "after announcing"), not one that thinks ("after thinking
    he would meet ...") nor a phrasal verb of another sense ("by calling out a critic")."""
    if verb_lemma(verb) in COGNITION_VERBS:
        return False
    return not any(c.dep_ == "prt" for c in verb.children) or (is_speech_verb(verb) and verb.lemma_ != "call")


def _lost_subject(verb: Token) -> Token | None:
    """ "..., the newspaper Kathmandu Post reported": a past tense whose subject the parser took for
    a passive one."""
    if _passive(verb):
        return None
    return next((c for c in verb.children if c.dep_ == "nsubjpass" and c.i < verb.i), None)


def _passive(verb: Token) -> bool:
    """A passive cue ("he was told"); not a past tense whose subject the parser took for a passive
    one with no auxiliary ("..., the newspaper Kathmandu Post reported")."""
    children = list(verb.children)
    if any(c.dep_ == "auxpass" for c in children):
        return True
    return any(c.dep_ == "nsubjpass" for c in children) and verb.tag_ != "VBD"


def _speech_preview(verb: Token) -> bool:
    """ "Cameron will say that high taxes are immoral", "he will warn that ...": a speech announced
    ahead with its words is a statement; "will confirm", "would say" and "may argue" are not."""
    auxiliaries = [c.lower_ for c in verb.children if c.dep_ == "aux" and c.lower_ in _NOT_YET]
    pledge = verb_lemma(verb) in _PLEDGE_VERBS
    return (
        auxiliaries in (["will"], ["'ll"])
        and verb_lemma(verb) in _PREVIEW_VERBS
        and any(
            c.dep_ == "ccomp" or (pledge and c.dep_ == "xcomp" and _is_infinitive(c)) for c in verb.children
        )
    )


def _according_to_phrases(words: list[Token]) -> set[int]:
    """ "She claims the theft traumatised her, according to TMZ": the source that carries the
    statement is no part of its content (`_nest` makes it the `via`)."""
    phrases: set[int] = set()
    for token in words:
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            phrases.update(t.i for t in token.subtree)
    return phrases


def _phrasal_particle(verb: Token, child: Token) -> bool:
    """ "back" in "fired back", parsed as an adverb."""
    return (verb.lemma_, child.lower_) in PHRASAL_SPEECH_VERBS


def _asks(words: list[Token]) -> bool:
    first = min(words, key=lambda t: t.i, default=None)
    return first is not None and first.lower_ in ("whether", "if", "why", "how", "what", "when", "who")


def _is_source(context: Context, subject: Token) -> bool:
    """A document, record, outlet or organisation: what can "show" or "find" something."""
    actor = context.index.actor_at(subject)
    if actor is not None:
        return actor.kind in ("organization", "group")
    return subject.lemma_.lower() in DOCUMENT_NOUNS | ORGANISATION_NOUNS or subject.ent_type_ == "ORG"


def _person_states_clause(context: Context, verb: Token, subject: Token) -> bool:
    """ "Ging suggested Israel knew ...", "Klopp has revealed he will leave": a person with a clause."""
    if verb_lemma(verb) not in CLAUSE_STATING_VERBS or not any(c.dep_ == "ccomp" for c in verb.children):
        return False
    actor = context.index.actor_at(subject)
    if actor is not None:
        return actor.kind == "person"
    return subject.lower_ in ("he", "she") or subject.ent_type_ == "PERSON"


def _parenthetical(context: Context, verb: Token) -> Found | None:
    """ "The plan, she said, would cost no more": a cue set off inside the clause it reports; the
    whole clause around it is the statement."""
    head = verb.head
    if verb.dep_ not in ("parataxis", "advcl", "ccomp") or head.i == verb.i:
        return None
    if head.pos_ not in ("VERB", "AUX"):
        return None
    cue = [t for t in verb.subtree if not t.is_punct]
    doc = verb.doc
    before, after = doc[max(cue[0].i - 1, 0)], doc[min(cue[-1].i + 1, len(doc) - 1)]
    if before.text != "," or after.text not in (",", "—", "–"):
        return None
    words = [t for t in head.subtree if t.i not in context.index.ignored]
    if sum(t.i in context.quoted for t in words) * 2 > len(words):
        return None  # a quotation interrupted by its cue: a direct position
    text = clause_text(words)
    speaker = speaker_of(context, verb)
    if len(text.split()) < 5 or not speaker:
        return None
    subject = subject_token(verb)
    return found_at(
        context,
        speaker,
        text,
        "reported",
        cue_text(verb),
        verb.i,
        speaker_token=subject.i if subject is not None else -1,
    )


def _complement(verb: Token, *, rescue: bool = True) -> tuple[list[Token], int] | None:
    """The reported clause's tokens and the index where the cue ends ("told reporters")."""
    lemma = verb_lemma(verb)
    children = list(verb.children)
    objects = [c for c in children if c.dep_ in ("dobj", "dative") and c.i > verb.i]
    cue_end = verb.i
    particle = next((c for c in children if c.dep_ == "prt" and c.i == verb.i + 1), None)
    if particle is not None:
        cue_end = particle.i
    if lemma in AUDIENCE_VERBS and objects and objects[0].i <= cue_end + 3:
        cue_end = objects[0].i
    clause = next((c for c in children if c.dep_ == "ccomp"), None)
    if lemma in COGNITION_VERBS:
        return _cognition_complement(verb, clause, cue_end) if rescue or clause is not None else None
    if lemma in NAMING_VERBS and objects:
        named = _naming(verb, objects[0], clause)
        if named:
            return named, cue_end
    if (
        clause is not None
        and objects
        and objects[0].i < clause.i
        and lemma in STANCE_OBJECT_VERBS | set(_OBJECT_AS_VERBS)
    ):
        return _tokens_between(objects[0], clause), cue_end  # "dismissed reports that talks had stalled"
    if clause is not None:
        return _whole_report(verb, clause), cue_end
    infinitive = next((c for c in children if c.dep_ == "xcomp"), None)
    if objects and infinitive is None:  # "urged councils to approve", parsed as councils' clause
        infinitive = next((c for c in objects[0].children if c.dep_ == "acl" and _is_infinitive(c)), None)
    if objects and infinitive is not None and lemma in _OBJECT_TO_VERBS:
        return _tokens_between(objects[0], infinitive), verb.i
    if infinitive is not None and lemma in STANCE_OBJECT_VERBS | {"threaten", "refuse"}:
        return list(infinitive.subtree), cue_end
    for preposition in (c for c in children if c.dep_ == "prep"):
        if preposition.lower_ in _PREPOSITION_VERBS.get(lemma, ()) and preposition.i == cue_end + 1:
            if infinitive is not None and _is_infinitive(infinitive) and infinitive.i > preposition.i:
                return _tokens_between(preposition, infinitive)[1:], preposition.i  # "called on it to stop"
            return [t for t in preposition.subtree if t.i != preposition.i], preposition.i
    if lemma == "call" and infinitive is None and _someone(subject_token(verb)):
        # "called for the mayor to visit": "for" taken as the mark of a clause
        purpose = next((c for c in children if c.dep_ == "advcl" and _is_infinitive(c)), None)
        marker = (
            next((c for c in purpose.children if c.dep_ == "mark"), None) if purpose is not None else None
        )
        if marker is not None and marker.lower_ == "for" and marker.i == verb.i + 1:
            return [t for t in purpose.subtree if t.i != marker.i], marker.i
    if objects and lemma == "accuse":
        tail = next((c for c in children if c.dep_ == "prep" and c.lower_ == "of"), None)
        tail = tail or next((c for c in objects[0].children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if tail is not None:
            return _tokens_between(objects[0], tail), cue_end
    if objects and (lemma in STANCE_OBJECT_VERBS or (lemma in _THING_VERBS and _abstract(objects[0]))):
        return _object_and_purpose(verb, objects[0]), cue_end
    if not rescue:
        return None
    rescued = _misattached_that_clause(verb) or _fronted_report(verb)
    return (rescued, cue_end) if rescued else None


def _whole_report(verb: Token, clause: Token) -> list[Token]:
    """The reported clause with the further clauses of the same report: "said new mothers were
    entitled to 12 months leave, but that many women could not take it ...", and before a final cue
    "They may not be aliens, but we may be close to finding life, a scientist says"."""
    words = _without_own_verbs(clause, verb)
    further = [
        c
        for c in verb.children
        if c.i > clause.i
        and (c.i < verb.i) == (clause.i < verb.i)  # on the clause's side of the cue, before or after it
        and (
            c.dep_ == "ccomp"
            or (c.dep_ == "conj" and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children))
        )
    ]
    if not further:
        return words
    end = max(t.i for c in further for t in c.subtree)
    start = min(t.i for t in words)
    return list(verb.doc[start : end + 1])


def _cognition_complement(verb: Token, clause: Token | None, cue_end: int) -> tuple[list[Token], int] | None:
    """A belief or fear reports a clause ("believes that ..."); an intent an infinitive ("plans to")."""
    if clause is not None:
        return _without_own_verbs(clause, verb), cue_end
    if verb_lemma(verb) in _INTENT_VERBS:
        infinitive = next((c for c in verb.children if c.dep_ == "xcomp" and _is_infinitive(c)), None)
        return (list(infinitive.subtree), cue_end) if infinitive is not None else None
    rescued = _misattached_that_clause(verb) or _fronted_report(verb)
    return (rescued, cue_end) if rescued else None


def _naming(verb: Token, obj: Token, clause: Token | None) -> list[Token]:
    """ "called the plan 'illogical'", "dismissed the claims as nonsense", "branded audiences
    ignorant": the verb, its object and what it calls the object, read as one statement."""
    described = next((c for c in verb.children if c.dep_ in ("oprd", "acomp") and c.i > obj.i), None)
    described = described or next(
        (c for c in [*verb.children, *obj.children] if c.dep_ == "prep" and c.lower_ == "as" and c.i > obj.i),
        None,
    )
    if described is None and clause is not None and clause.pos_ not in ("VERB", "AUX"):
        described = clause  # "calling it 'completely unacceptable'", parsed as a small clause
    if described is None:  # "called the plan 'illogical'", the adjective parsed as the plan's
        described = next((c for c in obj.children if c.dep_ in ("amod", "appos") and c.i > obj.i), None)
    if described is None:  # "called the teams from its creditors 'useless'": hung on a deeper noun
        described = next(
            (t for t in obj.subtree if t.i > obj.i and t.dep_ == "amod" and _opens_quote(t)), None
        )
    if described is None:
        return []
    start = min(t.i for t in obj.subtree)
    end = max(t.i for t in described.subtree)
    return [verb, *verb.doc[start : end + 1]]


def _abstract(noun: Token) -> bool:
    """ "urged support for the plan", "urged restraint": a thing urged, not a person urged."""
    lemma = noun.lemma_.lower()
    return noun.pos_ == "NOUN" and not person_word(lemma) and lemma not in ORGANISATION_NOUNS


def _object_and_purpose(verb: Token, obj: Token) -> list[Token]:
    """ "promised extra childcare for 600,000 children to counter rising costs": the object with the
    phrases that say for whom and what for, up to a coordinated verb or a date."""
    end = obj.right_edge.i
    for child in verb.rights:
        if child.i <= end:
            continue
        purpose = child.dep_ == "advcl" and _is_infinitive(child)
        objects = [c for c in child.children if c.dep_ == "pobj"]
        beneficiary = child.dep_ == "prep" and child.lower_ in ("for", "to") and objects
        if beneficiary and objects[0].ent_type_ in ("DATE", "TIME"):
            break  # "for two weeks"
        if not (purpose or beneficiary) or any(t.dep_ == "cc" for t in verb.doc[end + 1 : child.i]):
            break
        end = child.right_edge.i
    return list(verb.doc[obj.left_edge.i : end + 1])


def _opens_quote(token: Token) -> bool:
    """Is the phrase this token heads opened by a quotation mark ("'completely useless'")?"""
    start = token.left_edge.i
    return start > 0 and token.doc[start - 1].text in OPENING_MARKS


def _without_own_verbs(clause: Token, verb: Token) -> list[Token]:
    """The reported clause less a speech verb of the speaker's own hung on it ("... and urged
    ministers to ...", ", accusing him of ..."), which is a position of its own."""
    dropped: set[int] = set()
    for child in clause.children:
        outer = outer_speech_verb(child)
        if outer is not None and outer.i == verb.i:
            dropped.update(t.i for t in child.subtree)
            dropped.update(t.i for t in clause.children if t.dep_ in ("cc", "punct") and t.i == child.i - 1)
    return [t for t in clause.subtree if t.i not in dropped]


def _misattached_that_clause(verb: Token) -> list[Token] | None:
    """`told reporters after the meeting that both sides had agreed`: the parser hangs the
    that-clause on "meeting" as a relative clause; take it back for the speech verb."""
    for token in verb.rights:
        for that in token.subtree:
            if that.lower_ != "that" or that.i <= verb.i:
                continue
            clause = next((a for a in that.ancestors if a.dep_ in ("relcl", "acl")), None)
            if clause is not None and verb.i in {a.i for a in clause.ancestors}:
                end = max(t.i for t in clause.subtree)
                return list(verb.doc[that.i + 1 : end + 1])
    return None


def _fronted_report(verb: Token) -> list[Token] | None:
    """ "In California, the requirement ... is particularly crucial, said Mark Rockwell, ...": a
    statement before ", said NAME" that the parser did not hang on the verb as its clause. The
    words from the sentence start to the comma, when they hold a finite verb of their own."""
    if verb.dep_ != "ROOT" or not any(c.dep_ == "nsubj" and c.i > verb.i for c in verb.children):
        return None  # not the inverted "..., said X"
    return _fronted_words(verb)


def _fronted_words(verb: Token) -> list[Token] | None:
    """The words from the sentence start to the comma before the cue, when they make a clause."""
    doc = verb.doc
    if verb.i < 4 or doc[verb.i - 1].text != ",":
        return None
    words = [t for t in doc[verb.sent.start : verb.i - 1] if not t.is_space]
    while words and (words[0].dep_ == "cc" or words[0].is_punct):
        words.pop(0)
    finite = any(t.tag_ in FINITE_TAGS for t in words)
    return words if finite and len(words) >= 4 else None


def _is_infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _is_call_for(token: Token) -> bool:
    return (
        token.lemma_ == "call"
        and token.pos_ == "VERB"
        and any(c.dep_ == "prep" and c.lower_ in ("for", "on") for c in token.children)
    )


def _tokens_between(first: Token, last: Token) -> list[Token]:
    start = min(t.i for t in first.subtree)
    end = max(t.i for t in last.subtree)
    return list(first.doc[start : end + 1])


def _according_to(context: Context, according: Token) -> Found | None:
    """`According to X, ...` and `..., according to X.`: the rest of the sentence is the claim."""
    to = next(c for c in according.children if c.lower_ == "to")
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    speaker = name_for(context, source)
    if not speaker:
        return None
    phrase = {t.i for t in according.subtree}
    sentence = according.sent
    words = [t for t in sentence if t.i not in phrase]
    quoted = sum(t.i in context.quoted for t in words if not t.is_punct)
    if 2 * quoted >= len([t for t in words if not t.is_punct]):
        return None  # a direct quote with its own attribution
    text = clause_text([t for t in words if t.i not in context.index.ignored])
    if not text:
        return None
    return found_at(context, speaker, text, "reported", "according to", according.i, speaker_token=source.i)


def cue_text(verb: Token) -> str:
    """The speech verb as written, with its particle and, for "told", its audience."""
    end = verb.i
    for child in verb.children:
        if child.i == end + 1 and (child.dep_ == "prt" or _phrasal_particle(verb, child)):
            end = child.i
        elif verb_lemma(verb) in AUDIENCE_VERBS and child.dep_ in ("dobj", "dative") and child.i <= end + 3:
            end = child.i  # "told reporters", "told the BBC"; not "told Sportsmail of his relief"
    return " ".join(verb.doc[verb.i : end + 1].text.split())
