"""What may run and how a call travels: the allow-list of task functions, and the pickles of their
arguments and results, read back with an unpickler that builds only known, inert classes.

A queued call names its task; a worker runs it only when the name is on its allow-list (by default the
NLP tasks of service.worker), so a row in the database can never name an arbitrary callable. The
unpickler refuses every global but the summarizer's, the service errors' and the packed briefing's
classes, plain builtin containers and exceptions, dates and numpy arrays: a tampered row cannot run
code either.
"""

from __future__ import annotations

import builtins
import dataclasses
import enum
import io
import pickle
from collections.abc import Callable, Iterable
from typing import Any

from service import worker
from summarizer.errors import BriefError

ENGINE_TASKS: tuple[Callable[..., Any], ...] = (
    worker.warm_up_task,
    worker.brief_task,
    worker.signed_brief_task,
    worker.answer_task,
    worker.match_task,
    worker.signature_task,
    worker.merge_task,
    worker.digest_entry_task,
    worker.topic_scores_task,
)

# Our own classes: dataclasses and errors, nothing with side effects on construction.
_TRUSTED_PREFIXES = ("summarizer.", "service.errors", "service.jobs.", "storage.packing")
_VALUES = {  # plain values: dates, and numpy arrays (sentence vectors, story signatures)
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy.core.multiarray", "_reconstruct"),
}
_BUILTIN_TYPES = {"list", "dict", "set", "frozenset", "tuple", "bytes", "bytearray", "complex", "slice"}


class UnknownTask(BriefError):
    """A call names a task that is not on the allow-list: refused, never looked up elsewhere."""

    code = "unknown_task"


def task_name(task: Callable[..., Any]) -> str:
    return f"{task.__module__}.{task.__qualname__}"


class TaskAllowList:
    """The task functions a JobPool may queue and a worker may run, by qualified name."""

    def __init__(self, tasks: Iterable[Callable[..., Any]] = ENGINE_TASKS) -> None:
        self._tasks = {task_name(task): task for task in tasks}

    def with_tasks(self, *tasks: Callable[..., Any]) -> TaskAllowList:
        """A copy that also allows these (tests register their stand-in tasks this way)."""
        return TaskAllowList([*self._tasks.values(), *tasks])

    def name_of(self, task: Callable[..., Any]) -> str:
        name = task_name(task)
        if self._tasks.get(name) is not task:
            raise UnknownTask(f"The task {name} is not one the workers run.")
        return name

    def resolve(self, name: str) -> Callable[..., Any]:
        try:
            return self._tasks[name]
        except KeyError:
            raise UnknownTask(f"The task {name} is not one the workers run.") from None


class _InertUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        trusted = module.startswith(_TRUSTED_PREFIXES) or (module, name) in _VALUES
        if module == "builtins":
            value = getattr(builtins, name, None)
            trusted = name in _BUILTIN_TYPES or (isinstance(value, type) and issubclass(value, BaseException))
        if not trusted:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a job's payload")
        value = super().find_class(module, name)
        if module.startswith(_TRUSTED_PREFIXES) and not _inert_class(value):
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a job's payload")
        return value


def _inert_class(value: Any) -> bool:
    """Dataclasses, enums and errors: building one runs no code of consequence (unlike a function)."""
    return isinstance(value, type) and (
        dataclasses.is_dataclass(value) or issubclass(value, BaseException | enum.Enum)
    )


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def loads(payload: bytes) -> Any:
    return _InertUnpickler(io.BytesIO(payload)).load()


def portable_error(error: BaseException) -> BaseException:
    """The error as the caller can rebuild it: ours and builtin ones as they are, anything else (a
    library's exception class) as a RuntimeError with its type and text."""
    module = type(error).__module__
    if module == "builtins" or module.startswith(_TRUSTED_PREFIXES):
        try:
            loads(dumps(error))
            return error
        except Exception:  # an exception whose constructor does not take its own args back
            pass
    return RuntimeError(f"{type(error).__name__}: {error}")
