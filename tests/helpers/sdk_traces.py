"""Traces recorded with the OpenTelemetry SDK, read back as the plugin's span trees."""

from __future__ import annotations

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from pytest_filagent_trace._spans import SpanTree, build_trees


def chat_trace(provider: TracerProvider, exporter: InMemorySpanExporter) -> list[SpanTree]:
    """A chat request routed to HTN whose web search failed, recorded with ``provider``."""
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span(
        "POST /chat",
        kind=SpanKind.SERVER,
        attributes={"http.request.method": "POST", "http.response.status_code": 200},
    ):
        with tracer.start_as_current_span("agent.route", attributes={"route.mode": "htn"}):
            pass
        with tracer.start_as_current_span("agent.run_with_htn"):
            try:
                with tracer.start_as_current_span(
                    "tool.execute.web_search",
                    attributes={"tool.name": "web_search", "tool.execution.success": False},
                ):
                    raise ValueError("boom")
            except ValueError:
                pass
    return build_trees(exporter.get_finished_spans())
