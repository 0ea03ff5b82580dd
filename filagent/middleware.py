"""The ASGI middleware of ``/chat``: trace headers and metrics, and the body-size limit.

Both act on ``/chat`` only and let every other path through untouched.

Example::

    app.add_middleware(BodyLimitMiddleware, max_body_bytes=1_048_576)
    app.add_middleware(TraceHeadersMiddleware, metrics=metrics)  # the outer one
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from filagent.http_errors import error_response, internal_error_response
from filagent.metrics import Metrics
from filagent.telemetry.logging import get_logger
from filagent.telemetry.names import HEADER_TRACE_ID, HEADER_TRACERESPONSE
from filagent.telemetry.otel_api import (
    current_trace_context,
    current_trace_flags,
    fail_current_span,
)

_log = get_logger("filagent.app")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ChatPathMiddleware:
    """An ASGI middleware acting on ``/chat`` only; every other path passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != "/chat":
            await self.app(scope, receive, send)
            return
        await self.chat(scope, receive, send)

    async def chat(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ``/chat`` request."""
        raise NotImplementedError


class TraceHeadersMiddleware(ChatPathMiddleware):
    """Adds ``X-Trace-ID`` and ``traceresponse`` and records request metrics.

    It runs inside the OpenTelemetry ASGI middleware, so the SERVER span is
    current and every response — 4xx included — names its trace. It is also the
    catch-all: anything unexpected raised below it becomes the JSON error shape
    (500, with both headers), an ERROR SERVER span with the exception event, and
    an error log line, instead of a plain-text 500 that names no trace.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        super().__init__(app)
        self.metrics = metrics

    async def chat(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_headers(message: Any) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = int(message["status"])
                context = current_trace_context()
                if context:
                    headers = list(message.get("headers", []))
                    trace_id, span_id = context["trace_id"], context["span_id"]
                    headers.append((HEADER_TRACE_ID.lower().encode(), trace_id.encode()))
                    traceresponse = f"00-{trace_id}-{span_id}-{current_trace_flags()}"
                    headers.append((HEADER_TRACERESPONSE.encode(), traceresponse.encode()))
                    message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            if response_started:  # too late for an answer: the server closes the connection
                raise
            fail_current_span(exc)
            _log.error("chat.unhandled_error", error_type=type(exc).__qualname__, exc_info=exc)
            response = internal_error_response(current_trace_context().get("trace_id", ""))
            await send_with_headers(
                {"type": "http.response.start", "status": 500, "headers": response.raw_headers}
            )
            await send_with_headers({"type": "http.response.body", "body": response.body})
        finally:
            state = scope.get("state") or {}
            mode = state.get("mode", "none") if isinstance(state, dict) else "none"
            self.metrics.observe_request(mode, status, time.perf_counter() - started)


class BodyLimitMiddleware(ChatPathMiddleware):
    """Answers 413 as soon as a ``/chat`` body is over ``max_body_bytes``, 408 when it is late.

    The whole body is read before the per-field limits apply, so a huge body is
    refused by its declared length, or while it streams in, not after. The whole
    body must arrive within ``body_timeout`` seconds of the request: a client that
    sends it slowly (or never) gets a 408 instead of holding the connection.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int, body_timeout: float = 30.0) -> None:
        super().__init__(app)
        self.limit = max_body_bytes
        self.timeout = body_timeout

    async def chat(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _declared_length(scope) > self.limit:
            await _send_too_large(send, self.limit)
            return
        received, refused = 0, 0
        deadline = time.monotonic() + self.timeout
        end_of_body = {"type": "http.request", "body": b"", "more_body": False}

        async def limited_receive() -> Any:
            nonlocal received, refused
            if refused:
                return end_of_body
            try:
                message = await asyncio.wait_for(receive(), max(deadline - time.monotonic(), 0))
            except asyncio.TimeoutError:
                refused = 408  # the app sees an end of body; its answer is replaced
                return end_of_body
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    refused = 413
                    return end_of_body
            return message

        async def guarded_send(message: Any) -> None:
            if not refused:
                await send(message)
            elif message["type"] == "http.response.start":
                if refused == 413:
                    await _send_too_large(send, self.limit)
                else:
                    await _send_too_slow(send, self.timeout)

        await self.app(scope, limited_receive, guarded_send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _send_too_slow(send: Send, timeout: float) -> None:
    response = error_response(
        408, [{"field": "body", "message": f"the whole body must arrive within {timeout:g}s"}]
    )
    headers = [*response.raw_headers, (b"connection", b"close")]
    await send({"type": "http.response.start", "status": 408, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def _send_too_large(send: Send, limit: int) -> None:
    response = error_response(
        413, [{"field": "body", "message": f"at most {limit} bytes are accepted"}]
    )
    await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})
