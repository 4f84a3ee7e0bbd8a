"""Topic matching: precision, recall and F1 of today's matcher and the new one, in the same run,
and what a match costs next to the brief it is made for.

The labelled set is bench/data/topics: 38 topics x 202 CNN/Daily Mail test articles, 438 pairs
labelled by hand (labels.spec; articles.jsonl, MIT), split by topic into dev (tuning) and test
(reported). Every article is briefed once with the real engine (extractive, as feed items are),
without a headline, so the title is the one the engine makes from the lead. Then:

- quality: each matcher scores every labelled pair; a pair is predicted a match when its score
  reaches the matcher's own threshold (0.45 for the old one, `TOPIC_THRESHOLD` for the new one,
  which was chosen on dev). Precision, recall and F1 per split, plus ROC AUC (threshold-free).
- cost: for each article, the time to score all of its labelled topics at once (one
  `match_topics` call, as the service makes), against the time the brief itself took. The new
  matcher is timed with the brief's sentence embeddings (a fresh brief, the bot's path) from a cold
  cache, after a hundred articles have warmed it (a long-running worker), and fully warm; and
  without them (a brief read back from the store).

`--tune` fits the new matcher's weights and threshold on the dev split only and prints them (to
copy into summarizer/topics.py); `--cv` scores the feature set on dev topics its fit never saw
(leave one dev topic out); `--errors` lists the dev pairs the shipped weights get wrong, with their
features, for error analysis. Test is never looked at while tuning.
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import legacy_topics
from common import write_results

from summarizer import topics
from summarizer.models import Article, Briefing
from summarizer.pipeline import Engine

DATA = Path(__file__).resolve().parent / "data" / "topics"
LEGACY_THRESHOLD = 0.45


@dataclass(frozen=True, slots=True)
class Pair:
    topic: str
    split: str  # "dev" or "test"
    article: int  # line number in cnndm-test250.jsonl
    label: int  # 1: the article is about the topic


def load_pairs(path: Path = DATA / "labels.spec") -> list[Pair]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        topic, split, positives, negatives = (part.strip() for part in line.split("|"))
        pairs += [Pair(topic, split, int(n), 1) for n in positives.split()]
        pairs += [Pair(topic, split, int(n), 0) for n in negatives.split()]
    return pairs


def load_articles(path: Path = DATA / "articles.jsonl") -> dict[int, Article]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["n"]: Article(text=row["article"], source_kind="url", source=row["url"]) for row in rows}


def brief_all(engine: Engine, articles: dict[int, Article]) -> tuple[dict[int, Briefing], dict[int, float]]:
    briefings, seconds = {}, {}
    for n, article in articles.items():
        started = time.perf_counter()
        briefings[n] = engine.brief(replace(article))
        seconds[n] = time.perf_counter() - started
    return briefings, seconds


def scores_and_costs(
    match: object, briefings: dict[int, Briefing], pairs: list[Pair], engine: Engine
) -> tuple[dict[tuple[str, int], float], dict[int, float]]:
    """Scores of every pair, and the seconds each article's single match_topics call took."""
    by_article: dict[int, list[str]] = {}
    for pair in pairs:
        by_article.setdefault(pair.article, []).append(pair.topic)
    scores, seconds = {}, {}
    for n, names in by_article.items():
        started = time.perf_counter()
        results = match(briefings[n], names, engine.encoder)  # type: ignore[operator]
        seconds[n] = time.perf_counter() - started
        for name, result in zip(names, results, strict=True):
            scores[(name, n)] = result.score
    return scores, seconds


def quality(scores: dict[tuple[str, int], float], pairs: list[Pair], threshold: float) -> dict[str, dict]:
    out = {}
    for split in ("dev", "test"):
        chosen = [p for p in pairs if p.split == split]
        predicted = [scores[(p.topic, p.article)] >= threshold for p in chosen]
        truth = [p.label == 1 for p in chosen]
        tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
        fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
        fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        values = [scores[(p.topic, p.article)] for p in chosen]
        out[split] = {
            "pairs": len(chosen),
            "topics": len({p.topic for p in chosen}),
            "positives": sum(truth),
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "auc": round(auc(values, truth), 4),
            "threshold": threshold,
        }
    return out


