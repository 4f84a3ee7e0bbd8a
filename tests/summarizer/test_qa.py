from __future__ import annotations

from collections.abc import Callable

import pytest

from summarizer.embeddings import Encoder
from summarizer.models import Actor, Answer, Article, Briefing, Position, Sentence, Summary, SummarySentence
from summarizer.qa import (
    EMPTY_QUESTION,
    MAX_POSITIONS_PER_SPEAKER,
    NOT_FOUND,
    NOT_REPORTED,
    answer_question,
)

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
        ("Which club will Locke manage?", "Gary Locke will be confirmed as Kilmarnock’s permanent manager"),
        ("Who did Locke replace?", "working as No 2 under Johnston when the manager announced"),
        ("Where are Kilmarnock in the league table?", "Kilmarnock are currently eighth in the Premiership"),
    ],
)
def test_real_daily_mail_article(
    cnndm: dict[str, str], analyse: Callable, encoder: Encoder, question: str, expected: str
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
    assert any(expected in analysis.sentences[i].text for i in answer.citations)
    assert not answer_question(briefing, "What did the Prime Minister say about taxes?", encoder).found


SUMMIT = [
    "Prime Minister Rishi Sunak and French President Emmanuel Macron agreed on Friday to increase joint "
    "patrols in the Channel, at a summit in Paris.",
    "“We cannot allow criminal gangs to decide who comes to our country,” Sunak told a news conference.",
    "Macron said France would deploy 500 more officers to its northern coast and called for a Europe-wide "
    "deal on migration.",
    "A Downing Street spokesman said the agreement would be paid for from the existing Home Office budget.",
    "An Elysee spokeswoman said the two leaders would meet again in the spring.",
    "Deputy Prime Minister Oliver Dowden, who stayed in London, said the government remained committed to "
    "its plans to send asylum seekers to Rwanda.",
    "Refugee charities criticised the deal.",
    "Enver Solomon, chief executive of the Refugee Council, said it would do nothing to create safe routes.",
    "Channel crossings fell by a third last year, according to Home Office figures.",
]
SUMMIT_ACTORS = [
    Actor("Rishi Sunak", "person", role="Prime Minister", aliases=["Sunak"], mentions=2),
    Actor("Emmanuel Macron", "person", role="French President", aliases=["Macron"], mentions=2),
    Actor("Oliver Dowden", "person", role="Deputy Prime Minister", mentions=1),
    Actor("Enver Solomon", "person", role="chief executive of the Refugee Council", mentions=1),
    Actor("Refugee Council", "organization", mentions=1),
    Actor("Downing Street", "organization", mentions=1),
    Actor("Home Office", "organization", mentions=2),
    Actor("France", "place", mentions=1),
]
SUMMIT_POSITIONS = [
    Position(
        "Rishi Sunak",
        "We cannot allow criminal gangs to decide who comes to our country",
        "direct",
        "told a news conference",
        1,
    ),
    Position(
        "Emmanuel Macron",
        "France would deploy 500 more officers to its northern coast",
        "reported",
        "said",
        2,
    ),
    Position(
        "a Downing Street spokesman",
        "the agreement would be paid for from the existing Home Office budget",
        "reported",
        "said",
        3,
    ),
    Position(
        "an Elysee spokeswoman", "the two leaders would meet again in the spring", "reported", "said", 4
    ),
    Position(
        "Oliver Dowden",
        "the government remained committed to its plans to send asylum seekers to Rwanda",
        "reported",
        "said",
        5,
    ),
    Position("Enver Solomon", "it would do nothing to create safe routes", "reported", "said", 7),
]


@pytest.fixture(scope="module")
def summit() -> Briefing:
    return make_briefing(SUMMIT, SUMMIT_ACTORS, SUMMIT_POSITIONS)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # A deputy prime minister is not "the PM".
        ("What did the PM say?", [1]),
        ("What did the prime minister say?", [1]),
        ("What did the Refugee Council's CEO say?", [7]),
        ("What did the CEO of the Refugee Council say?", [7]),
        ("What did the Refugee Council boss say?", [7]),
        ("How did the chief executive react?", [7]),
        ("What did the Downing Street spokeswoman say?", [3]),
        ("What did the Elysee spokesman say?", [4]),
        ("What did the French president say?", [2]),
    ],
)
def test_role_in_other_words(summit: Briefing, encoder: Encoder, question: str, expected: list[int]) -> None:
    answer = answer_question(summit, question, encoder)
    assert answer.found
    assert answer.citations == expected
    assert answer.text == _render_line(SUMMIT_POSITIONS, expected[0])


def _render_line(positions: list[Position], sentence: int) -> str:
    position = next(p for p in positions if p.sentence == sentence)
    quoted = f"“{position.text}”" if position.kind == "direct" else position.text
    line = f"{position.actor} {position.cue}: {quoted}"
    return line[0].upper() + line[1:]


def test_role_at_another_organisation_is_not_passed_off(summit: Briefing, encoder: Encoder) -> None:
    # The only chief executive in the story runs the Refugee Council, not the Home Office.
    answer = answer_question(summit, "What did the Home Office chief executive say?", encoder)
    assert 7 not in answer.citations
    assert "Enver Solomon" not in answer.text


