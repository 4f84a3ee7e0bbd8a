"""What both benchmarks share: the reference data, the abstractive model option, the results folder."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any, get_args

from summarizer.config import Precision
from summarizer.models import Article

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cnndm-test250.jsonl"
RESULTS = Path(__file__).resolve().parent / "results"
ABSTRACTIVE_ENV = "BRIEFBOT_BENCH_ABSTRACTIVE_MODEL"


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="CNN/DM JSON lines (default: %(default)s)"
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles (0 = all)")
    parser.add_argument(
        "--abstractive-model",
        default=os.environ.get(ABSTRACTIVE_ENV, ""),
        help=f"seq2seq model folder or cached id to also run the abstractive method (env {ABSTRACTIVE_ENV})",
    )
    parser.add_argument(
        "--embedding-precision",
        choices=get_args(Precision),
        default="auto",
        help="how the sentence encoder computes (the engine's embedding_precision; default auto)",
    )


def load_rows(path: Path, limit: int = 0) -> list[dict[str, Any]]:
    if not path.exists():
        raise SystemExit(f"benchmark data not found: {path} (use --data)")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit > 0 else rows


def as_article(row: dict[str, Any]) -> Article:
    return Article(text=row["article"], source_kind="url", source=row["url"], language="en")


def write_results(name: str, payload: dict[str, Any]) -> Path:
    """bench/results/<name>.json, stamped with when and where it was measured."""
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        **payload,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path
