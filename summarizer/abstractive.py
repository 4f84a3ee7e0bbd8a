"""Abstractive summaries: a seq2seq model in process, or an OpenAI-compatible chat server.

Both backends end the same way: the generated text is tidied, split into sentences and checked
against the article (summarizer.faithfulness); sentences naming people, places or numbers that
the article does not contain are dropped by default, and the notes say so.

torch and transformers are imported only when the local backend loads, so a bot configured for
a server (or for extractive summaries only) never pays for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from summarizer.chat_backend import FALLBACK, ChatCompletionsClient
from summarizer.chunking import leading_sentences, pack_sentences
from summarizer.errors import ModelUnavailable
from summarizer.faithfulness import ArticleEvidence, check_against, readable_text
from summarizer.models import Article, Sentence, Summary, SummarySentence

if TYPE_CHECKING:
    import torch
    from spacy.language import Language
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

    from summarizer.config import AbstractiveConfig

NO_MODEL_MESSAGE = (
    "Abstractive summaries need a model: set engine.abstractive.backend = local and "
    "engine.abstractive.model = <Hugging Face id or folder>, or backend = server with "
    'engine.abstractive.server_url and server_model (see the README, "Abstractive summaries"). '
    "Meanwhile, here is the extractive briefing."
)
DEFAULT_SERVER_SENTENCES = 3
# Models trained with a task prefix need it; T5 checkpoints without task_specific_params still do.
_T5_PREFIX = "summarize: "
_FALLBACK_INPUT_TOKENS = 512
_THINKING_RE = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_LIST_MARKER_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)\]]*(?=\s|$)")


class AbstractiveSummarizer(Protocol):
    name: str

    def summarize(
        self, article: Article, sentences: list[Sentence], nlp: Language, *, max_sentences: int | None = None
    ) -> Summary: ...


def load_abstractive(config: AbstractiveConfig) -> AbstractiveSummarizer:
    """The configured backend, ready to use; ModelUnavailable (a message for the user) if it is not."""
    backend = config.backend.strip().lower()
    if backend not in {"", "none", "local", "server"}:
        raise ModelUnavailable(
            f"engine.abstractive.backend is {config.backend!r}; it must be none, local or server. {FALLBACK}"
        )
    if backend == "local" and config.model.strip():
        return Seq2SeqSummarizer.load(config)
    if backend == "server" and config.server_url.strip() and config.server_model.strip():
        return ChatSummarizer(config)
    raise ModelUnavailable(NO_MODEL_MESSAGE)


@dataclass(slots=True)
class Seq2SeqSummarizer:
    """BART / PEGASUS / T5 in this process; long articles are summarised in chunks, then again."""

    name: str
    config: AbstractiveConfig
    tokenizer: PreTrainedTokenizerBase
    model: PreTrainedModel
    device: torch.device
    input_limit: int  # tokens the encoder reads, special tokens included
    output_limit: int  # tokens the decoder may produce: at most half of input_limit
    prefix: str

    @classmethod
    def load(cls, config: AbstractiveConfig) -> Seq2SeqSummarizer:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        from summarizer.embeddings import quiet_transformers

        quiet_transformers()
        device = _pick_device(config.device, torch)
        if config.torch_threads > 0:
            torch.set_num_threads(config.torch_threads)
        source = _model_source(config.model)
        offline = not config.allow_download
        try:
            tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=offline)
            model = AutoModelForSeq2SeqLM.from_pretrained(source, local_files_only=offline)
            model.to(device).eval()
        except Exception as error:  # any failure to load means "no model": say why and fall back
            from_hub = offline and not Path(source).is_dir()
            hint = (
                " (it is not in the local cache and engine.abstractive.allow_download is off)"
                if from_hub
                else ""
            )
            raise ModelUnavailable(
                f"The abstractive model {config.model!r} could not be loaded{hint}: {_first_line(error)}. "
                f"{FALLBACK}"
            ) from error
        model_config = model.config
        limits = [
            tokenizer.model_max_length,
            getattr(model_config, "max_position_embeddings", None),
            getattr(model_config, "n_positions", None),
        ]
        input_limit = min(
            (limit for limit in limits if limit and limit < 1_000_000), default=_FALLBACK_INPUT_TOKENS
        )
        # At most half the input: then every round of summarising at least halves the text, so
        # summarising the joined chunk summaries again always converges.
        output_limit = min(
            getattr(model_config, "max_position_embeddings", None) or input_limit, input_limit // 2
        )
        task_prefix = (getattr(model_config, "task_specific_params", None) or {}).get("summarization", {})
        prefix = task_prefix.get("prefix") or (_T5_PREFIX if model_config.model_type == "t5" else "")
        return cls(
            name=config.model,
            config=config,
            tokenizer=tokenizer,
            model=model,
            device=device,
            input_limit=input_limit,
            output_limit=output_limit,
            prefix=prefix,
        )

    @property
    def chunk_budget(self) -> int:
        """Tokens of article text per chunk, leaving room for special tokens and the task prefix."""
        reserved = self.tokenizer.num_special_tokens_to_add(pair=False)
        if self.prefix:
            reserved += len(self.tokenizer(self.prefix, add_special_tokens=False)["input_ids"])
        return self.input_limit - reserved

    def summarize(
        self, article: Article, sentences: list[Sentence], nlp: Language, *, max_sentences: int | None = None
    ) -> Summary:
        pieces = [sentence.text for sentence in sentences] or [article.text]
        text, notes = self.condense(pieces)
        return finish_summary(
            text,
            article,
            nlp,
            model=self.name,
            notes=notes,
            drop_unsupported=self.config.drop_unsupported,
            max_sentences=max_sentences,
        )

    def condense(self, pieces: list[str]) -> tuple[str, list[str]]:
        """Summarise chunks of whole sentences, then the joined chunk summaries, until one is left."""
        notes: list[str] = []
        for round_number in range(1, max(self.config.max_passes, 1) + 1):
            chunks = [
                " ".join(pieces[i] for i in run)
                for run in pack_sentences(self.count_tokens(pieces), self.chunk_budget)
            ]
            summaries = self.generate(chunks)
            if len(chunks) == 1:
                if round_number > 1:
                    notes.append("Summarised the joined chunk summaries again.")
                return summaries[0], notes
            if round_number == 1:
                notes.append(
                    f"The article is longer than the model reads at once ({self.chunk_budget} tokens), "
                    f"so it was split into {len(chunks)} chunks at sentence boundaries "
                    "and each was summarised."
                )
            else:
                notes.append(
                    "The joined chunk summaries were still long: "
                    f"summarised them again in {len(chunks)} chunks."
                )
            pieces = summaries
            if sum(self.count_tokens(pieces)) <= self.config.max_length:
                notes.append("Joined the chunk summaries.")
                return " ".join(pieces), notes
        notes.append(f"Stopped after {self.config.max_passes} round(s) of summarising; joined what was left.")
        return " ".join(pieces), notes

    def count_tokens(self, pieces: list[str]) -> list[int]:
        # A leading space makes each piece tokenise as it will inside the joined chunk.
        encoded = self.tokenizer([f" {piece}" for piece in pieces], add_special_tokens=False, verbose=False)
        return [len(ids) for ids in encoded["input_ids"]]

    def generate(self, chunks: list[str]) -> list[str]:
        """One summary per chunk, `config.batch_size` chunks per generate() call."""
        import torch

        config = self.config
        max_length = min(config.max_length, self.output_limit)
        batch_size = max(config.batch_size, 1)
        summaries: list[str] = []
        for start in range(0, len(chunks), batch_size):
            batch = [self.prefix + chunk for chunk in chunks[start : start + batch_size]]
            encoded = self.tokenizer(
                batch, padding=True, truncation=True, max_length=self.input_limit, return_tensors="pt"
            ).to(self.device)
            # A short chunk forced to a long summary is where models start inventing things.
            shortest_input = int(encoded["attention_mask"].sum(dim=1).min())
            min_length = min(config.min_length, shortest_input // 2, max_length - 1)
            try:
                with torch.inference_mode():
                    output = self.model.generate(
                        **encoded,
                        num_beams=config.num_beams,
                        min_length=max(min_length, 0),
                        max_length=max_length,
                        no_repeat_ngram_size=config.no_repeat_ngram_size,
                        length_penalty=config.length_penalty,
                        early_stopping=config.early_stopping,
                    )
            except (RuntimeError, ValueError) as error:
                raise ModelUnavailable(
                    f"The abstractive model {self.name!r} failed while summarising: "
                    f"{_first_line(error)}. {FALLBACK}"
                ) from error
            summaries.extend(
                self.tokenizer.batch_decode(
                    output, skip_special_tokens=True, clean_up_tokenization_spaces=False
                )
            )
        return summaries


class ChatSummarizer:
    """An instruction-following model behind an OpenAI-compatible server.

    Long articles are cut to `server_max_input_chars` at a sentence boundary rather than chunked:
    news puts the essentials first, and one request keeps latency predictable.
    """

    def __init__(self, config: AbstractiveConfig) -> None:
        self.config = config
        self.name = config.server_model
        self.client = ChatCompletionsClient(
            config.server_url,
            config.server_model,
            api_key=config.server_api_key,
            timeout_s=config.server_timeout_s,
            retries=config.server_retries,
            backoff_s=config.server_backoff_s,
        )

    def summarize(
        self, article: Article, sentences: list[Sentence], nlp: Language, *, max_sentences: int | None = None
    ) -> Summary:
        texts = [sentence.text for sentence in sentences] or [article.text]
        sent = leading_sentences(texts, self.config.server_max_input_chars)
        notes = []
        if len(sent) < len(texts):
            notes.append(
                f"The article is longer than the server input budget ({self.config.server_max_input_chars} "
                f"characters), so the model read its first {len(sent)} of {len(texts)} sentences."
            )
        count = max_sentences or DEFAULT_SERVER_SENTENCES
        reply = self.client.complete(
            chat_messages(article.title, " ".join(sent), count), max_tokens=self.config.server_max_tokens
        )
        text = plain_text(reply.text)
        if reply.truncated:
            text = _through_last_sentence_end(text)
            notes.append("The server stopped at its token limit; the unfinished last sentence was left out.")
        return finish_summary(
            text,
            article,
            nlp,
            model=self.name,
            notes=notes,
            drop_unsupported=self.config.drop_unsupported,
            max_sentences=max_sentences,
        )


def chat_messages(title: str, text: str, sentences: int) -> list[dict[str, str]]:
    system = (
        f"You summarise news articles faithfully. Write a summary of the article in at most {sentences} "
        "plain sentences. Use only facts stated in the article: do not add names, numbers, dates or "
        "claims that are not in it, and keep who said what attributed to them. Reply with the summary "
        "only: no heading, no list, no preamble."
    )
    article = f"Title: {title}\n\n{text}" if title else text
    return [{"role": "system", "content": system}, {"role": "user", "content": article}]


def plain_text(reply: str) -> str:
    """Chat models add reasoning blocks, lists, bold and "Here is a summary:" lines; keep the prose."""
    lines = [
        _LIST_MARKER_RE.sub("", line).replace("**", "").strip()
        for line in _THINKING_RE.sub("", reply).splitlines()
    ]
    return " ".join(line for line in lines if line and not line.endswith(":"))


def finish_summary(
    generated: str,
    article: Article,
    nlp: Language,
    *,
    model: str,
    notes: list[str],
    drop_unsupported: bool,
    max_sentences: int | None,
) -> Summary:
    """Split generated text into sentences, check them against the article, drop what it does not support."""
    evidence = ArticleEvidence.from_text(article.text, nlp)
    text = readable_text(generated, evidence, nlp)
    candidates = [span.text.strip() for span in nlp(text).sents if any(char.isalnum() for char in span.text)]
    checked = _without_repeats(check_against(candidates, evidence, nlp), notes)
    if not checked:
        notes.append("The model produced no usable text.")
    kept = checked
    if drop_unsupported:
        kept = [sentence for sentence in checked if sentence.supported]
        for sentence in checked:
            if not sentence.supported:
                notes.append(
                    "Dropped 1 sentence not supported by the article: "
                    f"it names {', '.join(sentence.unsupported)}."
                )
        if checked and not kept:
            notes.append(
                "No generated sentence was supported by the article, so the abstractive summary is empty."
            )
    if max_sentences and len(kept) > max_sentences:
        notes.append(f"Kept the first {max_sentences} of {len(kept)} generated sentences.")
        kept = kept[:max_sentences]
    return Summary(method="abstractive", sentences=kept, notes=notes, model=model)


def _without_repeats(sentences: list[SummarySentence], notes: list[str]) -> list[SummarySentence]:
    """Beam search sometimes says the same thing twice; once is enough."""
    seen: set[str] = set()
    unique = []
    for sentence in sentences:
        key = " ".join(re.findall(r"\w+", sentence.text.lower()))
        if key not in seen:
            seen.add(key)
            unique.append(sentence)
    if len(unique) < len(sentences):
        notes.append(f"Left out {len(sentences) - len(unique)} repeated generated sentence(s).")
    return unique


def _through_last_sentence_end(text: str) -> str:
    ends = list(_SENTENCE_END_RE.finditer(text))
    return text[: ends[-1].end()] if ends else text


def _model_source(model: str) -> str:
    """A folder path (expanded) or a Hub id; a path that points nowhere is reported as such."""
    name = model.strip()
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path)
    if path.is_absolute() or name.startswith((".", "~")):
        raise ModelUnavailable(f"The abstractive model folder {name!r} does not exist. {FALLBACK}")
    return name


def _pick_device(requested: str, torch: Any) -> torch.device:
    name = requested.strip().lower() or "cpu"
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ModelUnavailable(
            f"engine.abstractive.device is {requested!r} but no CUDA GPU is available here; "
            f"use cpu or auto. {FALLBACK}"
        )
    try:
        return torch.device(name)
    except RuntimeError as error:
        raise ModelUnavailable(
            f"engine.abstractive.device {requested!r} is not a torch device. {FALLBACK}"
        ) from error


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__).rstrip(".")[:300]
