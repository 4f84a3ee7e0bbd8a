"""Fit the learned filter on stated positions (summarizer/position_filter.py), on the dev split only.

Every candidate position the rules find in a dev article (`position_candidates`, before the filter)
is labelled with the matcher `bench/attribution.py` scores with: 1 when it matches a gold
attribution (content, place and speaker), else 0. A standardised logistic regression over
`position_filter.FEATURES` gives each candidate a probability; candidates below a threshold are
dropped. The regularisation and the threshold are chosen by cross-validation grouped by article
(leave one article out), maximising F-beta of the positions: precision = kept right positions / kept
positions, recall = kept positions matching a named gold attribution / named gold attributions (the
benchmark's measures). The estimate printed is nested: for each held-out article, regularisation
and threshold are chosen by an inner grouped CV on the other articles only, and the held-out
article is filtered with the model fitted on them. The test split is never read.

    python bench/train_attribution_filter.py [--beta 1] [--save-model] [--cache PATH]
"""

from __future__ import annotations

import argparse
import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from attribution import load_split, match_positions
from common import write_results
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from summarizer.actors import extract_actors
from summarizer.pipeline import Engine
from summarizer.position_filter import FEATURES, MODEL_PATH, PositionModel, candidate_features
from summarizer.positions import position_candidates
from summarizer.segmentation import segment

REGULARISATION = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)  # C of the logistic regression (inverse strength)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.0, 0.96, 0.01))
INNER_FOLDS = 8


@dataclass(slots=True)
class Candidates:
    """Every dev candidate: features, label, whether it matches a named gold attribution, article."""

    features: np.ndarray
    right: np.ndarray  # matched to a gold attribution (named or not): counts for precision
    named: np.ndarray  # matched to a gold attribution with a named source: counts for recall
    article: np.ndarray  # article number, the CV group
    gold_named: np.ndarray  # per article: gold attributions with a named source
    described: list[str]  # "id | actor | cue | text" per candidate, to read the errors


def collect(rows: list[dict[str, Any]]) -> Candidates:
    engine = Engine()
    features, right, named, article, described = [], [], [], [], []
    gold_named = []
    for number, row in enumerate(rows):
        doc = engine.nlp(row["text"])
        sentences = segment(doc)
        index = extract_actors(doc, sentences)
        found, context = position_candidates(
            doc, sentences, index, max_per_sentence=engine.config.max_positions_per_sentence
        )
        gold = row.get("attributions", [])
        gold_named.append(sum(bool(g.get("named")) for g in gold))
        positions = [f.position for f in found]
        matching = match_positions(row["text"], sentences, index.actors, positions, gold)
        owner = {p: g for g, p in matching.matched.items()}
        features.append(candidate_features(context, found))
        for k, position in enumerate(positions):
            right.append(k in owner)
            named.append(k in owner and bool(gold[owner[k]].get("named")))
            article.append(number)
            described.append(f"{row['id']} | {position.actor} | {position.cue} | {position.text[:100]}")
    return Candidates(
        features=np.vstack(features) if features else np.zeros((0, len(FEATURES))),
        right=np.array(right, dtype=bool),
        named=np.array(named, dtype=bool),
        article=np.array(article, dtype=int),
        gold_named=np.array(gold_named, dtype=int),
        described=described,
    )


