"""The FilAgent HTTP service.

``create_app`` builds everything from its arguments: nothing global is created
at import time, and the telemetry (with its TracerProvider) is injected so tests
and embedding programs choose where spans go.

Example::

    from filagent.app import create_app
    app = create_app()                      # default settings and telemetry
    app = create_app(telemetry=TelemetryManager(config, tracer_provider=provider))
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from filagent.agent import Agent, AgentModelError, AgentRequest, RouteDecision
from filagent.audit import DecisionRecord, DecisionRecorder, ToolUse
from filagent.metrics import Metrics
from filagent.models import ModelError, build_model
from filagent.schemas import ChatRequest, ChatResponse, Message, ToolCallResult
from filagent.settings import Settings
from filagent.telemetry.logging import get_logger
from filagent.telemetry.names import HEADER_TRACE_ID, HEADER_TRACERESPONSE
from filagent.telemetry.setup import (
    TelemetryManager,
    fastapi_app_options,
    get_telemetry_manager,
)
from filagent.telemetry.tracing import current_trace_context
from filagent.tools import ToolExecutor, build_default_tools

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_log = get_logger("filagent.app")

#: The ``tool`` label of calls to tools that are not registered.
UNKNOWN_TOOL_LABEL = "unknown"


def create_app(
    settings: Settings | None = None,
    telemetry: TelemetryManager | None = None,
    *,
    metrics: Metrics | None = None,
    recorder: DecisionRecorder | None = None,
    http_client: httpx.Client | None = None,
) -> FastAPI:
    """Build the FilAgent app: ``POST /chat``, ``GET /health``, ``GET /metrics``."""
    settings = settings or Settings.from_env()
    telemetry = telemetry or get_telemetry_manager()
    metrics = metrics or telemetry.metrics or Metrics()
    if recorder is None:
        recorder = DecisionRecorder(telemetry.config.records.path, redact=telemetry.redact_record)
    client = http_client or httpx.Client(timeout=httpx.Timeout(10.0))
    telemetry.instrument_httpx_client(client)

    tracer = telemetry.tracer()
    registry = build_default_tools(settings.data_dir, settings.search_url, client)

    def count_tool_call(tool: str, success: bool) -> None:
        # The name comes from the request: an unregistered one must not become a new
        # Prometheus label value (unbounded series, and whatever text the caller sent).
        metrics.count_tool_call(tool if tool in registry else UNKNOWN_TOOL_LABEL, success)

    tools = ToolExecutor(registry, tracer, on_call=count_tool_call)
    registered = set(registry.names)
    model = build_model(
        settings.model,
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key,
        http_client=client,
    )
    agent = Agent(model, tools, tracer, max_workers=settings.max_workers)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if http_client is None:  # a client passed in is the caller's to close
            client.close()

    app = FastAPI(title="FilAgent", version="0.1.0", lifespan=lifespan, **fastapi_app_options())
    app.state.settings = settings
    app.state.telemetry = telemetry
    app.state.metrics = metrics
    app.state.agent = agent

    _install_error_handlers(app)

    @app.post("/chat", response_model=ChatResponse)
    def chat(body: ChatRequest, request: Request) -> ChatResponse | JSONResponse:
        problems = _limit_problems(body, settings)
        if problems:
            return _error_response(422, problems)
        conversation_id = body.conversation_id or uuid.uuid4().hex
        task_id = uuid.uuid4().hex
        user_hash = telemetry.hash_user_id(body.user_id) if body.user_id else None
        _log.info(
            "chat.request",
            conversation_id=conversation_id,
            task_id=task_id,
            requested_mode=body.mode,
            messages=len(body.messages),
        )
        try:
            result = agent.run(
                AgentRequest(
                    conversation_id=conversation_id,
                    task_id=task_id,
                    messages=body.messages,
                    mode=body.mode,
                    user_id_hash=user_hash,
                )
            )
        except ModelError as exc:
            # The model backend failed: the request is fine, the upstream is not.
            _log.error("chat.model_error", conversation_id=conversation_id, error=str(exc))
            if isinstance(exc, AgentModelError):
                request.state.mode = exc.route.mode
                failed = _decision(
                    conversation_id,
                    task_id,
                    exc.route,
                    calls=[],
                    registered=registered,
                    error=str(exc),
                )
                recorder.record(failed)
            return JSONResponse(
                status_code=502, content={"error": "model backend failed", "detail": str(exc)}
            )
        request.state.mode = result.mode
        record = _decision(
            conversation_id,
            task_id,
            result.route,
            calls=result.tool_calls,
            registered=registered,
            error=next((c.error for c in result.tool_calls if c.error), None),
        )
        recorder.record(record)
        _log.info(
            "chat.response",
            conversation_id=conversation_id,
            task_id=task_id,
            mode=result.mode,
            tool_calls=len(result.tool_calls),
            outcome=record.outcome,
        )
        return ChatResponse(
            conversation_id=conversation_id,
            task_id=task_id,
            mode=result.mode,
            message=Message(role="assistant", content=result.content),
            tool_calls=result.tool_calls,
            trace_id=record.trace_id or "",
        )

    _install_operational_routes(app, settings, metrics)
    app.add_middleware(_BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(_TraceHeadersMiddleware, metrics=metrics)  # outermost of the two
    telemetry.instrument_fastapi(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    """4xx answers in one shape, ``{"error", "detail", "fields"}``, naming the field."""

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        content_type = request.headers.get("content-type", "")
        # FastAPI hands over the raw bytes when the body was not declared as JSON.
        if isinstance(exc.body, bytes) and not _is_json_media_type(content_type):
            found = repr(content_type) if content_type else "no Content-Type header"
            problem = {
                "field": "Content-Type",
                "message": f"expected application/json, found {found}",
            }
            return _error_response(415, [problem])
        return _error_response(422, _field_errors(exc.errors()))

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path == "/chat" and exc.status_code == 400:
            # FastAPI's own text for a body it cannot decode names no field.
            problem = {"field": "body", "message": "unreadable body: expected UTF-8 encoded JSON"}
            return _error_response(400, [problem])
        return await http_exception_handler(request, exc)


class _ChatMiddleware:
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


class _TraceHeadersMiddleware(_ChatMiddleware):
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
                    traceresponse = f"00-{trace_id}-{span_id}-{_trace_flags()}"
                    headers.append((HEADER_TRACERESPONSE.encode(), traceresponse.encode()))
                    message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            state = scope.get("state") or {}
            mode = state.get("mode", "none") if isinstance(state, dict) else "none"
            self.metrics.observe_request(mode, status, time.perf_counter() - started)


class _BodyLimitMiddleware(_ChatMiddleware):
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
    response = _error_response(
        413, [{"field": "body", "message": f"at most {limit} bytes are accepted"}]
    )
    await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


def _install_operational_routes(app: FastAPI, settings: Settings, metrics: Metrics) -> None:
    """``/health`` and ``/metrics``: never traced (the per-path rule), always answering."""

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "model": settings.model}

    @app.get("/metrics")
    def prometheus() -> Response:
        body, content_type = metrics.render()
        return Response(content=body, media_type=content_type)


def _decision(
    conversation_id: str,
    task_id: str,
    route: RouteDecision,
    *,
    calls: list[ToolCallResult],
    registered: set[str],
    error: str | None,
) -> DecisionRecord:
    """The decision record of one request, in the current (SERVER) span."""
    context = current_trace_context()
    return DecisionRecord(
        trace_id=context.get("trace_id", ""),
        span_id=context.get("span_id", ""),
        conversation_id=conversation_id,
        task_id=task_id,
        route_mode=route.mode,
        route_reason=route.reason,
        route_confidence=route.confidence,
        tools=[
            # Like spans, records name only registered tools: any other requested
            # name is request text.
            ToolUse(tool=c.tool if c.tool in registered else "unknown", success=c.success)
            for c in calls
        ],
        outcome="error" if error is not None or not all(c.success for c in calls) else "success",
        error=error,
    )


def _trace_flags() -> str:
    try:
        from opentelemetry import trace
    except ImportError:  # pragma: no cover - no OpenTelemetry means no header at all
        return "00"
    sampled = trace.get_current_span().get_span_context().trace_flags.sampled
    return "01" if sampled else "00"


def _is_json_media_type(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _field_errors(errors: Any) -> list[dict[str, str]]:
    problems = []
    for error in errors:
        loc = error.get("loc", ())
        kind = error.get("type")
        if kind == "json_invalid":
            at = f" at character {loc[1]}" if len(loc) > 1 else ""
            reason = error.get("ctx", {}).get("error", "")
            problems.append({"field": "body", "message": f"malformed JSON{at}: {reason}"})
            continue
        field = _dotted([str(part) for part in loc if part != "body"]) or "body"
        message = str(error.get("msg", "invalid value"))
        if field == "body" and kind == "missing":
            message = 'expected a JSON object such as {"messages": [...]}, found an empty body'
        elif field == "body" and kind in ("dict_type", "model_attributes_type", "model_type"):
            message = 'expected a JSON object such as {"messages": [...]}'
        if kind not in ("missing", "extra_forbidden"):
            message += f", found {_json_kind(error.get('input'))}"
        problems.append({"field": field, "message": message})
    return problems


def _json_kind(value: Any) -> str:
    """What a request value was, as a JSON reader names it; short strings are shown."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else f"a string of {len(value)} characters"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _dotted(location: list[str]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path


def _limit_problems(body: ChatRequest, settings: Settings) -> list[dict[str, str]]:
    problems = []
    if len(body.messages) > settings.max_messages:
        problems.append(
            {
                "field": "messages",
                "message": f"at most {settings.max_messages} messages are accepted, "
                f"found {len(body.messages)}",
            }
        )
    for index, message in enumerate(body.messages):
        if len(message.content) > settings.max_content_chars:
            problems.append(
                {
                    "field": f"messages[{index}].content",
                    "message": f"at most {settings.max_content_chars} characters are accepted, "
                    f"found {len(message.content)}",
                }
            )
    if not any(m.role == "user" and m.content.strip() for m in body.messages):
        problems.append({"field": "messages", "message": "needs a non-empty user message"})
    return problems


def _error_response(status: int, problems: list[dict[str, str]]) -> JSONResponse:
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return JSONResponse(
        status_code=status,
        content=jsonable_encoder(
            {"error": "invalid request", "detail": summary, "fields": problems}
        ),
    )
