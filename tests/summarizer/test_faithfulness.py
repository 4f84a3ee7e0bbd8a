from __future__ import annotations

from decimal import Decimal

import pytest
from spacy.language import Language

from summarizer.faithfulness import check_sentences, find_quantities, normalise, tidy_generated

ARTICLE = """Northbridge will close its harbour bridge for eighteen months, Mayor Elena Varga said on Tuesday.

The repairs in Northbridge will cost £4.2 million, and about 1,412,000 commuters a year use the \
crossing. Britain's Department for Transport has promised to pay 40 per cent of the bill.

Opposition leader Tomas Reyes told reporters the plan was rushed. "We were given three days to read \
a 200-page report," he said. The U.S. engineering firm Halvorsen Partners won the contract.

The United Nations Educational, Scientific and Cultural Organization listed the old quay in 1998. \
Syria's ambassador, who was visiting, called the bridge "a jewel". One of the council's 12 members \
voted against the plan."""


def verdicts(nlp: Language, *sentences: str) -> list[tuple[bool, list[str]]]:
    return [
        (checked.supported, checked.unsupported) for checked in check_sentences(list(sentences), ARTICLE, nlp)
    ]


def test_faithful_paraphrases_pass_despite_formatting_differences(nlp: Language) -> None:
    checked = verdicts(
        nlp,
        "Elena Varga said Britain would pay 40% of the £4.2m bill.",
        "About 1.4 million commuters use the crossing each year.",
        "Tomas Reyes complained that the council had 3 days to read a 200 page report.",
        "The US firm Halvorsen Partners will do the work over 18 months.",
        "The Syrian ambassador praised the bridge, which UNESCO listed in 1998.",
        "One of the 12 council members voted against it.",
    )
    assert checked == [(True, [])] * 6


def test_lowercased_tokenised_model_output_is_read_like_the_article(nlp: Language) -> None:
    output = [
        "mayor elena varga said northbridge 's harbour bridge will close for eighteen months .",
        "the u.s. firm halvorsen partners won the contract , tomas reyes said .",
    ]
    checked = check_sentences(output, ARTICLE, nlp)
    assert [sentence.supported for sentence in checked] == [True, True]
    # The article's capitalisation is restored for display, and the tokenised spacing undone.
    assert (
        checked[0].text
        == "Mayor Elena Varga said Northbridge's harbour bridge will close for eighteen months."
    )
    assert checked[1].text.startswith("The U.S. firm Halvorsen Partners won the contract, Tomas Reyes said")


def test_invented_people_places_and_numbers_are_flagged(nlp: Language) -> None:
    checked = check_sentences(
        [
            "Mayor Elena Varga said Marcus Oyelaran would lead the repairs.",
            "The repairs will cost £6.5 million and take two years.",
            "Engineers from Lisbon inspected the bridge.",
        ],
        ARTICLE,
        nlp,
    )
    assert [sentence.supported for sentence in checked] == [False, False, False]
    assert checked[0].unsupported == ["Marcus Oyelaran"]
    assert checked[1].unsupported == ["6.5 million", "two"]
    assert checked[2].unsupported == ["Lisbon"]
    assert all(sentence.index == -1 for sentence in checked)


def test_a_figure_is_only_supported_when_it_rounds_from_the_article(nlp: Language) -> None:
    assert verdicts(nlp, "About 1.41 million commuters use it.") == [(True, [])]
    assert verdicts(nlp, "About 1.6 million commuters use it.") == [(False, ["1.6 million"])]
    assert verdicts(nlp, "About 1,400,000 commuters use it.") == [(False, ["1,400,000"])]


def test_numbers_inside_names_and_scale_words_after_digits_are_not_double_counted(nlp: Language) -> None:
    article = "The club made a record profit of £18.7million, chairman Ray Dunmore said."
    checked = check_sentences(["Ray Dunmore said the club made £18.7 million."], article, nlp)
    assert (checked[0].supported, checked[0].unsupported) == (True, [])


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1,400 people", {Decimal(1400)}),
        ("1.4 million people", {Decimal(1_400_000)}),
        ("a £5m grant", {Decimal(5), Decimal(5_000_000)}),
        ("twenty-five years", {Decimal(25)}),
        ("two hundred and fifty homes", {Decimal(250)}),
        ("two dozen eggs", {Decimal(24)}),
        ("$3bn deal", {Decimal(3), Decimal(3_000_000_000)}),
        ("40%", {Decimal(40)}),
    ],
)
def test_find_quantities_reads_digits_words_and_scales(text: str, values: set[Decimal]) -> None:
    (quantity,) = find_quantities(text)
    assert quantity.values == values


def test_find_quantities_ignores_words_that_only_contain_number_words() -> None:
    assert list(find_quantities("Thousands of someone's neighbours often wait, anyone can see.")) == []


def test_normalise_removes_formatting_differences() -> None:
    assert normalise("Britain’s U.S.-based partners") == "britain us based partners"
    assert normalise("the players' union and O'Sullivan") == "the players union and o sullivan"


def test_tidy_generated_undoes_tokenised_spacing_and_junk() -> None:
    assert (
        tidy_generated("the minister said `` we wo n't back down '' .")
        == 'The minister said "we won\'t back down".'
    )
    assert (
        tidy_generated("costs rose 5 % ( to £3m ) \x16\ufffd, he said .")
        == "Costs rose 5% (to £3m), he said."
    )
