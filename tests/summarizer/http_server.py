"""A throwaway HTTP(S) server on 127.0.0.1 whose pages are plain functions, for fetch tests."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass(slots=True)
class SeenRequest:
    path: str
    headers: dict[str, str]


@dataclass
class LocalServer:
    """Serves `routes` (path without query -> handler) until the `with` block ends."""

    routes: dict[str, Route]
    ssl_context: ssl.SSLContext | None = None
    requests: list[SeenRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                server.requests.append(SeenRequest(path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(path)
                try:
                    if route is None:
                        send(self, 404, b"<html><body>Not here.</body></html>")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client hung up on purpose: that is what most slow/huge tests check

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.block_on_close = False
        if self.ssl_context is not None:
            self._httpd.socket = self.ssl_context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{host}:{self.port}{path}"

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str | None = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    """A complete response with a Content-Length, closing the connection afterwards."""
    handler.send_response(status)
    if content_type is not None:
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.close_connection = True
