"""Who speaks: subjects of speech verbs, also where the parser slips (parses built by hand here,
so each test pins the rule, not the parser's mood), and how described speakers are resolved."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from summarizer.speakers import subject_token

if TYPE_CHECKING:
    from conftest import Analysis

Parsed = Callable[[list[tuple]], Doc]
Analyse = Callable[[str], "Analysis"]


def test_of_two_subjects_the_pronoun_next_to_the_verb_speaks(parsed: Parsed) -> None:
    # a caption run into the text: "... not, until now, gardening She added: ..."
    doc = parsed(
        [
            ("not", "PART", "advmod", 4),
            (",", "PUNCT", "punct", 4),
            ("gardening", "NOUN", "nsubj", 4),
            ("She", "PRON", "nsubj", 4),
            ("added", "VERB", "ROOT", 4),
            (":", "PUNCT", "punct", 4),
        ],
    )
    assert subject_token(doc[4]).text == "She"


def test_of_two_subjects_without_a_name_the_first_speaks(parsed: Parsed) -> None:
    doc = parsed(
        [
            ("The", "DET", "det", 1),
            ("ferry", "NOUN", "nsubj", 3),
            ("crew", "NOUN", "nsubj", 3),
            ("said", "VERB", "ROOT", 3),
        ],
    )
    assert subject_token(doc[3]).text == "ferry"


def test_the_organisation_noun_refers_to_the_one_described_with_it(analyse: Analyse) -> None:
    """ "... the Danish fisheries ministry. ... '...,' the ministry said": the ministry described
    just before, not the last organisation named; with no such description it is that one."""
    result = analyse(
        "The quota vote was delayed after a protest from the Danish fisheries ministry. The Nordic "
        'Fishing Council said it would wait for new figures. "Nobody asked us before the vote was '
        'called," the ministry said in a statement. "We will study the figures," the council said.'
    )
    assert [p.actor for p in result.positions] == [
        "Nordic Fishing Council",
        "Danish fisheries ministry",
        "Nordic Fishing Council",
    ]


def test_a_name_the_parser_took_for_an_object_speaks_through_its_apposition(analyse: Analyse) -> None:
    """ "... after Lena Varga, its head of sales, admitted that ...": the name before the
    apposition speaks, not the subject of the verb the parser hung the cue on."""
    result = analyse(
        "Inspectors fined the bakery after Lena Varga, its head of sales, admitted that it had reused "
        "old labels."
    )
    assert [(p.actor, p.cue) for p in result.positions] == [("Lena Varga", "admitted")]


def test_no_common_noun_or_participle_speaks_as_a_name_set_off_before(analyse: Analyse) -> None:
    """The vote never speaks: not through a participle ("after the vote, saying"), and not before an
    apposition ("after the vote, the third in a week, said"), which only a name or pronoun may."""
    saying = analyse("Smith resigned after the vote, saying the party had failed.")
    assert [p.actor for p in saying.positions] == ["Smith"]
    apposition = analyse("Smith resigned after the vote, the third in a week, said the party had failed.")
    assert "the vote" not in {p.actor for p in apposition.positions}
    assert "vote" not in {p.actor for p in apposition.positions}


def test_a_name_before_an_apposition_speaks_only_for_a_finite_verb(parsed: Parsed) -> None:
    rows = [
        ("Police", "NOUN", "nsubj", 1),
        ("thanked", "VERB", "ROOT", 1, "thank"),
        ("Hale", "PROPN", "dobj", 1),
        (",", "PUNCT", "punct", 2),
        ("the", "DET", "det", 5),
        ("driver", "NOUN", "appos", 2),
        (",", "PUNCT", "punct", 2),
        ("adding", "VERB", "advcl", 1, "add"),
    ]
    doc = parsed(rows)
    doc[7].tag_ = "VBG"
    assert subject_token(doc[7]).text == "Police"  # "..., adding": the subject of "thanked"
    rows[7] = ("added", "VERB", "advcl", 1, "add")
    doc = parsed(rows)
    doc[7].tag_ = "VBD"
    assert subject_token(doc[7]).text == "Hale"


def test_no_place_and_no_inverted_subject_speak_as_a_name_before_an_apposition(parsed: Parsed) -> None:
    """ "... the road to Tamsen, a fishing town, says Hallvard": the name after the verb speaks,
    and a place never speaks through an apposition."""
    rows = [
        ("the", "DET", "det", 1),
        ("road", "NOUN", "ROOT", 1),
        ("to", "ADP", "prep", 1),
        ("Tamsen", "PROPN", "pobj", 2),
        (",", "PUNCT", "punct", 3),
        ("a", "DET", "det", 7),
        ("fishing", "NOUN", "compound", 7),
        ("town", "NOUN", "appos", 3),
        (",", "PUNCT", "punct", 3),
        ("says", "VERB", "parataxis", 1, "say"),
        ("Hallvard", "PROPN", "dobj", 9),
    ]
    doc = parsed(rows)
    doc[9].tag_ = "VBZ"
    assert subject_token(doc[9]) is None
    doc = parsed(rows[:10])
    doc[9].tag_ = "VBZ"
    assert subject_token(doc[9]).text == "Tamsen"  # a name the tagger saw as no place
    doc.ents = [Span(doc, 3, 4, label="GPE")]
    assert subject_token(doc[9]) is None
