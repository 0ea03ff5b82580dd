"""Trace context over HTTP: an answer's trace headers, a caller's ``traceparent``, the search call.

``X-Trace-ID`` and ``traceresponse`` name the request's trace and SERVER span; a caller's
sampled ``traceparent`` is joined, an unsampled one gives no spans, a malformed one a new
trace; the search service's SERVER span joins the request's trace.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from opentelemetry.trace import SpanKind

from filagent.telemetry import names
from tests.helpers.chat import HEX32, ask
from tests.helpers.spans import Spans, span_id_of, trace_id_of, wait_for_span

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


# --- trace headers ---------------------------------------------------------------------


def test_trace_id_header_equals_the_body_trace_id_and_the_server_span_trace(
    client: TestClient, spans: Spans
) -> None:
    response = ask(client, "What is 2+2?")

    header = response.headers["X-Trace-ID"]
    assert HEX32.fullmatch(header), header
    assert response.json()["trace_id"] == header
    assert trace_id_of(spans.one("POST /chat")) == header


def test_traceresponse_header_names_the_server_span(client: TestClient, spans: Spans) -> None:
    response = ask(client, "What is 2+2?")

    server = spans.one("POST /chat")
    assert server.kind is SpanKind.SERVER
    expected = f"00-{trace_id_of(server)}-{span_id_of(server)}-01"
    assert response.headers["traceresponse"] == expected


# --- trace context ----------------------------------------------------------------------


def test_incoming_traceparent_joins_the_callers_trace(client: TestClient, spans: Spans) -> None:
    traceparent = f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"

    response = ask(client, "What is 2+2?", headers={"traceparent": traceparent})

    server = spans.one("POST /chat")
    assert server.parent is not None
    assert format(server.parent.span_id, "016x") == CALLER_SPAN
    assert trace_id_of(server) == CALLER_TRACE
    assert response.headers["X-Trace-ID"] == CALLER_TRACE
    assert {trace_id_of(s) for s in spans.all()} == {CALLER_TRACE}


def test_caller_that_does_not_sample_gets_its_trace_id_and_no_spans(
    client: TestClient, spans: Spans
) -> None:
    traceparent = f"00-{CALLER_TRACE}-{CALLER_SPAN}-00"

    response = ask(client, "What is 2+2?", headers={"traceparent": traceparent})

    assert response.status_code == 200
    assert response.headers["X-Trace-ID"] == CALLER_TRACE
    assert response.headers["traceresponse"].endswith("-00")
    assert spans.all() == []


def test_malformed_traceparent_starts_a_new_trace(client: TestClient, spans: Spans) -> None:
    response = ask(client, "What is 2+2?", headers={"traceparent": "00-not-a-trace-01"})

    server = spans.one("POST /chat")
    assert server.parent is None
    assert response.headers["X-Trace-ID"] == trace_id_of(server)


# --- the search call -------------------------------------------------------------------


def test_search_service_span_joins_the_request_trace(client: TestClient, spans: Spans) -> None:
    response = ask(client, "search for opentelemetry")

    search_server = wait_for_span(spans, "GET /search")
    assert search_server.kind is SpanKind.SERVER
    assert trace_id_of(search_server) == response.headers["X-Trace-ID"]
    assert spans.parent_name(search_server) == "GET"
    assert spans.parent_name(spans.one("GET")) == names.tool_span_name("web_search")
