from __future__ import annotations

from collections.abc import Callable

import pytest

from summarizer.embeddings import Encoder
from summarizer.models import Actor, Answer, Article, Briefing, Position, Sentence, Summary, SummarySentence
from summarizer.qa import EMPTY_QUESTION, NOT_FOUND, answer_question

KILMARNOCK_ID = "dm-test-008aa71f64621995d749aff42be822b1b6ca7bc9"

SANCTIONS = [
    "The European Union agreed on Thursday to extend sanctions on Russia for another six months.",
    "Dmitry Peskov, the Kremlin spokesperson, said the measures were illegal and would hurt European "
    "companies more than Russia.",
    "“Sanctions have never changed our policy and they never will,” Peskov told reporters in Moscow.",
    "The sanctions target Russia's banking, energy and defence sectors.",
    "EU foreign policy chief Kaja Kallas said the bloc would keep up the pressure until Russia ended the "
    "war.",
    "Hungary's prime minister, Viktor Orban, had threatened to block the extension but dropped his "
    "objection after talks in Brussels.",
    "Gas prices in Europe rose 3% after the announcement.",
]
ACTORS = [
    Actor("Dmitry Peskov", "person", role="Kremlin spokesperson", aliases=["Peskov"], mentions=2),
    Actor("Kremlin", "organization", mentions=1),
    Actor("Kaja Kallas", "person", role="EU foreign policy chief", mentions=1),
    Actor("Viktor Orban", "person", role="prime minister", mentions=1),
    Actor("European Union", "organization", aliases=["EU"], mentions=2),
]
POSITIONS = [
    Position(
        "Dmitry Peskov",
        "the measures were illegal and would hurt European companies more than Russia",
        "reported",
        "said",
        1,
    ),
    Position(
        "Dmitry Peskov",
        "Sanctions have never changed our policy and they never will",
        "direct",
        "told reporters",
        2,
    ),
    Position(
        "Kaja Kallas", "the bloc would keep up the pressure until Russia ended the war", "reported", "said", 4
    ),
]


def make_briefing(texts: list[str], actors: list[Actor], positions: list[Position]) -> Briefing:
    sentences, offset = [], 0
    for index, text in enumerate(texts):
        sentences.append(Sentence(index=index, text=text, start=offset, end=offset + len(text)))
        offset += len(text) + 1
    summary = Summary("extractive", [SummarySentence(texts[0], 0)])
    article = Article(
        text=" ".join(texts), source_kind="text", source="pasted", title="EU extends Russia sanctions"
    )
    return Briefing(article, sentences, summary, actors, positions)


@pytest.fixture(scope="module")
def sanctions() -> Briefing:
    return make_briefing(SANCTIONS, ACTORS, POSITIONS)


def test_named_speaker_is_answered_with_their_positions(sanctions: Briefing, encoder: Encoder) -> None:
    answer = answer_question(sanctions, "What did Peskov say?", encoder)
    assert answer.found
    assert answer.citations == [1, 2]
    assert answer.text.splitlines() == [
        "Dmitry Peskov said: the measures were illegal and would hurt European companies more than Russia",
        "Dmitry Peskov told reporters: “Sanctions have never changed our policy and they never will”",
    ]


@pytest.mark.parametrize(
    "question",
    ["what did dmitry peskov say?", "What is Peskov's position?", "How did the Kremlin spokesperson react?"],
)
def test_speaker_named_any_way(sanctions: Briefing, encoder: Encoder, question: str) -> None:
    answer = answer_question(sanctions, question, encoder)
    assert answer.citations == [1, 2]


def test_organisation_speaks_through_its_spokesperson(sanctions: Briefing, encoder: Encoder) -> None:
    answer = answer_question(sanctions, "What is the Kremlin's position?", encoder)
    assert answer.found
    assert answer.citations == [1, 2]
    assert "Dmitry Peskov" in answer.text


def test_first_named_speaker_is_the_one_asked_about(sanctions: Briefing, encoder: Encoder) -> None:
    # Kallas said nothing about Peskov; Peskov's own words must not be passed off as the answer.
    answer = answer_question(sanctions, "What did Kallas say about Peskov?", encoder)
    assert not answer.found
    assert answer_question(sanctions, "What did Kallas say about the war?", encoder).citations == [4]


