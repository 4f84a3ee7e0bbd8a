"""Stated positions: who said what, quoted directly or reported, and the sentence that shows it.

Direct quotes come from the quotation marks (`find_quotations`) and the speech verb attributing
them, before (`X said: "..."`) or after (`"...," X said`). Quotes with no attribution of their
own take the speaker of the paragraph they continue. Reported speech comes from the dependency
parse: a speech verb with a subject and a complement (`X warned that ...`, `X urged Y to ...`,
`according to X, ...`). Speakers are resolved through the `ActorIndex`; an unnamed speaker
is kept as the article describes them ("a senior US official").
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from spacy.tokens import Doc, Token

from summarizer.actors import ActorIndex, word_gender
from summarizer.lexicon import (
    COGNITION_VERBS,
    DOCUMENT_NOUNS,
    HELD_STANCE_NOUNS,
    SOURCE_ONLY_VERBS,
    inflections,
)
from summarizer.models import Position, Sentence
from summarizer.position_filter import PositionModel, candidate_features
from summarizer.reported import AUDIENCE_VERBS, Found, cue_text, reported_positions
from summarizer.segmentation import Quotation, find_quotations, token_sentence_indices
from summarizer.speakers import (
    FINITE_TAGS,
    Context,
    is_speech_verb,
    speaker_of,
    subject_token,
    verb_lemma,
)

_MAX_CUE_GAP = 12  # tokens between a speech verb and the quotation it introduces
# "X said ..., AFP reports": the outlet carries another speaker's statement
_REPORTING_FORMS = frozenset(inflections("report"))
_DESCRIPTION_REACH = 4  # sentences back a described speaker ("the relieved father") may refer
_MAX_RESUME_SENTENCES = 5  # a flattened article's quote resumes its speaker at most this far on
# A photo caption on a line of its own: a label before it ("Pictured: ...", "Above (left): ...") or a
# credit inside it ("(Photo: Reuters)", "Picture credit: ...").
_CAPTION_LABEL = re.compile(
    r"^\W*(?:pictured|picture|photo(?:graph)?|image|video|above|below|left|right|top|inset|main\s+picture"
    r"|file\s+(?:photo|picture))(?:\s*\([^)]*\))?\s*[:|–—-]",
    re.IGNORECASE,
)
_CAPTION_CREDIT = re.compile(
    r"\((?:photo|picture|image|photograph|credit)s?(?:\s+credit)?\s*:[^)]*\)"
    r"|\b(?:photo|picture|image)\s+credit\s*:",
    re.IGNORECASE,
)
# Words that grade a role without changing it: "a senior NASA scientist" is a "NASA scientist".
_RANK_QUALIFIERS = frozenset({"senior", "top", "chief", "leading", "high-ranking", "veteran", "longtime"})
_ROLE_AHEAD_SENTENCES = 2  # how far on "a NASA scientist says" may be named with that role


class _Attribution(NamedTuple):
    """Who a quotation is attributed to, through which cue token and speaker token (-1: none)."""

    speaker: str
    cue: str
    cue_token: int = -1
    speaker_token: int = -1


def extract_positions(
    doc: Doc,
    sentences: list[Sentence],
    index: ActorIndex,
    *,
    max_per_sentence: int = 4,
    position_filter: PositionModel | None = None,
) -> list[Position]:
    """Every stated position in article order, at most `max_per_sentence` from one sentence; with a
    `position_filter` (the learned one, `position_filter.default_model()`), less those it finds
    unlikely.

    The cap bounds the output of a run-on sentence (thousands of "positions" otherwise); a real
    sentence rarely carries more than two statements.
    """
    found, context = position_candidates(doc, sentences, index, max_per_sentence=max_per_sentence)
    if not found or position_filter is None:
        return [item.position for item in found]
    keeps = position_filter.keeps(candidate_features(context, found))
    return [item.position for item, keep in zip(found, keeps, strict=True) if keep]


def position_candidates(
    doc: Doc, sentences: list[Sentence], index: ActorIndex, *, max_per_sentence: int = 4
) -> tuple[list[Found], Context]:
    """What the rules find, before the learned filter; the bench labels these to fit it."""
    quotations = find_quotations(doc)
    quoted = {i for q in quotations for i in range(q.opening, (q.closing or q.end - 1) + 1)}
    context = Context(doc, sentences, index, token_sentence_indices(doc, sentences), quoted)
    if not sentences:
        return [], context
    context.person_names = {a.name for a in index.actors if a.kind == "person"}
    context.actor_names = {a.name for a in index.actors}
    cues: dict[int, Token] = {}
    carriers: dict[int, Token] = {}  # "..., the website states" after a quotation with its own cue
    for quotation in quotations:
        verb, carrier = _cue_of(doc, quotation)
        if verb is not None and verb.i not in index.ignored:
            cues[quotation.opening] = verb
        if carrier is not None:
            carriers[quotation.opening] = carrier
    # a cue whose only quotation is a scare-quoted phrase still reports its clause ("insisted the
    # economy 'excites' millions of people"); a carrier never reports the quotation as its own
    quoting = {
        v.i
        for opening, v in [*cues.items(), *carriers.items()]
        if _quotes_a_statement(doc, quotations, opening)
    }
    found = reported_positions(context, quoting)
    found += _direct(context, quotations, cues, found)
    found.sort(key=lambda f: (f.position.sentence, f.anchor))
    found = _nest(found, context)
    _refer_back(found, {a.name for a in index.actors})
    found = _without_restatements(doc, found)
    found = _without_reported_beliefs(doc, found)
    _resolve_descriptions(found, context)
    _name_roles_ahead(found, context)
    captions = _caption_sentences(context)
    found = [
        item
        for item in found
        if item.position.sentence not in captions and not _subject_left_outside(context, item)
    ]
    kept: list[Found] = []
    seen: set[tuple[str, str]] = set()
    per_sentence: Counter[int] = Counter()
    for item in found:
        key = (item.position.actor, item.position.text)
        if key not in seen and per_sentence[item.position.sentence] < max_per_sentence:
            seen.add(key)
            per_sentence[item.position.sentence] += 1
            kept.append(item)
    return kept, context


def _subject_left_outside(context: Context, item: Found) -> bool:
    """ "... the objections of what officials said were the bulk of the comments", "one it hopes
    will allow it to expand": a reported clause that opens with its finite verb has its subject
    outside, in the relative clause the cue sits in; it states nothing on its own."""
    position = item.position
    if position.kind != "reported" or item.cue_token < 0:
        return False
    cue = context.doc[item.cue_token]
    if cue.dep_ != "relcl" and not any(c.tag_ in ("WP", "WDT") for c in cue.children):
        return False  # the cue is no relative clause of its own ("one it hopes", "what officials said")
    if any(c.dep_ == "nsubj" and c.tag_ in ("WP", "WDT") for c in cue.children):
        return False  # "a report which concluded ...": the relative pronoun is the source, not the gap
    sentence = context.sentences[position.sentence]
    at = context.doc.text.find(position.text, sentence.start, sentence.end)
    first = context.doc.char_span(at, at + 1, alignment_mode="expand") if at >= 0 else None
    # "called the plan 'illogical'": a naming verb's content opens with the cue itself
    return first is not None and first[0].tag_ in FINITE_TAGS and first[0].i != cue.i


def _caption_sentences(context: Context) -> set[int]:
    """Sentences on a line that is a photo caption, which states nothing: a caption label or a
    credit, or a line with no finite verb and no closing full stop ("Volunteers clearing the path
    on Saturday"). A label line above a quotation ("Jenny Holt, Working Parents Network:") ends
    with its colon and is no caption."""
    doc = context.doc
    captions: set[int] = set()
    start = 0
    for line in doc.text.split("\n"):
        end = start + len(line)
        text = line.strip()
        if text and _is_caption(doc, start, end, text):
            captions.update(
                k
                for k, sentence in enumerate(context.sentences)
                if start <= sentence.start and sentence.end <= end
            )
        start = end + 1
    return captions


def _is_caption(doc: Doc, start: int, end: int, text: str) -> bool:
    if _CAPTION_LABEL.match(text) or _CAPTION_CREDIT.search(text):
        return True
    if text.endswith((".", "!", "?", ":", '"', "”", "’", "'", "…")):
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and not any(t.tag_ in FINITE_TAGS for t in span)


def _nest(found: list[Found], context: Context) -> list[Found]:
    """ "According to emails released by WikiLeaks, Chelsea Clinton complained that ...", "The EU
    has warned Israel that ..., German news agency DPA reports", "A memo seen by the paper shows
    that she wrote to ... urging ...": the inner speaker states the content, the outer source
    carries it (`via`); one position, not two."""
    kept: list[Found] = []
    for item in found:
        outer = item.position
        carries = _carries(context, item)
        inner = [
            f
            for f in found
            if f is not item
            and carries
            # "a poll showed 68 per cent believe ...": the poll found a belief, nobody stated it
            and not (carries == "shows" and _holds_a_stance(context.doc[f.anchor]))
            and outer.sentence in (f.position.sentence, _cue_sentence(context, f))
            and f.position.cue != "according to"
            and f.position.actor != outer.actor
            and (
                f.position.text in outer.text
                or _cue_inside(context.doc, f, outer)
                # "Relatives have said X, CNN affiliate WNCN reported, and ...": the report inside
                or (outer.text in f.position.text and _cue_inside(context.doc, item, f.position))
            )
        ]
        if inner:
            for f in inner:
                f.position.via = f.position.via or outer.actor
                _cut_report_off(f.position, outer)
            continue
        kept.append(item)
    return kept


def _carries(context: Context, item: Found) -> str:
    """How this position carries another's statement, if it does: "reports" ("according to", an
    outlet that reports), "shows" (a document that shows or reveals what someone said), or ""."""
    cue = item.position.cue
    if cue == "according to" or cue.split()[0].lower() in _REPORTING_FORMS:
        return "reports"
    if item.cue_token < 0 or item.speaker_token < 0 or item.position.actor in context.person_names:
        return ""
    verb, source = context.doc[item.cue_token], context.doc[item.speaker_token]
    document = source.lemma_.lower() in DOCUMENT_NOUNS  # "a leaked report", not "police found ..."
    return "shows" if document and verb.pos_ == "VERB" and verb_lemma(verb) in SOURCE_ONLY_VERBS else ""


def _cut_report_off(inner: Position, outer: Position) -> None:
    """ "victim Ron Lane was gay, CNN affiliate WNCN reported, and ...": the statement ends where
    the report that carries it begins."""
    start = inner.text.find(outer.text)
    end = start + len(outer.text)
    if start >= 0 and inner.text[end:].lstrip().startswith(","):
        inner.text = inner.text[:end]


def _cue_sentence(context: Context, item: Found) -> int:
    """The sentence of a position's cue (a quotation of several sentences is evidenced by its
    first, while its cue may close the last: `... we will defend ourselves," he told them, AFP reports`)."""
    return context.sentence_of[item.cue_token] if item.cue_token >= 0 else item.position.sentence


def _cue_inside(doc: Doc, item: Found, outer: Position) -> bool:
    """Is the inner position's cue word part of the outer's content ("Sherman argued in a briefing,
    according to two people who attended, that ...": the phrase cuts the clause in two)?"""
    if item.cue_token < 0:
        return False
    return re.search(rf"\b{re.escape(doc[item.cue_token].text)}\b", outer.text) is not None


def _without_restatements(doc: Doc, found: list[Found]) -> list[Found]:
    """ "Mrs May said she was confident that families would benefit", "Obama says he intends to
    reverse the rule": the speaker's own belief or intent inside what they state is the same
    statement, not a second one; so is a phrase they are quoted in ("... and 'Palestinian factions,'
    news wires report"). A statement of someone else inside it stays ("X said Y told him"),
    and so does a named speaker's next statement that a run-on sentence hangs on the first."""
    kept: list[Found] = []
    for item in found:
        inner = item.position
        restated = (inner.kind == "direct" or _restates_itself(doc[item.anchor])) and any(
            f is not item
            and f.position.sentence == inner.sentence
            and inner.actor in (f.position.actor, f.position.via)
            and len(f.position.text) > len(inner.text)
            and inner.text in f.position.text
            for f in found
        )
        # "Kuhar said the zoo had ..., he told the paper": the statement with its own cue inside
        # says it again
        wraps_own = inner.kind == "reported" and any(
            f is not item
            and f.position.sentence == inner.sentence
            and f.position.actor == inner.actor
            and f.anchor < item.anchor  # its cue before this one's: "X said ..., he told Y"
            and len(f.position.text) < len(inner.text)
            and f.position.text in inner.text
            and _cue_inside(doc, f, inner)
            for f in found
        )
        if not restated and not wraps_own:
            kept.append(item)
    return kept


def _without_reported_beliefs(doc: Doc, found: list[Found]) -> list[Found]:
    """ "Ana said young people felt ignored", "Rivas claimed the union was planning to strike", "...,
    and both sides' belief that ..., are hurting talks, he says": a belief, fear or intent that a
    speaker ascribes to someone else inside their own statement is part of that statement, not a
    position the believer put on the record."""
    kept: list[Found] = []
    for item in found:
        inner = item.position
        believed = (
            _holds_a_stance(doc[item.anchor])
            and not (item.speaker_token >= 0 and _after_missed_break(doc[item.speaker_token].left_edge))
            and any(
                f is not item
                and f.position.sentence == inner.sentence
                and inner.actor not in (f.position.actor, f.position.via)
                and len(f.position.text) > len(inner.text)
                and inner.text in f.position.text
                and doc[f.anchor].is_ancestor(doc[item.anchor])  # "..., she said, and AMD thinks" is not hers
                for f in found
            )
        )
        if not believed:
            kept.append(item)
    return kept


def _after_missed_break(token: Token) -> bool:
    """Does a capitalised word follow a lower-case noun with nothing between, where a caption run
    into the text hides a sentence break ("... into the pit Cleveland Zoo plans to ...")?"""
    if token.i == 0 or token.is_sent_start or not token.text[:1].isupper() or token.text.isupper():
        return False
    before = token.doc[token.i - 1]
    return before.pos_ == "NOUN" and before.text.islower() and bool(before.whitespace_)


def _holds_a_stance(cue: Token) -> bool:
    """A verb of belief or intent ("felt", "was planning") or a noun for a held stance ("belief")."""
    if cue.pos_ == "VERB":
        return verb_lemma(cue) in COGNITION_VERBS
    return cue.pos_ == "NOUN" and cue.lemma_.lower() in HELD_STANCE_NOUNS


def _restates_itself(cue: Token) -> bool:
    """A belief, attitude or intent ("feared", "was confident"), or a cue whose subject is a pronoun."""
    if cue.pos_ == "ADJ" or verb_lemma(cue) in COGNITION_VERBS:
        return True
    subject = subject_token(cue) if cue.pos_ == "VERB" else None
    return subject is not None and subject.pos_ == "PRON"


def _resolve_descriptions(found: list[Found], context: Context) -> None:
    """ "'I thought I lost you,' the relieved father said", "..., said United's head coach": a
    definite description of a person for a speaker, which names no actor itself, refers back to the
    nearest named person (of its gender) who spoke in the sentences before its own."""
    people = {a.name for a in context.index.actors if a.kind == "person"}
    for k, item in enumerate(found):
        position = item.position
        if position.actor not in context.definite_people or position.actor in context.actor_names:
            continue
        gender = word_gender(position.actor.split()[-1])
        for earlier in reversed(found[:k]):
            if earlier.position.sentence == position.sentence:
                continue  # "Hale said the minister had told him ...": the minister is someone else
            if earlier.position.sentence < position.sentence - _DESCRIPTION_REACH:
                break
            name = earlier.position.actor
            if name in people and (gender is None or context.index.genders.get(name) in (None, gender)):
                if not _other_person_named_before(context, item, name):
                    position.actor = name
                break


def _name_roles_ahead(found: list[Found], context: Context) -> None:
    """ "..., a NASA scientist says. '...,' NASA chief scientist Ellen Stofan said": a speaker given
    only by a role with an indefinite article is the person the next sentences first name with that
    very role (rank words aside). Never a person named before: "a senior official" after "the
    official, Jane Roe," is someone else; a bare role noun ("an official") says too little."""
    index = context.index
    first_named: dict[str, int] = {}
    for start, _, actor in index.timeline:
        first_named.setdefault(actor.name, start)
    for item in found:
        position = item.position
        if position.actor in context.actor_names or item.speaker_token < 0:
            continue
        head = context.doc[item.speaker_token]
        if not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in head.children):
            continue
        role = _role_words(position.actor)
        if len(role) < 2:
            continue
        named = [
            a
            for a in index.actors
            if a.kind == "person"
            and a.role
            and _role_words(a.role) == role
            and head.i < first_named.get(a.name, -1)
            and context.sentence_of[first_named[a.name]] <= position.sentence + _ROLE_AHEAD_SENTENCES
        ]
        if len(named) == 1:
            position.actor = named[0].name


