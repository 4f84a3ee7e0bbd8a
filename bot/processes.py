"""The distributed mode's processes without Discord: `briefbot worker` (the NLP) and `briefbot poller`
(the feeds). Each runs until SIGINT or SIGTERM and fails with one readable line, never a traceback."""

from __future__ import annotations

import asyncio
import logging
import signal

import psycopg
import psycopg_pool
from procrastinate.exceptions import ProcrastinateException

from bot.logging import setup_logging
from service.briefing_service import postgres_url
from service.jobs import serve_worker
from service.poller import serve_poller
from service.settings import Settings
from summarizer.errors import BriefError

log = logging.getLogger(__name__)


def _secrets(settings: Settings) -> list[str]:
    url = settings.database_url.get_secret_value() if settings.database_url else ""
    return [url, settings.engine.abstractive.server_api_key]


def run_worker(settings: Settings, concurrency: int) -> int:
    """`briefbot worker`: run queued NLP jobs, `concurrency` at a time; each NLP process loads its
    models once."""
    setup_logging(_secrets(settings))

    async def serve() -> None:
        await serve_worker(
            postgres_url(settings),
            _stop_on_signals(),
            engine=settings.engine,
            concurrency=concurrency,
            budget_s=settings.job_budget_s,
            torch_threads=settings.torch_threads,
        )

    return _run(serve(), "worker")


def run_poller(settings: Settings) -> int:
    """`briefbot poller`: poll due feeds, briefing new items through the workers."""
    setup_logging(_secrets(settings))

    async def serve() -> None:
        await serve_poller(settings, _stop_on_signals())

    return _run(serve(), "poller")


def _stop_on_signals() -> asyncio.Event:
    """An event SIGINT and SIGTERM set (call it on the running loop)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


def _run(coroutine: object, name: str) -> int:
    try:
        asyncio.run(coroutine)  # type: ignore[arg-type]
    except (psycopg.Error, psycopg_pool.PoolTimeout, ProcrastinateException, OSError) as err:
        log.error("The %s stopped: the database could not be reached (%s).", name, type(err).__name__)
        return 1
    except BriefError as err:
        log.error("The %s could not start: %s", name, err)
        return 1
    log.info("The %s stopped.", name)
    return 0