def test_subject_narrows_the_positions(sanctions: Briefing, encoder: Encoder) -> None:
    answer = answer_question(sanctions, "What did Peskov say about European companies?", encoder)
    assert answer.citations == [1]


def test_speaker_silent_on_the_subject_is_not_invented(sanctions: Briefing, encoder: Encoder) -> None:
    answer = answer_question(sanctions, "What did Peskov say about the football World Cup?", encoder)
    assert not answer.found
    assert answer.text == NOT_FOUND
    assert answer.citations == []


def test_question_about_facts_gets_sentences_verbatim(sanctions: Briefing, encoder: Encoder) -> None:
    answer = answer_question(sanctions, "Which sectors do the sanctions target?", encoder)
    assert answer.found
    assert 3 in answer.citations
    assert len(answer.citations) <= 3
    assert answer.citations == sorted(answer.citations)
    assert answer.text == " ".join(SANCTIONS[i] for i in answer.citations)


def test_naming_someone_without_asking_for_a_statement_searches_the_text(
    sanctions: Briefing, encoder: Encoder
) -> None:
    answer = answer_question(sanctions, "Why did Orban drop his objection?", encoder)
    assert answer.citations[0] == 5


@pytest.mark.parametrize(
    "question",
    ["What is the capital of Australia?", "Who won the Champions League final?", "How many people died?"],
)
def test_unanswerable_question(sanctions: Briefing, encoder: Encoder, question: str) -> None:
    answer = answer_question(sanctions, question, encoder)
    assert answer == Answer(question=question, text=NOT_FOUND, citations=[], found=False)


def test_empty_question_gets_a_polite_prompt(sanctions: Briefing, encoder: Encoder) -> None:
    answer = answer_question(sanctions, "   ", encoder)
    assert not answer.found
    assert answer.text == EMPTY_QUESTION


def test_analysed_article_end_to_end(articles: dict[str, str], analyse: Callable, encoder: Encoder) -> None:
    """Actors and positions as the extractor finds them in a Reuters-style story."""
    analysis = analyse(articles["politics"])
    briefing = Briefing(
        article=Article(text=articles["politics"], source_kind="text", source="pasted"),
        sentences=analysis.sentences,
        summary=Summary("extractive", []),
        actors=analysis.index.actors,
        positions=analysis.positions,
    )
    peskov = answer_question(briefing, "What did Peskov say?", encoder)
    assert peskov.citations[0] == 1
    assert "We will not accept foreign observers on our territory" in peskov.text

    kremlin = answer_question(briefing, "What is the Kremlin's position?", encoder)
    assert {1, 2} <= set(kremlin.citations)

    spokeswoman = answer_question(briefing, "What did the Cabinet Office spokeswoman say?", encoder)
    assert spokeswoman.citations[0] == 5
    assert "the door to peace is open" in spokeswoman.text

    where = answer_question(briefing, "Where did Starmer unveil the proposal?", encoder)
    assert where.citations == [3]
    assert "Kyiv" in where.text

    assert not answer_question(briefing, "What is the price of oil?", encoder).found


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which club will Locke manage?", 0),
        ("Who did Locke replace?", 18),  # "working as No 2 under Johnston when the manager announced..."
        ("Where are Kilmarnock in the league table?", 23),
    ],
)
def test_real_daily_mail_article(
    cnndm: dict[str, str], analyse: Callable, encoder: Encoder, question: str, expected: int
) -> None:
    analysis = analyse(cnndm[KILMARNOCK_ID])
    briefing = Briefing(
        article=Article(text=cnndm[KILMARNOCK_ID], source_kind="url", source="https://www.dailymail.co.uk/"),
        sentences=analysis.sentences,
        summary=Summary("extractive", []),
        actors=analysis.index.actors,
        positions=analysis.positions,
    )
    answer = answer_question(briefing, question, encoder)
    assert answer.found
    assert expected in answer.citations
    assert not answer_question(briefing, "What did the Prime Minister say about taxes?", encoder).found
