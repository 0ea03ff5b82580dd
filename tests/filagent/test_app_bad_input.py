"""Bad input to the FilAgent HTTP service: refused with a 4xx or a 413 naming the field.

The refusal says what was expected and what was found, and its SERVER span follows the
HTTP semantic conventions (a 4xx is the client's error: status stays UNSET). A refused
request never reaches the agent. Bodies over the byte limit are refused before, or
while, they are read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry.trace import StatusCode

from filagent.settings import Settings
from filagent.telemetry.setup import TelemetryManager
from tests.helpers.app import MAX_CONTENT_CHARS, MAX_MESSAGES, running, small_limits
from tests.helpers.chat import ask
from tests.helpers.spans import Spans, attributes, trace_id_of

#: ``client`` (see conftest.py) is the service with small request limits, no search service.
CLIENT_SETTINGS = small_limits


JSON = {"content-type": "application/json"}
HELLO = {"messages": [{"role": "user", "content": "What is 2+2?"}]}


def user(content: str) -> dict[str, str]:
    return {"role": "user", "content": content}


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


# --- the body size limit -------------------------------------------------------------------


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
