"""The distributed mode's job queue (procrastinate on PostgreSQL): JobPool for the bot's side,
`serve_worker` for `briefbot worker`. Imported only in distributed mode."""

from service.jobs.calls import TaskAllowList, UnknownTask
from service.jobs.pool import JobPool, QueueUnavailable
from service.jobs.queue import serve_worker

__all__ = ["JobPool", "QueueUnavailable", "TaskAllowList", "UnknownTask", "serve_worker"]
