from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import pytest
from spacy.language import Language

from summarizer import chat_backend
from summarizer.abstractive import ChatSummarizer, load_abstractive
from summarizer.chat_backend import ChatCompletionsClient
from summarizer.config import AbstractiveConfig
from summarizer.errors import ModelUnavailable
from summarizer.models import Article, Sentence

ARTICLE_SENTENCES = [
    "Mayor Elena Varga said on Tuesday that the harbour bridge in Northbridge would close for a year.",
    "The repairs will cost 4.2 million pounds, according to the council.",
    "Opposition leader Tomas Reyes said the plan was rushed and badly costed.",
]


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list -> JSON, bytes as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


def completion(text: str, finish_reason: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish_reason}
        ],
    }


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeChatServer:
    """Speaks just enough chat-completions on 127.0.0.1; replies are used in order, the last one repeats."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[SeenRequest] = []
        self.closing = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                headers = {name.lower(): value for name, value in self.headers.items()}
                fake.requests.append(SeenRequest(self.path, headers, body))
                reply = fake.replies.pop(0) if len(fake.replies) > 1 else fake.replies[0]
                fake.closing.wait(reply.delay_s)
                payload = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first: the timeout test wants exactly that

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeChatServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff delays the client asked for, recorded instead of slept."""
    delays: list[float] = []
    monkeypatch.setattr(chat_backend.time, "sleep", delays.append)
    return delays


def client_for(server: FakeChatServer, **overrides: Any) -> ChatCompletionsClient:
    settings: dict[str, Any] = {"api_key": "", "timeout_s": 5.0, "retries": 2, "backoff_s": 0.5}
    return ChatCompletionsClient(server.base_url, "news-model", **(settings | overrides))


MESSAGES = [{"role": "system", "content": "Summarise."}, {"role": "user", "content": "An article."}]


def test_a_completion_is_requested_with_the_documented_shape() -> None:
    with FakeChatServer(Reply(body=completion("The bridge will close."))) as server:
        reply = client_for(server, api_key="sk-test").complete(MESSAGES, max_tokens=123)
    assert reply.text == "The bridge will close."
    assert not reply.truncated
    (request,) = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.headers["content-type"] == "application/json"
    assert request.body == {"model": "news-model", "messages": MESSAGES, "temperature": 0, "max_tokens": 123}


def test_no_authorization_header_without_a_key() -> None:
    with FakeChatServer(Reply(body=completion("Fine."))) as server:
        client_for(server).complete(MESSAGES, max_tokens=10)
    assert "authorization" not in server.requests[0].headers


def test_a_server_error_is_retried_after_a_backoff(sleeps: list[float]) -> None:
    replies = (
        Reply(status=500, body={"error": {"message": "worker crashed"}}),
        Reply(body=completion("Done.")),
    )
    with FakeChatServer(*replies) as server:
        assert client_for(server).complete(MESSAGES, max_tokens=10).text == "Done."
    assert len(server.requests) == 2
    assert sleeps == [0.5]


def test_too_many_requests_waits_as_long_as_retry_after_says(sleeps: list[float]) -> None:
    replies = (Reply(status=429, headers={"Retry-After": "3"}), Reply(body=completion("Done.")))
    with FakeChatServer(*replies) as server:
        assert client_for(server).complete(MESSAGES, max_tokens=10).text == "Done."
    assert sleeps == [3.0]


def test_a_retry_after_longer_than_the_timeout_gives_up_at_once(sleeps: list[float]) -> None:
    busy = Reply(
        status=429, body={"error": {"message": "rate limit reached"}}, headers={"Retry-After": "600"}
    )
    with FakeChatServer(busy) as server, pytest.raises(ModelUnavailable) as raised:
        client_for(server, timeout_s=30.0).complete(MESSAGES, max_tokens=10)
    assert len(server.requests) == 1
    assert sleeps == []
    assert "is busy (HTTP 429: rate limit reached)" in str(raised.value)