def auc(values: list[float], truth: list[bool]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    positives = [v for v, t in zip(values, truth, strict=True) if t]
    negatives = [v for v, t in zip(values, truth, strict=True) if not t]
    if not positives or not negatives:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def misses(
    scores: dict[tuple[str, int], float], pairs: list[Pair], threshold: float, split: str
) -> list[str]:
    wrong = []
    for p in pairs:
        if p.split == split and (scores[(p.topic, p.article)] >= threshold) != (p.label == 1):
            kind = "missed" if p.label else "wrongly matched"
            wrong.append(f"{kind}: {p.topic!r} x article {p.article} ({scores[(p.topic, p.article)]:.3f})")
    return wrong


def dev_errors(
    features: np.ndarray, labels: np.ndarray, groups: np.ndarray, articles: list[int]
) -> list[str]:
    """The dev pairs the shipped weights get wrong, with their features: what error analysis reads."""
    weights = np.array([topics.BIAS, *topics.WEIGHTS])
    probabilities = _probabilities(weights, features)
    names = " ".join(f"{name[:9]:>9}" for name in topics.FEATURES)
    lines = [f"{'':16} {'topic':22} {'art':>4} {'score':>6} {names}"]
    for i in np.argsort(-probabilities):
        predicted = probabilities[i] >= topics.TOPIC_THRESHOLD
        if predicted != (labels[i] == 1):
            kind = "wrongly matched" if predicted else "missed"
            values = " ".join(f"{v:9.3f}" for v in features[i])
            lines.append(f"{kind:16} {groups[i][:22]:22} {articles[i]:4d} {probabilities[i]:6.3f} {values}")
    return lines


def tune(features: np.ndarray, labels: np.ndarray) -> dict[str, object]:
    """Fit the new matcher's logistic weights and pick its threshold on dev pairs only."""
    weights, threshold = _fit(features, labels)
    probabilities = _probabilities(weights, features)
    return {
        "bias": round(float(weights[0]), 3),
        "weights": dict(zip(topics.FEATURES, (round(float(w), 3) for w in weights[1:]), strict=True)),
        "threshold": threshold,
        "dev_f1": round(_f1(probabilities >= threshold, labels), 4),
    }


def cross_validate(features: np.ndarray, labels: np.ndarray, groups: np.ndarray) -> dict[str, float]:
    """Leave one dev topic out: fit weights and threshold on the other dev topics, predict the held-out
    one. What a feature set is worth on topics its fit never saw, without touching test."""
    predicted = np.zeros(len(labels), dtype=bool)
    for topic in sorted(set(groups)):
        held_out = groups == topic
        weights, threshold = _fit(features[~held_out], labels[~held_out])
        predicted[held_out] = _probabilities(weights, features[held_out]) >= threshold
    tp = float((predicted & (labels == 1)).sum())
    precision = tp / max(float(predicted.sum()), 1.0)
    recall = tp / max(float(labels.sum()), 1.0)
    return {
        "topics": len(set(groups)),
        "pairs": len(labels),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(_f1(predicted, labels), 4),
    }


def _dev_features(
    briefings: dict[int, Briefing], pairs: list[Pair], engine: Engine
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and topics of the dev pairs (a topic is described by its first term)."""
    dev = [p for p in pairs if p.split == "dev"]
    features = np.array(
        [topics.match_features(briefings[p.article], p.topic, engine.encoder) for p in dev], dtype=np.float64
    )
    return features, np.array([p.label for p in dev], dtype=np.float64), np.array([p.topic for p in dev])


def _fit(features: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic weights, and the threshold with the best F1 on the same pairs (nearest 0.5 on ties)."""
    weights = _logistic_fit(features, labels)
    probabilities = _probabilities(weights, features)
    candidates = np.unique(np.round(probabilities, 3))
    best = max(candidates, key=lambda t: (_f1(probabilities >= t, labels), -abs(t - 0.5)))
    return weights, float(best)


def _probabilities(weights: np.ndarray, features: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(features @ weights[1:] + weights[0])))


def _logistic_fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 5000) -> np.ndarray:
    """Plain L2-regularised logistic regression by gradient descent: a handful of features."""
    design = np.hstack([np.ones((len(x), 1)), x])
    weights = np.zeros(design.shape[1])
    for _ in range(steps):
        predicted = 1 / (1 + np.exp(-(design @ weights)))
        gradient = design.T @ (predicted - y) / len(y) + l2 * np.r_[0, weights[1:]]
        weights -= 1.0 * gradient
    return weights