def _role_words(role: str) -> list[str]:
    """A role's words for comparison: lower case, without articles and rank words."""
    words = role.lower().replace("’", "'").split()
    return [w for w in words if w not in ("a", "an", "the") and w not in _RANK_QUALIFIERS]


def _other_person_named_before(context: Context, item: Found, name: str) -> bool:
    """ "had been No 2 under Johnston when the manager announced ...": a person named just before the
    description in its own sentence (outside quotation marks) is the one it describes."""
    k = item.anchor - 1
    while k >= 0 and context.sentence_of[k] == item.position.sentence:
        token = context.doc[k]
        k -= 1
        if token.pos_ != "PROPN" or token.i in context.quoted:
            continue
        actor = context.index.actor_at(token)
        if actor is not None and actor.kind == "person" and actor.name != name:
            return True
    return False


def _refer_back(found: list[Found], actor_names: set[str]) -> None:
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
    context: Context, quotations: list[Quotation], cues: dict[int, Token], reported: list[Found]
) -> list[Found]:
    """One position per quotation (per paragraph of a multi-paragraph one) with a known speaker."""
    doc = context.doc
    speakers: dict[int, _Attribution] = {}  # by the quotation's opening mark
    for quotation in quotations:
        verb = cues.get(quotation.opening)
        if verb is not None:
            speaker = speaker_of(context, verb, _quote_text(doc, quotation))
            after = verb.i > quotation.start
            speaker = speaker or (_speaker_between(context, verb) if after else "")
            if speaker:
                subject = subject_token(verb)
                speakers[quotation.opening] = _Attribution(
                    speaker, cue_text(verb), verb.i, subject.i if subject is not None else -1
                )
    _share_within_chains(quotations, speakers)
    multi_paragraph = any(s.paragraph for s in context.sentences)
    found: list[Found] = []
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
        if attribution is None:
            attribution = _speaker_line(context, quotation)
        own_source = _names_own_source(context, quotation)
        if attribution is None and _opens_sentence(context, quotation) and not own_source:
            earlier = [
                f for f in [*reported, *found] if f.anchor < quotation.opening and _can_continue(context, f)
            ]
            previous = max(earlier, key=lambda f: f.anchor, default=None)
            if previous is not None and (
                _continues(previous, sentence, paragraph, multi_paragraph)
                or (not multi_paragraph and _resumes(context, previous, quotation, sentence))
            ):
                attribution = _Attribution(previous.position.actor, previous.position.cue)
                speakers[quotation.opening] = attribution
        if attribution is None:
            continue
        position = Position(
            actor=attribution.speaker, text=text, kind="direct", cue=attribution.cue, sentence=sentence
        )
        found.append(
            Found(position, quotation.opening, paragraph, attribution.cue_token, attribution.speaker_token)
        )
    return found


