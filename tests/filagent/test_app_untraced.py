"""The service with tracing turned off: the same answers, no trace, metrics and records kept.

Off by configuration (``enabled: false``, ``OTEL_SDK_DISABLED``), without the OpenTelemetry
SDK importable, and with another part of the program tracing through a global provider.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from filagent.app import create_app
from filagent.audit import DecisionRecorder, read_records
from filagent.settings import Settings
from filagent.telemetry.config import TelemetryConfig, load_telemetry_config
from filagent.telemetry.setup import TelemetryManager
from tests.blocked_imports import SDK_MODULES, blocking_prelude
from tests.helpers.chat import HTN_WITH_SEARCH, ask, samples
from tests.helpers.python import json_printed_by
from tests.helpers.telemetry import USER_ID_KEY, telemetry_config


def answer_without_ids(response: httpx.Response) -> dict[str, Any]:
    body = dict(response.json())
    for key in ("conversation_id", "task_id", "trace_id"):
        body.pop(key)
    return body


@pytest.mark.parametrize(
    "config",
    [
        telemetry_config(enabled=False),
        load_telemetry_config(
            env={"OTEL_SDK_DISABLED": "true", "FILAGENT_USER_ID_SECRET": USER_ID_KEY}
        ),
    ],
    ids=["enabled: false", "OTEL_SDK_DISABLED=true"],
)
def test_disabled_tracing_gives_the_same_answers_without_a_trace(
    client: TestClient, search_url: str, tmp_path: Path, config: TelemetryConfig
) -> None:
    exporter = InMemorySpanExporter()
    untraced = TelemetryManager(config, span_exporter=exporter)
    app = create_app(Settings(search_url=search_url), untraced, recorder=DecisionRecorder(None))
    with TestClient(app) as untraced_client:
        for content in ("What is 2+2?", HTN_WITH_SEARCH):
            plain = ask(untraced_client, content)
            traced = ask(client, content)

            assert plain.status_code == traced.status_code == 200
            assert answer_without_ids(plain) == answer_without_ids(traced)
            assert plain.json()["trace_id"] == ""
            assert "X-Trace-ID" not in plain.headers
            assert "traceresponse" not in plain.headers
    assert exporter.get_finished_spans() == ()


def test_disabled_tracing_still_counts_metrics_and_writes_records(
    search_url: str, records_path: Path
) -> None:
    untraced = TelemetryManager(telemetry_config(enabled=False))
    app = create_app(
        Settings(search_url=search_url), untraced, recorder=DecisionRecorder(records_path)
    )
    with TestClient(app) as untraced_client:
        ask(untraced_client, "What is 2+2?")
        found = samples(untraced_client)

    requests = ("filagent_requests_total", frozenset({("mode", "simple"), ("status", "200")}))
    assert found[requests] == 1
    (record,) = read_records(records_path)
    assert (record["trace_id"], record["span_id"]) == (None, None)
    assert record["route_mode"] == "simple"


SDK_BLOCKED_SCRIPT = (
    blocking_prelude(SDK_MODULES)
    + """
from fastapi.testclient import TestClient
from filagent.app import create_app

with TestClient(create_app()) as client:
    chat = client.post("/chat", json={"messages": [{"role": "user", "content": "What is 2+2?"}]})
    metrics = client.get("/metrics")
print(json.dumps({
    "status": chat.status_code,
    "body": chat.json(),
    "headers": sorted(chat.headers),
    "metrics": metrics.status_code,
    "loaded": sorted(m for m in sys.modules if m.startswith(BLOCKED)),
}))
"""
)


def test_service_answers_when_the_opentelemetry_sdk_is_not_importable(tmp_path: Path) -> None:
    # Defaults all the way (create_app() with no arguments), in a fresh interpreter.
    result = json_printed_by(SDK_BLOCKED_SCRIPT, env=SERVICE_ENV, cwd=tmp_path)

    assert result["loaded"] == []
    assert (result["status"], result["metrics"]) == (200, 200)
    assert "2+2 = 4" in result["body"]["message"]["content"]
    assert result["body"]["trace_id"] == ""
    assert "x-trace-id" not in result["headers"]
    (record,) = read_records(tmp_path / "filagent-records.jsonl")
    assert record["trace_id"] is None


GLOBAL_PROVIDER_SCRIPT = """
import json
from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from filagent.app import create_app
from filagent.audit import DecisionRecorder
from filagent.settings import Settings
from filagent.telemetry.config import TelemetryConfig
from filagent.telemetry.setup import TelemetryManager

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)  # another part of the program traces globally

untraced = TelemetryManager(TelemetryConfig(enabled=False))
app = create_app(Settings(), untraced, recorder=DecisionRecorder(None))
with TestClient(app) as client:
    chat = client.post("/chat", json={"messages": [{"role": "user", "content": "What is 2+2?"}]})
print(json.dumps({
    "status": chat.status_code,
    "trace_id": chat.json()["trace_id"],
    "headers": sorted(chat.headers),
    "spans": [span.name for span in exporter.get_finished_spans()],
}))
"""


#: A fresh interpreter's environment: nothing but PATH and the user-id key the service needs.
SERVICE_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "FILAGENT_USER_ID_SECRET": "k" * 16}


def test_disabled_tracing_ignores_a_global_tracer_provider(tmp_path: Path) -> None:
    # FastAPI traces requests with the global provider by itself unless told not to.
    result = json_printed_by(GLOBAL_PROVIDER_SCRIPT, env=SERVICE_ENV, cwd=tmp_path)

    assert (result["status"], result["trace_id"]) == (200, "")
    assert "x-trace-id" not in result["headers"]
    assert result["spans"] == []
