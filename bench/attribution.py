"""Who said what: the engine's positions and actors against the hand-annotated corpus.

Reads bench/data/attribution/{dev,test}.*.jsonl (format: bench/data/attribution/README.md), briefs
every article with Engine.brief_article and matches what it outputs to the gold annotation:

- a position matches a gold attribution when the content matches (token F1 >= 0.5 of content
  words, or one contains the other and the shorter is a real part of it) at the same place (the
  position's evidence sentence overlaps the gold sentence, or its text overlaps the gold content
  in the article), and the speaker matches (name key, alias, surname or containment, against the
  gold resolved source). Matching is one-to-one (maximum bipartite matching).
- recall: share of gold attributions with a named source that are matched, by kind and overall;
- precision: share of output positions matched to some gold attribution (named or not);
- roles: share of gold actors with a role as written whose actor is found with that role;
- junk: actors in the top 10 that are duplicates of another listed actor, of the wrong kind
  (person vs organisation) for a gold actor, or made of common words and neither a gold actor nor
  a gold source;
- CPU seconds per article (process time of brief_article, whole briefing).

`--baseline-tree DIR` also runs the same measurement on another checkout (a git worktree at the
baseline commit) in a subprocess, so both are measured in one session and written side by side.
Test-split errors are never printed: `--errors` measures dev only and shows its misses and its
false positives (positions at no annotated attribution, with the wrong speaker, or a second match of
one); it refuses `--split test`.

`--position-filter` measures the engine with the learned position filter on (the baseline runs
with its defaults).

`--part d` measures only the corpus file `{split}.d.jsonl`: one annotator's file, e.g. one added
after the rules it is measured on, read as a held-out check.

    python bench/attribution.py [--baseline-tree DIR] [--split dev] [--part d] [--errors] [--position-filter]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "data" / "attribution"
KINDS = ("direct", "mixed", "reported")
SPLITS = ("dev", "test")
TARGETS = {
    "recall_direct": 0.92,
    "recall_mixed": 0.80,
    "recall_reported": 0.70,
    "recall_all": 0.75,
    "precision": 0.93,
    "roles": 0.90,
    "junk": 0,
}
CONTENT_F1 = 0.5
ROLE_F1 = 0.6
LONG_WORDS = 1500
_WORD = re.compile(r"[\w’'-]+")
# Function words left out of the content comparison.
_STOP = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "for", "and", "or", "but", "is", "are", "was", "were",
    "be", "been", "being", "that", "this", "it", "its", "with", "as", "by", "from", "has", "have", "had",
    "he", "she", "they", "we", "i", "you", "his", "her", "their", "our", "not", "will", "would",
})  # fmt: skip
_LEADING = re.compile(r"^(?:the|a|an)\s+")


# --- corpus ----------------------------------------------------------------------------------


def load_split(split: str, part: str = "*") -> tuple[list[dict[str, Any]], list[str]]:
    """Articles of one split from every annotator's file (or only `{split}.{part}.jsonl`);
    unparsable lines are reported, not fatal."""
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in sorted(CORPUS.glob(f"{split}.{part}.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                problems.append(f"{path.name}:{number}: {err}")
                continue
            if row.get("id") in seen:
                problems.append(f"{path.name}:{number}: duplicate id {row.get('id')}")
                continue
            seen.add(row.get("id"))
            rows.append(row)
    return rows, problems


# --- text matching ---------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'").strip("'-") for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    all_words = [w for w in words(text) if w]
    content = [w for w in all_words if w not in _STOP]
    return content or all_words


def token_f1(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def _contained(short: list[str], long: list[str]) -> bool:
    n = len(short)
    return n > 0 and any(long[i : i + n] == short for i in range(len(long) - n + 1))


def content_match(predicted: str, gold: str) -> bool:
    p, g = content_words(predicted), content_words(gold)
    if token_f1(p, g) >= CONTENT_F1:
        return True
    pw, gw = words(predicted), words(gold)
    short, long = (pw, gw) if len(pw) <= len(gw) else (gw, pw)
    return (len(short) >= 5 or 3 * len(short) >= len(long)) and _contained(short, long)


def spans(text: str, needle: str) -> list[tuple[int, int]]:
    found, start = [], 0
    needle = needle.strip()
    while needle:
        at = text.find(needle, start)
        if at < 0:
            break
        found.append((at, at + len(needle)))
        start = at + 1
    return found


def overlaps(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(x0 < y1 and y0 < x1 for x0, x1 in a for y0, y1 in b)


def name_key(name: str) -> list[str]:
    key = name.lower().replace("’", "'").replace("'s ", " ")
    key = re.sub(r"'s$", "", key.strip())
    key = re.sub(r"[^\w\s-]", " ", key)
    return _LEADING.sub("", " ".join(key.split())).split()


def names_match(candidates: list[str], gold: str) -> bool:
    """Same referent: equal keys, or one name inside the other (a surname, "FEC" in "FEC records")."""
    g = name_key(gold)
    if not g:
        return False
    for candidate in candidates:
        c = name_key(candidate)
        if not c:
            continue
        if c == g:
            return True
        short, long = (c, g) if len(c) <= len(g) else (g, c)
        if all(w in _STOP for w in short):
            continue
        if _contained(short, long):
            return True
        if len(short) > 1 and short[-1] == long[-1] and short[0][:1] == long[0][:1]:
            return True  # "J. Blinken" / "Antony J. Blinken"
    return False


# --- one article -------------------------------------------------------------------------------


@dataclass(slots=True)
class ArticleScore:
    gold_named: Counter = field(default_factory=Counter)
    found_named: Counter = field(default_factory=Counter)
    predicted: int = 0
    correct: int = 0
    speaker_checked: int = 0  # positions whose content and place match a gold attribution with a named source
    speaker_right: int = 0
    roles_gold: int = 0
    roles_found: int = 0
    actors_gold: int = 0
    actors_found: int = 0
    junk: list[str] = field(default_factory=list)
    cpu_s: float = 0.0
    nlp_ms: int = 0  # wall time of parse, actors and positions (the briefing's own timing)
    words: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    role_misses: list[str] = field(default_factory=list)


def _max_matching(edges: dict[int, list[int]]) -> dict[int, int]:
    """Maximum bipartite matching gold -> predicted (Kuhn's augmenting paths; the sets are small)."""
    owner: dict[int, int] = {}

    def augment(g: int, visited: set[int]) -> bool:
        for p in edges.get(g, []):
            if p in visited:
                continue
            visited.add(p)
            if p not in owner or augment(owner[p], visited):
                owner[p] = g
                return True
        return False

    for g in edges:
        augment(g, set())
    return {g: p for p, g in owner.items()}


@dataclass(slots=True)
class Matching:
    """Positions against one article's gold attributions: which gold each position is located on
    (content and place), and the one-to-one matching that also agrees on the speaker."""

    located: dict[int, list[int]]  # gold index -> positions at its place with its content
    matched: dict[int, int]  # gold index -> its position
    speaker_ok: Callable[[Any, dict[str, Any]], bool]


def match_positions(
    text: str, sentences: list[Any], actors: list[Any], positions: list[Any], gold: list[dict[str, Any]]
) -> Matching:
    """The matching `score_article` scores (and the attribution filter's training labels)."""
    by_name = {a.name: a for a in actors}

    def place_ok(p: Any, g: dict[str, Any]) -> bool:
        sentence = sentences[p.sentence]
        gold_sentence = spans(text, g["sentence"])
        if overlaps([(sentence.start, sentence.end)], gold_sentence):
            return True
        return overlaps(spans(text, p.text), spans(text, g["content"]))

    def speaker_ok(p: Any, g: dict[str, Any]) -> bool:
        actor = by_name.get(p.actor)
        candidates = [p.actor, *(actor.aliases if actor else [])]
        golds = [g["source"]] + ([g["mention"]] if g.get("mention") and not g.get("named") else [])
        return any(names_match(candidates, name) for name in golds)

    located = {
        gi: [pi for pi, p in enumerate(positions) if place_ok(p, g) and content_match(p.text, g["content"])]
        for gi, g in enumerate(gold)
    }
    edges = {gi: [pi for pi in pis if speaker_ok(positions[pi], gold[gi])] for gi, pis in located.items()}
    return Matching(located, _max_matching(edges), speaker_ok)


def score_article(engine: Any, row: dict[str, Any], article_type: Any) -> ArticleScore:
    text = row["text"]
    article = article_type(text=text, source_kind="text", source=row["id"], title=row.get("title", ""))
    started = time.process_time()
    briefing = engine.brief_article(article)
    score = ArticleScore(cpu_s=time.process_time() - started, words=len(text.split()))
    score.nlp_ms = briefing.timings_ms.get("nlp", 0)
    positions = briefing.positions
    gold = row.get("attributions", [])
    score.predicted = len(positions)
    matching = match_positions(text, briefing.sentences, briefing.actors, positions, gold)
    located, matched, speaker_ok = matching.located, matching.matched, matching.speaker_ok
    score.correct = len(matched)
    for gi, g in enumerate(gold):
        if g.get("named"):
            kind = g.get("kind", "reported")
            score.gold_named[kind] += 1
            if gi in matched:
                score.found_named[kind] += 1
            else:
                near = [positions[pi] for pi in located[gi]]
                score.misses.append(
                    {
                        "id": row["id"],
                        "kind": kind,
                        "source": g["source"],
                        "cue": g.get("cue", ""),
                        "content": g["content"][:160],
                        "got": [f"{p.actor}: {p.text[:80]}" for p in near][:2],
                    }
                )
    # speaker precision: positions located on a named gold attribution, speaker right or not
    used = set(matched.values())
    for pi, p in enumerate(positions):
        on = [gi for gi, pis in located.items() if pi in pis]
        on_named = [gi for gi in on if gold[gi].get("named")]
        if on_named:
            score.speaker_checked += 1
            score.speaker_right += any(speaker_ok(p, gold[gi]) for gi in on_named)
        if pi not in used:
            score.false_positives.append(_false_positive(row["id"], p, on, matching, gold))
    _score_actors(score, row, briefing.actors, text)
    return score


def _false_positive(
    article: str, p: Any, on: list[int], matching: Matching, gold: list[dict[str, Any]]
) -> dict[str, Any]:
    """An unmatched position and why: at no annotated attribution ("nothing here"), on one whose
    source is someone else ("wrong speaker", with that source), or on one that another position of
    the same speaker already matched ("duplicate")."""
    wrong = [gold[gi]["source"] for gi in on if not matching.speaker_ok(p, gold[gi])]
    if not on:
        why = "nothing here"
    elif len(wrong) == len(on):
        why = f"wrong speaker (annotated: {'; '.join(dict.fromkeys(wrong))})"
    else:
        why = "duplicate"
    return {"id": article, "why": why, "actor": p.actor, "cue": p.cue, "text": p.text[:160], "kind": p.kind}


def _score_actors(score: ArticleScore, row: dict[str, Any], actors: list[Any], text: str) -> None:
    gold_actors = row.get("actors", [])
    for g in gold_actors:
        # the actor of that very name first: "Claudette King" is not "B.B. King", also called "King"
        found = next((a for a in actors if name_key(a.name) == name_key(g["name"])), None)
        found = found or next((a for a in actors if names_match([a.name, *a.aliases], g["name"])), None)
        score.actors_gold += 1
        score.actors_found += found is not None
        if g.get("role"):
            score.roles_gold += 1
            ok = found is not None and _role_match(found.role, g["role"])
            score.roles_found += ok
            if not ok:
                score.role_misses.append(
                    f"{row['id']}: {g['name']} [{g['role']}] got {found.role if found else None!r}"
                )
    gold_names = [g["name"] for g in gold_actors] + [a["source"] for a in row.get("attributions", [])]
    # words the article also writes wholly in lower case ("al-Fakhora" starts in lower case but is a name)
    lower = {w for w in words(text) if w} & {
        m.group(0) for m in re.finditer(r"\b[a-z][a-z0-9_'-]*\b(?!-?[A-Z])", text)
    }
    top = actors[:10]
    for k, actor in enumerate(top):
        reason = _junk_reason(actor, top[:k] + top[k + 1 :], gold_actors, gold_names, lower)
        if reason:
            score.junk.append(f"{row['id']}: {actor.name} ({actor.kind}) - {reason}")


def _junk_reason(
    actor: Any, others: list[Any], gold_actors: list[dict[str, Any]], gold_names: list[str], lower: set[str]
) -> str:
    key = "".join(name_key(actor.name)).replace("-", "")
    for other in others:
        if "".join(name_key(other.name)).replace("-", "") == key:
            return f"duplicate of {other.name}"
        mine, theirs = name_key(actor.name), name_key(other.name)
        if (
            other.kind == actor.kind == "person"
            and len(theirs) > len(mine) > 1
            and mine[-1] == theirs[-1]
            # "J. Blinken" in "Antony J. Blinken", not "Claudette King" in "B.B. King"
            and mine[0][:1] in {w[:1] for w in theirs[:-1]}
            and _contained(mine[1:], theirs)
        ):
            return f"part of {other.name}"
    gold = next((g for g in gold_actors if names_match([actor.name], g["name"])), None)
    people = {"person"}
    if gold is not None and (gold["kind"] in people) != (actor.kind in people) and gold["kind"] != "place":
        return f"kind {actor.kind}, gold {gold['kind']}"
    named_in_gold = any(names_match([actor.name, *actor.aliases], name) for name in gold_names)
    if not named_in_gold and all(w in lower for w in name_key(actor.name)):
        return "common words, not an actor"
    return ""


def _role_match(predicted: str, gold: str) -> bool:
    p, g = name_key(predicted), name_key(gold)
    return bool(p) and (p == g or token_f1(p, g) >= ROLE_F1)


# --- a whole split -----------------------------------------------------------------------------


def evaluate(rows: list[dict[str, Any]], show_errors: bool, position_filter: bool = False) -> dict[str, Any]:
    from summarizer.models import Article
    from summarizer.pipeline import Engine

    engine = Engine(_config(position_filter))
    engine.warm_up()
    if rows:
        engine.brief_article(Article(text=rows[0]["text"], source_kind="text", source="warm-up"))
    scores = [score_article(engine, row, Article) for row in rows]
    gold, found = Counter(), Counter()
    for s in scores:
        gold.update(s.gold_named)
        found.update(s.found_named)
    recall = {kind: _ratio(found[kind], gold[kind]) for kind in KINDS}
    recall["all"] = _ratio(sum(found.values()), sum(gold.values()))
    cpu = [s.cpu_s for s in scores]
    long_cpu = [s.cpu_s for s in scores if s.words >= LONG_WORDS]
    result = {
        "articles": len(rows),
        "gold_named": {**{k: gold[k] for k in KINDS}, "all": sum(gold.values())},
        "recall": recall,
        "precision": _ratio(sum(s.correct for s in scores), sum(s.predicted for s in scores)),
        "positions": sum(s.predicted for s in scores),
        "speaker_precision": _ratio(
            sum(s.speaker_right for s in scores), sum(s.speaker_checked for s in scores)
        ),
        "roles": _ratio(sum(s.roles_found for s in scores), sum(s.roles_gold for s in scores)),
        "roles_gold": sum(s.roles_gold for s in scores),
        "actor_recall": _ratio(sum(s.actors_found for s in scores), sum(s.actors_gold for s in scores)),
        "junk_top10": sum(len(s.junk) for s in scores),
        "junk_examples": [j for s in scores for j in s.junk][:40],
        "cpu_s_per_article": {
            "mean": round(statistics.fmean(cpu), 3) if cpu else None,
            "p50": round(statistics.median(cpu), 3) if cpu else None,
            "max": round(max(cpu), 3) if cpu else None,
            f"max_{LONG_WORDS}_plus_words": round(max(long_cpu), 3) if long_cpu else None,
            f"articles_{LONG_WORDS}_plus_words": len(long_cpu),
        },
        "nlp_ms_per_article": round(statistics.fmean(s.nlp_ms for s in scores)) if scores else None,
    }
    if show_errors:
        result["errors"] = {
            "misses": [m for s in scores for m in s.misses],
            # false positives by why: at no attribution, on one of someone else, a second match
            **{
                f"false_positives ({why})": [
                    f for s in scores for f in s.false_positives if f["why"].startswith(why)
                ]
                for why in ("nothing here", "wrong speaker", "duplicate")
            },
            "role_misses": [r for s in scores for r in s.role_misses],
            "junk": [j for s in scores for j in s.junk],
        }
    return result


def _config(position_filter: bool) -> Any:
    """The engine's default settings, with the learned position filter on when asked (a baseline
    checkout from before the filter has no such setting and is only ever run with the default)."""
    from summarizer.config import EngineConfig

    return EngineConfig(position_filter=True) if position_filter else EngineConfig()


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def measure(
    show_errors: bool, splits: tuple[str, ...] = SPLITS, position_filter: bool = False, part: str = "*"
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for split in splits:
        rows, problems = load_split(split, part)
        if not rows:
            raise SystemExit(f"no {split} articles in {CORPUS}/{split}.{part}.jsonl")
        out[split] = evaluate(rows, show_errors and split == "dev", position_filter)
        out[split]["unparsable_lines"] = problems
    return out


def _engine_commit(tree: Path) -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=tree, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def _print(label: str, result: dict[str, Any]) -> None:
    for split in SPLITS:
        if split not in result:
            continue
        r = result[split]
        recall = r["recall"]
        print(
            f"{label:9} {split:4} n={r['articles']:3} named={r['gold_named']['all']:4}  recall "
            + " ".join(f"{k} {_fmt(recall[k])}" for k in (*KINDS, "all"))
            + f"  precision {_fmt(r['precision'])} (speaker {_fmt(r['speaker_precision'])})"
            f"  roles {_fmt(r['roles'])}  junk {r['junk_top10']}"
            f"  cpu/article {r['cpu_s_per_article']['mean']} s (1500+ words max "
            f"{r['cpu_s_per_article'][f'max_{LONG_WORDS}_plus_words']} s)"
        )


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _verdicts(test: dict[str, Any]) -> dict[str, bool | None]:
    values = {f"recall_{k}": test["recall"][k] for k in (*KINDS, "all")}
    values |= {"precision": test["precision"], "roles": test["roles"]}
    verdicts: dict[str, bool | None] = {k: None if v is None else v >= TARGETS[k] for k, v in values.items()}
    verdicts["junk"] = test["junk_top10"] <= TARGETS["junk"]
    return verdicts


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; `--errors` is for the dev split only (alone, it measures dev only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine-tree", type=Path, default=ROOT, help="checkout whose summarizer to measure")
    parser.add_argument(
        "--baseline-tree", type=Path, help="also measure this checkout (e.g. the baseline commit)"
    )
    parser.add_argument(
        "--errors",
        action="store_true",
        help="print dev-split misses and false positives (dev only: refused with --split test)",
    )
    parser.add_argument(
        "--split",
        choices=SPLITS,
        action="append",
        help="measure only this split (repeatable; default both) - tune with --split dev",
    )
    parser.add_argument(
        "--part",
        default="*",
        help="only the corpus file {split}.PART.jsonl (e.g. d: a file added after the rules it measures)",
    )
    parser.add_argument(
        "--position-filter",
        action="store_true",
        help="measure the engine with the learned position filter on (EngineConfig.position_filter)",
    )
    parser.add_argument("--json-only", action="store_true", help=argparse.SUPPRESS)  # the baseline subprocess
    args = parser.parse_args(argv)
    if args.errors and "test" in (args.split or ()):
        parser.error(
            "--errors lists dev errors only: the test split is for reporting, and its errors are never "
            "looked at (tune with --split dev --errors, report with --split test)"
        )
    if args.errors and not args.split:
        args.split = ["dev"]
    return args


def main() -> None:
    args = parse_args()
    splits = tuple(args.split or SPLITS)
    sys.path.insert(0, str(args.engine_tree.resolve()))
    result = measure(args.errors, splits, args.position_filter, args.part)
    result["part"] = args.part
    result["engine_commit"] = _engine_commit(args.engine_tree)
    result["position_filter"] = args.position_filter
    if args.json_only:
        print(json.dumps(result))
        return
    payload: dict[str, Any] = {"new": result}
    if args.baseline_tree:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--engine-tree",
                str(args.baseline_tree),
                "--json-only",
                f"--part={args.part}",
                *(f"--split={split}" for split in splits),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        payload["baseline"] = json.loads(done.stdout.strip().splitlines()[-1])
        _print(f"baseline {payload['baseline']['engine_commit']}", payload["baseline"])
    _print(f"new {result['engine_commit']}{'+filter' if args.position_filter else ''}", result)
    payload["targets"] = TARGETS
    if "test" in result:
        payload["test_verdicts"] = _verdicts(result["test"])
        print(
            "targets on test:",
            ", ".join(
                f"{k} {'met' if v else 'MISSED' if v is False else 'n/a'}"
                for k, v in payload["test_verdicts"].items()
            ),
        )
    if args.errors and "dev" in result:
        errors = result["dev"].pop("errors")
        for section, items in errors.items():
            print(f"\n== dev {section} ({len(items)})")
            for item in items:
                print(" ", item)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import write_results

    print(f"wrote {write_results('attribution', payload)}")


if __name__ == "__main__":
    main()
