"""The FilAgent HTTP service: responses, trace headers, the contract tree, metrics, no-op modes.

Every test runs the real app with real spans: a ``TelemetryManager`` exporting to
memory is injected into ``create_app``, and the search service runs on 127.0.0.1
so ``web_search`` crosses a real HTTP boundary.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from filagent.app import create_app
from filagent.audit import DecisionRecorder, read_records
from filagent.models.rule_based import DEFAULT_NAME as RULE_MODEL
from filagent.search.app import create_search_app
from filagent.settings import Settings
from filagent.telemetry import names
from filagent.telemetry.config import TelemetryConfig, load_telemetry_config
from filagent.telemetry.logging import SERVER_LOGGERS, configure_logging
from filagent.telemetry.setup import TelemetryManager
from pytest_filagent_trace import assert_span_tree, span
from tests.blocked_imports import SDK_MODULES, blocking_prelude
from tests.filagent.conftest import ServeApp
from tests.helpers.chat import ask, samples
from tests.helpers.python import json_printed_by
from tests.helpers.spans import Spans
from tests.helpers.telemetry import USER_ID_KEY, telemetry_config

HTN_WITH_SEARCH = "compute 17*23 then search for opentelemetry"
THREE_INDEPENDENT_TOOLS = (
    "compute 12*7 and search for opentelemetry context propagation and read file notes.txt"
)
CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
HEX32 = re.compile(r"[0-9a-f]{32}")
HEX16 = re.compile(r"[0-9a-f]{16}")


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def search_url(serve: ServeApp, telemetry: TelemetryManager) -> Iterator[str]:
    with serve(create_search_app(telemetry)) as url:
        yield url


@pytest.fixture
def client(
    telemetry: TelemetryManager, search_url: str, records_path: Path
) -> Iterator[TestClient]:
    app = create_app(
        Settings(search_url=search_url), telemetry, recorder=DecisionRecorder(records_path)
    )
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Service logs as JSON lines in memory; the logging set-up is restored afterwards."""
    loggers = [logging.getLogger(name) for name in ("", *SERVER_LOGGERS)]
    saved = [(list(lg.handlers), lg.level, lg.propagate) for lg in loggers]
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    yield stream
    for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate
    structlog.reset_defaults()


# --- helpers ----------------------------------------------------------------------------


def attributes(span_: ReadableSpan) -> dict[str, Any]:
    return dict(span_.attributes or {})


def span_id_of(span_: ReadableSpan) -> str:
    assert span_.context is not None
    return format(span_.context.span_id, "016x")


def trace_id_of(span_: ReadableSpan) -> str:
    assert span_.context is not None
    return format(span_.context.trace_id, "032x")


def wait_for_span(spans: Spans, name: str, timeout: float = 5.0) -> ReadableSpan:
    """The first ``name`` span, waiting for it: a server span ends after its response."""
    deadline = time.monotonic() + timeout
    while not spans.named(name):
        found = [s.name for s in spans.all()]
        assert time.monotonic() < deadline, f"no {name!r} span within {timeout}s; found {found}"
        time.sleep(0.01)
    return spans.named(name)[0]


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


def test_trace_id_header_equals_the_body_trace_id_and_the_server_span_trace(
    client: TestClient, spans: Spans
) -> None:
    response = ask(client, "What is 2+2?")

    header = response.headers["X-Trace-ID"]
    assert HEX32.fullmatch(header), header
    assert response.json()["trace_id"] == header
    assert trace_id_of(spans.one("POST /chat")) == header


def test_traceresponse_header_names_the_server_span(client: TestClient, spans: Spans) -> None:
    response = ask(client, "What is 2+2?")

    server = spans.one("POST /chat")
    assert server.kind is SpanKind.SERVER
    expected = f"00-{trace_id_of(server)}-{span_id_of(server)}-01"
    assert response.headers["traceresponse"] == expected


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


# --- trace context ----------------------------------------------------------------------


def test_incoming_traceparent_joins_the_callers_trace(client: TestClient, spans: Spans) -> None:
    traceparent = f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"

    response = ask(client, "What is 2+2?", headers={"traceparent": traceparent})

    server = spans.one("POST /chat")
    assert server.parent is not None
    assert format(server.parent.span_id, "016x") == CALLER_SPAN
    assert trace_id_of(server) == CALLER_TRACE
    assert response.headers["X-Trace-ID"] == CALLER_TRACE
    assert {trace_id_of(s) for s in spans.all()} == {CALLER_TRACE}


def test_caller_that_does_not_sample_gets_its_trace_id_and_no_spans(
    client: TestClient, spans: Spans
) -> None:
    traceparent = f"00-{CALLER_TRACE}-{CALLER_SPAN}-00"

    response = ask(client, "What is 2+2?", headers={"traceparent": traceparent})

    assert response.status_code == 200
    assert response.headers["X-Trace-ID"] == CALLER_TRACE
    assert response.headers["traceresponse"].endswith("-00")
    assert spans.all() == []


def test_malformed_traceparent_starts_a_new_trace(client: TestClient, spans: Spans) -> None:
    response = ask(client, "What is 2+2?", headers={"traceparent": "00-not-a-trace-01"})

    server = spans.one("POST /chat")
    assert server.parent is None
    assert response.headers["X-Trace-ID"] == trace_id_of(server)


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


