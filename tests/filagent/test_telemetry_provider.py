"""The SDK pipeline: resource, samplers, exporters and their counters, redaction first."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from filagent.metrics import Metrics
from filagent.telemetry.config import ConfigError, config_from_mapping
from filagent.telemetry.provider import CountingSpanExporter, build_sampler
from filagent.telemetry.setup import TelemetryManager, get_trace_context
from tests.filagent.metric_samples import sample
from tests.filagent.test_telemetry_setup import config, manager_in_memory, names


class FailingExporter(SpanExporter):
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if self.error is not None:
            raise self.error
        return SpanExportResult.FAILURE


SECRET = "0123456789abcdef0123"


# --- resource and sampling -------------------------------------------------------------


def test_spans_carry_the_configured_resource() -> None:
    env = {"OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test", "OTEL_SERVICE_NAME": "svc"}
    exporter = InMemorySpanExporter()
    manager = TelemetryManager(
        config_from_mapping({"service": {"version": "9.9"}}, env=env), span_exporter=exporter
    )
    with manager.tracer().span("agent.route"):
        pass
    (span,) = exporter.get_finished_spans()
    resource = dict(span.resource.attributes)
    assert resource["service.name"] == "svc"
    assert resource["service.version"] == "9.9"
    assert resource["deployment.environment"] == "test"
    assert resource["telemetry.sdk.language"] == "python"


def test_service_version_defaults_to_the_installed_distribution() -> None:
    manager, exporter = manager_in_memory()
    with manager.tracer().span("x"):
        pass
    version = exporter.get_finished_spans()[0].resource.attributes["service.version"]
    assert isinstance(version, str)
    assert version[0].isdigit()


@pytest.mark.parametrize(
    ("name", "description"),
    [
        ("always_on", "AlwaysOnSampler"),
        ("always_off", "AlwaysOffSampler"),
        ("traceidratio", "TraceIdRatioBased{0.25}"),
        ("parentbased_always_on", "ParentBased{root:AlwaysOnSampler,"),
        ("parentbased_always_off", "ParentBased{root:AlwaysOffSampler,"),
        ("parentbased_traceidratio", "ParentBased{root:TraceIdRatioBased{0.25},"),
    ],
)
def test_sampler_names_map_to_sdk_samplers(name: str, description: str) -> None:
    sampler = build_sampler(config(traces={"sampler": name, "sampler_arg": 0.25}))
    assert sampler.get_description().startswith(description)


def test_ratio_sampler_without_arg_keeps_every_trace() -> None:
    assert build_sampler(config(traces={"sampler": "traceidratio"})).get_description() == (
        "TraceIdRatioBased{1.0}"
    )


def test_always_off_records_nothing() -> None:
    manager, exporter = manager_in_memory(traces={"sampler": "always_off"})
    with manager.tracer().span("agent.route"):
        pass
    assert names(exporter) == []


def test_without_exporters_spans_still_have_trace_ids() -> None:
    manager = TelemetryManager(config(traces={"exporters": []}))
    with manager.tracer().span("agent.route") as span:
        assert get_trace_context() == {"trace_id": span.trace_id, "span_id": span.span_id}
    assert len(span.trace_id) == 32


# --- exporters and their counters ----------------------------------------------------


def test_exported_spans_are_counted() -> None:
    manager, _ = manager_in_memory()
    for _ in range(3):
        with manager.tracer().span("s"):
            pass
    assert sample(manager.metrics, "filagent_spans_exported_total") == 3
    assert sample(manager.metrics, "filagent_spans_dropped_total") == 0


def test_failed_exports_are_counted_as_dropped() -> None:
    metrics = Metrics()
    manager = TelemetryManager(config(), span_exporter=FailingExporter(), metrics=metrics)
    with manager.tracer().span("lost"):
        pass
    assert sample(metrics, "filagent_spans_dropped_total") == 1
    assert sample(metrics, "filagent_spans_exported_total") == 0


def test_an_exporter_exception_counts_dropped_and_propagates() -> None:
    counts: list[tuple[bool, int]] = []
    exporter = CountingSpanExporter(FailingExporter(OSError("down")), lambda *c: counts.append(c))
    with pytest.raises(OSError, match="down"):
        exporter.export([])
    assert counts == [(False, 0)]


@contextmanager
def otlp_capture() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A bare OTLP/HTTP endpoint on 127.0.0.1 recording path, headers and span names."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            spans = [
                s.name for r in request.resource_spans for ss in r.scope_spans for s in ss.spans
            ]
            received.append({"path": self.path, "headers": dict(self.headers), "spans": spans})
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            del format, args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_otlp_http_exports_batches_to_the_endpoint_with_headers() -> None:
    with otlp_capture() as (url, received):
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": url, "OTEL_EXPORTER_OTLP_HEADERS": "x-tenant=blue"}
        manager = TelemetryManager(config_from_mapping({}, env=env))
        with manager.tracer().span("agent.route"), manager.tracer().span("tool.execute.calculator"):
            pass
        assert manager.force_flush(10_000)
        manager.shutdown()
    (request,) = received
    assert request["path"] == "/v1/traces"
    assert request["headers"]["x-tenant"] == "blue"
    assert sorted(request["spans"]) == ["agent.route", "tool.execute.calculator"]
    assert sample(manager.metrics, "filagent_spans_exported_total") == 2


def test_otlp_export_to_an_unreachable_endpoint_counts_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with otlp_capture() as (url, _):
        pass  # the port is closed again: nothing listens there now
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "1")
    manager = TelemetryManager(config(otlp={"endpoint": url}))
    with manager.tracer().span("lost"):
        pass
    manager.shutdown()
    assert sample(manager.metrics, "filagent_spans_dropped_total") == 1


def test_console_exporter_prints_each_span(capsys: pytest.CaptureFixture[str]) -> None:
    manager = TelemetryManager(config(traces={"exporters": ["console"]}))
    with manager.tracer().span("agent.route"):
        pass
    printed = json.loads(capsys.readouterr().out)
    assert printed["name"] == "agent.route"
    assert printed["resource"]["attributes"]["service.name"] == "filagent"


def test_grpc_protocol_uses_the_grpc_exporter() -> None:
    pytest.importorskip("opentelemetry.exporter.otlp.proto.grpc.trace_exporter")
    manager = TelemetryManager(
        config(otlp={"protocol": "grpc"}, batch={"schedule_delay_ms": 60000})
    )
    assert manager.enabled
    manager.shutdown()


def test_grpc_without_the_extra_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes that import fail, as if the extra were absent.
    monkeypatch.setitem(sys.modules, "opentelemetry.exporter.otlp.proto.grpc.trace_exporter", None)
    with pytest.raises(ConfigError) as info:
        TelemetryManager(config(otlp={"protocol": "grpc"}))
    assert str(info.value) == (
        "invalid telemetry configuration: telemetry configuration: otlp.protocol: found 'grpc', "
        "expected http/protobuf, or grpc after installing the extra: "
        "pip install 'filagent-tracing[grpc]'"
    )


# --- privacy -----------------------------------------------------------------------------


def test_exporters_receive_redacted_spans() -> None:
    manager, exporter = manager_in_memory(privacy={"user_id_hmac_secret": SECRET})
    with manager.tracer().span("tool.execute.web_search") as span:
        span.set_attribute("tool.query", "mail jane@example.com")
    (finished,) = exporter.get_finished_spans()
    assert finished.attributes is not None
    assert finished.attributes["tool.query"] == "mail [REDACTED:email]"


def test_privacy_disabled_exports_spans_as_they_are() -> None:
    manager, exporter = manager_in_memory(privacy={"enabled": False})
    with manager.tracer().span("s") as span:
        span.set_attribute("tool.query", "mail jane@example.com")
    assert exporter.get_finished_spans()[0].attributes == {"tool.query": "mail jane@example.com"}
