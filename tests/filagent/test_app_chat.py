"""The ``/chat`` answer: its documented shape, its ids, and the mode the router picks.

Every test runs the real app with real spans: a ``TelemetryManager`` exporting to
memory is injected into ``create_app``, and the search service runs on 127.0.0.1.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from filagent.telemetry import names
from tests.helpers.chat import HEX32, HTN_WITH_SEARCH, ask
from tests.helpers.spans import Spans, attributes

# --- the response -----------------------------------------------------------------------


def test_chat_answers_with_the_documented_response_shape(client: TestClient) -> None:
    response = ask(client, "What is 2+2?")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "conversation_id",
        "task_id",
        "mode",
        "message",
        "tool_calls",
        "trace_id",
    }
    assert body["mode"] == "simple"
    assert body["message"]["role"] == "assistant"
    assert "2+2 = 4" in body["message"]["content"]
    assert body["tool_calls"] == [
        {
            "tool": "calculator",
            "arguments": {"expression": "2+2"},
            "success": True,
            "result": 4,
            "error": None,
        }
    ]


def test_conversation_id_is_echoed_when_given(client: TestClient, spans: Spans) -> None:
    response = ask(client, "What is 2+2?", conversation_id="conv-42")

    assert response.json()["conversation_id"] == "conv-42"
    run = spans.one(names.SPAN_RUN_SIMPLE)
    assert attributes(run)[names.CONVERSATION_ID] == "conv-42"


def test_conversation_and_task_ids_are_generated_when_absent(client: TestClient) -> None:
    first, second = ask(client, "What is 2+2?").json(), ask(client, "What is 2+2?").json()

    assert HEX32.fullmatch(first["conversation_id"])
    assert HEX32.fullmatch(first["task_id"])
    assert first["conversation_id"] != second["conversation_id"]
    assert first["task_id"] != second["task_id"]


# --- routing ----------------------------------------------------------------------------


def test_single_step_request_is_routed_to_simple_mode(client: TestClient, spans: Spans) -> None:
    response = ask(client, "What is 2+2?")

    assert response.json()["mode"] == "simple"
    route = attributes(spans.one(names.SPAN_ROUTE))
    assert route[names.ROUTE_MODE] == "simple"
    assert route[names.ROUTE_REASON] == "one tool intent"
    assert 0.0 < route[names.ROUTE_CONFIDENCE] <= 1.0
    assert spans.named(names.SPAN_RUN_HTN) == []


def test_multi_step_request_is_routed_to_htn_mode(client: TestClient, spans: Spans) -> None:
    response = ask(client, HTN_WITH_SEARCH)

    assert response.json()["mode"] == "htn"
    route = attributes(spans.one(names.SPAN_ROUTE))
    assert route[names.ROUTE_MODE] == "htn"
    assert route[names.ROUTE_REASON] == "2 steps, each with a tool intent"
    assert spans.named(names.SPAN_RUN_SIMPLE) == []


@pytest.mark.parametrize(
    ("content", "mode"),
    [("What is 2+2?", "htn"), (HTN_WITH_SEARCH, "simple")],
    ids=["one step forced to htn", "two steps forced to simple"],
)
def test_mode_field_overrides_the_router(
    client: TestClient, spans: Spans, content: str, mode: str
) -> None:
    response = ask(client, content, mode=mode)

    assert response.json()["mode"] == mode
    route = attributes(spans.one(names.SPAN_ROUTE))
    assert (route[names.ROUTE_MODE], route[names.ROUTE_CONFIDENCE]) == (mode, 1.0)
    assert route[names.ROUTE_REASON] == "requested by client"
