"""How fast a full briefing is on this CPU, and how much memory the process needs.

Cold start is measured in a fresh interpreter (imports + loading spaCy and MiniLM); then, in this
process after one warm-up briefing, every article is briefed with Engine.brief_article (segmentation,
actors, positions, extractive summary) and timed. See bench/README.md.

    python bench/speed.py [--limit N] [--abstractive-model PATH] [--embedding-precision auto|float32|bfloat16]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np
import psutil
from common import ROOT, add_common_arguments, as_article, load_rows, write_results

from summarizer.config import AbstractiveConfig, EngineConfig
from summarizer.models import Article
from summarizer.pipeline import Engine

P50_TARGET_MS = 400
ATTRIBUTION_TARGET_MS_PER_1K_WORDS = 60  # segmentation, actors and positions after the parse
PEAK_RSS_TARGET_MB = 1536
LONG_CPU_TARGET_S = 1.5  # issue 7: a 1,500+ word article within 1.5 s of CPU
LONG_WORDS = 1500
LONG_TEXTS = 8  # long texts made by joining two consecutive 750-1,000-word articles (CNN/DM has none)
ABSTRACTIVE_ARTICLES = 10  # generation takes seconds per article: a sample is enough
COLD_START = (
    "import time; started = time.perf_counter()\n"
    "from summarizer.config import EngineConfig\n"
    "from summarizer.pipeline import Engine\n"
    "Engine(EngineConfig(embedding_precision={precision!r})).warm_up()\n"
    "print(time.perf_counter() - started)\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    args = parser.parse_args()
    articles = [as_article(row) for row in load_rows(args.data, args.limit)]
    words = np.array([len(a.text.split()) for a in articles])
    print(
        f"{len(articles)} articles from {args.data}: {words.mean():.0f} words on average, max {words.max()}"
    )

    print(f"embedding precision: {args.embedding_precision}")
    cold_s = _cold_start_seconds(args.embedding_precision)
    print(f"cold start (fresh process: imports + spaCy + MiniLM): {cold_s:.2f} s")
    engine = Engine(EngineConfig(embedding_precision=args.embedding_precision))
    started = time.perf_counter()
    engine.warm_up()
    load_s = time.perf_counter() - started
    engine.brief_article(articles[0])  # first call pays for lazy initialisation inside the libraries

    latencies, nlp_ms, summary_ms, attribution_per_1k = [], [], [], []
    run_started = time.perf_counter()
    for article in articles:
        began = time.perf_counter()
        briefing = engine.brief_article(article)
        latencies.append((time.perf_counter() - began) * 1000)
        nlp_ms.append(briefing.timings_ms["nlp"])
        summary_ms.append(briefing.timings_ms["summary"])
        attribution_per_1k.append(briefing.timings_ms["attribution"] * 1000 / len(article.text.split()))
    elapsed = time.perf_counter() - run_started
    latency = np.array(latencies)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    results = {
        "articles": len(articles),
        "embedding_precision": args.embedding_precision,
        "encoder_bfloat16": engine.encoder.bfloat16,
        "mean_words": round(float(words.mean())),
        "cold_start_s": round(cold_s, 2),
        "model_load_s": round(load_s, 2),
        "latency_ms": {
            "p50": round(float(np.percentile(latency, 50))),
            "p95": round(float(np.percentile(latency, 95))),
            "mean": round(float(latency.mean())),
            "max": round(float(latency.max())),
        },
        "split_ms_mean": {"nlp": round(float(np.mean(nlp_ms))), "summary": round(float(np.mean(summary_ms)))},
        "attribution_ms_per_1k_words": {
            "p50": round(float(np.percentile(attribution_per_1k, 50)), 1),
            "p95": round(float(np.percentile(attribution_per_1k, 95)), 1),
        },
        "articles_per_s": round(len(articles) / elapsed, 2),
        "peak_rss_mb": round(peak_rss_mb),
        "rss_now_mb": round(psutil.Process().memory_info().rss / 2**20),
        "targets": {
            "p50_ms": P50_TARGET_MS,
            "peak_rss_mb": PEAK_RSS_TARGET_MB,
            "attribution_ms_per_1k_words_p50": ATTRIBUTION_TARGET_MS_PER_1K_WORDS,
        },
    }

    p50 = results["latency_ms"]["p50"]
    print(f"model load in this process: {load_s:.2f} s")
    print(
        f"latency per briefing (warm): p50 {p50} ms  [target <= {P50_TARGET_MS} ms: "
        f"{_verdict(p50 <= P50_TARGET_MS)}]   p95 {results['latency_ms']['p95']} ms   "
        f"mean {results['latency_ms']['mean']} ms   max {results['latency_ms']['max']} ms"
    )
    print(
        f"  of which (mean): nlp {results['split_ms_mean']['nlp']} ms "
        "(spaCy parse, segmentation, actors, positions), "
        f"summary {results['split_ms_mean']['summary']} ms (MiniLM + selection)"
    )
    attribution = results["attribution_ms_per_1k_words"]
    print(
        f"  attribution after the parse (segmentation, actors, positions) per 1,000 words: "
        f"p50 {attribution['p50']} ms [target <= {ATTRIBUTION_TARGET_MS_PER_1K_WORDS} ms: "
        f"{_verdict(attribution['p50'] <= ATTRIBUTION_TARGET_MS_PER_1K_WORDS)}]   p95 {attribution['p95']} ms"
    )
    print(f"throughput: {results['articles_per_s']} articles/s on one process")
    print(
        f"peak RSS: {results['peak_rss_mb']} MB  [target <= {PEAK_RSS_TARGET_MB} MB: "
        f"{_verdict(peak_rss_mb <= PEAK_RSS_TARGET_MB)}]"
    )
    long_cpu = _long_article_cpu(engine, articles)
    results["long_article_cpu_s"] = long_cpu
    if long_cpu["texts"]:
        print(
            f"CPU per article of {LONG_WORDS}+ words ({long_cpu['texts']} joined texts, "
            f"{long_cpu['words_min']}-{long_cpu['words_max']} words): median {long_cpu['median']} s, "
            f"max {long_cpu['max']} s  [target <= {LONG_CPU_TARGET_S} s: "
            f"{_verdict(long_cpu['max'] <= LONG_CPU_TARGET_S)}]"
        )
    results["abstractive"] = _abstractive(args.abstractive_model, articles[:ABSTRACTIVE_ARTICLES])
    path = write_results("speed", results)
    print(f"wrote {path}")


def _cold_start_seconds(precision: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", COLD_START.format(precision=precision)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def _abstractive(model: str, articles: list[Article]) -> dict[str, float | str] | str:
    if not model:
        print("abstractive: skipped: no model")
        return "skipped: no model"
    engine = Engine(EngineConfig(abstractive=AbstractiveConfig(backend="local", model=model)))
    started = time.perf_counter()
    engine.warm_up()
    _ = engine.abstractive
    load_s = time.perf_counter() - started
    engine.brief_article(articles[0], method="abstractive")
    seconds = []
    for article in articles:
        began = time.perf_counter()
        engine.brief_article(article, method="abstractive")
        seconds.append(time.perf_counter() - began)
    per_article = float(np.mean(seconds))
    print(f"abstractive ({model}): {per_article:.2f} s per article over {len(articles)}, load {load_s:.1f} s")
    return {"model": model, "seconds_per_article": round(per_article, 2), "load_s": round(load_s, 1)}


def _long_article_cpu(engine: Engine, articles: list[Article]) -> dict[str, Any]:
    """Process CPU of whole briefings of long texts: pairs of consecutive mid-length articles joined."""
    mid = [a for a in articles if 750 <= len(a.text.split()) < 1000]
    joined = [
        Article(text=f"{first.text}\n\n{second.text}", source_kind="text", source="", language="en")
        for first, second in zip(mid[0::2], mid[1::2], strict=False)
    ][:LONG_TEXTS]
    seconds = []
    for article in joined:
        started = time.process_time()
        engine.brief_article(article)
        seconds.append(time.process_time() - started)
    words = [len(a.text.split()) for a in joined]
    if not seconds:
        return {"texts": 0}
    return {
        "texts": len(seconds),
        "words_min": min(words),
        "words_max": max(words),
        "median": round(float(np.median(seconds)), 2),
        "max": round(max(seconds), 2),
        "target_s": LONG_CPU_TARGET_S,
    }


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


if __name__ == "__main__":
    main()
