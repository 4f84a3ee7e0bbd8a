"""What one brief costs as the input grows: seconds and peak memory against characters.

Every point runs in a fresh process (so its peak RSS is its own) with torch on 2 threads: the models
load and brief one short article first (as in a running worker), then the clock runs over reading
the text and briefing it (segmentation, actors, positions, extractive summary). Two shapes of
input, both under the 200,000-character limit:

- news: CNN/DailyMail articles from tests/data, one after another until the size is reached;
- run-on: the same words in lower case with every punctuation mark removed (one endless sentence),
  with a full sentence at each end - the input that made the cost grow with the square of its length.

`--baseline-root PATH` runs the same points against another checkout (e.g. the main branch before
the cost model) in the same run, each with `--timeout` seconds. The log-log slope between the
smallest and the largest point is the growth exponent: 1.0 is linear, 2.0 quadratic.

    python bench/cost.py [--sizes 10000,50000,100000,190000] [--baseline-root ../main]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "cnndm-slice.jsonl"
BUDGET_S = 30.0  # the pool's default job budget: any accepted input is briefed or refused within it
PEAK_RSS_LIMIT_MB = 1536
KINDS = ("news", "run-on")
_PUNCTUATION = re.compile(r"[^\w\s]")


def build_text(kind: str, size: int) -> str:
    articles = [json.loads(line)["article"] for line in DATA.read_text(encoding="utf-8").splitlines()]
    body = "\n\n".join(articles)
    if kind == "run-on":
        body = " ".join(_PUNCTUATION.sub(" ", body).lower().split())  # no capital to start a sentence
        first, last = "The council met on Monday to discuss the budget. ", " Opponents said it cut too deep."
        filler = size - len(first) - len(last)
        return first + (body * (filler // len(body) + 1))[:filler] + last
    return (body * (size // len(body) + 1))[:size]


def measure(kind: str, size: int) -> dict[str, Any]:
    """In the child process: load the models, then time one brief of the text."""
    import resource

    import torch

    from summarizer import sources
    from summarizer.pipeline import Engine

    torch.set_num_threads(2)
    engine = Engine()
    engine.warm_up()
    engine.brief_article(sources.load_text(build_text("news", 3_000), engine.config))  # first-call costs
    text = build_text(kind, size)
    started = time.perf_counter()
    article = sources.load_text(text, engine.config)
    briefing = engine.brief_article(article)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "sentences": len(briefing.sentences),
        "positions": len(briefing.positions),
        "longest_sentence_chars": max(len(s.text) for s in briefing.sentences),
    }


def run_point(root: Path, kind: str, size: int, timeout_s: float) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(root), "TRANSFORMERS_VERBOSITY": "error"}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(size)]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        return {"kind": kind, "chars": size, "timed_out_after_s": timeout_s}
    if done.returncode != 0:
        return {"kind": kind, "chars": size, "error": done.stderr.strip().splitlines()[-1:]}
    point = json.loads(done.stdout.strip().splitlines()[-1])
    point["process_s"] = round(time.perf_counter() - started, 1)
    return {"kind": kind, "chars": size, **point}


def growth_exponent(points: list[dict[str, Any]]) -> float | None:
    timed = [p for p in points if "seconds" in p]
    if len(timed) < 2:
        return None
    small, large = timed[0], timed[-1]
    return round(math.log(large["seconds"] / small["seconds"]) / math.log(large["chars"] / small["chars"]), 2)


def curve(root: Path, sizes: list[int], kinds: list[str], timeout_s: float, label: str) -> dict[str, Any]:
    result: dict[str, Any] = {"root": str(root), "commit": _commit(root)}
    for kind in kinds:
        points = []
        for size in sizes:
            point = run_point(root, kind, size, timeout_s)
            points.append(point)
            print(f"{label:<9} {_row(point)}", flush=True)
        result[kind] = {"points": points, "growth_exponent": growth_exponent(points)}
    return result


def _row(point: dict[str, Any]) -> str:
    head = f"{point['kind']:<7} {point['chars']:>8,} chars"
    if "timed_out_after_s" in point:
        return f"{head}  over {point['timed_out_after_s']:.0f} s (stopped)"
    if "error" in point:
        return f"{head}  error: {point['error']}"
    verdict = "ok" if point["seconds"] <= BUDGET_S and point["peak_rss_mb"] <= PEAK_RSS_LIMIT_MB else "OVER"
    return (
        f"{head}  {point['seconds']:7.2f} s  peak {point['peak_rss_mb']:5d} MB  "
        f"{point['sentences']:5d} sentences  {point['positions']:5d} positions  "
        f"longest {point['longest_sentence_chars']:6,} chars  {verdict}"
    )


def _commit(root: Path) -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
    return done.stdout.strip() or "(not a git checkout)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000,190000", help="characters, comma-separated")
    parser.add_argument("--baseline-root", type=Path, help="another checkout to measure in the same run")
    parser.add_argument("--baseline-sizes", default="10000,50000", help="sizes for the baseline")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per point before it is stopped")
    parser.add_argument("--kinds", default=",".join(KINDS), help="news, run-on or both (comma-separated)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "CHARS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]))))
        return

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import write_results

    sizes = [int(size) for size in args.sizes.split(",")]
    kinds = args.kinds.split(",")
    payload: dict[str, Any] = {
        "budget_s": BUDGET_S,
        "peak_rss_limit_mb": PEAK_RSS_LIMIT_MB,
        "torch_threads": 2,
        "load_average_at_start": os.getloadavg(),
        "this": curve(ROOT, sizes, kinds, args.timeout, "this"),
    }
    if args.baseline_root is not None:
        baseline_sizes = [int(size) for size in args.baseline_sizes.split(",")]
        baseline = args.baseline_root.resolve()
        payload["baseline"] = curve(baseline, baseline_sizes, kinds, args.timeout, "baseline")
    payload["load_average_at_end"] = os.getloadavg()
    print(f"wrote {write_results('cost', payload)}")


if __name__ == "__main__":
    main()
