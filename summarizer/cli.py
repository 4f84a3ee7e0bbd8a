"""The offline command line: `briefbot brief PATH|URL|- ...` (also `python -m summarizer ...`) and
`briefbot digest PATH|URL ...`."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO, TextIO

from summarizer import sources
from summarizer.cleaning import printable
from summarizer.config import EngineConfig
from summarizer.errors import BriefError, ModelUnavailable
from summarizer.models import Article, Briefing

if TYPE_CHECKING:
    from summarizer.pipeline import Engine

WIDTH = 88
MAX_DIGEST_SENTENCES = 5


def add_brief_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="PATH|URL|-",
        help="a file (.txt, .md, .html), an http(s) link, or - for stdin",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per input, one per line")
    parser.add_argument("-n", "--sentences", type=int, default=None, help="summary length in sentences")
    parser.add_argument("--method", choices=["extractive", "abstractive"], default="extractive")
    parser.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="fetch links that resolve to local or private addresses (for testing)",
    )


def run_brief(
    args: argparse.Namespace, config: EngineConfig, stdout: TextIO = sys.stdout, stdin: BinaryIO | None = None
) -> int:
    """Brief every input in order; a failed input is reported and the rest still run.

    Every input is read (and every link fetched) before the models load: bad input is reported in
    a moment, and the models (seconds, hundreds of MB) load only when something is left to brief.
    """
    if args.allow_private_addresses:
        config = config.model_copy(deep=True)
        config.fetch.allow_private_addresses = True
    if args.sentences is not None and args.sentences < 1:
        print("error: --sentences must be at least 1", file=sys.stderr)
        return 2
    loaded = [_load_one(spec, config, stdin) for spec in args.inputs]
    engine = _engine(config) if any(isinstance(item, tuple) for item in loaded) else None
    failures = 0
    for spec, item in zip(args.inputs, loaded, strict=True):
        try:
            if isinstance(item, BriefError):
                raise item
            assert engine is not None
            article, fetch_ms = item
            briefing, note = _brief_one(engine, article, spec, args.sentences, args.method, fetch_ms)
        except BriefError as err:
            failures += 1
            _report_error(spec, err, as_json=args.json, stdout=stdout)
            continue
        if args.json:
            record = briefing.to_dict()
            if note:
                record["fallback"] = note
            print(json.dumps(record, ensure_ascii=False), file=stdout, flush=True)
        else:
            if note:
                print(f"note: {note}", file=sys.stderr)
            print(render_text(briefing), file=stdout, flush=True)
    return 1 if failures else 0


def add_digest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="+", metavar="PATH|URL", help="articles: files (.txt, .md, .html) or http(s) links"
    )
    parser.add_argument("--json", action="store_true", help="the digest as one JSON object")
    parser.add_argument(
        "-t",
        "--topic",
        action="append",
        default=[],
        help="only stories matching this topic (repeat for several; a story needs to match one)",
    )
    parser.add_argument("--limit", type=int, default=10, help="at most this many stories (default: 10)")
    parser.add_argument(
        "-n", "--sentences", type=int, default=3, help="summary sentences per story (1-5, default 3)"
    )
    parser.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="fetch links that resolve to local or private addresses (for testing)",
    )


def run_digest(args: argparse.Namespace, config: EngineConfig, stdout: TextIO = sys.stdout) -> int:
    """Brief every input, group the briefs into stories one at a time, print the ranked digest.

    A failed input is reported on stderr and left out; the digest is still printed from the rest.
    """
    # Stories and digests need numpy, spaCy's word lists and torch: loaded only for a digest, so that
    # `briefbot run` and `briefbot brief` start without them.
    from summarizer.digest import build_digest, rank_stories, render_digest
    from summarizer.stories import InMemoryStoryIndex, StoryGrouper
    from summarizer.story_signature import signature_of

    if not 1 <= args.sentences <= MAX_DIGEST_SENTENCES:
        print(f"error: --sentences must be between 1 and {MAX_DIGEST_SENTENCES}", file=sys.stderr)
        return 2
    if args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return 2
    if args.allow_private_addresses:
        config = config.model_copy(deep=True)
        config.fetch.allow_private_addresses = True
    loaded = [_load_one(spec, config, None) for spec in args.inputs]
    engine = _engine(config) if any(isinstance(item, tuple) for item in loaded) else None
    grouper = StoryGrouper(InMemoryStoryIndex())
    briefings: list[Briefing] = []
    story_of: list[int] = []  # per briefing (a later brief may take an earlier one to its story)
    failures = 0
    for spec, item in zip(args.inputs, loaded, strict=True):
        try:
            if isinstance(item, BriefError):
                raise item
            assert engine is not None  # made whenever an input loaded
            briefing, _ = _brief_one(engine, item[0], spec, None, "extractive", item[1])
        except BriefError as err:
            failures += 1
            print(f"error: {spec}: {err}", file=sys.stderr, flush=True)
            continue
        placement = grouper.add(signature_of(briefing, engine.encoder), len(briefings))
        briefings.append(briefing)
        story_of.append(placement.story_id)
        for moved in placement.moved:
            story_of[moved] = placement.story_id
    stories: dict[int, list[Briefing]] = {}
    for briefing, story_id in zip(briefings, story_of, strict=True):
        stories.setdefault(story_id, []).append(briefing)
    if engine is None:  # no input could be read (each one's error is on stderr): an empty digest
        digest = rank_stories([], topics=args.topic, limit=args.limit)
    else:
        digest = build_digest(
            list(stories.values()),
            engine.encoder,
            topics=args.topic,
            limit=args.limit,
            sentences=args.sentences,
        )
    if args.json:
        record = digest.to_dict()
        record["failed_inputs"] = failures
        print(json.dumps(record, ensure_ascii=False), file=stdout, flush=True)
    else:
        print(render_digest(digest), file=stdout, end="", flush=True)
    return 1 if failures else 0


def _load_one(spec: str, config: EngineConfig, stdin: BinaryIO | None) -> tuple[Article, int] | BriefError:
    """The article and how long reading it took (ms), or why it cannot be briefed."""
    started = time.perf_counter()
    try:
        if spec == "-":
            article = sources.load_text_bytes((stdin or sys.stdin.buffer).read(), config, source="-")
        else:
            article = sources.load(spec, config)
    except BriefError as err:
        return err
    return article, round((time.perf_counter() - started) * 1000)


def _engine(config: EngineConfig) -> Engine:
    from summarizer.pipeline import Engine  # torch and spaCy: only once there is something to brief

    return Engine(config)


def _brief_one(
    engine: Engine, article: Article, spec: str, sentences: int | None, method: str, fetch_ms: int
) -> tuple[Briefing, str]:
    note = ""
    try:
        briefing = engine.brief_article(
            article,
            sentences=sentences,
            method=method,  # type: ignore[arg-type]
            timings={"fetch": fetch_ms},
        )
    except ModelUnavailable as err:
        if method != "abstractive":
            raise
        note = str(err)
        briefing = engine.brief_article(
            article, sentences=sentences, method="extractive", timings={"fetch": fetch_ms}
        )
    briefing.input = printable(spec)
    return briefing, note


def _report_error(spec: str, err: BriefError, *, as_json: bool, stdout: TextIO) -> None:
    spec = printable(spec)  # a file name that is not valid UTF-8 arrives with surrogates
    if as_json:
        payload = {"input": spec, "error": {"code": err.code, "message": str(err)}}
        print(json.dumps(payload, ensure_ascii=False), file=stdout, flush=True)
    print(f"error: {spec}: {err}", file=sys.stderr, flush=True)


def render_text(briefing: Briefing) -> str:
    """A briefing as plain text for a terminal."""
    art = briefing.article
    lines: list[str] = []
    title = art.title or "(untitled)"
    lines += [title, "=" * min(len(title), WIDTH)]
    meta = [m for m in (art.byline, art.date, art.source if art.source_kind != "text" else "") if m]
    if meta:
        lines.append(" · ".join(meta))
    for warning in briefing.warnings:
        lines.append(f"! {warning}")
    lines += ["", f"Summary ({briefing.summary.method})"]
    for s in briefing.summary.sentences:
        cite = f"[{s.index}] " if s.index >= 0 else ""
        lines.append(_wrap(f"- {cite}{s.text}", indent="  "))
    for note in briefing.summary.notes:
        lines.append(f"  ({note})")
    if briefing.actors:
        lines += ["", "Key actors"]
        for actor in briefing.actors:
            role = f", {actor.role}" if actor.role else ""
            aliases = f" (also: {', '.join(actor.aliases)})" if actor.aliases else ""
            lines.append(
                _wrap(f"- {actor.name}{role} [{actor.kind}, {actor.mentions}×]{aliases}", indent="  ")
            )
    if briefing.positions:
        lines += ["", "Stated positions"]
        for p in briefing.positions:
            said = f"“{p.text}”" if p.kind == "direct" else p.text
            lines.append(_wrap(f"- {p.actor} ({p.cue}, sentence {p.sentence}): {said}", indent="  "))
    timings = ", ".join(f"{k} {v} ms" for k, v in briefing.timings_ms.items())
    lines += ["", f"({timings})"]
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=WIDTH, subsequent_indent=indent)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m summarizer", description="Brief news articles offline.")
    add_brief_arguments(parser)
    args = parser.parse_args(argv)
    return run_brief(args, EngineConfig())
