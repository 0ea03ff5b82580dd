"""TelemetryManager: injection, instrumentation, propagation, privacy hooks, no-op modes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry import propagate, trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from filagent.telemetry.config import ConfigError, TelemetryConfig, config_from_mapping
from filagent.telemetry.instrumentation import untraced_url_patterns
from filagent.telemetry.setup import (
    TelemetryManager,
    get_trace_context,
    get_tracer,
    set_telemetry_manager,
)
from filagent.telemetry.tracing import NOOP_TRACER
from tests.blocked_imports import SDK_MODULES, blocking_prelude
from tests.filagent.conftest import ServeApp
from tests.helpers.python import json_printed_by
from tests.helpers.spans import Spans

PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN = "00f067aa0ba902b7"


def config(**sections: Any) -> TelemetryConfig:
    return config_from_mapping(sections)


def manager_in_memory(**sections: Any) -> tuple[TelemetryManager, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    return TelemetryManager(config(**sections), span_exporter=exporter), exporter


def names(exporter: InMemorySpanExporter) -> list[str]:
    return [span.name for span in exporter.get_finished_spans()]


def small_app() -> FastAPI:
    app = FastAPI()
    for path in ("/health", "/healthz", "/metrics", "/chat"):
        app.add_api_route(path, lambda: {"ok": True}, methods=["GET"])
    return app


# --- the manager -----------------------------------------------------------------------


def test_provider_and_exporter_together_are_refused(provider: TracerProvider) -> None:
    with pytest.raises(ValueError, match="pass tracer_provider or span_exporter, not both"):
        TelemetryManager(config(), tracer_provider=provider, span_exporter=InMemorySpanExporter())


def test_injected_provider_receives_the_spans_and_is_not_made_global(
    provider: TracerProvider, spans: Spans
) -> None:
    manager = TelemetryManager(config(), tracer_provider=provider)
    with manager.tracer().span("agent.route"):
        pass
    assert [span.name for span in spans.all()] == ["agent.route"]
    assert manager.install_global() is False
    assert trace.get_tracer_provider() is not provider


def test_shutdown_leaves_an_injected_provider_running(
    provider: TracerProvider, spans: Spans
) -> None:
    TelemetryManager(config(), tracer_provider=provider).shutdown()
    with provider.get_tracer("t").start_as_current_span("after"):
        pass
    assert [span.name for span in spans.all()] == ["after"]


def test_shutdown_and_flush_of_an_owned_provider() -> None:
    manager, exporter = manager_in_memory()
    assert manager.force_flush() is True
    manager.shutdown()
    manager.shutdown()
    with manager.tracer().span("late"):
        pass
    assert names(exporter) == []


def test_disabled_configuration_is_a_no_op(serve: ServeApp) -> None:
    manager, exporter = manager_in_memory(enabled=False)
    app = small_app()
    assert (manager.enabled, manager.tracer_provider) == (False, None)
    assert manager.tracer() is NOOP_TRACER
    assert manager.instrument_fastapi(app) is False
    with serve(app) as url, httpx.Client() as client:
        assert client.get(f"{url}/chat").json() == {"ok": True}
        assert manager.instrument_httpx_client(client) is False
    assert names(exporter) == []


# --- privacy ---------------------------------------------------------------------------

SECRET = "0123456789abcdef0123"


def test_user_ids_become_keyed_hashes() -> None:
    manager = TelemetryManager(
        config(traces={"exporters": []}, privacy={"user_id_hmac_secret": SECRET})
    )
    hashed = manager.hash_user_id("alice")
    assert hashed.startswith("hmac-sha256:")
    assert "alice" not in hashed
    assert hashed == manager.hash_user_id("alice")


def test_decision_records_are_redacted_by_the_manager() -> None:
    manager = TelemetryManager(config(traces={"exporters": []}))
    redacted = manager.redact_record({"trace_id": PARENT_TRACE, "error": "to bob@example.com"})
    assert redacted == {"trace_id": PARENT_TRACE, "error": "to [REDACTED:email]"}


def test_manager_logging_redacts_log_lines() -> None:
    import io
    import logging

    import structlog

    from filagent.telemetry.logging import get_logger

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    try:
        TelemetryManager(config(traces={"exporters": []})).configure_logging(stream)
        get_logger("filagent").info("login", email="bob@example.com")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        structlog.reset_defaults()
    assert json.loads(stream.getvalue())["email"] == "[REDACTED:email]"


def test_short_user_id_secret_is_refused_without_showing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FILAGENT_USER_ID_SECRET", "short-secret")
    with pytest.raises(ConfigError) as info:
        TelemetryManager(config(traces={"exporters": []}))
    assert str(info.value) == (
        "invalid telemetry configuration: environment variable FILAGENT_USER_ID_SECRET: "
        "found '<hidden: 12 characters>', expected at least 16 characters"
    )


# --- HTTP instrumentation and propagation ------------------------------------------------


def test_health_and_metrics_are_not_traced_but_other_paths_are(serve: ServeApp) -> None:
    manager, exporter = manager_in_memory()
    app = small_app()
    assert manager.instrument_fastapi(app) is True
    with serve(app) as url, httpx.Client() as client:
        for path in ("/health", "/metrics", "/healthz", "/chat"):
            assert client.get(f"{url}{path}").status_code == 200
    assert sorted(names(exporter)) == ["GET /chat", "GET /healthz"]


def test_untraced_paths_come_from_the_configuration(serve: ServeApp) -> None:
    manager, exporter = manager_in_memory(traces={"untraced_paths": ["/chat"]})
    app = small_app()
    manager.instrument_fastapi(app)
    with serve(app) as url, httpx.Client() as client:
        client.get(f"{url}/chat")
        client.get(f"{url}/health")
    assert names(exporter) == ["GET /health"]


def test_untraced_patterns_match_exact_paths_on_any_host() -> None:
    import re

    pattern = re.compile(untraced_url_patterns(["/health"]))
    assert pattern.search("http://127.0.0.1:8000/health")
    assert pattern.search("https://filagent.example/health")
    assert not pattern.search("http://host/healthz")
    assert not pattern.search("http://host/api/health")


def test_incoming_traceparent_joins_the_callers_trace(serve: ServeApp) -> None:
    manager, exporter = manager_in_memory()
    app = small_app()
    manager.instrument_fastapi(app)
    traceparent = f"00-{PARENT_TRACE}-{PARENT_SPAN}-01"
    with serve(app) as url, httpx.Client() as client:
        client.get(f"{url}/chat", headers={"traceparent": traceparent})
    (server,) = exporter.get_finished_spans()  # no ASGI receive/send child spans
    assert server.kind is trace.SpanKind.SERVER
    assert format(server.context.trace_id, "032x") == PARENT_TRACE
    assert server.parent is not None
    assert format(server.parent.span_id, "016x") == PARENT_SPAN


@pytest.mark.parametrize(("flags", "recorded"), [("01", ["GET /chat"]), ("00", [])])
def test_parent_based_sampling_follows_the_callers_decision(
    serve: ServeApp, flags: str, recorded: list[str]
) -> None:
    manager, exporter = manager_in_memory(traces={"sampler": "parentbased_always_off"})
    app = small_app()
    manager.instrument_fastapi(app)
    with serve(app) as url, httpx.Client() as client:
        client.get(
            f"{url}/chat", headers={"traceparent": f"00-{PARENT_TRACE}-{PARENT_SPAN}-{flags}"}
        )
    assert names(exporter) == recorded


def test_w3c_tracecontext_and_baggage_are_propagated() -> None:
    manager_in_memory()
    assert {"traceparent", "tracestate", "baggage"} <= propagate.get_global_textmap().fields


def test_httpx_client_gets_client_spans_and_sends_traceparent() -> None:
    seen: list[httpx.Request] = []

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    client = httpx.Client(transport=httpx.MockTransport(respond))
    manager, exporter = manager_in_memory()
    assert manager.instrument_httpx_client(client) is True
    with manager.tracer().span("tool.execute.web_search") as parent:
        client.get("http://127.0.0.1:9/search?q=otel")
    client_span = exporter.get_finished_spans()[0]
    assert client_span.kind is trace.SpanKind.CLIENT
    assert client_span.name == "GET"
    assert seen[0].headers["traceparent"].startswith(f"00-{parent.trace_id}-")


# --- the seed's helpers ------------------------------------------------------------------


def test_get_trace_context_is_empty_outside_a_span() -> None:
    assert get_trace_context() == {}


def test_get_tracer_uses_the_process_manager() -> None:
    manager, exporter = manager_in_memory()
    previous = set_telemetry_manager(manager)
    try:
        with get_tracer("seed.user").start_as_current_span("work"):
            context = get_trace_context()
    finally:
        set_telemetry_manager(previous)
    (span,) = exporter.get_finished_spans()
    assert context["trace_id"] == format(span.context.trace_id, "032x")
    assert span.instrumentation_scope is not None
    assert span.instrumentation_scope.name == "seed.user"


#: A fresh interpreter's environment: the SDK on, whatever the developer's shell says.
SDK_ENV = {"PATH": "/usr/bin:/bin", "OTEL_SDK_DISABLED": "false"}


def test_initialize_telemetry_installs_the_global_provider_once() -> None:
    result = json_printed_by(
        """
        import json
        from opentelemetry import trace
        from filagent.telemetry.config import TelemetryConfig
        from filagent.telemetry.setup import (
            TelemetryManager, get_telemetry_manager, initialize_telemetry)
        quiet = TelemetryConfig(traces={"exporters": []})
        first = initialize_telemetry(quiet)
        is_global = trace.get_tracer_provider() is get_telemetry_manager().tracer_provider
        other = TelemetryManager(quiet).install_global()
        disabled = initialize_telemetry(TelemetryConfig(enabled=False))
        print(json.dumps([first, is_global, other, disabled]))
        """,
        env=SDK_ENV,
    )
    assert result == [True, True, False, False]


CORE_CHECKS = """
from filagent.telemetry import setup
from filagent.telemetry.config import TelemetryConfig
from filagent.telemetry.logging import configure_logging, get_logger

