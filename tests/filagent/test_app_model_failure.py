"""An unreachable model backend: the FilAgent HTTP service answers 502 with ERROR spans.

The model call, the agent run and the SERVER span are marked ERROR, and the request's
decision record is still written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from opentelemetry.trace import StatusCode

from filagent.audit import read_records
from filagent.serving import free_port
from filagent.settings import Settings
from filagent.telemetry import names
from filagent.telemetry.setup import TelemetryManager
from tests.helpers.app import running
from tests.helpers.chat import ask
from tests.helpers.spans import Spans, attributes


@pytest.fixture
def unreachable_model_url() -> str:
    """An OpenAI-compatible base URL on 127.0.0.1 where nothing listens."""
    return f"http://127.0.0.1:{free_port()}/v1"


@pytest.fixture
def model_down_client(
    telemetry: TelemetryManager, records_path: Path, unreachable_model_url: str
) -> Iterator[TestClient]:
    settings = Settings(model="openai:x", openai_base_url=unreachable_model_url)
    with running(settings, telemetry, records_path) as test_client:
        yield test_client


# --- a failing model backend ------------------------------------------------------------------


def test_unreachable_model_backend_gives_502_with_a_message(
    model_down_client: TestClient, unreachable_model_url: str
) -> None:
    response = ask(model_down_client, "What is 2+2?")

    assert response.status_code == 502
    body = response.json()
    assert body["error"] == "model backend failed"
    assert f"could not reach the model endpoint {unreachable_model_url}" in body["detail"]
    assert "X-Trace-ID" in response.headers


def test_model_failure_marks_the_model_and_run_spans_error(
    model_down_client: TestClient, spans: Spans
) -> None:
    ask(model_down_client, "What is 2+2?")

    model_call = spans.one(names.chat_span_name("x"))
    assert model_call.status.status_code is StatusCode.ERROR
    assert attributes(model_call)[names.ERROR_TYPE] == "ModelError"
    assert attributes(model_call)[names.GEN_AI_PROVIDER_NAME] == "openai"
    assert [event.name for event in model_call.events] == ["exception"]
    run = spans.one(names.SPAN_RUN_SIMPLE)
    assert run.status.status_code is StatusCode.ERROR
    assert attributes(run)[names.ERROR_TYPE] == "ModelError"


def test_model_failure_marks_the_server_span_error(
    model_down_client: TestClient, spans: Spans
) -> None:
    ask(model_down_client, "What is 2+2?")

    assert spans.one("POST /chat").status.status_code is StatusCode.ERROR


def test_model_failure_server_span_names_the_status_code_as_error_type(
    model_down_client: TestClient, spans: Spans
) -> None:
    ask(model_down_client, "What is 2+2?")

    server = attributes(spans.one("POST /chat"))
    assert (server["http.response.status_code"], server["error.type"]) == (502, "502")


def test_model_failure_still_writes_the_requests_decision_record(
    model_down_client: TestClient, records_path: Path, spans: Spans
) -> None:
    response = ask(model_down_client, "What is 2+2?")

    (record,) = read_records(records_path, trace_id=response.headers["X-Trace-ID"])
    assert (record["outcome"], record["route_mode"], record["tools"]) == ("error", "simple", [])
    assert record["error"].startswith("could not reach the model endpoint")
    assert record["span_id"] == format(spans.one("POST /chat").context.span_id, "016x")