def _speaker_line(context: Context, quotation: Quotation) -> _Attribution | None:
    """A speaker label on its own line above the quote, as in round-ups and transcripts:
    `Jenny Holt, Working Parents Network:` then the quoted paragraph."""
    doc = context.doc
    text = doc.text
    opening = doc[quotation.opening].idx
    line_start = text.rfind("\n", 0, opening)
    if line_start < 0 or text[line_start:opening].strip():
        return None  # the quotation does not open its line
    previous_start = text.rfind("\n", 0, line_start) + 1
    label = text[previous_start:line_start].strip()
    if not label.endswith(":") or not 1 <= len(label.split()) <= 12:
        return None
    span = doc.char_span(previous_start, line_start, alignment_mode="expand")
    if span is None:
        return None
    for token in span:
        actor = context.index.actor_at(token)
        if actor is not None and actor.kind == "person":
            return _Attribution(actor.name, ":", speaker_token=token.i)
        if token.text in (",", ":"):
            break
    name = label[:-1].split(",")[0].strip()
    words = name.split()
    if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
        return _Attribution(name, ":")
    return None


def _names_own_source(context: Context, quotation: Quotation) -> bool:
    """Does the quote's own sentence name a speaker outside the quotation ("X said", "according to
    Y")? Then the quote is not the previous speaker's, whoever else it belongs to."""
    sentence = context.sentences[context.sentence_of[quotation.opening]]
    span = context.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    if span is None:
        return False
    outside = [t for t in span if t.i not in context.quoted and t.i not in context.index.ignored]
    return any(is_speech_verb(t) and subject_token(t) is not None for t in outside) or any(
        t.lower_ == "according" for t in outside
    )


