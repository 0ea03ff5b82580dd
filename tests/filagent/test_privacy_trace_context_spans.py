"""The redacting span processor drops foreign ``tracestate`` from spans, parents and links.

Whatever propagator made the context, even the raw W3C one, no exported span carries
a client's ``tracestate``, and a span started under one hands its children none.
"""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, NonRecordingSpan, SpanContext, TraceFlags
from opentelemetry.trace.span import TraceState

from filagent.telemetry.privacy import install_redaction
from tests.helpers.trace_context import (
    EMAIL,
    PARENT_ID,
    TRACE_ID,
    redactor_with,
    trace_headers,
    w3c,
)


@pytest.fixture
def provider_and_spans() -> tuple[TracerProvider, InMemorySpanExporter]:
    provider = TracerProvider()
    install_redaction(provider, redactor_with())
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def test_spans_under_a_remote_parent_with_a_tracestate_carry_none(
    provider_and_spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = provider_and_spans
    # The raw W3C propagator, as a program with its own propagator set-up would have it.
    context = w3c().extract(trace_headers())
    tracer = provider.get_tracer("test")

    with (
        tracer.start_as_current_span("server", context=context),
        tracer.start_as_current_span("child"),
    ):
        pass

    spans = exporter.get_finished_spans()
    assert [span.name for span in spans] == ["child", "server"]
    assert [dict(span.context.trace_state) for span in spans] == [{}, {}]
    assert [dict(span.parent.trace_state) for span in spans if span.parent] == [{}, {}]


def test_links_carry_no_foreign_tracestate(
    provider_and_spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = provider_and_spans
    linked = SpanContext(
        int(TRACE_ID, 16),
        int(PARENT_ID, 16),
        is_remote=True,
        trace_flags=TraceFlags(1),
        trace_state=TraceState([("crm", EMAIL)]),
    )

    with provider.get_tracer("test").start_as_current_span("batch", links=[Link(linked)]):
        pass

    (span,) = exporter.get_finished_spans()
    assert [dict(link.context.trace_state) for link in span.links] == [{}]


def test_a_span_started_with_a_foreign_tracestate_hands_children_none(
    provider_and_spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, _ = provider_and_spans
    remote = SpanContext(
        int(TRACE_ID, 16),
        int(PARENT_ID, 16),
        is_remote=True,
        trace_flags=TraceFlags(1),
        trace_state=TraceState([("crm", EMAIL)]),
    )
    context = trace.set_span_in_context(NonRecordingSpan(remote))
    carrier: dict[str, str] = {}

    with provider.get_tracer("test").start_as_current_span("server", context=context):
        # The raw propagator injects what the current span carries.
        w3c().inject(carrier)

    assert "tracestate" not in carrier
