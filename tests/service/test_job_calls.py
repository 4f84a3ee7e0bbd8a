"""What may cross the job queue: the allow-list of tasks and the pickles read back by an unpickler
that builds only our dataclasses, our errors, builtin containers and numpy arrays."""

from __future__ import annotations

import os
import pickle
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import psycopg
import pytest

from service.errors import Busy, JobTimedOut, PoolClosed, WorkerCrashed
from service.jobs.calls import TaskAllowList, UnknownTask, dumps, loads, portable_error
from service.worker import brief_task, match_task
from summarizer import sources
from summarizer.errors import EmptyInput
from summarizer.models import Article, Briefing, Summary, SummarySentence
from summarizer.story_signature import ArticleRef, StorySignature


class _Reduces:
    """A payload that would call `target(*args)` when unpickled by a plain unpickler."""

    def __init__(self, target: object, *args: object) -> None:
        self._call = (target, args)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self._call


def test_only_listed_tasks_are_named_or_resolved() -> None:
    allowed = TaskAllowList()
    assert allowed.name_of(brief_task) == "service.worker.brief_task"
    assert allowed.resolve("service.worker.match_task") is match_task
    with pytest.raises(UnknownTask):
        allowed.name_of(os.getpid)
    with pytest.raises(UnknownTask):
        allowed.resolve("os.system")  # never looked up outside the list
    with pytest.raises(UnknownTask):
        allowed.resolve("service.worker._start_worker")  # in the module, but not a task
    assert allowed.with_tasks(os.getpid).resolve("posix.getpid") is os.getpid
    with pytest.raises(UnknownTask):
        allowed.resolve("posix.getpid")  # the copy got it, the original did not


def test_briefings_signatures_and_errors_round_trip() -> None:
    article = Article("The mayor said the bridge would reopen.", "text", "pasted", content_hash="4f2a")
    briefing = Briefing(
        article=article,
        sentences=[],
        summary=Summary("extractive", [SummarySentence("The mayor said the bridge would reopen.", 0)]),
        actors=[],
        positions=[],
        sentence_vectors=np.arange(6, dtype=np.float32).reshape(2, 3),
    )
    back = loads(dumps((briefing, 3, "extractive")))
    assert back[0] == briefing and back[1:] == (3, "extractive")
    assert np.array_equal(back[0].sentence_vectors, briefing.sentence_vectors)
    signature = StorySignature(
        ArticleRef("outlet", "title", "https://news.example/1", datetime(2025, 1, 1, tzinfo=UTC)),
        np.ones(384, dtype=np.float32),
        (("person:mayor", 0.5),),
        (),
        frozenset({"y:2025"}),
        frozenset(),
    )
    assert loads(dumps(signature)).ref == signature.ref
    for error in (
        JobTimedOut(30.0),
        PoolClosed(),
        Busy(3.0, "queue"),
        EmptyInput("empty"),
        WorkerCrashed("x"),
    ):
        rebuilt = loads(dumps(error))
        assert (type(rebuilt), str(rebuilt)) == (type(error), str(error))
    assert loads(dumps(replace(article, title="x"))).title == "x"
    assert isinstance(loads(dumps(Article("t", "text", "pasted"))), Article)


@pytest.mark.parametrize(
    "payload",
    [
        _Reduces(os.system, "echo owned"),
        _Reduces(eval, "1 + 1"),
        _Reduces(getattr, "text", "upper"),
        _Reduces(sources.fetch_article, "http://127.0.0.1/"),  # our module, but a function
    ],
)
def test_payloads_that_would_call_something_are_refused(payload: _Reduces) -> None:
    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        loads(pickle.dumps(payload))


def test_errors_of_other_libraries_cross_as_runtime_errors() -> None:
    error = portable_error(psycopg.OperationalError("connection refused"))
    assert type(error) is RuntimeError and str(error) == "OperationalError: connection refused"
    assert portable_error(ValueError("bad")).args == ("bad",)
