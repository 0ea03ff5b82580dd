"""The traces of failures: failing tool calls, a failing model backend, refused requests.

A failing tool is a failed call in a 200 answer: only its tool span is ERROR. A failing
model backend fails the request (502) and its spans. A refused request (4xx) is the
client's error: its SERVER span keeps status UNSET, as the HTTP conventions say.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from filagent.settings import Settings
from filagent.telemetry.names import HEADER_TRACE_ID
from filagent.telemetry.setup import TelemetryManager
from pytest_filagent_trace import (
    ABSENT,
    SpanPattern,
    TraceCapture,
    TraceSnapshotAssertion,
    assert_span_tree,
    event,
    glob,
    span,
)
from tests.contract.conftest import request_trace, running_app
from tests.helpers.chat import ask

JSON = {"content-type": "application/json"}
HELLO = {"messages": [{"role": "user", "content": "What is 2+2?"}]}
CONTENT_LIMIT = Settings().max_content_chars


def failed_tool_span(
    name: str, error_type: str, description: str, *, validated: bool
) -> dict[str, Any]:
    """The ``span(...)`` arguments every failed tool call has in common."""
    return {
        "status": f"ERROR: {error_type}: {description}",
        "attributes": {
            "error.type": error_type,
            "tool.name": name,
            "tool.validation.success": validated,
            "tool.execution.success": False,
        },
        "events": [
            event(
                "exception",
                attributes={
                    "exception.type": glob(f"*.{error_type}"),
                    "exception.message": glob(description),
                    "exception.stacktrace": str,
                },
            )
        ],
    }


def request_still_succeeds(tool: SpanPattern) -> SpanPattern:
    """A trace where ``tool`` failed but nothing above it did."""
    return span(
        "POST /chat",
        span("agent.route", status="UNSET"),
        span("agent.run_simple", tool, status="UNSET", attributes={"error.type": ABSENT}),
        kind="SERVER",
        status="UNSET",
        attributes={"http.response.status_code": 200, "error.type": ABSENT},
    )


# --- failing tool calls -------------------------------------------------------------------


def test_tool_argument_validation_failure_is_an_error_tool_span_before_execution(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    response = ask(client, 'use tool calculator with {"expression": 5}')

    assert response.status_code == 200
    (call,) = response.json()["tool_calls"]
    assert call["success"] is False
    description = "invalid arguments for tool 'calculator': field 'expression': *"
    tool = span(
        "tool.execute.calculator",
        **failed_tool_span("calculator", "ToolArgumentsError", description, validated=False),
    )
    tree = request_trace(trace_capture, response)
    assert_span_tree(tree, request_still_succeeds(tool))
    assert tree == trace_snapshot.with_order("start")


def test_tool_runtime_error_is_an_error_tool_span_with_an_exception_event(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    response = ask(client, "compute 1/0")

    (call,) = response.json()["tool_calls"]
    assert (call["success"], call["error"]) == (False, "division by zero is undefined")
    tool = span(
        "tool.execute.calculator",
        **failed_tool_span(
            "calculator", "ToolError", "division by zero is undefined", validated=True
        ),
    )
    tree = request_trace(trace_capture, response)
    assert_span_tree(tree, request_still_succeeds(tool))
    assert tree == trace_snapshot.with_order("start")


def test_unknown_tool_is_an_error_span_named_unknown_whatever_was_asked(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    response = ask(client, 'use tool teleport with {"to": "mars"}')

    (call,) = response.json()["tool_calls"]
    assert (call["tool"], call["success"]) == ("teleport", False)
    description = "unknown tool: expected one of calculator, file_read, web_search"
    tool = span(
        "tool.execute.unknown",
        **failed_tool_span("unknown", "UnknownToolError", description, validated=False),
    )
    tree = request_trace(trace_capture, response)
    assert_span_tree(tree, request_still_succeeds(tool))
    assert not [node.name for node in tree.walk() if "teleport" in node.name]
    assert tree == trace_snapshot.with_order("start")


# --- a failing model backend ----------------------------------------------------------------


def test_unreachable_model_backend_answers_502_with_error_spans_up_to_the_server_span(
    telemetry: TelemetryManager,
    closed_port: int,
    trace_capture: TraceCapture,
    trace_snapshot: TraceSnapshotAssertion,
) -> None:
    settings = Settings(
        model="openai:gpt-4o-mini", openai_base_url=f"http://127.0.0.1:{closed_port}/v1"
    )
    with running_app(telemetry, settings) as model_down:
        response = ask(model_down, "What is 2+2?")

    assert response.status_code == 502
    assert response.json()["error"] == "model backend failed"
    model_error = {"error.type": "ModelError"}
    tree = request_trace(trace_capture, response)
    assert_span_tree(
        tree,
        span(
            "POST /chat",
            span("agent.route", status="UNSET"),
            span(
                "agent.run_simple",
                span(
                    "chat gpt-4o-mini",
                    span(
                        "POST",
                        kind="CLIENT",
                        status="ERROR",
                        attributes={"error.type": "ConnectError"},
                        events=["exception"],
                    ),
                    kind="CLIENT",
                    status="ERROR: ModelError: could not reach the model endpoint *",
                    attributes={**model_error, "gen_ai.usage.output_tokens": ABSENT},
                    events=["exception"],
                ),
                status="ERROR: ModelError: *",
                attributes=model_error,
                events=["exception"],
            ),
            kind="SERVER",
            status="ERROR",
            attributes={"error.type": "502", "http.response.status_code": 502},
        ),
    )
    # The errno of "connection refused" differs between operating systems.
    errno: dict[str | re.Pattern[str], str] = {re.compile(r"\[Errno \d+\]"): "[Errno <refused>]"}
    assert tree == trace_snapshot.with_masks(errno).with_order("start")


# --- refused requests -----------------------------------------------------------------------

BAD_REQUESTS = [
    pytest.param("POST", "/chat", {"json": {"messages": []}}, 422, id="422-invalid-field"),
    pytest.param("POST", "/chat", {"content": b"{", "headers": JSON}, 422, id="422-malformed-json"),
    pytest.param(
        "POST",
        "/chat",
        {"json": {"messages": [{"role": "user", "content": "x" * (CONTENT_LIMIT + 1)}]}},
        422,
        id="422-content-over-the-limit",
    ),
    pytest.param(
        "POST",
        "/chat",
        {"content": json.dumps(HELLO), "headers": {"content-type": "text/plain"}},
        415,
        id="415-not-json",
    ),
    pytest.param("POST", "/chat", {"content": b"\xff", "headers": JSON}, 400, id="400-not-utf8"),
    pytest.param("GET", "/chat", {}, 405, id="405-wrong-method"),
    pytest.param("POST", "/nowhere", {"json": HELLO}, 404, id="404-unknown-path"),
]


@pytest.mark.parametrize(("method", "path", "request_", "status"), BAD_REQUESTS)
def test_refused_request_has_only_a_server_span_with_status_unset(
    client: TestClient,
    trace_capture: TraceCapture,
    trace_snapshot: TraceSnapshotAssertion,
    method: str,
    path: str,
    request_: dict[str, Any],
    status: int,
) -> None:
    response = client.request(method, path, **request_)

    assert response.status_code == status, response.text
    assert_span_tree(
        trace_capture,
        span(
            f"{method}*",
            span("*", count=0),
            kind="SERVER",
            status="UNSET",
            attributes={"http.response.status_code": status, "error.type": ABSENT},
        ),
    )
    # Only /chat answers name their trace; the refusal of another path is its only trace.
    trace_id = response.headers[HEADER_TRACE_ID] if path == "/chat" else None
    assert trace_capture.trace(trace_id) == trace_snapshot
