"""A failing tool in the FilAgent HTTP service: a failed tool call in a 200 answer, never a 500.

An unknown tool, invalid arguments or a tool refusing its input give an ERROR tool
span; the request's spans stay UNSET and its decision record says ``error``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from opentelemetry.trace import StatusCode

from filagent.audit import read_records
from filagent.telemetry import names
from tests.helpers.app import small_limits
from tests.helpers.chat import ask
from tests.helpers.spans import Spans, attributes

#: ``client`` (see conftest.py) is the service with small request limits, no search service.
CLIENT_SETTINGS = small_limits


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