def _quotes_a_statement(doc: Doc, quotations: list[Quotation], opening: int) -> bool:
    quotation = next(q for q in quotations if q.opening == opening)
    return _is_statement(doc, quotation, _quote_text(doc, quotation))


def _is_statement(doc: Doc, quotation: Quotation, text: str) -> bool:
    """A quoted statement, not a scare-quoted word ('Doggie', 'gold digger'): four words or more,
    or punctuation before the closing mark (unless the words run on from the sentence's own), or one
    paragraph of a longer quotation."""
    if quotation.closing is None or quotation.continues or len(text.split()) >= 4:
        return True
    if quotation.opening > 0 and doc[quotation.opening - 1].is_alpha:
        return False  # 'talks between Israel and "Palestinian factions," news wires report': a phrase
    return doc[quotation.closing - 1].text in (",", ".", "!", "?", "…", "...")


def _share_within_chains(quotations: list[Quotation], speakers: dict[int, _Attribution]) -> None:
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


def _can_continue(context: Context, item: Found) -> bool:
    """Quotes continue a quoted speaker, or a named person's reported words; not "according to"."""
    return item.position.kind == "direct" or item.position.actor in context.person_names


def _continues(previous: Found, sentence: int, paragraph: int, multi_paragraph: bool) -> bool:
    """A quote with no cue continues the last speaker: the previous paragraph's (paragraphed
    text) or the previous sentence's (text without paragraph breaks)."""
    if multi_paragraph:
        return previous.paragraph in (paragraph, paragraph - 1)
    return previous.position.sentence in (sentence, sentence - 1)


