"""What is never traced: tracing turned off, no OpenTelemetry SDK, the untraced paths.

The service must answer exactly as when traced, produce no span, and keep its
Prometheus metrics counting.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from filagent.settings import Settings
from filagent.telemetry.config import TelemetryConfig, load_telemetry_config
from filagent.telemetry.names import HEADER_TRACE_ID, HEADER_TRACERESPONSE
from filagent.telemetry.privacy import USER_ID_SECRET_ENV
from filagent.telemetry.setup import TelemetryManager
from pytest_filagent_trace import (
    TraceCapture,
    TraceSnapshotAssertion,
    assert_span_tree,
    span,
)
from tests.blocked_imports import SDK_MODULES, blocking_prelude
from tests.contract.conftest import (
    USER_ID_KEY,
    answer_of,
    contract_config,
    request_trace,
    running_app,
)
from tests.helpers.chat import ask, labels, samples

#: One simple request and one HTN request whose tasks run in parallel threads.
QUESTIONS = (
    "What is 2+2?",
    "compute 12*7 and search for opentelemetry context propagation and read file notes.txt",
)
REQUESTS_TOTAL = "filagent_requests_total"
TOOL_CALLS_TOTAL = "filagent_tool_calls_total"


def traced_answers(client: TestClient, capture: TraceCapture) -> list[dict[str, Any]]:
    """The traced service's answers to ``QUESTIONS``; their spans are then forgotten."""
    answers = []
    for question in QUESTIONS:
        response = ask(client, question)
        request_trace(capture, response, searched="search" in question)
        answers.append(answer_of(response.json()))
    capture.clear()
    return answers


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(contract_config(enabled=False), id="enabled-false"),
        pytest.param(
            load_telemetry_config(
                env={"OTEL_SDK_DISABLED": "true", USER_ID_SECRET_ENV: USER_ID_KEY}
            ),
            id="OTEL_SDK_DISABLED",
        ),
    ],
)
def test_disabled_tracing_answers_the_same_without_spans(
    client: TestClient,
    untraced_search_url: str,
    trace_capture: TraceCapture,
    trace_snapshot: TraceSnapshotAssertion,
    config: TelemetryConfig,
) -> None:
    expected = traced_answers(client, trace_capture)
    untraced = TelemetryManager(config)
    assert not untraced.enabled

    with running_app(untraced, Settings(search_url=untraced_search_url)) as untraced_client:
        responses = [ask(untraced_client, question) for question in QUESTIONS]

    assert [answer_of(response.json()) for response in responses] == expected
    for response in responses:
        assert response.json()["trace_id"] == ""
        assert HEADER_TRACE_ID not in response.headers
        assert HEADER_TRACERESPONSE not in response.headers
    assert_span_tree(trace_capture, [span("*", count=0)])
    assert trace_capture == trace_snapshot


NO_SDK_SCRIPT = (
    blocking_prelude(SDK_MODULES)
    + """
from fastapi.testclient import TestClient
from filagent.app import create_app

answers = []
with TestClient(create_app()) as client:
    for question in json.loads(sys.argv[1]):
        body = {"messages": [{"role": "user", "content": question}]}
        response = client.post("/chat", json=body)
        answers.append({"body": response.json(), "headers": sorted(response.headers)})
print(json.dumps({
    "answers": answers,
    "loaded": sorted(m for m in sys.modules if m.startswith(BLOCKED)),
}))
"""
)


@pytest.mark.slow
def test_service_without_the_opentelemetry_sdk_answers_the_same_without_spans(
    client: TestClient,
    untraced_search_url: str,
    tmp_path: Path,
    trace_capture: TraceCapture,
    trace_snapshot: TraceSnapshotAssertion,
) -> None:
    expected = traced_answers(client, trace_capture)

    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(NO_SDK_SCRIPT), json.dumps(QUESTIONS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            USER_ID_SECRET_ENV: USER_ID_KEY,
            "FILAGENT_SEARCH_URL": untraced_search_url,
        },
    )

    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["loaded"] == [], "the OpenTelemetry SDK was imported after all"
    bodies = [item["body"] for item in result["answers"]]
    assert [answer_of(body) for body in bodies] == expected
    assert [body["trace_id"] for body in bodies] == ["", ""]
    for item in result["answers"]:
        assert HEADER_TRACE_ID.lower() not in item["headers"]
    assert_span_tree(trace_capture, [span("*", count=0)])
    assert trace_capture == trace_snapshot


def test_health_and_metrics_are_never_traced(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    # Even a caller's sampled trace context does not give these paths a span.
    caller = {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}

    health = client.get("/health", headers=caller)
    metrics = client.get("/metrics", headers=caller)

    assert (health.status_code, metrics.status_code) == (200, 200)
    assert health.json()["status"] == "ok"
    for response in (health, metrics):
        assert HEADER_TRACE_ID not in response.headers
    assert_span_tree(trace_capture, [span("*", count=0)])
    assert trace_capture == trace_snapshot


def test_prometheus_metrics_count_with_tracing_on_and_off(
    client: TestClient,
    untraced_search_url: str,
    trace_capture: TraceCapture,
    trace_snapshot: TraceSnapshotAssertion,
) -> None:
    untraced = TelemetryManager(contract_config(enabled=False))
    with running_app(untraced, Settings(search_url=untraced_search_url)) as untraced_client:
        for service in (client, untraced_client):
            ask(service, "What is 2+2?")
            ask(service, "compute 1/0")
            service.post("/chat", json={"messages": []})
        counted = {"on": samples(client), "off": samples(untraced_client)}

    for tracing, found in counted.items():
        assert found[(REQUESTS_TOTAL, labels(mode="simple", status="200"))] == 2, tracing
        assert found[(REQUESTS_TOTAL, labels(mode="none", status="422"))] == 1, tracing
        calculator = labels(tool="calculator", success="true")
        assert found[(TOOL_CALLS_TOTAL, calculator)] == 1, tracing
        failed = labels(tool="calculator", success="false")
        assert found[(TOOL_CALLS_TOTAL, failed)] == 1, tracing
    # Only the traced service's three requests are traced; /metrics is not.
    assert_span_tree(
        trace_capture,
        [
            span("POST /chat", span("agent.run_simple"), count=2),
            span("POST /chat", span("agent.*", count=0)),
            span("GET /metrics", count=0),
        ],
    )
    assert trace_capture == trace_snapshot
