"""Stated positions: who said what, quoted directly or reported, and the sentence that shows it.

Direct quotes come from the quotation marks (`find_quotations`) and the speech verb attributing
them, before (`X said: "..."`) or after (`"...," X said`). Quotes with no attribution of their
own take the speaker of the paragraph they continue. Reported speech comes from the dependency
parse: a speech verb with a subject and a complement (`X warned that ...`, `X urged Y to ...`,
`according to X, ...`). Speakers are resolved through the `ActorIndex`; an unnamed speaker
is kept as the article describes them ("a senior US official").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from summarizer.actors import ActorIndex
from summarizer.models import Position, PositionKind, Sentence
from summarizer.nlp import SPEECH_VERBS
from summarizer.segmentation import Quotation, find_quotations, token_sentence_indices

# Speech verbs that also report a stance through a plain object ("denied the allegations").
_OBJECT_VERBS = frozenset(
    {
        "deny",
        "announce",
        "confirm",
        "reveal",
        "promise",
        "pledge",
        "vow",
        "admit",
        "predict",
        "acknowledge",
        "dismiss",
    }
)
# ... through an object and "as"/"of" ("dismissed the claims as nonsense", "accused X of Y").
_OBJECT_AS_VERBS = {"dismiss": "as", "describe": "as", "accuse": "of"}
# ... through an object and an infinitive ("urged the government to act").
_OBJECT_TO_VERBS = frozenset({"urge", "warn", "tell", "ask", "call", "caution"})
# ... through a preposition ("warned of a recession", "called for calm").
_PREPOSITION_VERBS = {"warn": ("of", "about", "against"), "call": ("for",), "caution": ("against",)}
_AUDIENCE_VERBS = frozenset({"tell"})  # "told reporters" is one cue
_PRONOUN_KINDS = {"it": ("organization", "place"), "they": ("organization", "group")}
_NOT_YET = frozenset({"will", "would", "could", "might", "may", "should", "must", "can", "'ll"})
_MID_SENTENCE_KEY = "briefbot.mid_sentence_words"
_MAX_CUE_GAP = 12  # tokens between a speech verb and the quotation it introduces


@dataclass(slots=True)
class _Found:
    position: Position
    anchor: int  # token index that orders positions within a sentence
    paragraph: int


@dataclass(slots=True)
class _Context:
    doc: Doc
    sentences: list[Sentence]
    index: ActorIndex
    sentence_of: list[int]
    quoted: set[int]
    found: list[Position] = field(default_factory=list)  # reported positions so far, in order
    person_names: set[str] = field(default_factory=set)


def extract_positions(
    doc: Doc, sentences: list[Sentence], index: ActorIndex, *, max_per_sentence: int = 4
) -> list[Position]:
    """Every stated position in article order, at most `max_per_sentence` from one sentence.

    The cap bounds the output of a run-on sentence (thousands of "positions" otherwise); a real
    sentence rarely carries more than two statements.
    """
    if not sentences:
        return []
    quotations = find_quotations(doc)
    quoted = {i for q in quotations for i in range(q.opening, (q.closing or q.end - 1) + 1)}
    context = _Context(doc, sentences, index, token_sentence_indices(doc, sentences), quoted)
    context.person_names = {a.name for a in index.actors if a.kind == "person"}
    cues: dict[int, Token] = {}
    for quotation in quotations:
        verb = _cue_after(doc, quotation) or _cue_before(doc, quotation)
        if verb is not None and verb.i not in index.ignored:
            cues[quotation.opening] = verb
    found = _reported(context, set(v.i for v in cues.values()))
    found += _direct(context, quotations, cues, found)
    found.sort(key=lambda f: (f.position.sentence, f.anchor))
    _refer_back(found, {a.name for a in index.actors})
    positions: list[Position] = []
    seen: set[tuple[str, str]] = set()
    per_sentence: Counter[int] = Counter()
    for item in found:
        key = (item.position.actor, item.position.text)
        if key not in seen and per_sentence[item.position.sentence] < max_per_sentence:
            seen.add(key)
            per_sentence[item.position.sentence] += 1
            positions.append(item.position)
    return positions


def _refer_back(found: list[_Found], actor_names: set[str]) -> None:
    """ "the spokeswoman added" is the "Cabinet Office spokeswoman" described before."""
    described: dict[str, str] = {}
    for item in found:
        speaker = item.position.actor
        if speaker in actor_names:
            continue
        head = speaker.split()[-1].lower()
        if speaker.lower().startswith("the ") and len(speaker.split()) == 2 and head in described:
            item.position.actor = described[head]
        else:
            described.setdefault(head, speaker)


# --- direct quotes ---------------------------------------------------------------------------


def _direct(
    context: _Context, quotations: list[Quotation], cues: dict[int, Token], reported: list[_Found]
) -> list[_Found]:
    """One position per quotation (per paragraph of a multi-paragraph one) with a known speaker."""
    doc = context.doc
    speakers: dict[int, tuple[str, str]] = {}  # opening -> (speaker, cue)
    for quotation in quotations:
        verb = cues.get(quotation.opening)
        if verb is not None:
            speaker = _speaker_of(context, verb, _quote_text(doc, quotation))
            if speaker:
                speakers[quotation.opening] = (speaker, _cue_text(verb))
    _share_within_chains(quotations, speakers)
    multi_paragraph = any(s.paragraph for s in context.sentences)
    found: list[_Found] = []
    previous_part: Quotation | None = None
    for quotation in quotations:
        attribution = speakers.get(quotation.opening)
        if attribution is None and quotation.continues and previous_part is not None:
            attribution = speakers.get(previous_part.opening)
            if attribution is not None:
                speakers[quotation.opening] = attribution
        previous_part = quotation
        text = _quote_text(doc, quotation)
        if not text or not _is_statement(doc, quotation, text):
            continue
        sentence = context.sentence_of[quotation.start]
        paragraph = context.sentences[sentence].paragraph
        if attribution is None and _opens_sentence(context, quotation):
            earlier = [
                f for f in [*reported, *found] if f.anchor < quotation.opening and _can_continue(context, f)
            ]
            previous = max(earlier, key=lambda f: f.anchor, default=None)
            if previous is not None and _continues(previous, sentence, paragraph, multi_paragraph):
                attribution = (previous.position.actor, previous.position.cue)
                speakers[quotation.opening] = attribution
        if attribution is None:
            continue
        position = Position(
            actor=attribution[0], text=text, kind="direct", cue=attribution[1], sentence=sentence
        )
        found.append(_Found(position, quotation.opening, paragraph))
    return found


def _is_statement(doc: Doc, quotation: Quotation, text: str) -> bool:
    """A quoted statement, not a scare-quoted word ('Doggie', 'gold digger'): four words or more,
    or punctuation before the closing mark, or one paragraph of a longer quotation."""
    if quotation.closing is None or quotation.continues or len(text.split()) >= 4:
        return True
    return doc[quotation.closing - 1].text in (",", ".", "!", "?", "…", "...")


def _share_within_chains(quotations: list[Quotation], speakers: dict[int, tuple[str, str]]) -> None:
    """Paragraphs of one multi-paragraph quotation share the speaker any of them is attributed to."""
    chains: list[list[Quotation]] = []
    for quotation in quotations:
        if quotation.continues and chains:
            chains[-1].append(quotation)
        else:
            chains.append([quotation])
    for chain in chains:
        known = [speakers[q.opening] for q in chain if q.opening in speakers]
        if known:
            for quotation in chain:
                speakers.setdefault(quotation.opening, known[0])


def _can_continue(context: _Context, item: _Found) -> bool:
    """Quotes continue a quoted speaker, or a named person's reported words; not "according to"."""
    return item.position.kind == "direct" or item.position.actor in context.person_names


