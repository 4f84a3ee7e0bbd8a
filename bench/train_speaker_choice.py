"""Measure a learned choice between candidate speakers (bench/speaker_candidates.py) on dev only.

Every position the rules find in a dev article (`position_candidates`) whose content and place
match a hand-annotated attribution (the matcher of `bench/attribution.py`) is a case; each of its
candidate speakers (`speaker_candidates.candidate_choices`) is labelled right when the matcher
accepts it as that attribution's source. A standardised logistic regression over an alternative's
features next to the rules' choice's gives the probability that the alternative is right where the
rules' choice is wrong; the best alternative replaces the rules' choice above a threshold
(`--scope described`: only where the speaker is written as a description).

Printed first: the ceiling (how often the gold speaker is among the candidates where the rules got
the content right and the speaker wrong), by how the rules found the speaker. Then a nested
estimate: for each held-out article, regularisation and threshold are chosen by an inner grouped
8-fold CV on the other articles only (most speakers fixed net), the held-out article's speakers are
chosen by the model fitted on them, and the whole dev split is scored with the benchmark's matcher
(precision, recall, speaker right). The test split is never read. Deterministic.

    PYTHONPATH=. python bench/train_speaker_choice.py [--scope all|described] [--cache PATH] [--show N]
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import statistics
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from attribution import load_split, match_positions
from common import write_results
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from speaker_candidates import FEATURES, PAIR_FEATURES, SCOPES, SpeakerModel, candidate_choices, pair_rows

from summarizer.actors import extract_actors
from summarizer.models import Actor, Position, Sentence
from summarizer.pipeline import Engine
from summarizer.positions import position_candidates
from summarizer.segmentation import segment

REGULARISATION = (0.01, 0.03, 0.1, 0.3, 1.0)
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
NEVER = 2.0  # a threshold no probability reaches: every rules' choice kept
INNER_FOLDS = 8


@dataclass(slots=True)
class ArticleCases:
    """One dev article: what the rules output, each position's candidates and their labels."""

    id: str
    text: str
    sentences: list[Sentence]
    actors: list[Actor]
    gold: list[dict[str, Any]]
    positions: list[Position]
    names: list[list[str]]  # per position: candidate speakers, the rules' choice first
    features: list[np.ndarray]
    labels: list[np.ndarray | None]  # per position: candidate right? (None: no gold at its place)
    named: list[bool]  # per position: located on a gold attribution with a named source
    how: list[str]  # per position: how the rules found the speaker (carried, pronoun, ...)


def collect(rows: list[dict[str, Any]]) -> list[ArticleCases]:
    engine = Engine()
    articles = []
    feature_ms: list[float] = []
    for row in rows:
        doc = engine.nlp(row["text"])
        sentences = segment(doc)
        index = extract_actors(doc, sentences)
        found, context = position_candidates(
            doc, sentences, index, max_per_sentence=engine.config.max_positions_per_sentence
        )
        gold = row.get("attributions", [])
        positions = [f.position for f in found]
        started = time.perf_counter()
        choices = candidate_choices(context, found)
        feature_ms.append(1000 * (time.perf_counter() - started))
        matching = match_positions(row["text"], sentences, index.actors, positions, gold)
        labels: list[np.ndarray | None] = []
        named, how = [], []
        for pi, (item, choice) in enumerate(zip(found, choices, strict=True)):
            on = [gi for gi, pis in matching.located.items() if pi in pis]
            named.append(any(gold[gi].get("named") for gi in on))
            labels.append(
                np.array(
                    [
                        any(matching.speaker_ok(replace(item.position, actor=n), gold[gi]) for gi in on)
                        for n in choice.names
                    ]
                )
                if on
                else None
            )
            speaker = doc[item.speaker_token] if item.speaker_token >= 0 else None
            how.append("carried or label" if speaker is None else f"written {speaker.pos_}")
        articles.append(
            ArticleCases(
                row["id"],
                row["text"],
                sentences,
                index.actors,
                gold,
                positions,
                [c.names for c in choices],
                [c.features for c in choices],
                labels,
                named,
                how,
            )
        )
    print(
        f"candidates and features: {statistics.median(feature_ms):.1f} ms per article p50, "
        f"{max(feature_ms):.1f} ms max"
    )
    return articles


# --- the ceiling ---------------------------------------------------------------------------------


