"""A small synchronous client for OpenAI-compatible chat-completions servers.

vLLM, TGI, llama.cpp's server, Ollama and hosted APIs all speak `POST {base}/chat/completions`.
The pipeline is synchronous (it runs in a worker process), so this uses urllib3 rather than an
async client. Every failure becomes a ModelUnavailable whose message says what went wrong, so
the caller can fall back to an extractive briefing and tell the user why.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import urllib3
from urllib3.exceptions import HTTPError, ReadTimeoutError
from urllib3.util.retry import Retry

from summarizer.errors import ModelUnavailable

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
FALLBACK = "Here is the extractive briefing instead."


@dataclass(frozen=True, slots=True)
class ChatReply:
    text: str
    truncated: bool  # the server stopped at max_tokens (finish_reason "length")


class ChatCompletionsClient:
    """POSTs chat requests with timeouts and bounded retries.

    Connection failures, 429 and 5xx are retried with exponential backoff, honouring Retry-After;
    a Retry-After longer than the request timeout ends the retries at once, because a worker
    blocked for minutes is worse than an extractive briefing now. Read timeouts are not retried:
    a model too slow once will be as slow again while the user waits.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str = "",
        timeout_s: float = 60.0,
        retries: int = 2,
        backoff_s: float = 1.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = urllib3.Timeout(connect=min(timeout_s, 10.0), read=timeout_s)
        self.timeout_s = timeout_s
        self.retries = max(retries, 0)
        self.backoff_s = backoff_s
        self._pool = urllib3.PoolManager(retries=False)

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/chat/completions"

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int) -> ChatReply:
        body = json.dumps(
            {"model": self.model, "messages": messages, "temperature": 0, "max_tokens": max_tokens}
        ).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        failure = ""
        for attempt in range(self.retries + 1):
            try:
                response = self._pool.request(
                    "POST", self.endpoint, body=body, headers=headers, timeout=self.timeout, retries=False
                )
            except ReadTimeoutError as error:
                raise ModelUnavailable(
                    f"The summary server at {self.base_url} did not answer within "
                    f"{self.timeout_s:g} s. {FALLBACK}"
                ) from error
            except HTTPError as error:
                failure = f"could not be reached ({_reason(error)})"
                delay = self._backoff(attempt)
            else:
                if response.status not in RETRY_STATUSES:
                    return self._parse(response.status, response.data)
                failure = _status_failure(response.status, response.data)
                retry_after = _retry_after(response.headers.get("Retry-After"))
                delay = self._backoff(attempt) if retry_after is None else retry_after
            if attempt == self.retries or delay > self.timeout_s:
                break
            time.sleep(delay)
        raise ModelUnavailable(f"The summary server at {self.base_url} {failure}. {FALLBACK}")

    def _backoff(self, attempt: int) -> float:
        return self.backoff_s * 2**attempt

    def _parse(self, status: int, data: bytes) -> ChatReply:
        if status >= 400:
            raise ModelUnavailable(
                f"The summary server at {self.base_url} refused the request "
                f"(HTTP {status}{_error_detail(data)}). {FALLBACK}"
            )
        try:
            payload = json.loads(data)
        except ValueError as error:
            raise self._malformed() from error
        if isinstance(payload, dict) and payload.get("error"):
            raise ModelUnavailable(
                f"The summary server at {self.base_url} reported an error: "
                f"{_error_message(payload['error'])}. {FALLBACK}"
            )
        try:
            choice = payload["choices"][0]
            text = _content_text(choice["message"]["content"])
        except (KeyError, IndexError, TypeError) as error:
            raise self._malformed() from error
        if not text.strip():
            raise ModelUnavailable(
                f"The summary server at {self.base_url} returned an empty summary. {FALLBACK}"
            )
        return ChatReply(text=text, truncated=choice.get("finish_reason") == "length")

    def _malformed(self) -> ModelUnavailable:
        return ModelUnavailable(
            f"The summary server at {self.base_url} sent a reply that is not chat-completions JSON. "
            f"{FALLBACK}"
        )


def _content_text(content: Any) -> str:
    """`content` is a string, or (newer servers) a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part["text"] for part in content if part.get("type") == "text")
    raise TypeError(f"unexpected content {type(content).__name__}")


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return Retry().parse_retry_after(value)  # seconds or an HTTP date
    except HTTPError:
        return None


def _status_failure(status: int, data: bytes) -> str:
    if status == 429:
        return f"is busy (HTTP 429{_error_detail(data)}) and did not take the request"
    return f"failed (HTTP {status}{_error_detail(data)})"


def _error_detail(data: bytes) -> str:
    try:
        payload = json.loads(data)
    except ValueError:
        return ""
    if isinstance(payload, dict) and payload.get("error"):
        return f": {_error_message(payload['error'])}"
    return ""


def _error_message(error: Any) -> str:
    """OpenAI and vLLM send {"message": ...}; TGI and Ollama send a plain string."""
    message = error.get("message", "") if isinstance(error, dict) else error
    return str(message).strip().rstrip(".")[:300] or "no details given"


def _reason(error: HTTPError) -> str:
    cause = getattr(error, "reason", None) or error
    text = str(cause)
    # urllib3 prefixes "<HTTPConnection object at 0x...>: "; the errno text after it is what helps.
    return (text.rsplit(": ", 1)[-1] or type(cause).__name__)[:200]
