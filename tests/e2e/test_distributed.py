"""The distributed mode end to end: `briefbot bot` (no NLP of its own) and `briefbot worker` as real
processes on PostgreSQL, against the fake Discord: a /brief and a follow-up question go through the
job queue, and the bot process never loads torch or spaCy; two outlets' reports of one event share a
story and `/digest now` briefs it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from e2e.harness import BASE_ENV, REPO_ROOT, SCRUBBED_PREFIXES, BotProcess
from e2e.news_articles import METHANE, html_page
from fake_discord import FakeDiscord, Message
from postgres_cluster import PostgresCluster
from story_articles import STORIES, unwrap

# The worker loads the models after it starts: on a loaded 2-core machine that has taken minutes.
BRIEF_TIMEOUT = 600
NLP_LIBRARIES = ("libtorch", "/torch/", "/spacy/", "/thinc/", "/transformers/")


@pytest.fixture(scope="module")
def database_url(postgres_cluster: PostgresCluster) -> str:
    return postgres_cluster.new_database("e2e_distributed")


@pytest.fixture(scope="module")
def worker(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen[bytes]]:
    """`briefbot worker`, started before the bot so its models load meanwhile; stopped by SIGTERM."""
    workdir = tmp_path_factory.mktemp("worker")
    with open(workdir / "worker.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "worker"],
            cwd=workdir,
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES)},
                **BASE_ENV,
                "BRIEFBOT_DATABASE_URL": database_url,
                "PYTHONPATH": str(REPO_ROOT),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    yield process
    process.send_signal(signal.SIGTERM)
    exit_code = process.wait(timeout=30)
    assert exit_code == 0, (workdir / "worker.log").read_text(errors="replace")[-3000:]


@pytest.fixture(scope="module")
def bot(
    fake_discord: FakeDiscord,
    database_url: str,
    worker: subprocess.Popen[bytes],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[BotProcess]:
    process = BotProcess(
        fake_discord,
        tmp_path_factory.mktemp("bot"),
        env={"BRIEFBOT_DATABASE_URL": database_url, "BRIEFBOT_USER_COOLDOWN_S": "0"},
        command=(sys.executable, "-m", "bot.cli", "bot"),
    ).start()
    try:
        yield process
    finally:
        exit_code = process.stop()
    assert exit_code == 0, process.log_tail()


def has_embeds(message: Message) -> bool:
    return bool(message.embeds)


def mapped_files(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def nlp_in(pid: int) -> list[str]:
    maps = mapped_files(pid)
    return [library for library in NLP_LIBRARIES if library in maps]


async def test_a_brief_and_a_question_are_answered_by_the_worker(
    fake_discord: FakeDiscord, bot: BotProcess, worker: subprocess.Popen[bytes]
) -> None:
    handle = await fake_discord.slash("brief", {"text": METHANE}, user="alice")
    message = await fake_discord.interaction_response(handle, until=has_embeds, timeout=BRIEF_TIMEOUT)
    match = re.match(r"^Brief #(\d+) ", message.embeds[0]["footer"]["text"])
    assert match, message.embeds[0]["footer"]
    assert "methane" in str(message.embeds[0]).lower()

    question = {"question": "What did the ministers agree?", "brief": int(match.group(1))}
    handle = await fake_discord.slash("ask", question, user="alice")
    answer = await fake_discord.interaction_response(handle, until=has_embeds, timeout=300)
    assert answer.embeds[0]["footer"]["text"].startswith(f"Brief #{match.group(1)} · ")

    assert bot.process is not None
    assert nlp_in(bot.process.pid) == []  # the bot process never loaded an NLP library
    worker_processes = psutil.Process(worker.pid).children(recursive=True)
    assert any("libtorch" in nlp_in(child.pid) for child in worker_processes)  # the check sees them


async def test_two_outlets_share_a_story_and_a_digest_lists_it(
    fake_discord: FakeDiscord, bot: BotProcess, worker: subprocess.Popen[bytes]
) -> None:
    messages = []
    for name in ("aceh-wire", "aceh-local"):
        _, title, text = STORIES[name]
        url = fake_discord.serve(f"{name}.html", html_page(title, unwrap(text)))
        handle = await fake_discord.slash("brief", {"url": url}, user="alice")
        messages.append(
            await fake_discord.interaction_response(handle, until=has_embeds, timeout=BRIEF_TIMEOUT)
        )
    number = re.match(r"^Brief #(\d+) ", messages[1].embeds[0]["footer"]["text"]).group(1)
    assert f"bb:story:{number}" in [b["custom_id"] for b in messages[1].buttons]  # "Other coverage"

    handle = await fake_discord.slash("digest now", {}, user="mod")
    digest = await fake_discord.interaction_response(handle, until=has_embeds, timeout=120)
    entry = next(e for e in digest.embeds if "Aceh" in e.get("title", ""))
    coverage = next(f["value"] for f in entry["fields"] if f["name"].startswith("Coverage"))
    assert "Quake kills five in Indonesia's Aceh" in coverage
    assert "Five dead as earthquake shakes Central Aceh" in coverage
    assert "Sutopo" in str(entry["fields"])  # the story's key actor with what he said