def _continues(previous: _Found, sentence: int, paragraph: int, multi_paragraph: bool) -> bool:
    """A quote with no cue continues the last speaker: the previous paragraph's (paragraphed
    text) or the previous sentence's (text without paragraph breaks)."""
    if multi_paragraph:
        return previous.paragraph in (paragraph, paragraph - 1)
    return previous.position.sentence in (sentence, sentence - 1)


def _opens_sentence(context: _Context, quotation: Quotation) -> bool:
    sentence = context.sentences[context.sentence_of[quotation.opening]]
    return context.doc[quotation.opening].idx == sentence.start


def _quote_text(doc: Doc, quotation: Quotation) -> str:
    if quotation.end <= quotation.start:
        return ""
    first, last = doc[quotation.start], doc[quotation.end - 1]
    text = doc[first.i : last.i + 1].text.strip()  # not doc.text: that joins the whole article
    text = text.rstrip(",;:—–- ").strip()
    return text if any(c.isalpha() for c in text) else ""


def _cue_after(doc: Doc, quotation: Quotation) -> Token | None:
    """`"...," he said` / `"...," said Locke` / `"...," Peskov, the Kremlin spokesperson, told reporters`."""
    if quotation.closing is None:
        return None
    if not _quote_opens_statement(doc, quotation):
        return None  # a partial quote inside a sentence: `he said it was 'a disgrace', reports X`
    i = quotation.closing + 1
    while (i < len(doc) and doc[i].text in (",", "-", "—", "–")) or (i < len(doc) and doc[i].is_space):
        i += 1
    if i >= len(doc) or doc[i].is_sent_start:
        return None
    first = doc[i]
    if _is_speech_verb(first):
        return first
    verb = first.head
    for _ in range(4):
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    if not _is_speech_verb(verb) or verb.i < first.i or verb.sent != first.sent:
        return None
    subject = _subject_token(verb)
    if subject is None or first.i not in {t.i for t in subject.subtree}:
        return None
    return verb


