from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from summarizer.embeddings import Encoder
from summarizer.extractive import summarize_extractive
from summarizer.models import Actor, Article, Briefing, Sentence, Summary
from summarizer.topics import (
    FEATURES,
    TOPIC_THRESHOLD,
    WEIGHTS,
    clear_topic_cache,
    content_terms,
    match_features,
    match_topic,
    match_topics,
    topic_terms,
)

# Real CNN/Daily Mail test articles, with the headlines their pages carried.
KILMARNOCK = (
    "dm-test-008aa71f64621995d749aff42be822b1b6ca7bc9",
    "Gary Locke set to be confirmed as Kilmarnock manager",
)
SNP = (
    "dm-test-1ce80a53eb6aa6bebd05399899d19e79bfd48f90",
    "Brown warns SNP want to use chaos after election to force second referendum on Scottish independence",
)
SPACE = (
    "cnn-test-3c2040c68ca45c78b440e299b72956907b2f9390",
    "Russian cargo ship bound for space station lost",
)
VOLCANO = (
    "dm-test-d75a950d495bad51ac7c8657871328b8732f44c7",
    "Storm in an ash cloud: Electrifying shots of Mexican volcanic eruption",
)
HOARDER = (
    "dm-test-775fe1080dc864c0dc4201a27522499dc015d968",
    "Police rescue 54 dogs and 19 cats from one mobile home in raid on known animal hoarder",
)
# Stories of the labelled topic set as a feed item brings them: no headline.
AWARDS = ("dm-test-e2ad106b9af692af7243687450f9aa2000cc2b65", "")  # PFA awards vote; never says "football"
SCRUMS = ("dm-test-92b97b70b55eaf31be089e0420c76a1001e2451a", "")  # a rugby union side's training
HONEYBEE = ("dm-test-7b64ed2057255f31383bfb888bbb1284ce3b027d", "")  # drones modelled on a bee's brain


TOPIC_SET = Path(__file__).resolve().parents[2] / "bench" / "data" / "topics" / "articles.jsonl"


@pytest.fixture(scope="module")
def cnndm() -> dict[str, str]:
    """The CNN/DM articles of the labelled topic set, kept in the repository (MIT, see its folder)."""
    rows = [json.loads(line) for line in TOPIC_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["id"]: row["article"] for row in rows}


@pytest.fixture(scope="module")
def brief(
    cnndm: dict[str, str], analyse: Callable, encoder: Encoder
) -> Callable[[tuple[str, str]], Briefing]:
    @functools.cache
    def build(story: tuple[str, str]) -> Briefing:
        article_id, title = story
        analysis = analyse(cnndm[article_id])
        summary = summarize_extractive(
            analysis.sentences, encoder.encode([s.text for s in analysis.sentences]), 3
        )
        article = Article(text=cnndm[article_id], source_kind="url", source=article_id, title=title)
        return Briefing(article, analysis.sentences, summary, analysis.index.actors, analysis.positions)

    return build


ON_TOPIC = [
    (KILMARNOCK, "football"),
    (KILMARNOCK, "Scottish football"),
    (KILMARNOCK, "soccer"),
    (KILMARNOCK, "climate, football"),  # any term will do
    (SNP, "UK politics"),
    (SNP, "elections in Europe"),
    (SNP, "Scottish independence"),
    (SPACE, "space exploration"),
    (SPACE, "Russia"),
    (VOLCANO, "volcanoes"),
    (VOLCANO, "natural disasters"),
    (HOARDER, "animal welfare"),
]
OFF_TOPIC = [
    (KILMARNOCK, "climate policy"),
    (KILMARNOCK, "elections in Europe"),
    (KILMARNOCK, "space exploration"),
    pytest.param(
        SNP,
        "Scottish football",
        marks=pytest.mark.xfail(
            strict=False,
            reason="known near miss of the fitted matcher: Scottish politics scores as Scottish football",
        ),
    ),  # Scottish, but not football
    (SNP, "US politics"),
    (SPACE, "football"),
    (SPACE, "climate, energy"),
    (VOLCANO, "UK politics"),
    (HOARDER, "football"),
    (HOARDER, "Hillary Clinton"),
]