def ceiling(articles: list[ArticleCases], show: int) -> dict[str, Any]:
    """Where the content is right on a named attribution and the speaker wrong: is the gold
    speaker among the candidates? By how the rules found the speaker."""
    wrong, reachable = Counter(), Counter()
    right = candidates = 0
    examples = []
    for a in articles:
        for pi, labels in enumerate(a.labels):
            if labels is None or not a.named[pi]:
                continue
            candidates += len(labels)
            if labels[0]:
                right += 1
                continue
            wrong[a.how[pi]] += 1
            reachable[a.how[pi]] += bool(labels.any())
            examples.append(
                f"{a.id} | {a.how[pi]} | rules: {a.positions[pi].actor} | gold reachable: "
                f"{bool(labels.any())} | candidates: {a.names[pi]} | {a.positions[pi].text[:70]}"
            )
    total_wrong = sum(wrong.values())
    print(
        f"located on a named attribution: {right + total_wrong} positions, speaker right {right}, "
        f"wrong {total_wrong}; gold among candidates for {sum(reachable.values())} of the wrong "
        f"({sum(reachable.values()) / max(total_wrong, 1):.2f}); "
        f"{candidates / max(right + total_wrong, 1):.1f} candidates per position"
    )
    for how in sorted(wrong):
        print(f"  {how:18} wrong {wrong[how]:3}  gold among candidates {reachable[how]:3}")
    for line in examples[:show]:
        print("  ", line)
    return {
        "located_named": right + total_wrong,
        "speaker_right": right,
        "speaker_wrong": total_wrong,
        "gold_among_candidates": sum(reachable.values()),
        "by_how": {h: {"wrong": wrong[h], "reachable": reachable[h]} for h in wrong},
    }


# --- fitting and choosing -----------------------------------------------------------------------


def training_rows(articles: list[ArticleCases], scope: str) -> tuple[np.ndarray, np.ndarray]:
    """One row per alternative candidate of a position at a gold attribution's place (in the scope):
    1 when the alternative is right and the rules' choice wrong."""
    xs, ys = [], []
    for a in articles:
        for features, labels in zip(a.features, a.labels, strict=True):
            if labels is None or len(labels) < 2 or not in_scope(features, scope):
                continue
            xs.append(pair_rows(features))
            ys.append(labels[1:] & ~labels[0])
    if not xs:
        return np.zeros((0, len(PAIR_FEATURES))), np.zeros(0, dtype=bool)
    return np.vstack(xs), np.concatenate(ys)


def in_scope(features: np.ndarray, scope: str) -> bool:
    """The positions a model of this scope may change (see `SpeakerModel.scope`)."""
    return scope == "all" or bool(features[0, FEATURES.index("rules_choice_common_noun")])


def fit(
    articles: list[ArticleCases], regularisation: float, threshold: float, scope: str
) -> SpeakerModel | None:
    """The shipped model's own form; None when the training rows hold no switch to learn."""
    x, y = training_rows(articles, scope)
    if not y.any():
        return None
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=regularisation, max_iter=3000).fit((x - mean) / scale, y)
    return SpeakerModel(mean, scale, model.coef_[0], float(model.intercept_[0]), threshold, scope)


def net_fixes(articles: list[ArticleCases], model: SpeakerModel | None) -> tuple[int, int]:
    """(speakers made right, speakers made wrong) on positions at a gold attribution's place."""
    fixed = broken = 0
    for a in articles:
        for features, labels in zip(a.features, a.labels, strict=True):
            if labels is not None and model is not None:
                chosen = model.choose(features)
                fixed += int(labels[chosen] and not labels[0])
                broken += int(labels[0] and not labels[chosen])
    return fixed, broken


def select(articles: list[ArticleCases], scope: str) -> tuple[float, float, int]:
    """(regularisation, threshold, net fixes) with the most net fixes out of fold; ties: the higher
    threshold (fewer changes). No gain at all: never change (threshold above 1)."""
    groups = np.arange(len(articles))
    splitter = GroupKFold(n_splits=min(INNER_FOLDS, len(articles)))
    best = (REGULARISATION[0], NEVER, 0)
    for c in REGULARISATION:
        folds = [
            (fit([articles[k] for k in train], c, 0.5, scope), [articles[k] for k in held])
            for train, held in splitter.split(groups, groups, groups)
        ]
        for threshold in THRESHOLDS:
            net = 0
            for fitted, held in folds:
                fixed, broken = net_fixes(held, replace(fitted, threshold=threshold) if fitted else None)
                net += fixed - broken
            if net > best[2] or (net == best[2] and net > 0 and threshold > best[1]):
                best = (c, threshold, net)
    return best


def choose_all(article: ArticleCases, model: SpeakerModel | None) -> list[Position]:
    """The article's positions with the model's speakers, duplicates (same speaker and words) dropped
    as `position_candidates` does."""
    out, seen = [], set()
    for position, names, features in zip(article.positions, article.names, article.features, strict=True):
        actor = names[model.choose(features)] if model is not None else position.actor
        if (actor, position.text) not in seen:
            seen.add((actor, position.text))
            out.append(replace(position, actor=actor))
    return out