def _quote_opens_statement(doc: Doc, quotation: Quotation) -> bool:
    first = doc[quotation.start]
    return first.text[:1].isupper() or first.text[:1].isdigit() or doc[quotation.opening].is_sent_start


def _cue_before(doc: Doc, quotation: Quotation) -> Token | None:
    """`X said: "..."`, `X told reporters on Monday "..."`, `..., adding: "..."`."""
    opening = doc[quotation.opening]
    content = {t.i for t in doc[quotation.start : quotation.end]}
    for i in range(quotation.opening - 1, max(quotation.opening - _MAX_CUE_GAP, opening.sent.start) - 1, -1):
        verb = doc[i]
        if not _is_speech_verb(verb):
            continue
        between = doc[verb.i + 1 : quotation.opening]
        # A partial quote must follow its verb and adverbs directly: `claims Kunis 'stole her pet'` does not.
        partial = not _quote_opens_statement(doc, quotation)
        allowed: set[int] = set()
        for child in verb.children:
            subtree = {t.i for t in child.subtree}
            audience = verb.lemma_ in _AUDIENCE_VERBS and child.dep_ in ("dobj", "dative")
            if (
                child.i > verb.i
                and not subtree & content
                and (not partial or child.dep_ == "advmod" or audience)
            ):
                allowed |= subtree
        if all(t.i in allowed or t.is_punct or t.lower_ == "that" or t.is_space for t in between):
            return verb
        return None
    return None


# --- reported speech -------------------------------------------------------------------------


def _reported(context: _Context, cue_verbs: set[int]) -> list[_Found]:
    doc = context.doc
    found: list[_Found] = []
    for token in doc:
        if token.i in context.quoted or token.i in context.index.ignored:
            continue
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            item = _according_to(context, token)
        elif (_is_speech_verb(token) and token.i not in cue_verbs) or _is_call_for(token):
            item = _reported_clause(context, token)
        else:
            continue
        if item is not None:
            found.append(item)
            context.found.append(item.position)
    return found