def test_search_service_span_joins_the_request_trace(client: TestClient, spans: Spans) -> None:
    response = ask(client, "search for opentelemetry")

    search_server = wait_for_span(spans, "GET /search")
    assert search_server.kind is SpanKind.SERVER
    assert trace_id_of(search_server) == response.headers["X-Trace-ID"]
    assert spans.parent_name(search_server) == "GET"
    assert spans.parent_name(spans.one("GET")) == names.tool_span_name("web_search")


def test_agent_spans_record_no_message_content(client: TestClient, spans: Spans) -> None:
    secret = "zebra-marmalade-1234"
    ask(client, f"search for {secret}")
    wait_for_span(spans, "GET /search")

    for finished in spans.all():
        texts = [str(value) for value in attributes(finished).values()]
        texts += [str(e.attributes) for e in finished.events]
        assert not any(secret in text for text in texts), finished.name


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


# --- /health and /metrics -------------------------------------------------------------------


def test_health_and_metrics_are_not_traced(client: TestClient, spans: Spans) -> None:
    health = client.get("/health")
    metrics = client.get("/metrics")

    assert health.json()["status"] == "ok"
    assert metrics.status_code == 200
    assert "X-Trace-ID" not in health.headers
    assert "X-Trace-ID" not in metrics.headers
    assert spans.all() == []


def test_metrics_count_requests_by_mode_and_status(client: TestClient) -> None:
    ask(client, HTN_WITH_SEARCH)
    ask(client, "What is 2+2?")
    ask(client, "What is 2+2?")
    client.post("/chat", json={"messages": []})

    found = samples(client)
    requests = "filagent_requests_total"
    assert found[(requests, frozenset({("mode", "htn"), ("status", "200")}))] == 1
    assert found[(requests, frozenset({("mode", "simple"), ("status", "200")}))] == 2
    assert found[(requests, frozenset({("mode", "none"), ("status", "422")}))] == 1


def test_metrics_record_request_latency_by_mode(client: TestClient) -> None:
    ask(client, HTN_WITH_SEARCH)

    found = samples(client)
    htn = frozenset({("mode", "htn")})
    assert found[("filagent_request_duration_seconds_count", htn)] == 1
    assert found[("filagent_request_duration_seconds_sum", htn)] > 0
    every_request = frozenset({("mode", "htn"), ("le", "+Inf")})
    assert found[("filagent_request_duration_seconds_bucket", every_request)] == 1


def test_metrics_count_tool_calls_by_tool_and_success(client: TestClient) -> None:
    ask(client, THREE_INDEPENDENT_TOOLS)
    ask(client, "read file ../../etc/passwd")

    found = samples(client)
    calls = "filagent_tool_calls_total"
    for tool in ("calculator", "web_search"):
        assert found[(calls, frozenset({("tool", tool), ("success", "true")}))] == 1
    assert found[(calls, frozenset({("tool", "file_read"), ("success", "true")}))] == 1
    assert found[(calls, frozenset({("tool", "file_read"), ("success", "false")}))] == 1


def test_metrics_label_unregistered_tools_as_unknown(client: TestClient) -> None:
    ask(client, "use tool first_made_up with {}")
    ask(client, "use tool second_made_up with {}")

    tools = {dict(labels)["tool"] for name, labels in samples(client) if "tool" in dict(labels)}
    assert tools == {"unknown"}


def test_metrics_count_the_spans_exported(client: TestClient, spans: Spans) -> None:
    ask(client, "What is 2+2?")

    exported = samples(client)[("filagent_spans_exported_total", frozenset())]
    assert exported == len(spans.all()) > 0


# --- tracing turned off ---------------------------------------------------------------------


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


# --- logs and decision records --------------------------------------------------------------


def test_logs_carry_the_request_trace_and_server_span_ids(
    client: TestClient, spans: Spans, log_stream: io.StringIO
) -> None:
    response = ask(client, "What is 2+2?")

    lines = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    chat_lines = [line for line in lines if str(line["event"]).startswith("chat.")]
    assert [line["event"] for line in chat_lines] == ["chat.request", "chat.response"]
    server = spans.one("POST /chat")
    for line in chat_lines:
        assert line["trace_id"] == response.headers["X-Trace-ID"]
        assert line["span_id"] == span_id_of(server)


def test_decision_record_carries_the_trace_and_server_span_ids(
    client: TestClient, spans: Spans, records_path: Path
) -> None:
    response = ask(client, HTN_WITH_SEARCH, conversation_id="conv-7")
    trace_id = response.headers["X-Trace-ID"]

    (record,) = read_records(records_path, trace_id=trace_id)
    assert record["span_id"] == span_id_of(spans.one("POST /chat"))
    assert HEX16.fullmatch(record["span_id"])
    assert record["conversation_id"] == "conv-7"
    assert record["task_id"] == response.json()["task_id"]
    assert (record["route_mode"], record["outcome"], record["error"]) == ("htn", "success", None)
    assert record["tools"] == [
        {"tool": "calculator", "success": True},
        {"tool": "web_search", "success": True},
    ]


def test_user_id_reaches_spans_only_as_a_keyed_hash(client: TestClient, spans: Spans) -> None:
    ask(client, "What is 2+2?", user_id="alice@example.com")

    run = attributes(spans.one(names.SPAN_RUN_SIMPLE))
    assert str(run[names.USER_ID_HASH]).startswith("hmac-sha256:")
    everything = [str(value) for s in spans.all() for value in attributes(s).values()]
    assert not any("alice" in value for value in everything)


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
