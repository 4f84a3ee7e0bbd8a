"""A tiny randomly initialised BART, built offline, so tests run the real seq2seq code path.

Its output is gibberish made of words from the training text below; what tests can check is the
structure around it: loading from a folder, chunking, batching, length limits, notes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

# Invented news text: the byte-level BPE vocabulary is learnt from it, so generated tokens are
# mostly whole words (including capitalised names the faithfulness check should catch).
TRAINING_TEXT = """
The council of Northbridge voted on Tuesday to close the old harbour bridge for repairs.
Mayor Elena Varga said the work would cost 4.2 million pounds and take eighteen months.
Opposition leader Tomas Reyes told reporters that the plan was rushed and badly costed.
Police arrested two men after a fire destroyed a warehouse on Quay Street on Sunday night.
The Ministry of Transport said ferries would run every twenty minutes while the bridge is shut.
Residents of Eastfield complained that the closure would add an hour to their daily commute.
A spokesperson for the Harbour Trust said the bridge had been inspected three times this year.
Shares in Carrow Logistics fell 12 per cent after the company warned about lower profits.
The union said its members would strike in March unless the pay offer was improved.
Scientists at Greyfield University published a study showing river levels rising by 30 centimetres.
"""

VOCAB_SIZE = 600
MAX_POSITIONS = 128  # small, so articles of a few paragraphs need several chunks


def build_tiny_bart(path: Path) -> Path:
    """Train a tokenizer and save it with a random 2-layer BART into `path`; returns `path`."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    tokenizer = _save_tokenizer(path)
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=32,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=MAX_POSITIONS,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        forced_bos_token_id=tokenizer.bos_token_id,
    )
    torch.manual_seed(0)
    BartForConditionalGeneration(config).save_pretrained(path)
    return path


def build_tiny_t5(path: Path) -> Path:
    """A random 2-layer T5 with the same tokenizer: T5 checkpoints need the "summarize: " prefix."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    tokenizer = _save_tokenizer(path)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=32,
        d_kv=16,
        d_ff=64,
        num_layers=2,
        num_decoder_layers=2,
        num_heads=2,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    T5ForConditionalGeneration(config).save_pretrained(path)
    return path


def _save_tokenizer(path: Path) -> PreTrainedTokenizerBase:
    """A byte-level BPE learnt from TRAINING_TEXT, saved in Hugging Face format into `path`."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartTokenizer

    path.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        TRAINING_TEXT.split("\n"),
        vocab_size=VOCAB_SIZE,
        min_frequency=1,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
        show_progress=False,
    )
    bpe.save_model(str(path))
    tokenizer = BartTokenizer(
        vocab=str(path / "vocab.json"), merges=str(path / "merges.txt"), model_max_length=MAX_POSITIONS
    )
    tokenizer.save_pretrained(path)
    return tokenizer