def _resumes(context: Context, previous: Found, quotation: Quotation, sentence: int) -> bool:
    """In text whose paragraphs were flattened into one, a quote a few sentences after the last
    speaker is still theirs when nobody else is named in between (outside quotation marks)."""
    if sentence - previous.position.sentence > _MAX_RESUME_SENTENCES:
        return False
    return not any(
        previous.anchor < start < quotation.opening
        and start not in context.quoted
        and actor.kind == "person"
        and actor.name != previous.position.actor
        for start, _, actor in context.index.timeline
    )


def _opens_sentence(context: Context, quotation: Quotation) -> bool:
    sentence = context.sentences[context.sentence_of[quotation.opening]]
    return context.doc[quotation.opening].idx == sentence.start


def _quote_text(doc: Doc, quotation: Quotation) -> str:
    if quotation.end <= quotation.start:
        return ""
    first, last = doc[quotation.start], doc[quotation.end - 1]
    text = doc[first.i : last.i + 1].text.strip()  # not doc.text: that joins the whole article
    text = text.rstrip(",;:—–- ").strip()
    return text if any(c.isalpha() for c in text) else ""


def _cue_of(doc: Doc, quotation: Quotation) -> tuple[Token | None, Token | None]:
    """The speech verb that introduces a quotation: the one after it (`"...," he said`), except for
    a quotation inside its sentence right after its own cue (`... and told her 'Come back', the
    website states`: the website carries what she was told). Second, such a carrying verb."""
    after = _cue_after(doc, quotation)
    if after is not None and not doc[quotation.opening].is_sent_start:
        before = _cue_before(doc, quotation)
        if before is not None and _introduces_directly(before, quotation):
            return before, after
    return after or _cue_before(doc, quotation), None


