"""`briefbot worker` as a real process with the real models, briefing through the job queue; and the
distributed commands' refusal to start without PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_cluster import PostgresCluster

from bot.cli import main
from service.jobs import JobPool
from service.worker import answer_task, signed_brief_task
from storage.packing import pack_briefing
from summarizer import sources
from summarizer.config import EngineConfig

REPO_ROOT = Path(__file__).resolve().parents[2]
CNNDM = REPO_ROOT / "tests" / "data" / "cnndm-slice.jsonl"


@pytest.mark.parametrize("command", ["bot", "worker", "poller"])
def test_the_distributed_commands_need_a_postgresql_url(
    command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env, no settings file
    monkeypatch.delenv("BRIEFBOT_DATABASE_URL", raising=False)
    assert main([command]) == 2
    error = capsys.readouterr().err
    assert f"`briefbot {command}` belongs to the distributed mode" in error
    assert "BRIEFBOT_DATABASE_URL=postgresql://" in error


def test_concurrency_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["worker", "--concurrency", "0"])
    assert "must be 1 or more" in capsys.readouterr().err


@pytest.fixture
def worker_process(
    postgres_cluster: PostgresCluster, tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    dsn = postgres_cluster.new_database("worker_process")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")},
        "BRIEFBOT_DATABASE_URL": dsn,
        "BRIEFBOT_CONFIG": str(REPO_ROOT / "config" / "settings.toml"),
        "BRIEFBOT_JOB_BUDGET_S": "300",  # a loaded test machine must not trip the production budget
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    with open(tmp_path / "worker.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "worker"],
            cwd=tmp_path,
            env={**env, "PYTHONPATH": str(REPO_ROOT)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield dsn, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        print((tmp_path / "worker.log").read_text(errors="replace")[-3000:])


@pytest.mark.slow
async def test_a_worker_process_briefs_an_article_queued_by_a_job_pool(
    worker_process: tuple[str, subprocess.Popen[bytes]],
) -> None:
    dsn, process = worker_process
    text = json.loads(CNNDM.read_text(encoding="utf-8").splitlines()[0])["article"]
    article = sources.load_text(text, EngineConfig())
    pool = await JobPool.open(dsn, budget_s=300.0, wait_s=120.0)  # the first job waits for the models
    try:
        briefing, note, signature, packed = await pool.run(signed_brief_task, article, 3, "extractive")
        assert note == ""
        assert briefing.article.content_hash == article.content_hash
        assert briefing.article.title  # made by the worker's engine from the lead
        assert len(briefing.summary.sentences) == 3
        assert briefing.actors and briefing.sentence_vectors is not None
        assert signature.vector.shape == (384,)  # MiniLM, through the restricted unpickler
        assert packed == pack_briefing(briefing)  # packed by the worker, as the store would have
        question = "Who will be confirmed as manager?"
        answer = await pool.run(answer_task, briefing, question)
        assert answer.question == question and answer.text
    finally:
        await pool.close()
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert time.monotonic() - started < 15