def test_every_speaker_named_together_is_answered(summit: Briefing, encoder: Encoder) -> None:
    answer = answer_question(summit, "What did Sunak and Macron say?", encoder)
    assert answer.found
    assert answer.citations == [1, 2]
    assert answer.text.splitlines() == [_render_line(SUMMIT_POSITIONS, 1), _render_line(SUMMIT_POSITIONS, 2)]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did the PM and the Refugee Council chief executive say?", [1, 7]),
        ("What did Solomon, Dowden and the Elysee spokeswoman say?", [7, 5, 4]),
    ],
)
def test_speakers_and_roles_named_together(
    summit: Briefing, encoder: Encoder, question: str, expected: list[int]
) -> None:
    answer = answer_question(summit, question, encoder)
    assert answer.citations == expected
    assert answer.text.splitlines() == [_render_line(SUMMIT_POSITIONS, i) for i in expected]


def test_speaker_named_as_a_subject_is_not_answered_for(summit: Briefing, encoder: Encoder) -> None:
    answer = answer_question(summit, "What did Sunak say about Macron?", encoder)
    assert 2 not in answer.citations


def test_speaker_silent_on_the_subject_is_reported_as_silent(summit: Briefing, encoder: Encoder) -> None:
    answer = answer_question(summit, "What did Dowden and Macron say about Rwanda?", encoder)
    assert answer.found
    assert answer.citations == [5]
    assert answer.text.splitlines() == [
        _render_line(SUMMIT_POSITIONS, 5),
        NOT_REPORTED.format(speaker="Emmanuel Macron"),
    ]


def test_several_speakers_keep_the_answer_short(
    articles: dict[str, str], analyse: Callable, encoder: Encoder
) -> None:
    briefing = _analysed(articles["business"], analyse)
    answer = answer_question(briefing, "What did Dimon and Barnum say?", encoder)
    lines = answer.text.splitlines()
    assert len(lines) <= 2 * MAX_POSITIONS_PER_SPEAKER
    assert any(line.startswith("Jamie Dimon") for line in lines)
    assert any(
        line.startswith("Jeremy Barnum") and "deposit costs would keep rising" in line for line in lines
    )


@pytest.mark.parametrize(
    "question",
    [
        "What did JPMorgan's CEO say?",
        "What did the chief executive of JPMorgan say?",
        "What did JPMorgan's boss say?",
    ],
)
def test_company_ceo_found_in_an_analysed_article(
    articles: dict[str, str], analyse: Callable, encoder: Encoder, question: str
) -> None:
    """Dimon's role is "chairman and chief executive" in "Its chairman and chief executive, Jamie Dimon":
    the bank is named only in the sentence before."""
    briefing = _analysed(articles["business"], analyse)
    answer = answer_question(briefing, question, encoder)
    assert answer.found
    lines = answer.text.splitlines()
    assert lines
    assert all(line.startswith("Jamie Dimon") for line in lines)
    assert "net income rose 25%" not in answer.text


def test_ceo_of_a_company_whose_ceo_is_not_in_the_story(
    articles: dict[str, str], analyse: Callable, encoder: Encoder
) -> None:
    # Goldman's analysts spoke, and JPMorgan's chief executive: neither is Goldman's CEO.
    briefing = _analysed(articles["business"], analyse)
    assert answer_question(briefing, "What did Goldman's CEO say?", encoder) == Answer(
        question="What did Goldman's CEO say?", text=NOT_FOUND, citations=[], found=False
    )


def test_organisation_spokesman_found_in_an_analysed_article(
    articles: dict[str, str], analyse: Callable, encoder: Encoder
) -> None:
    briefing = _analysed(articles["politics"], analyse)
    kremlin = answer_question(briefing, "What did the Kremlin spokesman say?", encoder)
    assert kremlin.citations[:2] == [1, 2]
    assert all(line.startswith("Dmitry Peskov") for line in kremlin.text.splitlines())
    both = answer_question(briefing, "What did Peskov and Badenoch say?", encoder)
    assert {line.split()[0] for line in both.text.splitlines()} == {"Dmitry", "Kemi"}


def _analysed(text: str, analyse: Callable) -> Briefing:
    analysis = analyse(text)
    return Briefing(
        article=Article(text=text, source_kind="text", source="pasted"),
        sentences=analysis.sentences,
        summary=Summary("extractive", []),
        actors=analysis.index.actors,
        positions=analysis.positions,
    )


GENEVA = [
    "Iran and six world powers will resume nuclear negotiations next week, officials said on Monday.",
    "The Geneva talks are expected to last three days and will focus on sanctions relief.",
    "It will be led by the State Department, probably by Under Secretary of State Wendy Sherman, who "
    "headed the last round.",
    "Iran's foreign minister said his country was ready for a deal.",
    "Oil prices fell on the news.",
    "The talks will be held at the InterContinental hotel, a venue used for earlier rounds.",
]


def test_a_pronoun_subject_mentions_what_it_refers_to(encoder: Encoder) -> None:
    briefing = make_briefing(GENEVA, [], [])
    answer = answer_question(briefing, "Who is leading the Geneva talks?", encoder)
    assert 2 in answer.citations  # "It will be led by ...": "It" is the Geneva talks
    where = answer_question(briefing, "Where will the Geneva talks be held?", encoder)
    assert 5 in where.citations  # "The talks" are the Geneva talks named before
