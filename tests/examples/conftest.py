"""Fixtures shared by the ports of opentelemetry-python-contrib's instrumentation tests.

Each instrumentor is given the provider that ``trace_capture`` lends the test (or the one
the program set), through ``trace.get_tracer_provider()``, and is uninstrumented after the
test, so nothing leaks between tests in any order or worker.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry import trace

from pytest_filagent_trace import TraceCapture


@pytest.fixture
def tracer(trace_capture: TraceCapture) -> trace.Tracer:
    """A tracer of the provider the capture reads from, for the tests' own root spans."""
    return trace.get_tracer_provider().get_tracer("examples")


class _Handler(BaseHTTPRequestHandler):
    """Answers ``/status/<code>`` with that code and anything else with 200 "Hello!"."""

    def do_GET(self) -> None:
        code = int(self.path.rsplit("/", 1)[1]) if self.path.startswith("/status/") else 200
        body = b"Hello!"
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PUT = do_DELETE = do_GET

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the tests read spans, not the server's access log."""


@pytest.fixture(scope="session")
def http_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 on a free port; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