def test_a_server_that_keeps_failing_is_tried_retries_plus_one_times(sleeps: list[float]) -> None:
    overloaded = Reply(status=503, body={"error": {"message": "overloaded"}})
    with FakeChatServer(overloaded) as server, pytest.raises(ModelUnavailable) as raised:
        client_for(server, retries=2).complete(MESSAGES, max_tokens=10)
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]
    assert str(raised.value) == (
        f"The summary server at {server.base_url} failed (HTTP 503: overloaded). "
        "Here is the extractive briefing instead."
    )


def test_a_slow_server_times_out_without_retrying() -> None:
    late = Reply(body=completion("Late."), delay_s=5.0)
    with (
        FakeChatServer(late) as server,
        pytest.raises(ModelUnavailable, match=r"did not answer within 0\.3 s"),
    ):
        client_for(server, timeout_s=0.3).complete(MESSAGES, max_tokens=10)
    assert len(server.requests) == 1


def test_a_server_that_is_down_is_reported_after_the_retries(sleeps: list[float]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ChatCompletionsClient(f"http://127.0.0.1:{port}/v1", "m", retries=1, backoff_s=0.25)
    with pytest.raises(ModelUnavailable) as raised:
        client.complete(MESSAGES, max_tokens=10)
    message = str(raised.value)
    assert message.startswith(f"The summary server at http://127.0.0.1:{port}/v1 could not be reached (")
    assert "refused" in message.lower()
    assert sleeps == [0.25]


@pytest.mark.parametrize(
    "body",
    [b"<html><body>502 Bad Gateway</body></html>", {"object": "chat.completion", "choices": []}, [1, 2]],
)
def test_a_reply_that_is_not_chat_completions_json_is_reported(body: Any) -> None:
    with (
        FakeChatServer(Reply(body=body)) as server,
        pytest.raises(ModelUnavailable, match="not chat-completions JSON"),
    ):
        client_for(server).complete(MESSAGES, max_tokens=10)


def test_an_error_object_is_passed_on() -> None:
    with (
        FakeChatServer(
            Reply(body={"error": {"message": "The model `news-model` does not exist."}})
        ) as server,
        pytest.raises(ModelUnavailable, match="reported an error: The model `news-model` does not exist"),
    ):
        client_for(server).complete(MESSAGES, max_tokens=10)


@pytest.mark.parametrize(
    ("status", "body", "detail"),
    [
        (401, {"error": {"message": "Invalid API key"}}, "HTTP 401: Invalid API key"),
        (
            404,
            {"error": 'model "llama3" not found, try pulling it first'},
            'HTTP 404: model "llama3" not found',
        ),
        (400, b"bad request", "HTTP 400"),
    ],
)
def test_a_refused_request_is_not_retried(status: int, body: Any, detail: str, sleeps: list[float]) -> None:
    with FakeChatServer(Reply(status=status, body=body)) as server, pytest.raises(ModelUnavailable) as raised:
        client_for(server).complete(MESSAGES, max_tokens=10)
    assert len(server.requests) == 1
    assert f"refused the request ({detail}" in str(raised.value)


def test_content_parts_and_a_length_stop_are_understood() -> None:
    parts = completion("", finish_reason="length")
    parts["choices"][0]["message"]["content"] = [
        {"type": "text", "text": "The bridge will close. "},
        {"type": "text", "text": "Tomas Reyes said the"},
    ]
    with FakeChatServer(Reply(body=parts)) as server:
        reply = client_for(server).complete(MESSAGES, max_tokens=10)
    assert reply.text == "The bridge will close. Tomas Reyes said the"
    assert reply.truncated


def server_config(server: FakeChatServer, **overrides: Any) -> AbstractiveConfig:
    settings: dict[str, Any] = {
        "server_url": server.base_url,
        "server_model": "news-model",
        "server_retries": 0,
    }
    return AbstractiveConfig(backend="server", **(settings | overrides))


def article_and_sentences(sentences: list[str]) -> tuple[Article, list[Sentence]]:
    text = " ".join(sentences)
    spans, start = [], 0
    for index, sentence in enumerate(sentences):
        spans.append(Sentence(index=index, text=sentence, start=start, end=start + len(sentence)))
        start += len(sentence) + 1
    return Article(text=text, source_kind="text", source="pasted", title="Harbour bridge to close"), spans


def test_the_server_summarizer_checks_and_cleans_the_reply(nlp: Language) -> None:
    reply = (
        "Here is a summary of the article:\n\n"
        "- Mayor Elena Varga said the harbour bridge will close for a year.\n"
        "- The repairs will cost £4.2 million.\n"
        "- Marcus Oyelaran welcomed the decision.\n"
    )
    with FakeChatServer(Reply(body=completion(reply))) as server:
        summarizer = load_abstractive(server_config(server))
        assert isinstance(summarizer, ChatSummarizer)
        article, sentences = article_and_sentences(ARTICLE_SENTENCES)
        summary = summarizer.summarize(article, sentences, nlp, max_sentences=2)
    assert summary.method == "abstractive"
    assert summary.model == "news-model"
    assert [s.text for s in summary.sentences] == [
        "Mayor Elena Varga said the harbour bridge will close for a year.",
        "The repairs will cost £4.2 million.",
    ]
    assert summary.notes == ["Dropped 1 sentence not supported by the article: it names Marcus Oyelaran."]
    system, user = server.requests[0].body["messages"]
    assert system["role"] == "system" and "at most 2 plain sentences" in system["content"]
    assert "Use only facts stated in the article" in system["content"]
    assert user == {
        "role": "user",
        "content": "Title: Harbour bridge to close\n\n" + " ".join(ARTICLE_SENTENCES),
    }
    assert server.requests[0].body["max_tokens"] == 400


def test_a_long_article_is_cut_at_a_sentence_boundary_for_the_server(nlp: Language) -> None:
    with FakeChatServer(Reply(body=completion("Mayor Elena Varga said the bridge would close."))) as server:
        summarizer = load_abstractive(server_config(server, server_max_input_chars=200))
        article, sentences = article_and_sentences(ARTICLE_SENTENCES)
        summary = summarizer.summarize(article, sentences, nlp)
    sent = server.requests[0].body["messages"][1]["content"]
    assert sent.endswith(ARTICLE_SENTENCES[1])
    assert ARTICLE_SENTENCES[2] not in sent
    assert summary.notes == [
        "The article is longer than the server input budget (200 characters), "
        "so the model read its first 2 of 3 sentences."
    ]


def test_an_unfinished_last_sentence_is_left_out(nlp: Language) -> None:
    cut_short = completion("Mayor Elena Varga said the bridge would close. Tomas Reyes said the", "length")
    with FakeChatServer(Reply(body=cut_short)) as server:
        summarizer = load_abstractive(server_config(server))
        article, sentences = article_and_sentences(ARTICLE_SENTENCES)
        summary = summarizer.summarize(article, sentences, nlp)
    assert [s.text for s in summary.sentences] == ["Mayor Elena Varga said the bridge would close."]
    assert summary.notes == [
        "The server stopped at its token limit; the unfinished last sentence was left out."
    ]


def test_server_failures_reach_the_caller_as_model_unavailable(nlp: Language, sleeps: list[float]) -> None:
    with FakeChatServer(Reply(status=503)) as server:
        summarizer = load_abstractive(server_config(server, server_retries=1))
        article, sentences = article_and_sentences(ARTICLE_SENTENCES)
        with pytest.raises(ModelUnavailable, match=r"failed \(HTTP 503\)\. Here is the extractive briefing"):
            summarizer.summarize(article, sentences, nlp)
    assert len(server.requests) == 2
