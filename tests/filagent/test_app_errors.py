"""The FilAgent HTTP service when things go wrong: bad input, failing tools, a failing model.

Bad input is a 4xx naming the field, and its SERVER span follows the HTTP
semantic conventions (a 4xx is the client's error: status stays UNSET). A failing
tool is a failed tool call in a 200 answer with an ERROR tool span, never a 500.
An unreachable model backend is a 502.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import StatusCode

from filagent.app import create_app
from filagent.audit import DecisionRecorder, read_records
from filagent.serving import free_port
from filagent.settings import Settings
from filagent.telemetry import names
from filagent.telemetry.setup import TelemetryManager
from tests.helpers.chat import ask
from tests.helpers.spans import Spans

MAX_CONTENT_CHARS = 200
MAX_MESSAGES = 5
JSON = {"content-type": "application/json"}
HELLO = {"messages": [{"role": "user", "content": "What is 2+2?"}]}


def user(content: str) -> dict[str, str]:
    return {"role": "user", "content": content}


# --- fixtures ---------------------------------------------------------------------------


@contextmanager
def running(
    settings: Settings, telemetry: TelemetryManager, records_path: Path
) -> Iterator[TestClient]:
    app = create_app(settings, telemetry, recorder=DecisionRecorder(records_path))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def client(telemetry: TelemetryManager, records_path: Path) -> Iterator[TestClient]:
    """The service with small request limits; no request here needs the search service."""
    settings = Settings(max_content_chars=MAX_CONTENT_CHARS, max_messages=MAX_MESSAGES)
    with running(settings, telemetry, records_path) as test_client:
        yield test_client


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


def attributes(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


def trace_id_of(span: ReadableSpan) -> str:
    assert span.context is not None
    return format(span.context.trace_id, "032x")


# --- bad input ----------------------------------------------------------------------------

BAD_REQUESTS = [
    pytest.param({"content": b'{"messages": [', "headers": JSON}, 422, "body", id="malformed JSON"),
    pytest.param({"content": b"", "headers": JSON}, 422, "body", id="empty body"),
    pytest.param({"json": [HELLO]}, 422, "body", id="body not an object"),
    pytest.param({"json": {"mode": "simple"}}, 422, "messages", id="missing messages"),
    pytest.param({"json": {"messages": []}}, 422, "messages", id="empty messages"),
    pytest.param({"json": {"messages": "hi"}}, 422, "messages", id="messages not a list"),
    pytest.param({"json": {**HELLO, "mode": "fast"}}, 422, "mode", id="unknown mode"),
    pytest.param({"json": {**HELLO, "mode": 3}}, 422, "mode", id="mode not a string"),
    pytest.param(
        {"json": {"messages": [user("x" * (MAX_CONTENT_CHARS + 1))]}},
        422,
        "messages[0].content",
        id="content over the limit",
    ),
    pytest.param(
        {"json": {"messages": [user("hi")] * (MAX_MESSAGES + 1)}},
        422,
        "messages",
        id="too many messages",
    ),
    pytest.param(
        {"json": {"messages": [{"role": "user", "content": 5}]}},
        422,
        "messages[0].content",
        id="content not a string",
    ),
    pytest.param(
        {"json": {"messages": [{"role": "robot", "content": "hi"}]}},
        422,
        "messages[0].role",
        id="unknown role",
    ),
    pytest.param(
        {"json": {"messages": [{"role": "user"}]}},
        422,
        "messages[0].content",
        id="message without content",
    ),
    pytest.param(
        {"json": {**HELLO, "conversation_id": 5}},
        422,
        "conversation_id",
        id="conversation_id not a string",
    ),
    pytest.param({"json": {**HELLO, "user_id": ""}}, 422, "user_id", id="empty user_id"),
    pytest.param({"json": {**HELLO, "temperature": 0.2}}, 422, "temperature", id="extra field"),
    pytest.param(
        {"json": {"messages": [{"role": "user", "content": "hi", "name": "x"}]}},
        422,
        "messages[0].name",
        id="extra message field",
    ),
    pytest.param({"json": {"messages": [user("   ")]}}, 422, "messages", id="blank user message"),
    pytest.param(
        {"json": {"messages": [{"role": "system", "content": "be brief"}]}},
        422,
        "messages",
        id="no user message",
    ),
    pytest.param(
        {"content": json.dumps(HELLO), "headers": {"content-type": "text/plain"}},
        415,
        "Content-Type",
        id="not a JSON content type",
    ),
    pytest.param(
        {"content": b'{"messages": "\xff"}', "headers": JSON}, 400, "body", id="not UTF-8"
    ),
]

#: one request per kind of refusal, for the span checks
REFUSALS = [
    pytest.param({"json": {"messages": []}}, 422, id="422 invalid field"),
    pytest.param({"content": b"{", "headers": JSON}, 422, id="422 malformed JSON"),
    pytest.param({"content": "{}", "headers": {"content-type": "text/plain"}}, 415, id="415"),
    pytest.param({"content": b"\xff", "headers": JSON}, 400, id="400"),
]


@pytest.mark.parametrize(("request_", "status", "field"), BAD_REQUESTS)
def test_bad_input_is_refused_naming_the_field(
    client: TestClient, request_: dict[str, Any], status: int, field: str
) -> None:
    response = client.post("/chat", **request_)

    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == "invalid request"
    assert field in [problem["field"] for problem in body["fields"]], body
    assert f"{field}: " in body["detail"]


def test_content_over_the_limit_names_the_limit_and_the_length_found(
    client: TestClient,
) -> None:
    response = ask(client, "x" * (MAX_CONTENT_CHARS + 5))

    assert response.json()["fields"] == [
        {
            "field": "messages[0].content",
            "message": f"at most {MAX_CONTENT_CHARS} characters are accepted, "
            f"found {MAX_CONTENT_CHARS + 5}",
        }
    ]


def test_content_limit_comes_from_the_settings(
    telemetry: TelemetryManager, records_path: Path
) -> None:
    with running(Settings(max_content_chars=1000), telemetry, records_path) as roomy:
        accepted = ask(roomy, "What is 2+2? " + "x" * 900)
        refused = ask(roomy, "What is 2+2? " + "x" * 1000)

    assert (accepted.status_code, refused.status_code) == (200, 422)


def test_wrong_type_message_says_what_was_expected_and_found(client: TestClient) -> None:
    response = client.post("/chat", json={**HELLO, "mode": "fast"})

    (problem,) = response.json()["fields"]
    assert problem["field"] == "mode"
    assert "'auto', 'simple' or 'htn'" in problem["message"]
    assert problem["message"].endswith("found 'fast'")


def test_malformed_json_message_gives_the_position(client: TestClient) -> None:
    response = client.post("/chat", content=b'{"messages": [}', headers=JSON)

    (problem,) = response.json()["fields"]
    assert problem == {
        "field": "body",
        "message": "malformed JSON at character 14: Expecting value",
    }


@pytest.mark.parametrize(("request_", "status"), REFUSALS)
def test_refused_request_server_span_keeps_status_unset(
    client: TestClient, spans: Spans, request_: dict[str, Any], status: int
) -> None:
    response = client.post("/chat", **request_)

    assert response.status_code == status
    server = spans.one("POST /chat")
    assert server.status.status_code is StatusCode.UNSET
    assert "error.type" not in attributes(server)


@pytest.mark.parametrize(("request_", "status"), REFUSALS)
def test_refused_request_server_span_records_its_4xx_status_code(
    client: TestClient, spans: Spans, request_: dict[str, Any], status: int
) -> None:
    client.post("/chat", **request_)

    server = attributes(spans.one("POST /chat"))
    assert server["http.response.status_code"] == status
    assert server["http.route"] == "/chat"


@pytest.mark.parametrize(("request_", "status"), REFUSALS)
def test_refused_request_response_still_names_its_trace(
    client: TestClient, spans: Spans, request_: dict[str, Any], status: int
) -> None:
    response = client.post("/chat", **request_)

    assert response.status_code == status
    assert response.headers["X-Trace-ID"] == trace_id_of(spans.one("POST /chat"))
    assert response.headers["traceresponse"].startswith(f"00-{response.headers['X-Trace-ID']}-")


def test_refused_request_never_reaches_the_agent(
    client: TestClient, spans: Spans, records_path: Path
) -> None:
    client.post("/chat", json={"messages": []})
    ask(client, "x" * (MAX_CONTENT_CHARS + 1))

    assert [s.name for s in spans.all()] == ["POST /chat", "POST /chat"]
    assert not records_path.exists()


# --- failing tools --------------------------------------------------------------------------


def test_unknown_tool_gives_a_failed_call_and_an_error_span(
    client: TestClient, spans: Spans
) -> None:
    response = ask(client, 'use tool teleport with {"to": "mars"}')

    assert response.status_code == 200
    (call,) = response.json()["tool_calls"]
    assert (call["tool"], call["arguments"], call["success"]) == ("teleport", {"to": "mars"}, False)
    assert call["error"].startswith("unknown tool: expected one of calculator")
    tool = spans.one(names.tool_span_name("unknown"))
    assert tool.status.status_code is StatusCode.ERROR
    assert attributes(tool)[names.TOOL_VALIDATION_SUCCESS] is False
    assert attributes(tool)[names.TOOL_EXECUTION_SUCCESS] is False
    assert attributes(tool)[names.ERROR_TYPE] == "UnknownToolError"
    assert [event.name for event in tool.events] == ["exception"]


def test_invalid_tool_arguments_give_a_failed_call_and_an_error_span(
    client: TestClient, spans: Spans
) -> None:
    response = ask(client, 'use tool calculator with {"expression": 5}')

    assert response.status_code == 200
    (call,) = response.json()["tool_calls"]
    assert call["success"] is False
    assert call["error"].startswith("invalid arguments for tool 'calculator': field 'expression'")
    tool = spans.one(names.tool_span_name("calculator"))
    assert tool.status.status_code is StatusCode.ERROR
    assert attributes(tool)[names.TOOL_VALIDATION_SUCCESS] is False
    assert attributes(tool)[names.ERROR_TYPE] == "ToolArgumentsError"


def test_tool_refusing_its_input_gives_a_failed_call_after_validation(
    client: TestClient, spans: Spans
) -> None:
    response = ask(client, "read file ../../etc/passwd")

    (call,) = response.json()["tool_calls"]
    assert call["success"] is False
    assert "path traversal refused" in call["error"]
    tool = attributes(spans.one(names.tool_span_name("file_read")))
    assert (tool[names.TOOL_VALIDATION_SUCCESS], tool[names.TOOL_EXECUTION_SUCCESS]) == (
        True,
        False,
    )
    assert tool[names.ERROR_TYPE] == "ToolError"


def test_unreadable_tool_arguments_are_explained_without_calling_a_tool(
    client: TestClient, spans: Spans
) -> None:
    response = ask(client, "use tool calculator with {expression: 2+2")

    assert response.status_code == 200
    assert response.json()["tool_calls"] == []
    assert "must be a JSON object" in response.json()["message"]["content"]
    assert not [s for s in spans.all() if s.name.startswith(names.SPAN_TOOL_PREFIX)]


def test_tool_name_that_is_not_an_identifier_stays_out_of_span_names(
    client: TestClient, spans: Spans
) -> None:
    response = ask(client, "use tool ../../etc/x with {}")

    assert response.json()["tool_calls"][0]["tool"] == "../../etc/x"
    tool = spans.one(names.tool_span_name("unknown"))
    assert attributes(tool)[names.TOOL_NAME] == "unknown"
    assert not any("etc" in s.name for s in spans.all())


def test_failed_tool_leaves_the_request_successful(client: TestClient, spans: Spans) -> None:
    response = ask(client, "use tool teleport with {}")

    assert response.status_code == 200
    for name in ("POST /chat", names.SPAN_RUN_SIMPLE):
        assert spans.one(name).status.status_code is StatusCode.UNSET, name


def test_failed_tool_is_recorded_as_an_error_decision(
    client: TestClient, records_path: Path
) -> None:
    response = ask(client, "use tool teleport with {}")

    (record,) = read_records(records_path, trace_id=response.headers["X-Trace-ID"])
    assert record["outcome"] == "error"
    assert record["tools"] == [{"tool": "unknown", "success": False}]
    assert record["error"].startswith("unknown tool: expected one of")


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


@pytest.fixture
def small_body_client(telemetry: TelemetryManager, records_path: Path) -> Iterator[TestClient]:
    with running(Settings(max_body_bytes=200), telemetry, records_path) as test_client:
        yield test_client


def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(
    small_body_client: TestClient,
) -> None:
    body = json.dumps({"messages": [user("x" * 500)]})
    response = small_body_client.post(
        "/chat", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["fields"] == [
        {"field": "body", "message": "at most 200 bytes are accepted"}
    ]
    assert len(response.headers["X-Trace-ID"]) == 32


def test_a_streamed_body_over_the_limit_is_refused_while_it_is_read(
    small_body_client: TestClient,
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"messages": [{"role": "user", "content": "'
        for _ in range(10):
            yield b"x" * 50
        yield b'"}]}'

    response = small_body_client.post(
        "/chat", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "at most 200 bytes" in response.json()["detail"]


def test_a_body_within_the_limit_is_answered(small_body_client: TestClient) -> None:
    assert ask(small_body_client, "What is 2+2?").status_code == 200


def test_model_failure_still_writes_the_requests_decision_record(
    model_down_client: TestClient, records_path: Path, spans: Spans
) -> None:
    response = ask(model_down_client, "What is 2+2?")

    (record,) = read_records(records_path, trace_id=response.headers["X-Trace-ID"])
    assert (record["outcome"], record["route_mode"], record["tools"]) == ("error", "simple", [])
    assert record["error"].startswith("could not reach the model endpoint")
    assert record["span_id"] == format(spans.one("POST /chat").context.span_id, "016x")
