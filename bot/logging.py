"""Logging set-up whose handler redacts secrets (the bot token) from every record it writes.

discord.py itself never logs the token, but exceptions, debug dumps of HTTP requests and our own
mistakes could; a handler-level filter catches records from every logger that reaches the root.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterable
from types import TracebackType

import discord

REDACTED = "[REDACTED]"


class RedactingFilter(logging.Filter):
    """Replaces each secret with [REDACTED] in the message, its arguments and any traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
        self._formatter = logging.Formatter()

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def setup_logging(secrets: Iterable[str], level: int = logging.INFO) -> logging.Handler:
    """discord.py's console format on the root logger, through the redacting filter.

    A plain formatter on purpose: discord.py's colour formatter re-renders tracebacks from
    `exc_info`, which would bypass the redacted `exc_text` the filter leaves.
    """
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter(secrets))
    formatter = logging.Formatter(
        "[{asctime}] [{levelname:<8}] {name}: {message}", "%Y-%m-%d %H:%M:%S", style="{"
    )
    discord.utils.setup_logging(handler=handler, formatter=formatter, level=level, root=True)
    # Python's own last-resort printing of an uncaught exception would bypass the filter.
    sys.excepthook = log_uncaught
    threading.excepthook = lambda args: log_uncaught(args.exc_type, args.exc_value, args.exc_traceback)
    return handler


def log_uncaught(
    exc_type: type[BaseException], exc: BaseException | None, traceback: TracebackType | None
) -> None:
    """An exception nothing caught, through the redacting handler instead of straight to stderr."""
    logging.getLogger("briefbot").critical("Uncaught exception", exc_info=(exc_type, exc, traceback))
