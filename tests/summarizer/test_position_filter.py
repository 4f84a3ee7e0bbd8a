"""The learned position filter: its features, the packaged model, and what it drops and keeps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from summarizer.actors import extract_actors
from summarizer.config import EngineConfig
from summarizer.models import Position
from summarizer.position_filter import FEATURES, MODEL_PATH, candidate_features, default_model, load_model
from summarizer.positions import extract_positions, position_candidates
from summarizer.segmentation import segment

HOUSING = (
    "LONDON - The government unveiled a new housing plan on Tuesday. "
    '"We will build a million homes by 2030," Housing Secretary Jane Holt told reporters in London. '
    '"Nobody should have to wait a decade for a home." '
    "Officials said the first sites would be announced next month."
)
# An election is no speaker, and what the accused planned is no statement of theirs: the rules take
# both for positions ("confirmed", "planned" are in the lexicon), as they did in the dev split.
NOT_STATEMENTS = (
    "ASHGABAT - Turkmenistan's new leader promised reforms on Monday. "
    "The February 2007 presidential election confirmed Berdymukhamedov's role as head of state. "
    "In Minnesota, the men planned to reach Syria by flying to nearby countries from Minneapolis, "
    "a court heard."
)


def features_of(nlp: Language, text: str) -> list[tuple[Position, dict[str, float]]]:
    doc = nlp(text)
    sentences = segment(doc)
    found, context = position_candidates(doc, sentences, extract_actors(doc, sentences))
    rows = candidate_features(context, found)
    return [(f.position, dict(zip(FEATURES, row, strict=True))) for f, row in zip(found, rows, strict=True)]


def positions_of(nlp: Language, text: str, *, filtered: bool) -> list[tuple[str, str]]:
    doc = nlp(text)
    sentences = segment(doc)
    index = extract_actors(doc, sentences)
    model = default_model() if filtered else None
    return [(p.actor, p.text) for p in extract_positions(doc, sentences, index, position_filter=model)]


def test_features_say_how_the_speaker_was_written_and_resolved(nlp: Language) -> None:
    rows = {p.text: (p, f) for p, f in features_of(nlp, HOUSING)}
    quote, named = rows["We will build a million homes by 2030"]
    assert quote.actor == "Jane Holt"
    assert named["speaker_proper_noun"] == 1 and named["speaker_person"] == 1
    assert named["speaker_named_in_sentence"] == 1 and named["speaker_described"] == 0
    assert named["content_quoted_share"] == 1 and named["content_first_person"] == 1
    assert named["content_finite_verb"] == 1 and named["content_subject"] == 1

    _, carried = rows["Nobody should have to wait a decade for a home."]
    assert carried["speaker_not_written"] == 1  # the quote before names the speaker, not this one
    assert carried["speaker_last_mention"] == pytest.approx(0.1)  # one sentence back, of ten

    _, described = rows["the first sites would be announced next month"]
    assert described["speaker_described"] == 1 and described["speaker_plural"] == 1
    assert described["speaker_common_noun"] == 1 and described["content_quoted_share"] == 0
    assert described["sentence_last"] == 1


def test_the_packaged_model_loads_and_gives_probabilities() -> None:
    model = load_model()
    assert model.weights.shape == (len(FEATURES),) and 0 < model.threshold < 1
    probabilities = model.probabilities(np.vstack([model.mean, model.mean + model.scale]))
    assert probabilities.shape == (2,) and np.all((probabilities > 0) & (probabilities < 1))
    assert model.probabilities(np.zeros((0, len(FEATURES)))).shape == (0,)


def test_a_model_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="other features"):
        load_model(path)


def test_the_filter_drops_what_is_no_statement_and_keeps_a_clear_quote(nlp: Language) -> None:
    unfiltered = positions_of(nlp, NOT_STATEMENTS, filtered=False)
    filtered = positions_of(nlp, NOT_STATEMENTS, filtered=True)
    election = ("February 2007 presidential election", "Berdymukhamedov's role as head of state")
    assert election in unfiltered and election not in filtered
    assert not any(actor == "the men" for actor, _ in filtered)
    assert any(actor == "the men" for actor, _ in unfiltered)

    kept = positions_of(nlp, HOUSING, filtered=True)
    assert ("Jane Holt", "We will build a million homes by 2030") in kept
    assert ("Jane Holt", "Nobody should have to wait a decade for a home.") in kept


def test_the_filter_is_off_unless_configured() -> None:
    assert EngineConfig().position_filter is False
    assert EngineConfig(position_filter=True).position_filter is True
