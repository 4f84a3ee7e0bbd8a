from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from spacy.language import Language
from tiny_models import build_tiny_bart, build_tiny_t5

from summarizer.abstractive import Seq2SeqSummarizer, finish_summary, load_abstractive, plain_text
from summarizer.config import AbstractiveConfig
from summarizer.errors import ModelUnavailable
from summarizer.models import Article, Sentence

LONG_ARTICLE = " ".join(
    [
        "The council of Northbridge voted on Tuesday to close the old harbour bridge for repairs.",
        "Mayor Elena Varga said the work would cost 4.2 million pounds and take eighteen months.",
        "Opposition leader Tomas Reyes told reporters that the plan was rushed and badly costed.",
        "The Ministry of Transport said ferries would run every twenty minutes while the bridge is shut.",
        "Residents of Eastfield complained that the closure would add an hour to their daily commute.",
        "A spokesperson for the Harbour Trust said the bridge had been inspected three times this year.",
        "Shares in Carrow Logistics fell 12 per cent after the company warned about lower profits.",
        "The union said its members would strike in March unless the pay offer was improved.",
        "Scientists at Greyfield University published a study showing river levels rising by 30 centimetres.",
        "Police arrested two men after a fire destroyed a warehouse on Quay Street on Sunday night.",
        "The council said the warehouse fire was not connected to the bridge closure.",
        "Mayor Elena Varga said she would meet the union and the Harbour Trust next week.",
        "Tomas Reyes said the council should publish the full inspection report before any work starts.",
        "The bridge, which opened in 1911, carries about 40,000 vehicles a day.",
    ]
)
SHORT_ARTICLE = (
    "Mayor Elena Varga said on Tuesday that the harbour bridge would close for repairs. "
    "Opposition leader Tomas Reyes said the plan was rushed."
)


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread() -> Iterator[None]:
    """The tiny model gains nothing from threads, and spinning threads crawl on a busy machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tiny_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_bart(tmp_path_factory.mktemp("tiny-bart"))


def local_config(model: Path, **overrides: Any) -> AbstractiveConfig:
    settings: dict[str, Any] = {"num_beams": 2, "min_length": 4, "max_length": 24, "batch_size": 3}
    return AbstractiveConfig(backend="local", model=str(model), **(settings | overrides))


def article_of(text: str, nlp: Language) -> tuple[Article, list[Sentence]]:
    doc = nlp(text)
    sentences = [
        Sentence(index=i, text=span.text.strip(), start=span.start_char, end=span.end_char)
        for i, span in enumerate(doc.sents)
    ]
    return Article(text=text, source_kind="text", source="pasted"), sentences


class GenerateSpy:
    """Wraps model.generate to record what each call read and wrote."""

    def __init__(self, generate: Callable[..., torch.Tensor]) -> None:
        self.generate = generate
        self.inputs: list[torch.Tensor] = []
        self.outputs: list[torch.Tensor] = []
        self.kwargs: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> torch.Tensor:
        self.inputs.append(kwargs["input_ids"])
        self.kwargs.append(kwargs)
        output = self.generate(**kwargs)
        self.outputs.append(output)
        return output


@pytest.fixture
def spied(
    tiny_bart: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., tuple[Seq2SeqSummarizer, GenerateSpy]]]:
    def load(**overrides: Any) -> tuple[Seq2SeqSummarizer, GenerateSpy]:
        summarizer = load_abstractive(local_config(tiny_bart, **overrides))
        assert isinstance(summarizer, Seq2SeqSummarizer)
        spy = GenerateSpy(summarizer.model.generate)
        monkeypatch.setattr(summarizer.model, "generate", spy)
        return summarizer, spy

    yield load


@pytest.mark.parametrize(
    "config",
    [
        AbstractiveConfig(),
        AbstractiveConfig(backend="local", model=""),
        AbstractiveConfig(backend="server", server_url="", server_model="llama3"),
        AbstractiveConfig(backend="server", server_url="http://127.0.0.1:9/v1", server_model=""),
    ],
)
def test_without_a_model_the_message_says_how_to_configure_one(config: AbstractiveConfig) -> None:
    with pytest.raises(ModelUnavailable) as raised:
        load_abstractive(config)
    message = str(raised.value)
    assert "engine.abstractive.backend = local" in message
    assert "engine.abstractive.model" in message
    assert "extractive briefing" in message


def test_an_unknown_backend_is_named_in_the_message() -> None:
    with pytest.raises(ModelUnavailable, match="'gpu-farm'; it must be none, local or server"):
        load_abstractive(AbstractiveConfig(backend="gpu-farm", model="x"))


def test_a_missing_model_folder_is_reported_as_such(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelUnavailable) as raised:
        load_abstractive(local_config(missing))
    assert str(raised.value) == (
        f"The abstractive model folder '{missing}' does not exist. Here is the extractive briefing instead."
    )


def test_a_broken_model_folder_fails_with_a_one_line_reason(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"model_type": "bart", "d_model": ', encoding="utf-8")
    with pytest.raises(ModelUnavailable) as raised:
        load_abstractive(local_config(tmp_path))
    message = str(raised.value)
    assert message.startswith(f"The abstractive model '{tmp_path}' could not be loaded: ")
    assert message.endswith("Here is the extractive briefing instead.")
    assert "\n" not in message and "Traceback" not in message


def test_a_hub_id_not_in_the_cache_is_not_downloaded() -> None:
    config = AbstractiveConfig(backend="local", model="briefbot-tests/not-a-cached-model")
    with pytest.raises(
        ModelUnavailable, match="'briefbot-tests/not-a-cached-model' could not be loaded"
    ) as raised:
        load_abstractive(config)
    assert "not in the local cache and engine.abstractive.allow_download is off" in str(raised.value)


def test_the_tiny_bart_loads_from_its_folder_with_its_input_limits(tiny_bart: Path) -> None:
    summarizer = load_abstractive(local_config(tiny_bart))
    assert isinstance(summarizer, Seq2SeqSummarizer)
    assert summarizer.name == str(tiny_bart)
    assert summarizer.input_limit == 128
    assert summarizer.chunk_budget == 126  # <s> and </s>
    assert summarizer.output_limit == 64  # half the input: each round of summarising halves the text
    assert summarizer.prefix == ""
    assert summarizer.device.type == "cpu"


def test_a_short_article_is_summarised_in_one_call(spied: Callable[..., Any], nlp: Language) -> None:
    summarizer, spy = spied()
    article, sentences = article_of(SHORT_ARTICLE, nlp)
    summary = summarizer.summarize(article, sentences, nlp)
    assert len(spy.inputs) == 1
    assert summary.method == "abstractive"
    assert summary.model == summarizer.name
    assert not any("split" in note for note in summary.notes)
    assert all(sentence.index == -1 for sentence in summary.sentences)
    # A short input must not be forced into a long output: that is where models invent things.
    input_tokens = int(spy.inputs[0].shape[1])
    assert spy.kwargs[0]["min_length"] <= input_tokens // 2


def test_a_long_article_is_split_at_sentence_boundaries_and_batched(
    spied: Callable[..., Any], nlp: Language
) -> None:
    summarizer, spy = spied(max_passes=1, batch_size=3)
    article, sentences = article_of(LONG_ARTICLE, nlp)
    summary = summarizer.summarize(article, sentences, nlp)

    chunks = [
        text
        for batch in spy.inputs
        for text in summarizer.tokenizer.batch_decode(batch, skip_special_tokens=True)
    ]
    assert len(chunks) > 1
    assert " ".join(chunk.strip() for chunk in chunks) == " ".join(s.text for s in sentences)
    assert all(chunk.rstrip().endswith(".") for chunk in chunks)
    assert all(batch.shape[1] <= 128 for batch in spy.inputs)
    assert [batch.shape[0] for batch in spy.inputs] == [
        min(3, len(chunks) - start) for start in range(0, len(chunks), 3)
    ]
    assert len(spy.inputs) == math.ceil(len(chunks) / 3)
    assert f"split into {len(chunks)} chunks at sentence boundaries" in summary.notes[0]
    assert "Stopped after 1 round(s) of summarising; joined what was left." in summary.notes


def test_joined_chunk_summaries_are_summarised_again(spied: Callable[..., Any], nlp: Language) -> None:
    summarizer, spy = spied(max_passes=3)
    article, sentences = article_of(LONG_ARTICLE, nlp)
    summary = summarizer.summarize(article, sentences, nlp)
    first_pass = summary.notes[0]
    assert "split into" in first_pass
    assert any("again" in note for note in summary.notes[1:])
    first_pass_chunks = int(first_pass.split("split into ")[1].split()[0])
    assert sum(batch.shape[0] for batch in spy.inputs) > first_pass_chunks


@pytest.mark.parametrize(("max_length", "limit"), [(16, 16), (1_000, 64)])
def test_generated_length_respects_max_length_and_the_model_positions(
    spied: Callable[..., Any], nlp: Language, max_length: int, limit: int
) -> None:
    summarizer, spy = spied(max_length=max_length, min_length=1_000, max_passes=1)
    article, sentences = article_of(LONG_ARTICLE, nlp)
    summarizer.summarize(article, sentences, nlp)
    assert all(output.shape[1] <= limit for output in spy.outputs)
    assert all(kwargs["max_length"] == limit for kwargs in spy.kwargs)
    assert all(kwargs["min_length"] < kwargs["max_length"] for kwargs in spy.kwargs)


def test_a_t5_checkpoint_gets_its_task_prefix(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, nlp: Language
) -> None:
    summarizer = load_abstractive(local_config(build_tiny_t5(tmp_path_factory.mktemp("tiny-t5"))))
    assert isinstance(summarizer, Seq2SeqSummarizer)
    assert summarizer.prefix == "summarize: "
    prefix_tokens = len(summarizer.tokenizer("summarize: ", add_special_tokens=False)["input_ids"])
    assert summarizer.chunk_budget == 128 - 2 - prefix_tokens
    spy = GenerateSpy(summarizer.model.generate)
    monkeypatch.setattr(summarizer.model, "generate", spy)
    article, sentences = article_of(SHORT_ARTICLE, nlp)
    summarizer.summarize(article, sentences, nlp)
    decoded = summarizer.tokenizer.decode(spy.inputs[0][0], skip_special_tokens=True)
    assert decoded.startswith("summarize: Mayor Elena Varga")


def test_a_failing_generate_becomes_model_unavailable(
    tiny_bart: Path, monkeypatch: pytest.MonkeyPatch, nlp: Language
) -> None:
    summarizer = load_abstractive(local_config(tiny_bart))
    assert isinstance(summarizer, Seq2SeqSummarizer)

    def out_of_memory(**kwargs: Any) -> torch.Tensor:
        raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB\nmore details")

    monkeypatch.setattr(summarizer.model, "generate", out_of_memory)
    article, sentences = article_of(SHORT_ARTICLE, nlp)
    with pytest.raises(
        ModelUnavailable, match=r"failed while summarising: CUDA out of memory\. Tried"
    ) as raised:
        summarizer.summarize(article, sentences, nlp)
    assert "more details" not in str(raised.value)


def test_device_auto_falls_back_to_cpu_and_missing_cuda_is_explained(tiny_bart: Path) -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    summarizer = load_abstractive(local_config(tiny_bart, device="auto"))
    assert isinstance(summarizer, Seq2SeqSummarizer)
    assert summarizer.device.type == "cpu"
    with pytest.raises(ModelUnavailable, match="no CUDA GPU is available"):
        load_abstractive(local_config(tiny_bart, device="cuda"))


def test_torch_threads_is_applied(tiny_bart: Path) -> None:
    load_abstractive(local_config(tiny_bart, torch_threads=2))
    assert torch.get_num_threads() == 2
    torch.set_num_threads(1)


FINISH_ARTICLE = (
    "Mayor Elena Varga said on Tuesday that the harbour bridge would close for eighteen months. "
    "Opposition leader Tomas Reyes said 300 residents had signed a petition against the plan."
)


def finish(text: str, nlp: Language, *, drop: bool = True, max_sentences: int | None = None) -> Any:
    article = Article(text=FINISH_ARTICLE, source_kind="text", source="pasted")
    return finish_summary(
        text, article, nlp, model="m", notes=[], drop_unsupported=drop, max_sentences=max_sentences
    )


def test_finish_summary_drops_sentences_the_article_does_not_support(nlp: Language) -> None:
    summary = finish(
        "Elena Varga said the bridge will close for 18 months. Marcus Oyelaran said 900 residents objected.",
        nlp,
    )
    assert [s.text for s in summary.sentences] == ["Elena Varga said the bridge will close for 18 months."]
    assert summary.notes == [
        "Dropped 1 sentence not supported by the article: it names Marcus Oyelaran, 900."
    ]


def test_finish_summary_can_keep_flagged_sentences(nlp: Language) -> None:
    summary = finish("Tomas Reyes said 300 residents signed. Reyes was born in Lisbon.", nlp, drop=False)
    assert [(s.supported, s.unsupported) for s in summary.sentences] == [(True, []), (False, ["Lisbon"])]
    assert summary.notes == []


def test_finish_summary_says_so_when_nothing_is_supported(nlp: Language) -> None:
    summary = finish("Marcus Oyelaran visited Lisbon.", nlp)
    assert summary.sentences == []
    assert summary.notes[-1] == (
        "No generated sentence was supported by the article, so the abstractive summary is empty."
    )


def test_finish_summary_drops_repeats_and_keeps_the_requested_count(nlp: Language) -> None:
    summary = finish(
        "the harbour bridge will close . the harbour bridge will close . tomas reyes opposed the plan . "
        "elena varga is the mayor .",
        nlp,
        max_sentences=2,
    )
    assert [s.text for s in summary.sentences] == [
        "The harbour bridge will close.",
        "Tomas Reyes opposed the plan.",
    ]
    assert summary.notes == [
        "Left out 1 repeated generated sentence(s).",
        "Kept the first 2 of 3 generated sentences.",
    ]


def test_plain_text_keeps_only_the_prose_of_a_chat_reply() -> None:
    reply = (
        "<think>The user wants a summary.</think>Here is a summary of the article:\n\n"
        "- **Elena Varga** said the bridge will close.\n"
        "2. Tomas Reyes opposed the plan.\n"
    )
    assert plain_text(reply) == "Elena Varga said the bridge will close. Tomas Reyes opposed the plan."