@pytest.fixture(scope="module")
def score(brief: Callable, encoder: Encoder) -> Callable[[tuple[str, str], str], float]:
    """Every topic asked of a story, scored in one match_topics call (the article is encoded once)."""

    @functools.cache
    def scores(story: tuple[str, str]) -> dict[str, float]:
        cases = [getattr(case, "values", case) for case in ON_TOPIC + OFF_TOPIC]  # pytest.param has .values
        topics = [topic for s, topic in cases if s == story]
        return {t: m.score for t, m in zip(topics, match_topics(brief(story), topics, encoder), strict=True)}

    return lambda story, topic: scores(story)[topic]


@pytest.mark.parametrize(("story", "topic"), ON_TOPIC)
def test_on_topic(score: Callable, story: tuple[str, str], topic: str) -> None:
    assert score(story, topic) >= TOPIC_THRESHOLD


@pytest.mark.parametrize(("story", "topic"), OFF_TOPIC)
def test_off_topic(score: Callable, story: tuple[str, str], topic: str) -> None:
    assert score(story, topic) < TOPIC_THRESHOLD


def scores_of(briefing: Briefing, topics: list[str], encoder: Encoder) -> dict[str, float]:
    return {t: m.score for t, m in zip(topics, match_topics(briefing, topics, encoder), strict=True)}


@pytest.mark.xfail(
    strict=True,  # a pass means the miss is fixed: drop the mark
    reason="issue 11 not met yet: this awards story scores 0.37 for football (threshold 0.4)",
)
def test_a_broad_topic_matches_a_sub_topic_story_that_never_names_it(
    brief: Callable, encoder: Encoder
) -> None:
    assert scores_of(brief(AWARDS), ["football"], encoder)["football"] >= TOPIC_THRESHOLD


@pytest.mark.xfail(
    strict=True,  # a pass means the miss is fixed: drop the mark
    reason="issue 11 not met yet: a rugby union story scores 0.53 for football (threshold 0.4)",
)
def test_a_neighbouring_subject_is_rejected(brief: Callable, encoder: Encoder) -> None:
    scores = scores_of(brief(SCRUMS), ["rugby", "football"], encoder)
    assert scores["rugby"] >= TOPIC_THRESHOLD
    assert scores["football"] < TOPIC_THRESHOLD


def test_a_topic_no_labelled_data_mentions_still_works(brief: Callable, encoder: Encoder) -> None:
    """Nothing in the matcher lists topics: any words a user types are scored the same way."""
    bees = scores_of(brief(HONEYBEE), ["bees", "insects"], encoder)
    assert bees["bees"] >= TOPIC_THRESHOLD and bees["insects"] >= TOPIC_THRESHOLD
    assert scores_of(brief(SCRUMS), ["bees"], encoder)["bees"] < TOPIC_THRESHOLD
    assert scores_of(brief(AWARDS), ["insects"], encoder)["insects"] < TOPIC_THRESHOLD


def test_closest_is_one_when_the_article_uses_the_word(brief: Callable, encoder: Encoder) -> None:
    closest = FEATURES.index("closest")
    assert match_features(brief(HONEYBEE), "honeybee", encoder)[closest] == pytest.approx(1.0, abs=1e-3)
    assert match_features(brief(AWARDS), "football", encoder)[closest] < 0.99  # the story never says it


def test_scores_are_explained(brief: Callable, encoder: Encoder) -> None:
    locke = brief(KILMARNOCK)
    by_name = match_topic(locke, "Kilmarnock", encoder)
    assert by_name.keyword == 1.0  # in the headline
    assert by_name.matched_terms == ["Kilmarnock"]
    football = match_topic(locke, "football", encoder)
    assert 0 < football.keyword < 1  # said once, in a quote
    assert football.semantic > 0
    assert 0 <= football.score <= 1
    climate = match_topic(locke, "climate policy", encoder)
    assert climate.keyword == 0.0 and climate.matched_terms == []
    assert climate.score < football.score and climate.score < TOPIC_THRESHOLD


