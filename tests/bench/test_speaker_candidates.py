"""Candidate speakers and their features (bench/speaker_candidates.py), the choice between them,
and the labels and scoring the measurement script (bench/train_speaker_choice.py) builds on them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from spacy.language import Language
from speaker_candidates import FEATURES, PAIR_FEATURES, Choices, SpeakerModel, candidate_choices, pair_rows
from train_speaker_choice import ArticleCases, choose_all, inputs_fingerprint, net_fixes, training_rows

from summarizer.actors import extract_actors
from summarizer.models import Position
from summarizer.positions import position_candidates
from summarizer.segmentation import segment

# The rules carry Maria Lopez's quote over to the next paragraph's quote, which is Daniel Reyes's.
CARRIED = (
    "The city council voted on Tuesday to close the Riverside library.\n\n"
    '"We will appeal this decision," said Maria Lopez, a lawyer for the library\'s friends group.\n\n'
    'Council leader Daniel Reyes shook his head. "The building is unsafe and the library costs too '
    'much to run."\n'
)
PRONOUN = (
    "Maria Lopez, a lawyer for the residents, said the vote ignored the evidence. "
    "Daniel Reyes, the council leader, disagreed. He said the building was unsafe."
)


def choices_of(nlp: Language, text: str) -> list[tuple[Position, Choices]]:
    doc = nlp(text)
    sentences = segment(doc)
    found, context = position_candidates(doc, sentences, extract_actors(doc, sentences))
    return [(f.position, c) for f, c in zip(found, candidate_choices(context, found), strict=True)]


def named(choices: Choices, name: str) -> dict[str, float]:
    return dict(zip(FEATURES, choices.features[choices.names.index(name)], strict=True))


def model_preferring(feature: str, threshold: float, scope: str = "all") -> SpeakerModel:
    """A hand-set model: an alternative is likely right exactly when it has `feature`."""
    weights = np.zeros(len(PAIR_FEATURES))
    weights[PAIR_FEATURES.index(feature)] = 8.0
    size = len(PAIR_FEATURES)
    return SpeakerModel(np.zeros(size), np.ones(size), weights, -4.0, threshold, scope)


def test_the_rules_choice_comes_first_then_the_actors_nearby(nlp: Language) -> None:
    positions = {p.text: (p, c) for p, c in choices_of(nlp, CARRIED)}
    carried, choices = positions["The building is unsafe and the library costs too much to run."]
    assert carried.actor == "Maria Lopez"  # what the rules do today: the quote before's speaker
    assert choices.names == ["Maria Lopez", "Daniel Reyes"]
    assert choices.features.shape == (2, len(FEATURES))
    rules = named(choices, "Maria Lopez")
    assert rules["rules_choice"] == 1 and rules["rules_choice_carried"] == 1
    assert rules["previous_speaker"] == 1 and rules["previous_speaker_same_paragraph"] == 1
    other = named(choices, "Daniel Reyes")
    assert other["rules_choice"] == 0 and other["subject_of_previous_sentence"] == 1
    assert other["sentences_since_mention"] == 0.1 and other["kind_person"] == 1
    assert other["tokens_since_mention"] < rules["tokens_since_mention"]


def test_pronoun_gender_agreement_comes_from_the_article(nlp: Language) -> None:
    positions = {p.text: (p, c) for p, c in choices_of(nlp, PRONOUN)}
    position, choices = positions["the building was unsafe"]
    assert position.actor == "Daniel Reyes"
    rules = named(choices, "Daniel Reyes")
    assert rules["rules_choice_pronoun"] == 1 and rules["pronoun_gender_agrees"] == 1
    assert rules["nearest_agreeing_person"] == 1 and rules["pronoun_gender_clashes"] == 0
    other = named(choices, "Maria Lopez")
    assert other["pronoun_gender_clashes"] == 1 and other["pronoun_gender_agrees"] == 0
    assert other["previous_speaker"] == 1 and other["nearest_agreeing_person"] == 0


def test_a_model_can_give_a_carried_quote_to_the_person_just_named(nlp: Language) -> None:
    _, choices = choices_of(nlp, CARRIED)[-1]
    assert choices.names[0] == "Maria Lopez"
    fixes = model_preferring("subject_of_previous_sentence", threshold=0.9)
    assert choices.names[fixes.choose(choices.features)] == "Daniel Reyes"
    never = replace(fixes, threshold=1.01)  # a threshold no probability reaches: the rules stand
    assert never.choose(choices.features) == 0
    described_only = replace(fixes, scope="described")  # a quote carried over is not a description
    assert described_only.choose(choices.features) == 0


def test_pair_rows_put_each_alternative_next_to_the_rules_choice() -> None:
    features = np.arange(3 * len(FEATURES), dtype=float).reshape(3, len(FEATURES))
    pairs = pair_rows(features)
    assert pairs.shape == (2, len(PAIR_FEATURES))
    assert (pairs[1, : len(FEATURES)] == features[2]).all()
    assert (pairs[:, len(FEATURES) :] == features[0]).all()
    lone = features[:1]
    assert model_preferring("kind_person", threshold=0.0).choose(lone) == 0


def _case(labels: list[bool | None] | None) -> ArticleCases:
    """One article with two positions of the same words: the first with candidates A and B."""
    rows = np.zeros((2, len(FEATURES)))
    rows[1, FEATURES.index("kind_person")] = 1.0
    positions = [Position("A", "the plan was costly", "direct", "said", 0)] * 2
    label = np.array(labels) if labels is not None else None
    return ArticleCases(
        "a",
        "",
        [],
        [],
        [],
        positions,
        [["A", "B"], ["A", "B"]],
        [rows, rows],
        [label, None],
        [True, False],
        ["x", "x"],
    )


def test_labels_count_a_switch_only_where_the_rules_are_wrong() -> None:
    _, y = training_rows([_case([False, True])], "all")
    assert y.tolist() == [True]
    _, y = training_rows([_case([True, True])], "all")
    assert y.tolist() == [False]  # both right: nothing to gain from switching
    x, y = training_rows([_case([False, True])], "described")
    assert len(x) == len(y) == 0  # the rules' choice was not written as a description


def test_net_fixes_and_the_positions_a_choice_gives() -> None:
    case = _case([False, True])
    prefers_people = model_preferring("kind_person", threshold=0.5)
    assert net_fixes([case], prefers_people) == (1, 0)
    assert net_fixes([_case([True, False])], prefers_people) == (0, 1)
    assert net_fixes([case], None) == (0, 0)
    positions = choose_all(case, prefers_people)
    assert [p.actor for p in positions] == ["B"]  # both become B's: one position, as the engine dedupes
    assert [p.actor for p in choose_all(case, None)] == ["A"]


def test_the_candidate_cache_goes_stale_when_the_engine_or_corpus_changes(tmp_path: Path) -> None:
    (tmp_path / "summarizer").mkdir()
    (tmp_path / "bench" / "data" / "attribution").mkdir(parents=True)
    engine = tmp_path / "summarizer" / "speakers.py"
    corpus = tmp_path / "bench" / "data" / "attribution" / "dev.jsonl"
    engine.write_text("RULES = 1\n")
    corpus.write_text("{}\n")
    first = inputs_fingerprint(tmp_path)
    assert inputs_fingerprint(tmp_path) == first
    engine.write_text("RULES = 2\n")
    second = inputs_fingerprint(tmp_path)
    assert second != first
    corpus.write_text("{}\n{}\n")
    assert inputs_fingerprint(tmp_path) not in (first, second)
