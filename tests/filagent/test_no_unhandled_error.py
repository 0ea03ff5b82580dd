"""No unhandled error: every ``/chat`` outcome is a JSON answer that names its trace.

Lone surrogates from the request, the model or a tool; an unexpected exception;
an unwritable or failing records file; too-deep JSON; a body that never arrives.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from filagent.app import create_app
from filagent.audit import DecisionRecorder
from filagent.cli import main
from filagent.serving import serve_in_thread
from filagent.settings import Settings
from filagent.telemetry.config import ConfigError, config_from_mapping
from filagent.telemetry.manager import TelemetryManager
from tests.filagent.metric_samples import sample

HEADERS = {"content-type": "application/json"}


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def telemetry(exporter: InMemorySpanExporter) -> TelemetryManager:
    return TelemetryManager(config_from_mapping({}), span_exporter=exporter)


def client_for(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def raw_chat(content_json: str) -> str:
    """A /chat body whose user message is ``content_json``, a JSON string literal as sent."""
    return '{"messages": [{"role": "user", "content": ' + content_json + "}]}"


def assert_traced_json(response: Any) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/json"
    assert len(response.headers["x-trace-id"]) == 32
    assert response.headers["traceresponse"].startswith(f"00-{response.headers['x-trace-id']}-")
    body: dict[str, Any] = json.loads(response.content.decode("utf-8"))
    return body


# --- lone surrogates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "tool"),
    [
        ('"search for \\ud800 things"', "web_search"),
        ('"compute 1+\\udfff"', "calculator"),
        ('"read file \\ud800.txt"', "file_read"),
        ('"use tool calculator with {\\"expression\\": \\"2+\\\\ud800\\"}"', "calculator"),
    ],
)
def test_a_lone_surrogate_in_tool_arguments_gets_a_json_answer(
    telemetry: TelemetryManager, tmp_path: Path, content: str, tool: str
) -> None:
    recorder = DecisionRecorder(tmp_path / "records.jsonl")
    client = client_for(create_app(Settings(), telemetry, recorder=recorder))
    response = client.post("/chat", content=raw_chat(content), headers=HEADERS)
    assert response.status_code == 200
    body = assert_traced_json(response)
    (call,) = body["tool_calls"]
    assert call["tool"] == tool
    assert "\ufffd" in json.dumps(call["arguments"], ensure_ascii=False)
    assert (tmp_path / "records.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_a_lone_surrogate_in_a_tool_name_gets_a_json_answer(
    telemetry: TelemetryManager, tmp_path: Path
) -> None:
    recorder = DecisionRecorder(tmp_path / "records.jsonl")
    client = client_for(create_app(Settings(), telemetry, recorder=recorder))
    response = client.post(
        "/chat", content=raw_chat('"use tool calc\\ud800 with {}"'), headers=HEADERS
    )
    assert response.status_code == 200
    (call,) = assert_traced_json(response)["tool_calls"]
    assert call["tool"] == "calc\ufffd"
    assert call["success"] is False
    records = (tmp_path / "records.jsonl").read_text(encoding="utf-8")
    assert '"tool":"unknown"' in records


def surrogate_openai() -> FastAPI:
    """An OpenAI-compatible endpoint whose tool arguments hold a lone surrogate."""
    app = FastAPI()
    replies = [
        {
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {
                        "name": "calculator",
                        "arguments": json.dumps({"expression": "1+\udfff"}),
                    },
                }
            ],
        },
        {"content": "done"},
    ]

    @app.post("/v1/chat/completions")
    async def completions(request: Request) -> Response:
        await request.body()
        message = {"role": "assistant", **replies.pop(0)}
        body = {
            "id": "chatcmpl-1",
            "model": "fake-model",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1},
        }
        # ensure_ascii keeps the surrogates as \ud800 escapes, as a real server may send them.
        return Response(json.dumps(body).encode(), media_type="application/json")

    return app


def test_a_lone_surrogate_in_model_tool_arguments_gets_a_json_answer(
    telemetry: TelemetryManager, tmp_path: Path
) -> None:
    with serve_in_thread(surrogate_openai()) as url:
        settings = Settings(model="openai:fake-model", openai_base_url=f"{url}/v1")
        recorder = DecisionRecorder(tmp_path / "records.jsonl")
        client = client_for(create_app(settings, telemetry, recorder=recorder))
        response = client.post("/chat", json={"messages": [{"role": "user", "content": "hi"}]})
    assert response.status_code == 200, response.text
    body = assert_traced_json(response)
    (call,) = body["tool_calls"]
    assert call["tool"] == "calculator"
    assert call["arguments"] == {"expression": "1+\ufffd"}
    assert call["success"] is False


# --- the catch-all ----------------------------------------------------------------------------


def test_an_unexpected_exception_is_a_json_500_with_an_error_server_span(
    telemetry: TelemetryManager,
    exporter: InMemorySpanExporter,
    tmp_path: Path,
) -> None:
    app = create_app(Settings(), telemetry, recorder=DecisionRecorder(tmp_path / "r.jsonl"))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("an agent bug")

    app.state.agent.answer = broken
    with structlog.testing.capture_logs() as logs:
        response = client_for(app).post(
            "/chat", json={"messages": [{"role": "user", "content": "hi"}]}
        )
    assert response.status_code == 500
    body = assert_traced_json(response)
    assert body["error"] == "internal error"
    assert response.headers["x-trace-id"] in body["detail"]
    assert body["fields"] == []
    (server,) = [s for s in exporter.get_finished_spans() if s.name == "POST /chat"]
    assert server.status.status_code is StatusCode.ERROR
    assert format(server.context.trace_id, "032x") == response.headers["x-trace-id"]
    assert "exception" in [event.name for event in server.events]
    (logged,) = [line for line in logs if line["event"] == "chat.unhandled_error"]
    assert (logged["log_level"], logged["error_type"]) == ("error", "RuntimeError")


# --- decision records -------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["parent is a file", "path is a directory"])
def test_an_unwritable_records_path_stops_start_up_naming_the_field(
    telemetry: TelemetryManager, tmp_path: Path, layout: str
) -> None:
    if layout == "parent is a file":
        (tmp_path / "plain-file").write_text("x")
        path = tmp_path / "plain-file" / "records.jsonl"
    else:
        path = tmp_path / "a-directory"
        path.mkdir()
    with pytest.raises(ConfigError) as raised:
        create_app(Settings(), telemetry, recorder=DecisionRecorder(path))
    message = str(raised.value)
    assert "records.path" in message
    assert str(path) in message


def test_serve_with_an_unwritable_records_path_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plain-file").write_text("x")
    monkeypatch.setenv("FILAGENT_RECORDS_PATH", str(tmp_path / "plain-file" / "r.jsonl"))
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    assert main(["serve", "--no-search", "--port", "0"]) == 2
    assert "records.path" in capsys.readouterr().err


def test_a_records_write_that_fails_later_is_logged_counted_and_the_request_answered(
    telemetry: TelemetryManager, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "records.jsonl"
    app = create_app(Settings(), telemetry, recorder=DecisionRecorder(path))
    path.mkdir()  # the file becomes a directory after start-up: every write now fails
    with caplog.at_level(logging.ERROR, logger="filagent.audit"):
        response = client_for(app).post(
            "/chat", json={"messages": [{"role": "user", "content": "What is 2+3?"}]}
        )
    assert response.status_code == 200
    assert assert_traced_json(response)["message"]["content"]
    assert sample(app.state.metrics, "filagent_records_failed_total") == 1
    assert any("decision record not written" in r.getMessage() for r in caplog.records)


# --- request bodies ---------------------------------------------------------------------------


def test_too_deep_json_is_a_400_that_says_so(telemetry: TelemetryManager) -> None:
    app = create_app(Settings(), telemetry, recorder=DecisionRecorder(None))
    depth = 100_000
    body = '{"messages": [{"role": "user", "content": "hi"}], "x": ' + "[" * depth
    body += "]" * depth + "}"
    response = client_for(app).post("/chat", content=body, headers=HEADERS)
    assert response.status_code == 400
    (problem,) = assert_traced_json(response)["fields"]
    assert problem["field"] == "body"
    assert "nested too deeply" in problem["message"]


@pytest.fixture
def slow_body_server(telemetry: TelemetryManager) -> Iterator[tuple[str, int]]:
    settings = Settings(body_timeout_seconds=0.5)
    app = create_app(settings, telemetry, recorder=DecisionRecorder(None))
    with serve_in_thread(app) as url:
        host, port = url.removeprefix("http://").split(":")
        yield host, int(port)


def test_a_body_that_does_not_arrive_in_time_gets_a_408(
    slow_body_server: tuple[str, int],
) -> None:
    with socket.create_connection(slow_body_server, timeout=10) as connection:
        connection.sendall(
            b"POST /chat HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
            b"content-length: 200\r\n\r\n" + b'{"messages": ['
        )
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert b"x-trace-id" in head.lower()
    assert "within 0.5s" in json.loads(body)["detail"]


def test_the_body_timeout_is_a_setting() -> None:
    assert Settings.from_env({"FILAGENT_BODY_TIMEOUT_SECONDS": "2.5"}).body_timeout_seconds == 2.5
