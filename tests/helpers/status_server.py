"""A real HTTP server on 127.0.0.1 for HTTP client instrumentations' tests.

It answers ``/status/<code>`` with that code (any other path with 200) and the body
``Hello!``, to GET and to a ``NONSTANDARD`` method, and keeps the headers of every request
it received, so a test can read what a client propagated.

Example::

    with status_server() as server:
        requests.get(f"{server.base}/status/404")    # 404, "Hello!"
        server.received[-1]["traceparent"]
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class StatusServer(ThreadingHTTPServer):
    """The server: what it received, and the headers it adds to every response."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict[str, str]] = []
        self.response_headers: dict[str, str] = {}

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: StatusServer

    def _answer(self) -> None:
        path = self.path.split("?")[0]
        status = int(path.rsplit("/", 1)[-1]) if path.startswith("/status/") else 200
        self.server.received.append(dict(self.headers))
        body = b"Hello!"
        self.send_response(status)
        for name, value in self.server.response_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer()

    def do_NONSTANDARD(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test reads what the server received, not its access log."""


@contextmanager
def status_server() -> Iterator[StatusServer]:
    """Serve on a free port of 127.0.0.1 until the block ends (stopping twice is harmless)."""
    server = StatusServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
