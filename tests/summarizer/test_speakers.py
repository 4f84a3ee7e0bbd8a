"""Who speaks: subjects of speech verbs, also where the parser slips (parses built by hand here,
so each test pins the rule, not the parser's mood), and how described speakers are resolved."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc

from summarizer.speakers import subject_token

Parsed = Callable[[list[tuple]], Doc]


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
