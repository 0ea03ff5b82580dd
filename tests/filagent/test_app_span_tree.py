"""The spans of a request: the contract tree, its order and parents, HTTP semantic conventions.

An HTN request with a web search gives exactly the tree ``docs/TRACING_CONTRACT.md``
describes, its phases in order, parallel tool spans under the execution span; SERVER
and CLIENT spans carry the stable HTTP attributes; the document names every span and
attribute of ``filagent.telemetry.names``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from opentelemetry.trace import StatusCode

from filagent.models.rule_based import DEFAULT_NAME as RULE_MODEL
from filagent.telemetry import names
from pytest_filagent_trace import assert_span_tree, span
from tests.helpers.chat import HTN_WITH_SEARCH, THREE_INDEPENDENT_TOOLS, ask
from tests.helpers.spans import Spans, attributes, wait_for_span

# --- the contract tree --------------------------------------------------------------------


def test_htn_request_with_web_search_gives_the_contract_tree(
    client: TestClient, spans: Spans
) -> None:
    body = ask(client, HTN_WITH_SEARCH).json()
    wait_for_span(spans, "GET /search")

    ids = {names.CONVERSATION_ID: body["conversation_id"], names.TASK_ID: body["task_id"]}

    def tool(name: str, *children: Any) -> Any:
        return span(
            names.tool_span_name(name),
            *children,
            attributes={
                **ids,
                names.TOOL_NAME: name,
                names.GEN_AI_TOOL_NAME: name,
                names.TOOL_VALIDATION_SUCCESS: True,
                names.TOOL_EXECUTION_SUCCESS: True,
                names.TOOL_DURATION_MS: float,
            },
        )

    model_call = span(
        names.chat_span_name(RULE_MODEL),
        kind="CLIENT",
        count=2,
        attributes={
            names.GEN_AI_OPERATION_NAME: names.OPERATION_CHAT,
            names.GEN_AI_REQUEST_MODEL: RULE_MODEL,
            names.GEN_AI_USAGE_INPUT_TOKENS: int,
            names.GEN_AI_USAGE_OUTPUT_TOKENS: int,
        },
    )
    assert_span_tree(
        spans.all(),
        span(
            "POST /chat",
            span(
                names.SPAN_ROUTE,
                attributes={
                    names.ROUTE_MODE: "htn",
                    names.ROUTE_REASON: str,
                    names.ROUTE_CONFIDENCE: float,
                },
            ),
            span(
                names.SPAN_RUN_HTN,
                model_call,
                span(
                    names.SPAN_HTN_PLANNING,
                    attributes={names.HTN_STRATEGY: "parallel", names.HTN_CONFIDENCE: float},
                ),
                span(
                    names.SPAN_HTN_EXECUTION,
                    tool("calculator"),
                    tool("web_search", span("GET", span("GET /search", kind="SERVER"))),
                    attributes={names.HTN_SUCCESS: True, names.HTN_COMPLETED_TASKS: 2},
                ),
                span(
                    names.SPAN_HTN_VERIFICATION,
                    attributes={
                        names.HTN_VERIFICATION_LEVEL: str,
                        names.HTN_VERIFICATION_COUNT: int,
                    },
                ),
                attributes={
                    **ids,
                    names.EXECUTION_MODE: "htn",
                    names.GEN_AI_OPERATION_NAME: names.OPERATION_INVOKE_AGENT,
                },
            ),
            kind="SERVER",
        ),
    )
    assert sorted(s.name for s in spans.all()) == sorted(
        [
            "POST /chat",
            names.SPAN_ROUTE,
            names.SPAN_RUN_HTN,
            names.chat_span_name(RULE_MODEL),
            names.SPAN_HTN_PLANNING,
            names.SPAN_HTN_EXECUTION,
            names.tool_span_name("calculator"),
            names.tool_span_name("web_search"),
            "GET",
            "GET /search",
            names.SPAN_HTN_VERIFICATION,
            names.chat_span_name(RULE_MODEL),
        ]
    ), "no span beyond the contract"


def test_htn_phases_run_in_contract_order(client: TestClient, spans: Spans) -> None:
    ask(client, HTN_WITH_SEARCH)

    model_call = names.chat_span_name(RULE_MODEL)
    assert spans.children(spans.one(names.SPAN_RUN_HTN)) == [
        model_call,
        names.SPAN_HTN_PLANNING,
        names.SPAN_HTN_EXECUTION,
        names.SPAN_HTN_VERIFICATION,
        model_call,
    ]
    assert spans.children(spans.one("POST /chat")) == [names.SPAN_ROUTE, names.SPAN_RUN_HTN]


def test_parallel_tool_spans_keep_the_execution_span_as_parent(
    client: TestClient, spans: Spans
) -> None:
    response = ask(client, THREE_INDEPENDENT_TOOLS)

    assert [call["success"] for call in response.json()["tool_calls"]] == [True, True, True]
    assert attributes(spans.one(names.SPAN_HTN_PLANNING))[names.HTN_STRATEGY] == "parallel"
    tools = [s for s in spans.all() if s.name.startswith(names.SPAN_TOOL_PREFIX)]
    assert len(tools) == 3
    assert {spans.parent_name(s) for s in tools} == {names.SPAN_HTN_EXECUTION}


# --- HTTP semantic conventions ------------------------------------------------------------


def test_server_span_carries_stable_http_attributes(client: TestClient, spans: Spans) -> None:
    ask(client, "What is 2+2?")

    server = attributes(spans.one("POST /chat"))
    assert server["http.request.method"] == "POST"
    assert server["http.route"] == "/chat"
    assert server["http.response.status_code"] == 200
    assert server["url.path"] == "/chat"
    assert server["url.scheme"] == "http"
    assert "server.address" in server
    assert not {"http.method", "http.status_code", "http.target", "http.url"} & set(server)


def test_search_call_carries_stable_http_attributes_on_both_sides(
    client: TestClient, spans: Spans
) -> None:
    ask(client, "search for opentelemetry")

    search_server = attributes(wait_for_span(spans, "GET /search"))
    search_client = attributes(spans.one("GET"))
    assert search_client["http.request.method"] == "GET"
    assert search_client["http.response.status_code"] == 200
    assert search_client["server.address"] == "127.0.0.1"
    assert str(search_client["url.full"]).startswith("http://127.0.0.1:")
    assert search_server["http.route"] == "/search"
    assert search_server["url.path"] == "/search"
    assert search_server["http.response.status_code"] == 200


def test_successful_server_span_keeps_status_unset(client: TestClient, spans: Spans) -> None:
    ask(client, "What is 2+2?")

    server = spans.one("POST /chat")
    assert server.status.status_code is StatusCode.UNSET
    assert "error.type" not in attributes(server)


# --- the contract document ------------------------------------------------------------------


def test_contract_document_names_every_span_and_attribute() -> None:
    document = (Path(__file__).parents[2] / "docs" / "TRACING_CONTRACT.md").read_text("utf-8")
    constants = {
        constant: value
        for constant, value in vars(names).items()
        if constant.isupper() and isinstance(value, str)
    }

    # As code: `value` or the start of one (`tool.execute.{tool}`), not a word in a sentence.
    missing = {name: value for name, value in constants.items() if f"`{value}" not in document}
    assert not missing, f"docs/TRACING_CONTRACT.md does not mention {missing}"
