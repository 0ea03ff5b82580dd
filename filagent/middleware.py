"""The ASGI middleware of ``/chat``: trace headers and metrics, and the body-size limit.

Both act on ``/chat`` only and let every other path through untouched.

Example::

    app.add_middleware(BodyLimitMiddleware, max_body_bytes=1_048_576)
    app.add_middleware(TraceHeadersMiddleware, metrics=metrics)  # the outer one
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from filagent.http_errors import error_response
from filagent.metrics import Metrics
from filagent.telemetry.names import HEADER_TRACE_ID, HEADER_TRACERESPONSE
from filagent.telemetry.otel_api import current_trace_context, current_trace_flags

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
    current and every response — 4xx included — names its trace.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        super().__init__(app)
        self.metrics = metrics

    async def chat(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
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
        finally:
            state = scope.get("state") or {}
            mode = state.get("mode", "none") if isinstance(state, dict) else "none"
            self.metrics.observe_request(mode, status, time.perf_counter() - started)


class BodyLimitMiddleware(ChatPathMiddleware):
    """Answers 413 as soon as a ``/chat`` body is over ``max_body_bytes``.

    The whole body is read before the per-field limits apply, so a huge body is
    refused by its declared length, or while it streams in, not after.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        super().__init__(app)
        self.limit = max_body_bytes

    async def chat(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _declared_length(scope) > self.limit:
            await _send_too_large(send, self.limit)
            return
        received, over = 0, False
        end_of_body = {"type": "http.request", "body": b"", "more_body": False}

        async def limited_receive() -> Any:
            nonlocal received, over
            if over:
                return end_of_body
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    over = True  # the app sees an end of body; its answer is replaced
                    return end_of_body
            return message

        async def guarded_send(message: Any) -> None:
            if not over:
                await send(message)
            elif message["type"] == "http.response.start":
                await _send_too_large(send, self.limit)

        await self.app(scope, limited_receive, guarded_send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _send_too_large(send: Send, limit: int) -> None:
    response = error_response(
        413, [{"field": "body", "message": f"at most {limit} bytes are accepted"}]
    )
    await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})
