from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logging import REDACTED, RedactingFilter, log_uncaught

TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GkLmNo.pQrStUvWxYz0123456789abcdefghijklmnopq"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([TOKEN, ""]))
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    logger = logging.getLogger("discord.http")  # records from any logger reach the root handler
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.setLevel(old_level)
    root.removeHandler(handler)


def test_token_in_the_message_is_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info(f"Authorization: Bot {TOKEN}")
    assert stream.getvalue() == f"discord.http: Authorization: Bot {REDACTED}\n"


def test_token_in_arguments_is_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.debug("POST %s with %r", "https://discord.com/api/v10/x", {"headers": {"Authorization": TOKEN}})
    output = stream.getvalue()
    assert TOKEN not in output
    assert REDACTED in output and "https://discord.com/api/v10/x" in output


def test_token_in_a_traceback_is_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise RuntimeError(f"login failed for {TOKEN}")
    except RuntimeError:
        logger.exception("Login went wrong")
    output = stream.getvalue()
    assert TOKEN not in output
    assert f"RuntimeError: login failed for {REDACTED}" in output
    assert "Traceback (most recent call last)" in output


def test_records_without_secrets_are_untouched(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("Brief #%d for user %s in %.2f s.", 12, 100, 1.234)
    assert stream.getvalue() == "discord.http: Brief #12 for user 100 in 1.23 s.\n"


def test_an_uncaught_exception_goes_through_the_filter(captured: tuple[logging.Logger, io.StringIO]) -> None:
    _, stream = captured
    try:
        raise ConnectionError(f"proxy said: Authorization: Bot {TOKEN}")
    except ConnectionError as err:
        log_uncaught(type(err), err, err.__traceback__)
    output = stream.getvalue()
    assert TOKEN not in output
    assert "Uncaught exception" in output and f"Bot {REDACTED}" in output