manager = setup.TelemetryManager(TelemetryConfig())
with manager.tracer().span("agent.route") as span:
    span.set_attribute("route.mode", "simple")
with setup.get_tracer("x").start_as_current_span("y") as raw:
    raw.set_attribute("a", 1)
initialized = setup.initialize_telemetry(TelemetryConfig())
stream = io.StringIO()
configure_logging("INFO", stream=stream)
get_logger("t").info("hello")
result = {
    "loaded": sorted({m for m in sys.modules if any(m.startswith(p) for p in BLOCKED)}),
    "enabled": manager.enabled,
    "httpx": manager.instrument_httpx_client(__import__("httpx").Client()),
    "context": setup.get_trace_context(),
    "initialized": initialized,
    "log": json.loads(stream.getvalue()),
}
"""


def test_without_any_opentelemetry_the_core_is_a_no_op() -> None:
    script = blocking_prelude(["opentelemetry"]) + CORE_CHECKS
    result = json_printed_by(script + "print(json.dumps(result))", env=SDK_ENV)
    assert (result["loaded"], result["enabled"], result["httpx"]) == ([], False, False)
    assert (result["context"], result["initialized"]) == ({}, False)
    assert result["log"]["event"] == "hello"
    assert "trace_id" not in result["log"]


def test_without_the_sdk_the_service_runs_untraced() -> None:
    # FastAPI itself needs the OpenTelemetry API, so this is what an install
    # without the SDK, exporters and instrumentations looks like.
    app_checks = """
from fastapi import FastAPI
from fastapi.testclient import TestClient
app = FastAPI()
app.add_api_route("/chat", lambda: {"ok": True}, methods=["GET"])
result["instrumented"] = manager.instrument_fastapi(app)
result["status"] = TestClient(app).get("/chat").status_code
"""
    script = blocking_prelude(SDK_MODULES) + CORE_CHECKS + app_checks
    result = json_printed_by(script + "print(json.dumps(result))", env=SDK_ENV)
    assert (result["loaded"], result["enabled"], result["httpx"]) == ([], False, False)
    assert (result["instrumented"], result["status"], result["context"]) == (False, 200, {})
    assert result["initialized"] is False
    assert "trace_id" not in result["log"]