def _reported_clause(context: _Context, verb: Token) -> _Found | None:
    if (
        any(child.dep_ == "neg" or child.lower_ in _NOT_YET for child in verb.children)
        or verb.dep_ == "xcomp"
    ):
        return None  # "did not say whether...", "failed to explain how...", "will confirm"
    subject = _subject_token(verb)
    if subject is None:
        return None  # "That said, ...", "is said to be"
    complement = _complement(verb)
    if complement is None:
        return None
    words, cue_end = complement
    content = [t for t in sorted(words, key=lambda t: t.i) if not t.is_punct and t.lower_ != "that"]
    if not content or content[0].i in context.quoted:
        return None  # the quotation's own attribution: a direct position
    text = _clause_text([t for t in words if t.i not in context.index.ignored])
    if len(text.split()) < 3:
        return None  # "she was"
    speaker = _speaker_of(context, verb)
    if not text or not speaker:
        return None
    cue = " ".join(context.doc[verb.i : cue_end + 1].text.split()) if cue_end > verb.i else _cue_text(verb)
    return _found(context, speaker, text, "reported", cue, verb.i)


def _complement(verb: Token) -> tuple[list[Token], int] | None:
    """The reported clause's tokens and the index where the cue ends ("told reporters")."""
    lemma = verb.lemma_
    children = list(verb.children)
    objects = [c for c in children if c.dep_ in ("dobj", "dative") and c.i > verb.i]
    cue_end = verb.i
    particle = next((c for c in children if c.dep_ == "prt" and c.i == verb.i + 1), None)
    if particle is not None:
        cue_end = particle.i
    if lemma in _AUDIENCE_VERBS and objects and objects[0].i <= cue_end + 3:
        cue_end = objects[0].i
    clause = next((c for c in children if c.dep_ == "ccomp"), None)
    if (
        clause is not None
        and objects
        and objects[0].i < clause.i
        and lemma in _OBJECT_VERBS | set(_OBJECT_AS_VERBS)
    ):
        return _tokens_between(objects[0], clause), cue_end  # "dismissed reports that talks had stalled"
    if clause is not None:
        return _without_own_verbs(clause, verb), cue_end
    infinitive = next((c for c in children if c.dep_ == "xcomp"), None)
    if objects and infinitive is None:  # "urged councils to approve", parsed as councils' clause
        infinitive = next((c for c in objects[0].children if c.dep_ == "acl" and _is_infinitive(c)), None)
    if objects and infinitive is not None and lemma in _OBJECT_TO_VERBS:
        return _tokens_between(objects[0], infinitive), verb.i
    if infinitive is not None and lemma in _OBJECT_VERBS | {"threaten", "refuse"}:
        return list(infinitive.subtree), cue_end
    for preposition in (c for c in children if c.dep_ == "prep"):
        if preposition.lower_ in _PREPOSITION_VERBS.get(lemma, ()) and preposition.i == verb.i + 1:
            return [t for t in preposition.subtree if t.i != preposition.i], preposition.i
    if objects and lemma in _OBJECT_AS_VERBS:
        marker = _OBJECT_AS_VERBS[lemma]
        tail = next((c for c in children if c.dep_ == "prep" and c.lower_ == marker), None)
        tail = tail or next((c for c in objects[0].children if c.dep_ == "prep" and c.lower_ == marker), None)
        if tail is not None:
            return _tokens_between(objects[0], tail), cue_end
    if objects and lemma in _OBJECT_VERBS:
        return list(objects[0].subtree), cue_end
    rescued = _misattached_that_clause(verb)
    return (rescued, cue_end) if rescued else None


def _without_own_verbs(clause: Token, verb: Token) -> list[Token]:
    """The reported clause less a speech verb of the speaker's own hung on it ("... and urged
    ministers to ...", ", accusing him of ..."), which is a position of its own."""
    dropped: set[int] = set()
    for child in clause.children:
        outer = _outer_speech_verb(child)
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


def _clause_text(words: list[Token]) -> str:
    words = sorted(words, key=lambda t: t.i)
    while words and (words[0].is_punct or (words[0].lower_ == "that" and words[0].dep_ == "mark")):
        words.pop(0)
    while words and ((words[-1].is_punct and words[-1].text not in "\"'”’)") or words[-1].is_space):
        words.pop()
    if not words:
        return ""
    doc = words[0].doc
    text = doc[words[0].i : words[-1].i + 1].text  # not doc.text: that joins the whole article
    return " ".join(text.split())