def _introduces_directly(verb: Token, quotation: Quotation) -> bool:
    """ "told her 'Come back'", "said: '...'": a stated cue with a subject, at most its audience
    between it and the mark (not "will confirm Locke as manager on Friday 'I'd be ...'", a caption
    run into a quotation)."""
    between = verb.doc[verb.i + 1 : quotation.opening]
    return (
        subject_token(verb) is not None
        and not any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children)
        and len([t for t in between if not t.is_punct]) <= 2
    )


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
    if is_speech_verb(first):
        return first
    following = next((t for t in doc[i : i + 11] if is_speech_verb(t)), None)
    misparsed = following is not None and subject_token(following) is None and following.sent == first.sent
    if misparsed and _only_a_speaker_between(doc, i, following.i):
        return following  # `"...," chairman and chief executive Richard Parsons said`, misparsed
    verb = first.head
    for _ in range(4):
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    if not is_speech_verb(verb) or verb.i < first.i or verb.sent != first.sent:
        return None
    subject = subject_token(verb)
    if subject is None or first.i not in {t.i for t in subject.subtree}:
        return None
    return verb


def _only_a_speaker_between(doc: Doc, start: int, end: int) -> bool:
    """Are the words before the cue verb only a name with its role (nouns, adjectives, "and")?"""
    words = doc[start:end]
    return (
        0 < len(words) <= 10
        and any(t.ent_type_ == "PERSON" for t in words)
        and all(t.pos_ in ("NOUN", "PROPN", "ADJ", "CCONJ", "DET", "PUNCT") for t in words)
    )


