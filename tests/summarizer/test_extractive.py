from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from summarizer.embeddings import Encoder
from summarizer.extractive import is_summary_worthy, summarize_extractive
from summarizer.models import Sentence

KILMARNOCK_ID = "dm-test-008aa71f64621995d749aff42be822b1b6ca7bc9"

FLOODS = [
    "Heavy rain caused severe flooding across northern England on Sunday, forcing hundreds of people "
    "from their homes.",
    "The Environment Agency issued 40 flood warnings, the highest level of alert, for rivers in "
    "Yorkshire and Cumbria.",
    "Rescue teams used boats to reach residents trapped in the village of Appleby, where water rose "
    "to more than a metre.",
    "The weather forecaster said more rain was expected on Tuesday.",
    "Flooding also closed the main railway line between Leeds and Carlisle for several hours.",
    "Local councils opened emergency shelters in schools and sports halls for people forced out by the "
    "flood water.",
    "The village cricket club celebrated its 150th anniversary last year with a dinner.",
    "Insurers said the cost of flood damage to homes could run into tens of millions of pounds.",
]


def as_sentences(texts: list[str]) -> list[Sentence]:
    sentences, offset = [], 0
    for index, text in enumerate(texts):
        sentences.append(Sentence(index=index, text=text, start=offset, end=offset + len(text)))
        offset += len(text) + 1
    return sentences


def summarize(texts: list[str], encoder: Encoder, n: int = 3) -> list[int]:
    summary = summarize_extractive(as_sentences(texts), encoder.encode(texts), n)
    assert summary.method == "extractive"
    assert [s.text for s in summary.sentences] == [texts[s.index] for s in summary.sentences]
    return [s.index for s in summary.sentences]


def test_picks_n_sentences_in_article_order(encoder: Encoder) -> None:
    chosen = summarize(FLOODS, encoder, n=3)
    assert len(chosen) == 3
    assert chosen == sorted(chosen)
    assert chosen[0] == 0  # the lead of a news story is its best summary sentence


def test_off_topic_sentence_loses_to_a_later_central_one(encoder: Encoder) -> None:
    cricket = FLOODS[6]  # the club's anniversary is not what the story is about
    texts = [FLOODS[0], FLOODS[1], cricket, FLOODS[2], FLOODS[4], FLOODS[5]]
    assert summarize(texts, encoder, n=3) == [0, 1, 3]


def test_near_duplicate_of_a_chosen_sentence_is_skipped(encoder: Encoder) -> None:
    # Daily Mail pages repeat the lead as a photo caption; both must not fill the summary.
    texts = [FLOODS[0], FLOODS[0].replace("on Sunday", "this weekend"), *FLOODS[1:]]
    chosen = summarize(texts, encoder, n=3)
    assert 0 in chosen
    assert 1 not in chosen


def test_unusable_sentences_are_skipped_even_in_the_lead(encoder: Encoder) -> None:
    texts = [
        "By Sam Webb and Emma Glanfield For Mailonline",
        "Scroll down for video Heavy rain caused severe flooding across northern England on Sunday.",
        "Residents wade through flood water in Appleby, Cumbria",
        "Is this the worst flooding Britain has seen?",
        *FLOODS,
    ]
    chosen = summarize(texts, encoder, n=3)
    assert min(chosen) >= 4


def test_never_returns_two_versions_of_one_sentence(encoder: Encoder) -> None:
    texts = [FLOODS[0], FLOODS[0].replace("on Sunday", "on Sunday afternoon")]
    assert summarize([*texts, FLOODS[6]], encoder, n=2) == [0, 2]


def test_unusable_sentences_fill_in_when_nothing_else_is_left(encoder: Encoder) -> None:
    texts = ["Flood warning for Cumbria", "Rescue teams in Appleby", FLOODS[0], "Why did the river burst?"]
    chosen = summarize(texts, encoder, n=2)
    assert 2 in chosen
    assert len(chosen) == 2


def test_asking_for_more_sentences_than_there_are_returns_all(encoder: Encoder) -> None:
    assert summarize(FLOODS[:2], encoder, n=5) == [0, 1]


def test_n_below_one_is_refused(encoder: Encoder) -> None:
    with pytest.raises(ValueError):
        summarize_extractive(as_sentences(FLOODS), encoder.encode(FLOODS), 0)


def test_every_sentence_needs_a_vector() -> None:
    with pytest.raises(ValueError):
        summarize_extractive(as_sentences(FLOODS), np.zeros((2, 384), dtype=np.float32), 3)


def test_keeps_the_article_sentence_indices(encoder: Encoder) -> None:
    sentences = [
        Sentence(index=10 + i, text=t, start=0, end=len(t), paragraph=i) for i, t in enumerate(FLOODS)
    ]
    summary = summarize_extractive(sentences, encoder.encode(FLOODS), 2)
    assert all(s.index >= 10 for s in summary.sentences)
    assert summary.sentences[0].index == 10


@pytest.mark.parametrize(
    "text",
    [
        "Heavy rain caused severe flooding across northern England on Sunday.",
        "“We have never seen anything like it,” said Jane Smith, who has lived in the village for 40 years.",
        "‘I’d be over the moon to get it,’ said Locke while negotiations were being finalised.",
        "The players’ efforts have helped him win favour with the new chairman.",
    ],
)
def test_self_contained_sentences_are_usable(text: str) -> None:
    assert is_summary_worthy(text)


@pytest.mark.parametrize(
    "text",
    [
        "By Sam Webb For Mailonline",
        "PUBLISHED: 12:01 EST, 5 April 2015 | UPDATED: 14:22 EST, 5 April 2015",
        "Scroll down for video",
        "Click here to read more about the floods.",
        "Reporting by Andrew Osborn; Editing by Mark Heinrich.",
        "Photo: Getty Images.",
        "Residents wade through flood water in Appleby, Cumbria",  # caption: no full stop
        "Is this the worst flooding Britain has seen?",
        "It rained.",  # too short to say anything on its own
        "‘I had a taste of it at Hearts and really enjoyed it.",  # opens a quote it never closes
        "They have worked so hard for me.’",  # closes a quote it never opened
        "It doesn't just happen overnight,” he said.",
        "and then the river burst its banks near the old bridge.",
    ],
)
def test_fragments_captions_and_boilerplate_are_not(text: str) -> None:
    assert not is_summary_worthy(text)


def test_real_daily_mail_article(cnndm: dict[str, str], analyse: Callable, encoder: Encoder) -> None:
    analysis = analyse(cnndm[KILMARNOCK_ID])
    sentences = analysis.sentences
    summary = summarize_extractive(sentences, encoder.encode([s.text for s in sentences]), 3)
    texts = [s.text for s in summary.sentences]
    assert texts[0].startswith("Gary Locke will be confirmed as Kilmarnock’s permanent manager on Friday")
    assert all(is_summary_worthy(t) for t in texts)
    assert not any(t.startswith(("‘", "'")) for t in texts)  # no dangling pieces of Locke's long quote