def _according_to(context: _Context, according: Token) -> _Found | None:
    """`According to X, ...` and `..., according to X.`: the rest of the sentence is the claim."""
    to = next(c for c in according.children if c.lower_ == "to")
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    speaker = _name_for(context, source)
    if not speaker:
        return None
    phrase = {t.i for t in according.subtree}
    sentence = according.sent
    words = [t for t in sentence if t.i not in phrase]
    quoted = sum(t.i in context.quoted for t in words if not t.is_punct)
    if 2 * quoted >= len([t for t in words if not t.is_punct]):
        return None  # a direct quote with its own attribution
    text = _clause_text([t for t in words if t.i not in context.index.ignored])
    if not text:
        return None
    return _found(context, speaker, text, "reported", "according to", according.i)


def _found(context: _Context, speaker: str, text: str, kind: PositionKind, cue: str, anchor: int) -> _Found:
    sentence = context.sentence_of[anchor]
    position = Position(actor=speaker, text=text, kind=kind, cue=cue, sentence=sentence)
    return _Found(position, anchor, context.sentences[sentence].paragraph)


# --- speakers ----------------------------------------------------------------------------------


def _is_speech_verb(token: Token) -> bool:
    return token.pos_ == "VERB" and token.lemma_ in SPEECH_VERBS


def _subject_token(verb: Token) -> Token | None:
    """The verb's subject, or for "..., adding" / "and said" the subject of the verb it hangs on."""
    subject, _ = _subject_and_distance(verb)
    return subject


def _subject_and_distance(verb: Token) -> tuple[Token | None, int]:
    for steps in range(3):
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            if subject.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                return verb.head, steps  # "the minister, who said ..."
            return subject, steps
        if verb.dep_ not in ("advcl", "conj", "xcomp") or verb.head.i == verb.i:
            return None, steps
        verb = _outer_speech_verb(verb) or verb.head
    return None, 3


def _outer_speech_verb(verb: Token) -> Token | None:
    """The parser hangs a second speech verb on the reported clause instead of the first speech
    verb: "She said the Kremlin had never honoured a ceasefire and urged ministers ...", "Stancil
    said Lane deserved to die, accusing him of ...". The verb shares the outer verb's subject when
    its form matches the outer verb and not the reported one (urged/said vs. had honoured), or
    when it is a participle clause after a comma."""
    head = verb.head
    outer = head.head
    if not _is_speech_verb(verb) or head.dep_ != "ccomp" or not _is_speech_verb(outer):
        return None
    if verb.dep_ == "conj" and verb.tag_ == outer.tag_ and head.tag_ != verb.tag_:
        return outer
    after_comma = verb.i > 0 and verb.doc[verb.i - 1].text == ","
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and after_comma:
        return outer
    return None


def _speaker_of(context: _Context, verb: Token, quote: str = "") -> str:
    """Who speaks through this verb. A subject borrowed from another verb ("..., adding") must be
    a known actor: in run-on captions it is too often a thing ("a change in hair ... explaining")."""
    subject, borrowed = _subject_and_distance(verb)
    if subject is None:
        return ""
    if borrowed and context.index.actor_at(subject) is None and subject.pos_ != "PRON":
        return ""
    name = _name_for(context, subject)
    if subject.lower_ in ("he", "she") and name and _names_in(name, quote):
        # "'Peter was not the type to let illness stop him,' he said": he is not Peter.
        gender = "m" if subject.lower_ == "he" else "f"
        sentence = context.sentence_of[subject.i]
        other = context.index.latest(subject, ("person",), sentence - 3, gender=gender, exclude=(name,))
        return other.name if other is not None else ""
    return name


def _names_in(name: str, quote: str) -> bool:
    words = set(quote.replace("’", "'").split())
    return any(part in words or part + "'s" in words for part in name.split())