def _speaker_between(context: Context, verb: Token) -> str:
    """The person named between a closing quotation mark and its cue verb (see `_cue_after`)."""
    for token in reversed(context.doc[max(verb.i - 10, 0) : verb.i]):
        actor = context.index.actor_at(token)
        if actor is not None and actor.kind == "person":
            return actor.name
    return ""


def _quote_opens_statement(doc: Doc, quotation: Quotation) -> bool:
    first = doc[quotation.start]
    return first.text[:1].isupper() or first.text[:1].isdigit() or doc[quotation.opening].is_sent_start


def _cue_before(doc: Doc, quotation: Quotation) -> Token | None:
    """`X said: "..."`, `X told reporters on Monday "..."`, `..., adding: "..."`."""
    opening = doc[quotation.opening]
    content = {t.i for t in doc[quotation.start : quotation.end]}
    for i in range(quotation.opening - 1, max(quotation.opening - _MAX_CUE_GAP, opening.sent.start) - 1, -1):
        verb = doc[i]
        if not is_speech_verb(verb):
            continue
        between = doc[verb.i + 1 : quotation.opening]
        # A partial quote must follow its verb and adverbs directly: `claims Kunis 'stole her pet'` does not.
        partial = not _quote_opens_statement(doc, quotation)
        allowed: set[int] = set()
        for child in verb.children:
            subtree = {t.i for t in child.subtree}
            audience = verb.lemma_ in AUDIENCE_VERBS and child.dep_ in ("dobj", "dative")
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