def benchmark_scores(articles: list[ArticleCases], chosen: list[list[Position]]) -> dict[str, float]:
    """Precision, recall of named attributions and speaker right, as `bench/attribution.py` counts."""
    predicted = correct = gold_named = found_named = checked = speaker_right = 0
    for a, positions in zip(articles, chosen, strict=True):
        matching = match_positions(a.text, a.sentences, a.actors, positions, a.gold)
        predicted += len(positions)
        correct += len(matching.matched)
        gold_named += sum(bool(g.get("named")) for g in a.gold)
        found_named += sum(bool(a.gold[gi].get("named")) for gi in matching.matched)
        for pi, p in enumerate(positions):
            on_named = [gi for gi, pis in matching.located.items() if pi in pis and a.gold[gi].get("named")]
            if on_named:
                checked += 1
                speaker_right += any(matching.speaker_ok(p, a.gold[gi]) for gi in on_named)
    return {
        "precision": round(correct / max(predicted, 1), 4),
        "recall": round(found_named / max(gold_named, 1), 4),
        "speaker_right": round(speaker_right / max(checked, 1), 4),
        "positions": predicted,
        "correct": correct,
    }


def nested_estimate(articles: list[ArticleCases], scope: str) -> dict[str, Any]:
    """Leave one article out; regularisation and threshold chosen inside on the other articles only."""
    chosen: list[list[Position]] = []
    picks = []
    fixed = broken = 0
    for k, held in enumerate(articles):
        inside = articles[:k] + articles[k + 1 :]
        c, threshold, _ = select(inside, scope)
        model = fit(inside, c, threshold, scope) if threshold != NEVER else None
        chosen.append(choose_all(held, model))
        made_right, made_wrong = net_fixes([held], model)
        fixed, broken = fixed + made_right, broken + made_wrong
        picks.append((c, threshold))
    rules = benchmark_scores(articles, [a.positions for a in articles])
    learned = benchmark_scores(articles, chosen)
    return {"rules_only": rules, "with_choice": learned, "fixed": fixed, "broken": broken, "chosen": picks}


def inputs_fingerprint(root: Path) -> str:
    """What the labelled candidates depend on: the engine's code, this tooling and the corpus."""
    files = [
        *sorted((root / "summarizer").rglob("*.py")),
        *sorted((root / "summarizer").glob("*.json")),
        *sorted((root / "bench" / "data" / "attribution").rglob("*")),
        root / "bench" / "speaker_candidates.py",
        root / "bench" / "attribution.py",
    ]
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scope", choices=SCOPES, default="all", help="which positions the model may change")
    parser.add_argument(
        "--cache",
        type=Path,
        help="pickle of labelled candidates (reused while engine and corpus are unchanged)",
    )
    parser.add_argument("--show", type=int, default=0, help="print N speaker errors of the rules")
    args = parser.parse_args()
    key = inputs_fingerprint(Path(__file__).resolve().parent.parent)
    cached = pickle.loads(args.cache.read_bytes()) if args.cache is not None and args.cache.exists() else None
    if cached is not None and cached[0] == key:
        articles = cached[1]
    else:
        if cached is not None:
            print("cache is stale (engine, candidates or corpus changed): collecting anew")
        rows, problems = load_split("dev")
        if problems:
            print("unparsable dev lines:", problems)
        started = time.process_time()
        articles = collect(rows)
        print(f"collected in {time.process_time() - started:.1f} s CPU")
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps((key, articles)))
    top = ceiling(articles, args.show)
    c, threshold, net = select(articles, args.scope)
    print(
        f"scope {args.scope}: grouped {INNER_FOLDS}-fold CV on all dev: C={c} threshold={threshold} "
        f"net fixed {net}"
    )
    cv = nested_estimate(articles, args.scope)
    for label in ("rules_only", "with_choice"):
        s = cv[label]
        print(
            f"nested CV {label:12} precision {s['precision']:.3f} recall {s['recall']:.3f} "
            f"speaker right {s['speaker_right']:.3f} positions {s['positions']} correct {s['correct']}"
        )
    print(f"speakers made right {cv['fixed']}, made wrong {cv['broken']}")
    print("thresholds chosen:", Counter(t for _, t in cv["chosen"]).most_common())
    out = {"scope": args.scope, "ceiling": top, "C": c, "threshold": threshold}
    out |= {k: v for k, v in cv.items() if k != "chosen"}
    print(f"wrote {write_results(f'speaker_choice_{args.scope}', out)}")


if __name__ == "__main__":
    main()