def _name_for(context: _Context, token: Token) -> str:
    """Canonical actor name for a speaker token, or how the article describes the speaker."""
    index = context.index
    # "Pama's defence lawyer, Bruce Peters, said", "said Myer's Marketing Officer and Deputy CEO, Daniel
    # Bracken": the name in apposition
    named = [t for t in token.subtree if t.dep_ == "appos" and t.pos_ == "PROPN" and t.i > token.left_edge.i]
    people = [a for t in named if (a := index.actor_at(t)) is not None and a.kind == "person"]
    actor = index.actor_at(token)
    if people and (actor is None or actor.kind != "person"):
        return people[0].name
    if actor is not None:
        return actor.name
    word = token.lower_
    sentence = context.sentence_of[token.i]
    if word in _PRONOUN_KINDS:
        # "The memo warns ... It states ...": the last non-person speaker, else the last organisation
        previous = [
            p for p in context.found if p.sentence >= sentence - 2 and p.actor not in context.person_names
        ]
        if previous:
            return previous[-1].actor
        actor = index.latest(token, _PRONOUN_KINDS[word], since_sentence=sentence - 1)
        return actor.name if actor is not None else ""
    if token.pos_ == "PRON":
        if word in ("he", "she"):
            gender = "m" if word == "he" else "f"
            actor = index.latest(token, ("person",), since_sentence=sentence - 3, gender=gender)
            return actor.name if actor is not None else ""
        return ""
    return _described(context, token)


def _described(context: _Context, head: Token) -> str:
    """ "a senior US official", "Cabinet Office spokeswoman": the speaker's noun phrase as written."""
    dropped: set[int] = set()
    for token in head.subtree:
        if token.i != head.i and token.dep_ in ("relcl", "acl", "appos", "cc", "conj"):
            dropped.update(t.i for t in token.subtree)
    words = [t for t in head.subtree if t.i not in dropped and not t.is_space]
    breaks = [k for k, t in enumerate(words) if t.text in (":", ";", "—", "–") and t.i < head.i]
    if breaks:
        words = words[breaks[-1] + 1 :]  # "Colourful: Kites of all shapes" (a caption run into the text)
    while words and words[-1].is_punct:
        words.pop()
    while words and words[0].is_punct:
        words.pop(0)
    if not words or len(words) > 10 or words[-1].i - words[0].i + 1 != len(words):
        words = [t for t in words if t.i <= head.i] or [head]  # "an extract [of ...]"
        if words[-1].i - words[0].i + 1 != len(words):
            words = [head]
    if words[0].lower_ == "the" and len(words) > 2:
        words = words[1:]
    text = context.doc[words[0].i : words[-1].i + 1].text
    first = words[0]
    if text[:1].isupper() and first.is_sent_start and (first.tag_ == "DT" or not _written_capitalised(first)):
        text = text[0].lower() + text[1:]  # "Officials said" -> "officials"
    return text


def _written_capitalised(token: Token) -> bool:
    """Is this sentence-initial word capitalised elsewhere in the article too (a name)?"""
    if token.pos_ == "PROPN":
        return True
    elsewhere = _mid_sentence_words(token.doc)[token.text] - (0 if token.is_sent_start else 1)
    return elsewhere > 0


def _mid_sentence_words(doc: Doc) -> Counter[str]:
    """How often each word is written inside a sentence; counted once per Doc, because every
    `Token.is_sent_start` scans the whole Doc (asking it per word was quadratic)."""
    counts = doc.user_data.get(_MID_SENTENCE_KEY)
    if counts is None:
        starts = {sentence.start for sentence in doc.sents}
        counts = Counter(t.text for t in doc if t.i not in starts)
        doc.user_data[_MID_SENTENCE_KEY] = counts
    return counts


def _cue_text(verb: Token) -> str:
    """The speech verb as written, with its particle and, for "told", its audience."""
    end = verb.i
    for child in verb.children:
        if child.dep_ == "prt" and child.i == end + 1:
            end = child.i
        elif verb.lemma_ in _AUDIENCE_VERBS and child.dep_ in ("dobj", "dative") and child.i <= end + 3:
            end = child.i  # "told reporters", "told the BBC"; not "told Sportsmail of his relief"
    return " ".join(verb.doc[verb.i : end + 1].text.split())
