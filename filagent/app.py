"""The FilAgent HTTP service, wired.

``create_app`` builds everything from its arguments: nothing global is created
at import time, and the telemetry (with its TracerProvider) is injected so tests
and embedding programs choose where spans go. The parts live in their own
modules: the ``/chat`` path in :mod:`filagent.chat`, error answers in
:mod:`filagent.http_errors`, the ``/chat`` middleware in :mod:`filagent.middleware`.

Example::

    from filagent.app import create_app
    app = create_app()                      # default settings and telemetry
    app = create_app(telemetry=TelemetryManager(config, tracer_provider=provider))
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from filagent.agent.agent import Agent
from filagent.audit import DecisionRecorder
from filagent.chat import ChatHandler
from filagent.http_errors import install_error_handlers
from filagent.metrics import Metrics
from filagent.middleware import BodyLimitMiddleware, TraceHeadersMiddleware
from filagent.models import build_model
from filagent.schemas import ChatRequest, ChatResponse
from filagent.settings import Settings
from filagent.telemetry.config import ConfigError, ConfigProblem
from filagent.telemetry.instrumentation import fastapi_app_options
from filagent.telemetry.manager import TelemetryManager
from filagent.telemetry.setup import get_telemetry_manager
from filagent.tools import ToolExecutor, build_default_tools


def create_app(
    settings: Settings | None = None,
    telemetry: TelemetryManager | None = None,
    *,
    metrics: Metrics | None = None,
    recorder: DecisionRecorder | None = None,
    http_client: httpx.Client | None = None,
    search_failure: Callable[[], str | None] | None = None,
) -> FastAPI:
    """Build the FilAgent app: ``POST /chat``, ``GET /health``, ``GET /metrics``.

    ``search_failure()`` names why the search service is gone, when it is
    (``filagent serve`` watches the one it starts): ``web_search`` calls then fail.

    Example: ``TestClient(create_app()).get("/health").json()`` is
    ``{"status": "ok", "model": "rule"}``.
    """
    settings = settings or Settings.from_env()
    telemetry = telemetry or get_telemetry_manager()
    metrics = metrics or telemetry.metrics or Metrics()
    if recorder is None:
        recorder = DecisionRecorder(telemetry.config.records.path, redact=telemetry.redact_record)
    check_records(recorder)
    if recorder.on_failure is None:
        recorder.on_failure = lambda _: metrics.record_failed()
    client = http_client or httpx.Client(timeout=httpx.Timeout(10.0))
    telemetry.instrument_httpx_client(client)

    tracer = telemetry.tracer()
    registry = build_default_tools(
        settings.data_dir, settings.search_url, client, search_failure=search_failure
    )

    def count_tool_call(tool: str, success: bool) -> None:
        metrics.count_tool_call(registry.label(tool), success)

    model = build_model(
        settings.model,
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key,
        http_client=client,
    )
    tools = ToolExecutor(registry, tracer, on_call=count_tool_call)
    agent = Agent(model, tools, tracer, max_workers=settings.max_workers)
    handler = ChatHandler(
        settings,
        agent,
        recorder,
        registry,
        hash_user_id=telemetry.hash_user_id,
        redact_text=telemetry.redactor.redact_text,
    )

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
    install_error_handlers(app)

    @app.post("/chat", response_model=ChatResponse)
    def chat(body: ChatRequest, request: Request) -> ChatResponse | JSONResponse:
        return handler.handle(body, request)

    _install_operational_routes(app, settings, metrics)
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        body_timeout=settings.body_timeout_seconds,
    )
    app.add_middleware(TraceHeadersMiddleware, metrics=metrics)  # outermost of the two
    telemetry.instrument_fastapi(app)
    return app


def check_records(recorder: DecisionRecorder) -> None:
    """Refuse to start when decision records cannot be written at all.

    Raises:
        ConfigError: naming ``records.path``, the path and why.
    """
    problem = recorder.check()
    if problem is not None:
        expected = f"a path FilAgent can write decision records to ({problem}), or null"
        found = str(recorder.path)
        raise ConfigError(
            [ConfigProblem("telemetry configuration", "records.path", found, expected)]
        )


def _install_operational_routes(app: FastAPI, settings: Settings, metrics: Metrics) -> None:
    """``/health`` and ``/metrics``: never traced (the per-path rule), always answering."""

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "model": settings.model}

    @app.get("/metrics")
    def prometheus() -> Response:
        body, content_type = metrics.render()
        return Response(content=body, media_type=content_type)