def fit(x: np.ndarray, y: np.ndarray, regularisation: float) -> PositionModel:
    """The shipped model's own form (so CV scores exactly what the engine runs); threshold set later."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=regularisation, max_iter=2000).fit((x - mean) / scale, y)
    return PositionModel(mean, scale, model.coef_[0], float(model.intercept_[0]), threshold=0.5)


def scores(keep: np.ndarray, right: np.ndarray, named: np.ndarray, gold_named: int) -> dict[str, float]:
    kept = int(keep.sum())
    precision = float((keep & right).sum() / kept) if kept else 0.0
    recall = float((keep & named).sum() / gold_named) if gold_named else 0.0
    return {"precision": precision, "recall": recall, "kept": kept}


def f_beta(precision: float, recall: float, beta: float) -> float:
    if not precision or not recall:
        return 0.0
    return (1 + beta**2) * precision * recall / (beta**2 * precision + recall)


def out_of_fold(data: Candidates, members: np.ndarray, regularisation: float, folds: int) -> np.ndarray:
    """Probabilities for the candidates of `members` (a mask), each from a model that never saw its
    article; `folds` 0 means leave one article out."""
    groups = data.article[members]
    x, y = data.features[members], data.right[members]
    n_groups = len(set(groups.tolist()))
    splitter = GroupKFold(n_splits=n_groups if folds == 0 else min(folds, n_groups))
    probs = np.zeros(len(y))
    for train, held in splitter.split(x, y, groups):
        probs[held] = fit(x[train], y[train], regularisation).probabilities(x[held])
    return probs


def select(data: Candidates, members: np.ndarray, beta: float, folds: int) -> tuple[float, float, float]:
    """(regularisation, threshold, F-beta): the pair with the best out-of-fold F-beta on `members`."""
    gold = int(data.gold_named[sorted(set(data.article[members].tolist()))].sum())
    best = (REGULARISATION[0], 0.0, -1.0)
    for c in REGULARISATION:
        probs = out_of_fold(data, members, c, folds)
        for t in THRESHOLDS:
            s = scores(probs >= t, data.right[members], data.named[members], gold)
            f = f_beta(s["precision"], s["recall"], beta)
            if f > best[2] + 1e-9:
                best = (c, t, f)
    return best


def nested_estimate(data: Candidates, beta: float) -> dict[str, Any]:
    """Leave one article out; model selection inside on the other articles only."""
    keep = np.zeros(len(data.right), dtype=bool)
    chosen = []
    for held in range(len(data.gold_named)):
        inside = data.article != held
        outside = ~inside
        if not outside.any():
            continue
        c, t, _ = select(data, inside, beta, INNER_FOLDS)
        fitted = fit(data.features[inside], data.right[inside], c)
        keep[outside] = fitted.probabilities(data.features[outside]) >= t
        chosen.append((c, t))
    gold = int(data.gold_named.sum())
    before = scores(np.ones(len(keep), dtype=bool), data.right, data.named, gold)
    after = scores(keep, data.right, data.named, gold)
    return {
        "rules_only": before,
        "with_filter": after,
        "f_beta_rules_only": f_beta(before["precision"], before["recall"], beta),
        "f_beta_with_filter": f_beta(after["precision"], after["recall"], beta),
        "f1_rules_only": f_beta(before["precision"], before["recall"], 1.0),
        "f1_with_filter": f_beta(after["precision"], after["recall"], 1.0),
        "dropped_right": int((~keep & data.right).sum()),
        "dropped_wrong": int((~keep & ~data.right).sum()),
        "chosen": chosen,
    }


def save_model(
    data: Candidates, regularisation: float, threshold: float, beta: float, cv: dict[str, Any]
) -> None:
    fitted = fit(data.features, data.right, regularisation)
    payload = {
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in fitted.mean],
        "scale": [round(float(v), 6) for v in fitted.scale],
        "weights": [round(float(v), 6) for v in fitted.weights],
        "bias": round(fitted.bias, 6),
        "threshold": threshold,
        "regularisation": regularisation,
        "beta": beta,
        "fitted_on": "bench/data/attribution dev split only (bench/train_attribution_filter.py)",
        "nested_cv_on_dev": {
            k: cv[k] for k in ("rules_only", "with_filter", "dropped_right", "dropped_wrong")
        },
    }
    MODEL_PATH.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"model: {MODEL_PATH}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beta", type=float, default=1.0, help="F-beta to maximise (0.5 favours precision)")
    parser.add_argument("--save-model", action="store_true", help=f"write {MODEL_PATH.name}")
    parser.add_argument("--cache", type=Path, help="pickle of the labelled candidates (reused when present)")
    parser.add_argument(
        "--show", type=int, default=0, help="print the N lowest-scored and dropped candidates"
    )
    args = parser.parse_args()
    if args.cache is not None and args.cache.exists():
        data = pickle.loads(args.cache.read_bytes())
    else:
        rows, problems = load_split("dev")
        if problems:
            print("unparsable dev lines:", problems)
        data = collect(rows)
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps(data))
    print(
        f"dev: {len(data.gold_named)} articles, {len(data.right)} candidates, "
        f"{int(data.right.sum())} right, {int(data.gold_named.sum())} named gold"
    )
    everything = np.ones(len(data.right), dtype=bool)
    c, t, f = select(data, everything, args.beta, 0)
    print(f"leave-one-article-out on all dev: C={c} threshold={t} F{args.beta}={f:.3f}")
    cv = nested_estimate(data, args.beta)
    for label in ("rules_only", "with_filter"):
        s = cv[label]
        print(
            f"nested CV {label:12} precision {s['precision']:.3f} recall {s['recall']:.3f} kept {s['kept']}"
            f"  F1 {f_beta(s['precision'], s['recall'], 1):.3f}"
            f"  F{args.beta} {f_beta(s['precision'], s['recall'], args.beta):.3f}"
        )
    print(f"dropped: {cv['dropped_wrong']} wrong, {cv['dropped_right']} right")
    if args.show:
        probs = out_of_fold(data, everything, c, 0)
        for k in np.argsort(probs)[: args.show]:
            print(f"  {probs[k]:.2f} {'RIGHT' if data.right[k] else 'wrong'}  {data.described[k]}")
    if args.save_model:
        save_model(data, c, t, args.beta, cv)
    cv_out = {k: v for k, v in cv.items() if k != "chosen"}
    print(
        f"wrote {write_results('attribution_filter', {'beta': args.beta, 'C': c, 'threshold': t, **cv_out})}"
    )


if __name__ == "__main__":
    main()
