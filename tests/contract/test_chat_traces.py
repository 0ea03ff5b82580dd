"""The traces of answered ``/chat`` requests: simple mode, HTN, and a search over HTTP.

Each test asserts the property it is about with ``assert_span_tree`` and pins the whole
trace in ``snapshots/``. Sequential traces are pinned in start order (the order of the
calls is part of the contract); traces with parallel tasks in canonical order.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from filagent.telemetry import names
from pytest_filagent_trace import (
    ABSENT,
    SpanTreeMismatch,
    TraceCapture,
    TraceSnapshotAssertion,
    assert_span_tree,
    assert_spans,
    descendant,
    span,
)
from tests.contract.conftest import SEARCH_SERVER_SPAN, request_trace
from tests.helpers.chat import ask

PARALLEL_TASKS = (
    "compute 12*7 and search for opentelemetry context propagation and read file notes.txt"
)


def test_simple_answer_without_tools_calls_the_model_once_and_no_tool(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    response = ask(client, "hello there")

    assert response.status_code == 200
    assert response.json()["tool_calls"] == []
    tree = request_trace(trace_capture, response)
    assert_span_tree(
        tree,
        """
        POST /chat [SERVER] {http.request.method="POST", http.response.status_code=200}
        ├── agent.route {route.confidence=0.8, route.mode="simple", route.reason="no tool intent"}
        └── agent.run_simple {execution_mode="simple", gen_ai.operation.name="invoke_agent"}
            └── chat filagent-rule-1 [CLIENT] {gen_ai.response.finish_reasons=("stop",)}
        """,
    )
    assert_span_tree(
        tree,
        span(
            "POST /chat",
            span("agent.route"),
            span("agent.run_simple", span("chat *", count=1), span("tool.execute.*", count=0)),
        ),
    )
    assert tree == trace_snapshot.with_order("start")


def test_a_request_that_uses_no_tool_has_no_tool_span_anywhere(
    client: TestClient, trace_capture: TraceCapture
) -> None:
    response = ask(client, "hello there")

    assert_span_tree(
        request_trace(trace_capture, response), descendant(span("tool.execute.*", count=0))
    )


def test_every_tool_call_runs_inside_an_agent_run(
    client: TestClient, trace_capture: TraceCapture
) -> None:
    for text in ("What is 2+2?", "read file notes.txt", PARALLEL_TASKS):
        ask(client, text)

    assert_spans(trace_capture, "tool.execute.*", count=(3, None), ancestor="agent.run_*")


def test_routing_is_a_small_part_of_the_request(
    client: TestClient, trace_capture: TraceCapture
) -> None:
    # Relative, so it holds on a slow machine: routing reads the last message only (about
    # 0.1 ms). A wall-clock span can still lose a few ms to the OS scheduler or a garbage
    # collection on a loaded CI machine, so each request is judged by the best of three
    # tries, as timeit judges code: the budget itself is the same for every try.
    budget = span("POST /chat", span("agent.route", duration="< 25% parent"))
    for text in ("hello there", "What is 2+2?", PARALLEL_TASKS):
        for attempt in range(3):
            tree = request_trace(trace_capture, ask(client, text))
            try:
                assert_span_tree(tree, budget)
                break
            except SpanTreeMismatch:
                if attempt == 2:
                    raise


def test_simple_calculation_runs_the_calculator_between_two_model_calls(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    response = ask(client, "What is 2+2?")

    assert response.json()["tool_calls"][0]["result"] == 4
    tree = request_trace(trace_capture, response)
    conversation = response.json()["conversation_id"]
    assert_span_tree(
        tree,
        span(
            "POST /chat",
            span("agent.route", attributes={"route.mode": "simple"}),
            span(
                "agent.run_simple",
                span(
                    "chat filagent-rule-1",
                    attributes={"gen_ai.response.finish_reasons": ("tool_calls",)},
                ),
                span(
                    "tool.execute.calculator",
                    status="UNSET",
                    attributes={
                        "tool.name": "calculator",
                        "gen_ai.tool.name": "calculator",
                        "conversation_id": conversation,
                        "tool.validation.success": True,
                        "tool.execution.success": True,
                        "tool.duration_ms": float,
                        "error.type": ABSENT,
                    },
                ),
                span(
                    "chat filagent-rule-1", attributes={"gen_ai.response.finish_reasons": ("stop",)}
                ),
                attributes={"conversation_id": conversation},
            ),
        ),
        ordered=True,
    )
    assert tree == trace_snapshot.with_order("start")


def test_simple_file_read_runs_file_read_under_the_run_span(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    response = ask(client, "read file notes.txt")

    assert response.json()["tool_calls"][0]["success"] is True
    tree = request_trace(trace_capture, response)
    assert_span_tree(
        tree,
        """
        POST /chat [SERVER]
        ├── agent.route {route.confidence=0.9, route.mode="simple", route.reason="one tool intent"}
        └── agent.run_simple
            ├── chat filagent-rule-1 [CLIENT]
            ├── tool.execute.file_read {tool.execution.success=True, tool.validation.success=True}
            └── chat filagent-rule-1 [CLIENT]
        """,
        ordered=True,
    )
    assert tree == trace_snapshot.with_order("start")


def test_htn_tasks_run_in_parallel_threads_keep_their_tool_spans_under_execution(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    response = ask(client, PARALLEL_TASKS)

    assert response.json()["mode"] == "htn"
    assert [call["success"] for call in response.json()["tool_calls"]] == [True, True, True]
    tree = request_trace(trace_capture, response, searched=True)
    tool = {"tool.validation.success": True, "tool.execution.success": True}
    # Over the whole capture: a task thread that lost its context would start a new trace
    # (or an orphan) with its tool span at the top.
    assert_span_tree(
        trace_capture,
        [
            span(
                "POST /chat",
                span("agent.route", attributes={"route.mode": "htn", "route.confidence": float}),
                span(
                    "agent.run_with_htn",
                    span(
                        "agent.htn.planning",
                        attributes={"strategy": "parallel", "htn.task_count": 3},
                    ),
                    span(
                        "agent.htn.execution",
                        span("tool.execute.calculator", attributes=tool, orphan=False),
                        span("tool.execute.file_read", attributes=tool, orphan=False),
                        span("tool.execute.web_search", attributes=tool, orphan=False),
                        attributes={"success": True, "completed_tasks": 3},
                    ),
                    span("agent.htn.verification", attributes={"verification.passed": True}),
                    span("tool.execute.*", count=0),
                ),
                kind="SERVER",
            ),
            span("tool.execute.*", count=0),
        ],
    )
    assert len(trace_capture.traces()) == 1
    assert tree == trace_snapshot


def test_web_search_joins_the_search_service_span_to_the_request_trace(
    client: TestClient, trace_capture: TraceCapture, trace_snapshot: TraceSnapshotAssertion
) -> None:
    response = ask(client, "search for opentelemetry")

    assert response.json()["tool_calls"][0]["success"] is True
    tree = request_trace(trace_capture, response, searched=True)
    assert_span_tree(
        trace_capture,
        span(
            "POST /chat",
            span(
                "agent.run_simple",
                span(
                    "tool.execute.web_search",
                    span(
                        "GET",
                        span(
                            SEARCH_SERVER_SPAN,
                            kind="SERVER",
                            attributes={"http.route": "/search", "http.response.status_code": 200},
                            orphan=False,
                        ),
                        kind="CLIENT",
                        attributes={"http.request.method": "GET", "http.response.status_code": 200},
                    ),
                ),
            ),
            kind="SERVER",
        ),
    )
    (search_server,) = trace_capture.find(SEARCH_SERVER_SPAN)
    (search_client,) = trace_capture.find("GET")
    assert search_server.trace_id == search_client.trace_id == tree.trace_id
    assert search_server.parent_span_id == search_client.span_id
    assert search_client.parent is not None
    assert search_client.parent.name == names.tool_span_name("web_search")
    # The capture sits after FilAgent's redaction: the query never reaches it.
    assert "opentelemetry" not in str(search_client.attributes["url.full"])
    assert "opentelemetry" not in str(search_server.attributes["url.query"])
    assert tree == trace_snapshot.with_order("start")
