"""End to end, a client's ``tracestate`` and ``baggage`` never leave FilAgent unless allowed.

FilAgent runs with a real OTLP/HTTP receiver and real upstream servers on 127.0.0.1
(a search service and an OpenAI-compatible model endpoint) that record the headers
they receive: ``tracestate`` is neither exported nor forwarded unless its key is in
``privacy.allowed_tracestate_keys``, ``baggage`` is forwarded only for
``privacy.forwarded_baggage_keys``, and an upstream's error excerpt in a 502 body is
redacted.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from filagent.app import create_app
from filagent.audit import DecisionRecorder
from filagent.metrics import Metrics
from filagent.settings import Settings
from filagent.telemetry.config import TelemetryConfig, config_from_mapping
from filagent.telemetry.setup import TelemetryManager
from pytest_filagent_trace import SpanNode, TraceReceiver, assert_no_pii
from tests.helpers.trace_context import BAGGAGE, CANARIES, CARD, EMAIL, KEY, trace_headers

SEARCH = "search for opentelemetry context propagation"


@dataclass
class Upstream:
    """A search service and an OpenAI-compatible model endpoint that record what they get."""

    url: str
    model_status: int = 200
    model_body: dict[str, Any] = field(default_factory=dict)
    headers: list[dict[str, str]] = field(default_factory=list)

    def received(self, name: str) -> list[str]:
        return [h[name] for h in self.headers if name in h]


@contextmanager
def recording_upstream() -> Iterator[Upstream]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict[str, Any]) -> None:
            upstream.headers.append({k.lower(): v for k, v in self.headers.items()})
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            hit = {"title": "Context", "url": "https://example.org/c", "snippet": "propagation"}
            self._answer(200, {"results": [hit]})

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self._answer(upstream.model_status, upstream.model_body)

        def log_message(self, format: str, *args: Any) -> None:
            del format, args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    upstream = Upstream(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield upstream
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def receiver() -> Iterator[TraceReceiver]:
    with TraceReceiver() as running:
        yield running


@pytest.fixture
def trace_id() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with recording_upstream() as running:
        yield running


def exporting_config(receiver: TraceReceiver, **privacy: Any) -> TelemetryConfig:
    return config_from_mapping(
        {
            "traces": {"exporters": ["otlp"]},
            "otlp": {"endpoint": receiver.endpoint},
            "batch": {"schedule_delay_ms": 50},
            "records": {"path": None},
            "privacy": {"user_id_hmac_secret": KEY, **privacy},
        }
    )


@contextmanager
def exporting_app(
    receiver: TraceReceiver, settings: Settings, **privacy: Any
) -> Iterator[tuple[TestClient, TelemetryManager]]:
    telemetry = TelemetryManager(exporting_config(receiver, **privacy))
    app = create_app(settings, telemetry, metrics=Metrics(), recorder=DecisionRecorder(None))
    try:
        with TestClient(app) as client:
            yield client, telemetry
    finally:
        telemetry.shutdown()


def _trace(receiver: TraceReceiver, trace_id: str, names: set[str]) -> list[SpanNode]:
    """The received spans of ``trace_id`` once a span of each of ``names`` arrived."""
    for name in sorted(names):
        receiver.wait_for(lambda node, name=name: node.trace_id == trace_id and node.name == name)
    return [node for node in receiver.spans if node.trace_id == trace_id]


def test_tracestate_canary_never_reaches_the_otlp_receiver(
    receiver: TraceReceiver, upstream: Upstream, trace_id: str
) -> None:
    with exporting_app(receiver, Settings(search_url=upstream.url)) as (client, _):
        response = client.post(
            "/chat",
            json={"messages": [{"role": "user", "content": SEARCH}]},
            headers=trace_headers(trace_id=trace_id),
        )

    assert response.status_code == 200, response.text
    assert response.headers["X-Trace-ID"] == trace_id
    spans = _trace(receiver, trace_id, {"POST /chat", "tool.execute.web_search", "GET"})
    assert len(spans) >= 5
    assert [s.name for s in spans if s.trace_state] == []
    assert_no_pii(
        [{"span": s.name, "trace_state": s.trace_state} for s in spans], canaries=CANARIES
    )


def test_allowed_tracestate_member_reaches_the_receiver_and_the_search_service(
    receiver: TraceReceiver, upstream: Upstream, trace_id: str
) -> None:
    settings = Settings(search_url=upstream.url)
    with exporting_app(receiver, settings, allowed_tracestate_keys=["vendor"]) as (client, _):
        client.post(
            "/chat",
            json={"messages": [{"role": "user", "content": SEARCH}]},
            headers=trace_headers(trace_id=trace_id),
        )

    spans = _trace(receiver, trace_id, {"POST /chat", "tool.execute.web_search"})
    assert {s.trace_state for s in spans} == {"vendor=abc123"}
    assert upstream.received("tracestate") == ["vendor=abc123"]


def test_search_service_gets_no_client_tracestate_nor_baggage(
    receiver: TraceReceiver, upstream: Upstream, trace_id: str
) -> None:
    with exporting_app(receiver, Settings(search_url=upstream.url)) as (client, _):
        client.post(
            "/chat",
            json={"messages": [{"role": "user", "content": SEARCH}]},
            headers=trace_headers(trace_id=trace_id),
        )

    assert len(upstream.headers) == 1
    assert upstream.received("traceparent")[0].startswith(f"00-{trace_id}-")
    assert (upstream.received("tracestate"), upstream.received("baggage")) == ([], [])


def test_unsampled_request_forwards_no_client_tracestate_nor_baggage(
    receiver: TraceReceiver, upstream: Upstream, trace_id: str
) -> None:
    with exporting_app(receiver, Settings(search_url=upstream.url)) as (client, _):
        client.post(
            "/chat",
            json={"messages": [{"role": "user", "content": SEARCH}]},
            headers=trace_headers(flags="00", trace_id=trace_id),
        )

    assert upstream.received("traceparent")[0].endswith("-00")
    assert (upstream.received("tracestate"), upstream.received("baggage")) == ([], [])


def test_configured_baggage_entries_are_forwarded_to_the_search_service(
    receiver: TraceReceiver, upstream: Upstream, trace_id: str
) -> None:
    settings = Settings(search_url=upstream.url)
    with exporting_app(receiver, settings, forwarded_baggage_keys=["tenant"]) as (client, _):
        client.post(
            "/chat",
            json={"messages": [{"role": "user", "content": SEARCH}]},
            headers=trace_headers(trace_id=trace_id),
        )

    assert upstream.received("baggage") == ["tenant=acme"]


def test_model_endpoint_gets_no_client_tracestate_nor_baggage(
    receiver: TraceReceiver, upstream: Upstream, trace_id: str
) -> None:
    upstream.model_body = {"choices": [{"message": {"content": "4"}, "finish_reason": "stop"}]}
    settings = Settings(model="openai:test-model", openai_base_url=f"{upstream.url}/v1")
    with exporting_app(receiver, settings) as (client, _):
        response = client.post(
            "/chat",
            json={"messages": [{"role": "user", "content": "What is 2+2?"}]},
            headers=trace_headers(trace_id=trace_id),
        )

    assert response.status_code == 200, response.text
    assert upstream.received("traceparent")[0].startswith(f"00-{trace_id}-")
    assert (upstream.received("tracestate"), upstream.received("baggage")) == ([], [])


def test_502_body_holds_the_upstream_error_excerpt_redacted(
    receiver: TraceReceiver, upstream: Upstream, trace_id: str
) -> None:
    upstream.model_status = 500
    upstream.model_body = {"error": f"bad request from {EMAIL}, card {CARD}"}
    settings = Settings(model="openai:test-model", openai_base_url=f"{upstream.url}/v1")
    with exporting_app(receiver, settings) as (client, _):
        response = client.post(
            "/chat", json={"messages": [{"role": "user", "content": "What is 2+2?"}]}
        )

    assert response.status_code == 502
    detail = response.json()["detail"]
    assert "answered HTTP 500" in detail
    assert "[REDACTED:email]" in detail
    assert "[REDACTED:credit_card]" in detail
    assert_no_pii(response.json(), canaries=CANARIES)


def test_with_privacy_off_the_tracestate_reaches_the_receiver(
    receiver: TraceReceiver, upstream: Upstream, trace_id: str
) -> None:
    # The other tests' checks can fail: without privacy, the canary is exported.
    with exporting_app(receiver, Settings(search_url=upstream.url), enabled=False) as (client, _):
        client.post(
            "/chat",
            json={"messages": [{"role": "user", "content": SEARCH}]},
            headers=trace_headers(trace_id=trace_id),
        )

    spans = _trace(receiver, trace_id, {"POST /chat", "tool.execute.web_search"})
    assert EMAIL in spans[0].trace_state
    assert upstream.received("baggage") == [BAGGAGE]
