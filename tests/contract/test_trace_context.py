"""W3C trace context at the service's edge: incoming ``traceparent``, response headers, sampling.

A caller's sampled ``traceparent`` is continued; every ``/chat`` answer names its trace
and SERVER span in ``X-Trace-ID`` and ``traceresponse``; a request that is not sampled
(the caller says so, or the sampler is ``always_off``) is answered the same, with no span.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider

from filagent.settings import Settings
from filagent.telemetry.names import HEADER_TRACE_ID, HEADER_TRACERESPONSE
from filagent.telemetry.setup import TelemetryManager
from pytest_filagent_trace import (
    TraceCapture,
    TraceSnapshotAssertion,
    assert_span_tree,
    capture_spans,
    span,
)
from tests.contract.conftest import answer_of, contract_config, request_trace, running_app
from tests.helpers.chat import ask

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
QUESTION = "What is 2+2?"


def test_incoming_traceparent_is_continued_under_the_callers_span(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    response = ask(client, QUESTION, headers={"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"})

    assert response.headers[HEADER_TRACE_ID] == CALLER_TRACE
    assert_span_tree(
        trace_capture,
        span(
            "POST /chat",
            span("agent.route", orphan=False),
            span("agent.run_simple", span("tool.execute.calculator"), orphan=False),
            kind="SERVER",
            orphan=True,  # its parent is the caller's span, which this process never saw
        ),
    )
    (tree,) = trace_capture.traces()
    assert tree.trace_id == CALLER_TRACE
    assert tree.root.parent_span_id == CALLER_SPAN
    assert trace_capture.trace(CALLER_TRACE) == trace_snapshot.with_order("start")


def test_trace_headers_name_the_trace_and_its_server_span(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    response = ask(client, QUESTION)

    trace_id = response.headers[HEADER_TRACE_ID]
    tree = request_trace(trace_capture, response)
    assert_span_tree(tree, span("POST /chat", kind="SERVER", orphan=False))
    assert tree.trace_id == trace_id == response.json()["trace_id"]
    assert response.headers[HEADER_TRACERESPONSE] == f"00-{trace_id}-{tree.root.span_id}-01"
    assert tree == trace_snapshot.with_order("start")


def test_request_the_caller_did_not_sample_is_answered_without_spans(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    sampled = ask(client, QUESTION)
    trace_capture.clear()  # the sampled request is only the reference answer

    response = ask(client, QUESTION, headers={"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-00"})

    assert response.status_code == 200
    assert answer_of(response.json()) == answer_of(sampled.json())
    assert response.headers[HEADER_TRACE_ID] == CALLER_TRACE
    assert response.headers[HEADER_TRACERESPONSE].endswith("-00")
    assert_span_tree(trace_capture, [span("*", count=0)])
    assert trace_capture == trace_snapshot


def test_always_off_sampler_answers_without_spans(
    client: TestClient,
    settings: Settings,
    trace_capture: TraceCapture,
    trace_snapshot: TraceSnapshotAssertion,
) -> None:
    sampled = ask(client, QUESTION)
    trace_capture.clear()  # the sampled request is only the reference answer
    never = TelemetryManager(contract_config(traces={"sampler": "always_off"}))
    assert isinstance(never.tracer_provider, SdkTracerProvider)

    with (
        capture_spans(never.tracer_provider) as never_captured,
        running_app(never, settings) as unsampled,
    ):
        response = ask(unsampled, QUESTION)

    assert response.status_code == 200
    assert answer_of(response.json()) == answer_of(sampled.json())
    assert response.headers[HEADER_TRACERESPONSE].endswith("-00")
    assert_span_tree(never_captured, [span("*", count=0)])
    assert_span_tree(trace_capture, [span("*", count=0)])
    assert trace_capture == trace_snapshot