def test_actor_names_count_as_headline_evidence(encoder: Encoder) -> None:
    text = "The minister visited the plant on Monday. Workers there asked about their jobs."
    briefing = Briefing(
        article=Article(text=text, source_kind="text", source="pasted"),
        sentences=[Sentence(0, text[:41], 0, 41), Sentence(1, text[42:], 42, len(text))],
        summary=Summary("extractive", []),
        actors=[Actor("Rachel Reeves", "person", role="Chancellor of the Exchequer")],
        positions=[],
    )
    assert match_topic(briefing, "Rachel Reeves", encoder).keyword == 1.0
    assert match_topic(briefing, "chancellor", encoder).keyword == 1.0


def test_match_topics_equals_one_by_one(brief: Callable, encoder: Encoder) -> None:
    briefing = brief(SNP)
    topics = ["UK politics", "Scottish football", "", "referendum; independence"]
    clear_topic_cache()  # cold and warm caches give the same scores
    assert match_topics(briefing, topics, encoder) == [match_topic(briefing, t, encoder) for t in topics]
    assert match_topics(briefing, topics, encoder)[2].score == 0.0


def test_topic_terms() -> None:
    assert topic_terms("climate, energy") == ["climate", "energy"]
    assert topic_terms(" elections in Europe ") == ["elections in Europe"]
    assert topic_terms("AI; chips / semiconductors\nrobots") == ["AI", "chips", "semiconductors", "robots"]
    assert topic_terms(" , ;") == []


def test_content_terms() -> None:
    assert content_terms("The elections in Europe") == ["elect", "europ"]
    assert content_terms("Kilmarnock’s managers") == ["kilmarnock", "manag"]
    # Acronyms are names, not the stop words "us" / "it"; dotted forms match plain ones.
    assert content_terms("US politics") == ["us", "polit"]
    assert content_terms("the U.S. election") == content_terms("US elections")
    assert content_terms("what did it say", keep_stopwords=True) == ["what", "did", "it", "say"]


class CountingEncoder:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder, self.name, self.dim, self.texts = encoder, f"counting:{encoder.name}", encoder.dim, []

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        self.texts += texts
        return self.encoder.encode(texts, batch_size)


def test_a_fresh_brief_is_not_encoded_again(brief: Callable, encoder: Encoder) -> None:
    """The summary's sentence vectors are reused; a brief read back from the store is encoded."""
    story = brief(KILMARNOCK)
    sentences = {s.text for s in story.sentences}
    fresh = replace(story, sentence_vectors=encoder.encode([s.text for s in story.sentences]))
    counting = CountingEncoder(encoder)
    with_vectors = match_topics(fresh, ["football", "transfers"], counting)  # type: ignore[arg-type]
    assert not sentences & set(counting.texts)
    assert set(counting.texts) >= {"football", "transfers"}  # only the topics and the article's words
    counting.texts.clear()
    again = match_topics(fresh, ["football", "transfers"], counting)  # type: ignore[arg-type]
    assert counting.texts == []  # topic and word vectors are cached per process
    stored = match_topics(replace(story, sentence_vectors=None), ["football", "transfers"], counting)  # type: ignore[arg-type]
    assert sentences <= set(counting.texts)
    assert [m.score for m in with_vectors] == [m.score for m in again]
    assert [m.score for m in stored] == pytest.approx([m.score for m in with_vectors], abs=1e-3)


def test_the_weights_describe_every_feature() -> None:
    assert len(WEIGHTS) == len(FEATURES) and any(WEIGHTS)
    assert 0 < TOPIC_THRESHOLD < 1
