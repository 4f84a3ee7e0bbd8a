"""ROUGE of briefbot's summaries against CNN/DailyMail reference highlights, beside the usual bars.

Scored in one run on the same articles: Lead-3 and ours (3 sentences) on our sentence segmentation,
sumy's LexRank and TextRank on the same sentences, the five published systems shipped with the data
(BART, BertSum, ...), and the abstractive method when a model is given. See bench/README.md.

    python bench/quality.py [--limit N] [--abstractive-model PATH]
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from common import add_common_arguments, as_article, load_rows, write_results
from rouge_score import rouge_scorer
from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from summarizer import extractive
from summarizer.config import AbstractiveConfig
from summarizer.embeddings import load_encoder
from summarizer.errors import ModelUnavailable
from summarizer.extractive import summarize_extractive
from summarizer.nlp import load_spacy
from summarizer.segmentation import segment

METRICS = ("rouge1", "rouge2", "rougeLsum")
SUMMARY_SENTENCES = 3
# The shipped outputs are lowercased and tokenised ("friday . locke ..."): a sentence ends at " . ".
_TOKENISED_SENTENCE_END = re.compile(r"(?<=\s[.!?])\s+|\n+")
_REFERENCE_SENTENCE_END = re.compile(r"\s+\.\s+|\n+")


class WordTokenizer:
    """What sumy needs from a tokenizer, without NLTK's punkt (which cannot be downloaded here).

    Sentences come from our own segmentation, so sumy only ever asks for words.
    """

    _word = re.compile(r"\w+(?:['’]\w+)*")

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return (paragraph,)

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(self._word.findall(sentence))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument("--bootstrap", type=int, default=1000, help="resamples for the 95%% intervals")
    args = parser.parse_args()

    rows = load_rows(args.data, args.limit)
    print(f"{len(rows)} articles from {args.data}")
    started = time.perf_counter()
    nlp, encoder = load_spacy(), load_encoder(precision=args.embedding_precision)
    print(f"embedding precision: {args.embedding_precision} (bfloat16: {encoder.bfloat16})")
    abstractive = _load_abstractive(args.abstractive_model)
    segmented = [segment(doc) for doc in nlp.pipe(row["article"] for row in rows)]
    print(f"parsed and segmented in {time.perf_counter() - started:.0f} s")

    systems: dict[str, list[str]] = {
        "Lead-3": [],
        "ours (extractive)": [],
        "LexRank (sumy)": [],
        "TextRank (sumy)": [],
    }
    systems |= {f"{name} (published)": [] for name in rows[0]["system_outputs"]}
    lexrank, textrank = _sumy(LexRankSummarizer), _sumy(TextRankSummarizer)
    abstractive_seconds: list[float] = []
    if abstractive is not None:
        systems["ours (abstractive)"] = []
    for row, sentences in zip(rows, segmented, strict=True):
        texts = [s.text for s in sentences]
        summary = summarize_extractive(sentences, encoder.encode(texts), SUMMARY_SENTENCES)
        systems["Lead-3"].append("\n".join(texts[:SUMMARY_SENTENCES]))
        systems["ours (extractive)"].append("\n".join(s.text for s in summary.sentences))
        systems["LexRank (sumy)"].append(lexrank(texts))
        systems["TextRank (sumy)"].append(textrank(texts))
        for name, output in row["system_outputs"].items():
            systems[f"{name} (published)"].append("\n".join(_split(output, _TOKENISED_SENTENCE_END)))
        if abstractive is not None:
            began = time.perf_counter()
            generated = abstractive.summarize(as_article(row), sentences, nlp)
            abstractive_seconds.append(time.perf_counter() - began)
            systems["ours (abstractive)"].append("\n".join(s.text for s in generated.sentences))

    references = ["\n".join(_split(row["reference"], _REFERENCE_SENTENCE_END)) for row in rows]
    scores = {name: _score(references, outputs) for name, outputs in systems.items()}
    rng = np.random.default_rng(0)
    table = {
        name: {m: _interval(values[m], args.bootstrap, rng) for m in METRICS}
        for name, values in scores.items()
    }
    ours, lead = scores["ours (extractive)"], scores["Lead-3"]
    versus_lead = {m: _paired(ours[m], lead[m], args.bootstrap, rng) for m in METRICS}

    _print_table(table, len(rows))
    print("\nours / Lead-3:", ", ".join(f"{m} {versus_lead[m]['ratio']:.3f}" for m in METRICS))
    print(
        "share of bootstrap resamples where ours beats Lead-3:",
        ", ".join(f"{m} {versus_lead[m]['ours_better_share']:.2f}" for m in METRICS),
    )
    if abstractive is None:
        print("abstractive: skipped: no model")
    else:
        print(f"abstractive: {np.mean(abstractive_seconds):.2f} s per article ({abstractive.name})")
    path = write_results(
        "quality",
        {
            "data": str(args.data),
            "articles": len(rows),
            "embedding_bfloat16": encoder.bfloat16,
            "summary_sentences": SUMMARY_SENTENCES,
            "rouge": "rouge-score, F1 x 100, Porter stemming, Lsum on newline-separated sentences",
            "systems": table,
            "ours_vs_lead3": versus_lead,
            "extractive_settings": {
                "LEAD_WEIGHT": extractive.LEAD_WEIGHT,
                "LEAD_DECAY": extractive.LEAD_DECAY,
                "REDUNDANCY_WEIGHT": extractive.REDUNDANCY_WEIGHT,
                "DUPLICATE_SIMILARITY": extractive.DUPLICATE_SIMILARITY,
            },
            "abstractive": (
                {"model": abstractive.name, "seconds_per_article": float(np.mean(abstractive_seconds))}
                if abstractive is not None
                else "skipped: no model"
            ),
        },
    )
    print(f"wrote {path}")


def _load_abstractive(model: str) -> Any:
    if not model:
        return None
    from summarizer.abstractive import load_abstractive

    try:
        return load_abstractive(AbstractiveConfig(backend="local", model=model))
    except ModelUnavailable as err:
        raise SystemExit(f"abstractive: {err}") from err


def _sumy(kind: Callable[[Stemmer], Any]) -> Callable[[list[str]], str]:
    """A sumy summarizer over our sentences, so only the ranking differs from ours and Lead-3."""
    summarizer = kind(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = WordTokenizer()

    def run(texts: list[str]) -> str:
        document = ObjectDocumentModel([Paragraph([SumySentence(t, tokenizer) for t in texts])])
        return "\n".join(str(s) for s in summarizer(document, SUMMARY_SENTENCES))

    return run


def _split(text: str, boundary: re.Pattern[str]) -> list[str]:
    return [part.strip() for part in boundary.split(text) if part.strip()]


def _score(references: list[str], outputs: list[str]) -> dict[str, np.ndarray]:
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    per_article = [scorer.score(ref, out) for ref, out in zip(references, outputs, strict=True)]
    return {m: np.array([s[m].fmeasure * 100 for s in per_article]) for m in METRICS}


def _interval(values: np.ndarray, resamples: int, rng: np.random.Generator) -> dict[str, float]:
    """Mean F1 with a 95% bootstrap interval over articles."""
    means = rng.choice(values, size=(resamples, len(values))).mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return {
        "mean": round(float(values.mean()), 2),
        "ci_low": round(float(low), 2),
        "ci_high": round(float(high), 2),
    }


def _paired(ours: np.ndarray, lead: np.ndarray, resamples: int, rng: np.random.Generator) -> dict[str, float]:
    """Ratio of means, and how often ours wins when the same articles are resampled for both."""
    picks = rng.integers(0, len(ours), size=(resamples, len(ours)))
    wins = (ours[picks].mean(axis=1) > lead[picks].mean(axis=1)).mean()
    return {"ratio": round(float(ours.mean() / lead.mean()), 4), "ours_better_share": round(float(wins), 3)}


def _print_table(table: dict[str, dict[str, dict[str, float]]], articles: int) -> None:
    print(f"\nROUGE F1 x 100 on {articles} CNN/DM test articles (mean [95% bootstrap CI])")
    print(f"{'system':24} " + " ".join(f"{m:>22}" for m in METRICS))
    for name, metrics in table.items():
        cells = " ".join(
            f"{v['mean']:6.2f} [{v['ci_low']:5.2f}, {v['ci_high']:5.2f}]".rjust(22) for v in metrics.values()
        )
        print(f"{name:24} {cells}")


if __name__ == "__main__":
    main()
