"""A real OTLP/HTTP trace receiver on 127.0.0.1, for spans of other processes.

It takes ``POST /v1/traces`` with protobuf (``application/x-protobuf``) or JSON
(``application/json``) bodies, gzip-encoded or not, answers as the OTLP/HTTP spec says,
and keeps the spans it received as nodes. A program under test in a subprocess exports to
it with the standard variables :meth:`TraceReceiver.env` returns.

Example:
    >>> with TraceReceiver() as receiver:  # doctest: +SKIP
    ...     subprocess.run(["filagent", "chat", "2+2"], env=receiver.env(), check=True)
    ...     receiver.wait_for("POST /chat")
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any

from pytest_filagent_trace._capture import (
    POLL_SECONDS,
    SpanWaitTimeoutError,
    refuse_on_event_loop,
    wait_check,
)
from pytest_filagent_trace._otlp.loaded import protobuf_dict
from pytest_filagent_trace._otlp.read import OtlpError, nodes_from_otlp
from pytest_filagent_trace._spans import SpanNode, SpanTree, build_trees

if TYPE_CHECKING:
    from pytest_filagent_trace._types import WaitCondition

__all__ = ["TraceReceiver"]

_PATH = "/v1/traces"
_EMPTY_RESPONSE = b""  # an empty ExportTraceServiceResponse: full success


class TraceReceiver:
    """An OTLP/HTTP receiver bound to a free port of 127.0.0.1 while it is open."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[SpanNode] = []
        self._generation = 0  # one more at each clear()
        self._trees: list[SpanTree] = []
        self._trees_key: tuple[int, int] | None = None
        self._requests = 0
        self._errors: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> TraceReceiver:
        """Bind and serve in a background thread; returns itself."""
        if self._server is not None:
            return self
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                del format, args  # quiet: a test's output is not the place for access logs

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="otlp-receiver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; the received spans stay readable."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> TraceReceiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what a test reads ------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """The base URL, for ``OTEL_EXPORTER_OTLP_ENDPOINT`` (``http://127.0.0.1:<port>``)."""
        if self._server is None:
            raise RuntimeError("the trace receiver is not running: call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self, protocol: str = "http/protobuf") -> dict[str, str]:
        """``os.environ`` plus the variables that point an OTLP/HTTP exporter here."""
        return {
            **os.environ,
            "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.endpoint,
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": self.endpoint + _PATH,
        }

    @property
    def spans(self) -> list[SpanNode]:
        """Every span received so far, trace by trace, depth first."""
        return [node for tree in self.traces() for node in tree.walk()]

    def traces(self) -> list[SpanTree]:
        """One tree per trace id of the spans received so far.

        Built again only when spans arrived or were cleared, so a wait that polls does not
        relink everything on every look.
        """
        with self._lock:
            key = (self._generation, len(self._received))
            if key != self._trees_key:
                self._trees = build_trees(self._received)
                self._trees_key = key
            return list(self._trees)

    @property
    def requests(self) -> int:
        """How many export requests arrived."""
        return self._requests

    @property
    def errors(self) -> list[str]:
        """Why requests were refused (an unreadable body, a wrong path)."""
        return list(self._errors)

    def wait_for(self, condition: WaitCondition, timeout: float = 5.0) -> list[SpanNode]:
        """Wait until the spans awaited arrive; the same arguments as ``trace_capture``'s.

        ``condition`` is a count, a name pattern or a predicate on a node. Raises
        ``SpanWaitTimeoutError`` saying what was awaited and what arrived.
        """
        __tracebackhide__ = True
        refuse_on_event_loop()
        check, what = wait_check(condition)
        deadline = time.monotonic() + timeout
        while True:
            found = check(self.spans)
            if found or time.monotonic() >= deadline:
                break
            time.sleep(POLL_SECONDS)
        return found or self._timed_out(timeout, what)

    async def wait_for_async(
        self, condition: WaitCondition, timeout: float = 5.0
    ) -> list[SpanNode]:
        """:meth:`wait_for` for async tests: waits without blocking the event loop."""
        __tracebackhide__ = True
        check, what = wait_check(condition)
        deadline = time.monotonic() + timeout
        while True:
            found = check(self.spans)
            if found or time.monotonic() >= deadline:
                break
            await asyncio.sleep(POLL_SECONDS)
        return found or self._timed_out(timeout, what)

    def _timed_out(self, timeout: float, what: str) -> list[SpanNode]:
        names = ", ".join(node.name for node in self.spans[:10]) or "none"
        refused = f"; refused bodies: {'; '.join(self._errors[-3:])}" if self._errors else ""
        raise SpanWaitTimeoutError(
            f"waited {timeout:g} s for {what} at {self._where()}; {len(self)} span(s) arrived"
            f" ({names}) from {self._requests} request(s){refused}"
        )

    def _where(self) -> str:
        return self.endpoint if self._server is not None else "a stopped receiver"

    def clear(self) -> None:
        """Forget the spans received so far."""
        with self._lock:
            self._received.clear()
            self._generation += 1

    def __len__(self) -> int:
        with self._lock:
            return len(self._received)

    def __iter__(self) -> Iterator[SpanNode]:
        return iter(self.spans)

    def __repr__(self) -> str:
        where = self.endpoint if self._server is not None else "stopped"
        return f"<TraceReceiver {where}: {len(self)} span(s) from {self._requests} request(s)>"

    # -- the HTTP side ----------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        if request.path.split("?")[0] != _PATH:
            self._refuse(request, 404, f"{request.path}: OTLP traces go to {_PATH}")
            return
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length)
        try:
            if request.headers.get("Content-Encoding", "").lower() == "gzip":
                body = gzip.decompress(body)
            json_body = "json" in request.headers.get("Content-Type", "")
            data = json.loads(body) if json_body else protobuf_dict(body)
            nodes = nodes_from_otlp(data, f"request {self._requests + 1}")
        except (OtlpError, ValueError, OSError) as error:
            self._refuse(request, 400, str(error))
            return
        with self._lock:
            self._received.extend(nodes)
            self._requests += 1
        json_reply = "json" in request.headers.get("Content-Type", "")
        self._reply(request, 200, b"{}" if json_reply else _EMPTY_RESPONSE, json_reply)

    def _refuse(self, request: BaseHTTPRequestHandler, status: int, reason: str) -> None:
        self._errors.append(reason)
        body = json.dumps({"code": 3, "message": reason}).encode()
        self._reply(request, status, body, True)

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, body: bytes, as_json: bool) -> None:
        request.send_response(status)
        kind = "application/json" if as_json else "application/x-protobuf"
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
