"""The offline CLI: files, stdin, links from a local server, JSON lines, and per-input errors."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from http_server import LocalServer, send
from story_articles import story_article

from summarizer.cli import add_brief_arguments, add_digest_arguments, render_text, run_brief, run_digest
from summarizer.config import EngineConfig
from summarizer.pipeline import Engine

pytestmark = pytest.mark.slow  # the real engine: torch, MiniLM and spaCy

ROOT = Path(__file__).resolve().parents[2]

PAGE = """<!doctype html><html><head><title>Kremlin rejects ceasefire plan | World News</title>
<meta name="author" content="Anna Petrova"><meta property="article:published_time" content="2025-03-04">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a> Subscribe now</nav>
<article><h1>Kremlin rejects ceasefire plan</h1>
<p>The Kremlin on Tuesday rejected a European proposal for a 30-day ceasefire, saying the plan
ignored what it called the realities on the ground.</p>
<p>"This plan is unacceptable in its current form," Kremlin spokesperson Dmitry Peskov told reporters
in Moscow. He said Russia was still open to talks but would not accept conditions set in Brussels.</p>
<p>The European Union's foreign policy chief, Kaja Kallas, said the bloc would keep up its pressure.
"We are not going to reward aggression," she said.</p>
<p>According to diplomats in Brussels, the proposal had been drafted by France and Germany over several
weeks and was presented to Moscow through intermediaries last Friday.</p>
<p>Ukraine's president, Volodymyr Zelensky, urged Western allies to increase military aid, warning that
a pause without guarantees would only let Russia regroup.</p>
</article><footer>Copyright 2025 World News. All rights reserved. Cookie settings.</footer></body></html>"""


@pytest.fixture(scope="module")
def site() -> Iterator[LocalServer]:
    def page(handler: object) -> None:
        send(handler, 200, PAGE.encode(), content_type="text/html; charset=utf-8")

    with LocalServer({"/world/kremlin": page}) as server:
        yield server


@pytest.fixture(scope="module")
def article_file(tmp_path_factory: pytest.TempPathFactory, articles: dict[str, str]) -> Path:
    path = tmp_path_factory.mktemp("cli") / "spokesperson.txt"
    path.write_text(next(iter(articles.values())), encoding="utf-8")
    return path


def _run(argv: list[str], *, allow_private: bool = True) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    add_brief_arguments(parser)
    args = parser.parse_args(argv)
    out = io.StringIO()
    config = EngineConfig()
    config.fetch.allow_private_addresses = allow_private
    return run_brief(args, config, stdout=out), out.getvalue()


def test_json_line_per_input_in_order_with_errors_in_place(site: LocalServer, article_file: Path) -> None:
    code, out = _run(["--json", str(article_file), "missing-file.txt", site.url("/world/kremlin")])
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1  # one input failed
    assert [line["input"] for line in lines] == [
        str(article_file),
        "missing-file.txt",
        site.url("/world/kremlin"),
    ]
    assert lines[0]["source"] == {"kind": "file", "path": str(article_file)}
    assert lines[1]["error"]["code"] == "empty" and "not found" in lines[1]["error"]["message"]
    web = lines[2]
    assert web["source"] == {"kind": "url", "url": site.url("/world/kremlin")}
    assert web["title"] == "Kremlin rejects ceasefire plan"
    assert "Subscribe" not in json.dumps(web["summary"])
    assert len(web["summary"]["sentences"]) == 3
    assert all(isinstance(s["index"], int) and s["index"] >= 0 for s in web["summary"]["sentences"])
    assert set(web["timings_ms"]) >= {"fetch", "nlp", "summary", "total"}
    peskov = next(a for a in web["actors"] if a["name"] == "Dmitry Peskov")
    assert peskov["kind"] == "person" and peskov["role"] == "Kremlin spokesperson"
    quote = next(p for p in web["positions"] if p["actor"] == "Dmitry Peskov" and p["kind"] == "direct")
    assert quote["text"].startswith("This plan is unacceptable") and quote["cue"] == "told reporters"


def test_private_links_refused_unless_allowed(site: LocalServer) -> None:
    code, out = _run(["--json", site.url("/world/kremlin")], allow_private=False)
    assert code == 1
    assert json.loads(out)["error"]["code"] == "blocked"


def test_sentences_option_and_readable_text(article_file: Path) -> None:
    code, out = _run(["-n", "2", str(article_file)])
    assert code == 0
    assert "Summary (extractive)" in out and "Key actors" in out and "Stated positions" in out
    assert out.count("\n- [") == 2  # two cited summary sentences


def test_abstractive_without_model_falls_back_with_note(article_file: Path) -> None:
    code, out = _run(["--json", "--method", "abstractive", str(article_file)])
    record = json.loads(out)
    assert code == 0
    assert record["summary"]["method"] == "extractive"
    assert "need a model" in record["fallback"]


def test_render_text_shows_warning_for_non_english() -> None:
    text = (
        "Le gouvernement français a annoncé mardi une réforme des retraites. "
        "Le Premier ministre a déclaré que la réforme était nécessaire pour l'équilibre des comptes. "
        "Les syndicats ont appelé à une grève nationale la semaine prochaine. "
        "Selon les sondages, une majorité de Français s'oppose au projet du gouvernement."
    )
    briefing = Engine().brief(text)
    assert briefing.article.language == "fr"
    assert "not in English" in render_text(briefing)
    assert briefing.summary.sentences  # the summary still works


def test_console_script_reads_stdin_and_reports_bad_input() -> None:
    """The real `briefbot brief -` process: stdin text, a failure, and the exit code."""
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "brief", "--json", "-", "ftp://example.com/x"],
        input="   \n  ",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 1
    assert [line["error"]["code"] for line in lines] == ["empty", "unsupported"]
    assert "error: -:" in proc.stderr


# `briefbot digest`: the story test articles as Markdown files with front matter (title and date),
# one file per outlet, plus one served page.


@pytest.fixture(scope="module")
def story_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("digest")
    paths = {}
    for name in ("aceh-wire", "papua-wire", "bank", "aceh-local"):
        article = story_article(name)
        path = folder / f"{name}.md"
        path.write_text(
            f"---\ntitle: {article.title}\ndate: {article.date}\n---\n\n{article.text}\n", "utf-8"
        )
        paths[name] = path
    return paths


def _digest(argv: list[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    add_digest_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = run_digest(parser.parse_args(argv), EngineConfig(), stdout=out)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
def test_digest_json_groups_outlets_and_reports_bad_inputs(story_files: dict[str, Path]) -> None:
    inputs = [str(story_files[name]) for name in ("aceh-wire", "papua-wire", "bank", "aceh-local")]
    code, out, err = _digest(["--json", *inputs[:2], "missing.md", *inputs[2:]])
    assert code == 1 and "error: missing.md:" in err  # one input failed, the digest still came
    digest = json.loads(out)
    assert digest["failed_inputs"] == 1
    stories = {s["title"]: s for s in digest["stories"]}
    assert len(stories) == 3
    aceh = stories["Quake kills five in Indonesia's Aceh"]
    assert aceh["outlets"] == ["aceh-wire.md", "aceh-local.md"]
    # Two outlets rank it above the 2009 quake; the bank story is ten days newer, so it leads.
    assert [s["title"] for s in digest["stories"]] == [
        "JPMorgan posts record profit",
        "Quake kills five in Indonesia's Aceh",
        "Strong quake kills four in West Papua",
    ]
    assert [a["link"] for a in aceh["articles"]] == inputs[0:1] + inputs[3:4]
    assert 1 <= len(aceh["summary"]) <= 3
    assert any(a["name"] == "Sutopo Purwo Nugroho" and len(a["statements"]) >= 2 for a in aceh["actors"])


@pytest.mark.slow
def test_digest_text_with_topic_and_options(story_files: dict[str, Path]) -> None:
    inputs = [str(p) for p in story_files.values()]
    code, out, _ = _digest(["--topic", "earthquake", "-n", "2", "--limit", "1", *inputs])
    assert code == 0
    assert out.startswith("Digest: 1 story for earthquake")
    assert "2 outlets: aceh-wire.md, aceh-local.md" in out and "JPMorgan" not in out
    assert out.count("\n   - ") <= 2


def test_digest_option_errors_are_polite() -> None:
    assert _digest(["-n", "9", "a.md"])[0] == 2
    code, _, err = _digest(["--limit", "0", "a.md"])
    assert code == 2 and "--limit must be at least 1" in err


def test_console_script_digest_of_unreadable_inputs() -> None:
    """The real `briefbot digest` process: every input fails, the digest is empty, the exit code says so."""
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "digest", "missing.md", "ftp://example.com/x"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 1
    assert proc.stdout == "No stories.\n"
    assert "error: missing.md:" in proc.stderr and "error: ftp://example.com/x:" in proc.stderr


def test_stdin_with_invalid_utf8_is_read_like_a_file_with_the_same_bytes(
    tmp_path: Path, articles: dict[str, str]
) -> None:
    text = next(iter(articles.values()))
    data = text.encode("utf-8").replace(b" ", b" \xff", 3)  # stray bytes no encoder produced
    same_bytes = tmp_path / "same.txt"
    same_bytes.write_bytes(data)
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "brief", "--json", "-", str(same_bytes)],
        input=data,
        capture_output=True,
        cwd=ROOT,
        timeout=300,
    )
    from_stdin, from_file = (json.loads(line) for line in proc.stdout.decode().splitlines())
    assert proc.returncode == 0, proc.stderr.decode()
    assert from_stdin["input"] == "-" and "error" not in from_stdin
    assert from_stdin["summary"] == from_file["summary"]


def test_inputs_are_checked_before_the_models_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_models(config: EngineConfig) -> Engine:
        raise AssertionError("the models were loaded for inputs that all fail")

    monkeypatch.setattr("summarizer.cli._engine", no_models)
    code, out = _run(["--json", "missing.txt", "ftp://example.com/x"])
    assert code == 1
    assert [json.loads(line)["error"]["code"] for line in out.splitlines()] == ["empty", "unsupported"]


def test_the_command_line_imports_no_model_library() -> None:
    """`briefbot run` and `briefbot brief` start without torch or spaCy in the main process."""
    check = (
        "import sys, bot.cli; "
        "sys.exit(' '.join(sorted({'torch', 'spacy', 'transformers'} & set(sys.modules))) or None)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