def _f1(predicted: np.ndarray, labels: np.ndarray) -> float:
    tp = float((predicted & (labels == 1)).sum())
    fp = float((predicted & (labels == 0)).sum())
    fn = float((~predicted & (labels == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tune", action="store_true", help="fit the new matcher on dev and print its weights"
    )
    parser.add_argument(
        "--cv",
        action="store_true",
        help="leave-one-topic-out cross-validation of the new matcher's features on dev (test unread)",
    )
    parser.add_argument(
        "--show-misses", action="store_true", help="list the test pairs each matcher gets wrong"
    )
    parser.add_argument(
        "--errors",
        action="store_true",
        help="error analysis on dev only: the dev pairs the new matcher gets wrong, with their features",
    )
    parser.add_argument(
        "--briefings",
        type=Path,
        help="a pickle of {article number: Briefing} to reuse (written when missing): briefing 202 "
        "articles takes minutes on a busy machine; the brief time then comes from each briefing's timings",
    )
    args = parser.parse_args(argv)

    pairs = load_pairs()
    engine = Engine()
    engine.warm_up()
    reused = bool(args.briefings and args.briefings.exists())
    if reused:
        briefings = pickle.loads(args.briefings.read_bytes())
        brief_seconds = {n: b.timings_ms.get("total", 0) / 1000 for n, b in briefings.items()}
    else:
        briefings, brief_seconds = brief_all(engine, load_articles())
        if args.briefings:
            args.briefings.write_bytes(pickle.dumps(briefings))
    if args.tune or args.cv or args.errors:
        dev = _dev_features(briefings, pairs, engine)
        if args.errors:
            print("\n".join(dev_errors(*dev, [p.article for p in pairs if p.split == "dev"])))
        if args.cv:
            print(json.dumps({"leave_one_dev_topic_out": cross_validate(*dev)}, indent=2))
        if args.tune:
            print(json.dumps(tune(*dev[:2]), indent=2))
        return 0

    legacy_scores, legacy_seconds = scores_and_costs(legacy_topics.match_topics, briefings, pairs, engine)
    topics.clear_topic_cache()
    new_scores, new_cold = scores_and_costs(topics.match_topics, briefings, pairs, engine)
    _, new_warm = scores_and_costs(topics.match_topics, briefings, pairs, engine)
    stored = {n: replace(b, sentence_vectors=None) for n, b in briefings.items()}
    _, new_stored = scores_and_costs(topics.match_topics, stored, pairs, engine)

    brief_ms = statistics.mean(brief_seconds.values()) * 1000
    cost = {"brief_ms_mean": round(brief_ms, 1)}
    # A long-running worker sits between the cold pass (every topic and word vector computed on first
    # use) and the warm one (every word of these very articles already cached): the cold pass's second
    # half, after a hundred other articles have filled the word cache, is that steady state.
    cold_calls = list(new_cold.items())
    after_warmup = dict(cold_calls[len(cold_calls) // 2 :])
    for name, seconds in (
        ("old", legacy_seconds),
        ("new_fresh_brief_topics_cached", new_warm),
        ("new_fresh_brief_topics_uncached", new_cold),
        ("new_fresh_brief_after_warmup", after_warmup),
        ("new_stored_brief", new_stored),
    ):
        ms = statistics.mean(seconds.values()) * 1000
        cost[name] = {"match_call_ms_mean": round(ms, 1), "share_of_brief": round(ms / brief_ms, 4)}
    cost["topics_per_call_mean"] = round(len(pairs) / len(legacy_seconds), 2)

    results = {
        "data": {
            "pairs": len(pairs),
            "topics": len({p.topic for p in pairs}),
            "articles": len(briefings),
            "briefings": "reused from --briefings" if reused else "briefed in this run",
        },
        "old": quality(legacy_scores, pairs, LEGACY_THRESHOLD),
        "new": quality(new_scores, pairs, topics.TOPIC_THRESHOLD),
        "cost": cost,
    }
    print(f"{'matcher':8} {'split':5} {'pairs':>5} {'P':>6} {'R':>6} {'F1':>6} {'AUC':>6}")
    for matcher in ("old", "new"):
        for split, row in results[matcher].items():
            print(
                f"{matcher:8} {split:5} {row['pairs']:5d} {row['precision']:6.3f} {row['recall']:6.3f} "
                f"{row['f1']:6.3f} {row['auc']:6.3f}"
            )
    print(f"\nbrief: {brief_ms:.0f} ms mean; topics per match call: {cost['topics_per_call_mean']}")
    for name, row in cost.items():
        if isinstance(row, dict):
            print(
                f"{name:34} {row['match_call_ms_mean']:8.1f} ms"
                f" = {100 * row['share_of_brief']:.1f} % of a brief"
            )
    if args.show_misses:
        for name, scores, threshold in (
            ("old", legacy_scores, LEGACY_THRESHOLD),
            ("new", new_scores, topics.TOPIC_THRESHOLD),
        ):
            print(f"\n{name} on test:")
            print("\n".join(misses(scores, pairs, threshold, "test")))
    print(f"\nwrote {write_results('topics', results)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
