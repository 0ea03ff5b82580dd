"""End to end: ``filagent serve`` in its own processes, exporting over OTLP/HTTP.

The service and its search service run as real subprocesses; a real OTLP
receiver on 127.0.0.1 collects what they export.  The received spans must form
the contract tree in one trace, the one named by ``X-Trace-ID``, and the logs
and the decision record must carry that trace id.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pytest_filagent_trace import ABSENT, SpanTree, TraceReceiver, assert_span_tree, span
from tests.helpers.serve import Served, serving

pytestmark = pytest.mark.slow

HTN_WITH_SEARCH = "compute 17*23 then search for opentelemetry context propagation"


def received_trace(
    receiver: TraceReceiver, trace_id: str, *names: str, timeout: float = 5.0
) -> SpanTree:
    """The tree of trace ``trace_id`` once a span of each of ``names`` has arrived."""
    for name in names:
        receiver.wait_for(
            lambda node, name=name: node.trace_id == trace_id and node.name == name, timeout
        )
    trees = [tree for tree in receiver.traces() if tree.trace_id == trace_id]
    assert len(trees) == 1
    return trees[0]


@pytest.fixture(scope="module")
def receiver() -> Iterator[TraceReceiver]:
    # The plugin's receiver, for the whole module: one filagent serves several tests.
    with TraceReceiver() as running:
        yield running


@pytest.fixture(scope="module")
def service(receiver: TraceReceiver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    workdir = tmp_path_factory.mktemp("serve")
    with serving(
        receiver.endpoint,
        workdir,
        OTEL_SERVICE_NAME="filagent-e2e",
        OTEL_BSP_SCHEDULE_DELAY="100",
        FILAGENT_RECORDS_PATH=str(workdir / "records.jsonl"),
    ) as served:
        yield served


def test_an_htn_request_with_a_web_search_is_one_contract_trace_across_both_processes(
    service: Served, receiver: TraceReceiver
) -> None:
    response = httpx.post(
        f"{service.url}/chat",
        json={"messages": [{"role": "user", "content": HTN_WITH_SEARCH}]},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    trace_id = response.headers["X-Trace-ID"]
    assert trace_id == response.json()["trace_id"]

    tree = received_trace(receiver, trace_id, "POST /chat", "GET /search", "agent.htn.verification")
    assert len(tree.roots) == 1, "both services' spans must be in the trace named by X-Trace-ID"
    search_server = next(n for n in tree.walk() if n.name == "GET /search")
    assert search_server.resource["service.name"] == "filagent-e2e-search"
    assert tree.roots[0].resource["service.name"] == "filagent-e2e"

    tool = {"tool.validation.success": True, "tool.execution.success": True}
    assert_span_tree(
        tree,
        span(
            "POST /chat",
            kind="SERVER",
            attributes={"http.request.method": "POST", "http.response.status_code": 200},
            children=[
                span("agent.route", attributes={"route.mode": "htn"}),
                span(
                    "agent.run_with_htn",
                    attributes={"execution_mode": "htn", "gen_ai.operation.name": "invoke_agent"},
                    children=[
                        span("chat *", kind="CLIENT", count=2),
                        span("agent.htn.planning"),
                        span(
                            "agent.htn.execution",
                            attributes={"success": True, "completed_tasks": 2},
                            children=[
                                span("tool.execute.calculator", attributes=tool),
                                span(
                                    "tool.execute.web_search",
                                    attributes=tool,
                                    children=[
                                        span(
                                            "GET",
                                            kind="CLIENT",
                                            children=[span("GET /search", kind="SERVER")],
                                        )
                                    ],
                                ),
                            ],
                        ),
                        span("agent.htn.verification", attributes={"error.type": ABSENT}),
                    ],
                ),
            ],
        ),
    )


def test_stdout_logs_and_the_decision_record_carry_the_trace_id(
    service: Served, receiver: TraceReceiver
) -> None:
    response = httpx.post(
        f"{service.url}/chat",
        json={"messages": [{"role": "user", "content": HTN_WITH_SEARCH}]},
        timeout=30,
    )
    trace_id = response.headers["X-Trace-ID"]
    # Both processes log inside their spans: wait until both SERVER spans are in.
    received_trace(receiver, trace_id, "POST /chat", "GET /search")

    stdout = service.log
    deadline = time.monotonic() + 10
    lines: list[dict[str, object]] = []
    while time.monotonic() < deadline and not lines:
        lines = [
            json.loads(line)
            for line in stdout.read_text().splitlines()
            if line.startswith("{") and trace_id in line
        ]
        time.sleep(0.05)
    assert {line["event"] for line in lines} >= {"chat.request", "chat.response"}
    # The search query (request text) reaches the logs only redacted, in both processes.
    written = stdout.read_text()
    assert "q=[REDACTED:query]" in written
    assert not any(
        form in written for form in ("context propagation", "context+propagation", "context%20")
    )
    span_ids = {s.span_id for s in receiver.spans if s.trace_id == trace_id}
    assert all(line["span_id"] in span_ids for line in lines)

    records_path = service.workdir / "records.jsonl"
    records = [json.loads(r) for r in records_path.read_text().splitlines()]
    mine = [r for r in records if r["trace_id"] == trace_id]
    assert len(mine) == 1
    assert mine[0]["span_id"] in span_ids
    assert mine[0]["route_mode"] == "htn"
    assert [t["tool"] for t in mine[0]["tools"]] == ["calculator", "web_search"]

    printed = subprocess.run(
        [
            sys.executable,
            "-m",
            "filagent",
            "records",
            "--trace-id",
            trace_id,
            "--path",
            str(records_path),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert [json.loads(line)["trace_id"] for line in printed.stdout.splitlines()] == [trace_id]


def test_stopping_serve_stops_its_search_service_and_flushes_spans(
    receiver: TraceReceiver, tmp_path: Path
) -> None:
    with serving(
        receiver.endpoint,
        tmp_path,
        OTEL_SERVICE_NAME="filagent-stop",
        OTEL_BSP_SCHEDULE_DELAY="60000",  # only the shutdown flush exports
        FILAGENT_RECORDS_PATH="none",
    ) as served:
        trace_id = httpx.post(
            f"{served.url}/chat",
            json={"messages": [{"role": "user", "content": "What is 6*7?"}]},
            timeout=30,
        ).headers["X-Trace-ID"]
        served.process.terminate()
        assert served.process.wait(20) == 0, served.log.read_text()

    receiver.wait_for(lambda node: node.trace_id == trace_id, timeout=10)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{served.search_port}/health", timeout=2)


def test_filagent_serve_reports_to_the_trace_receiver_fixture(
    trace_receiver: TraceReceiver, tmp_path: Path
) -> None:
    with serving(
        trace_receiver.endpoint,
        tmp_path,
        OTEL_SERVICE_NAME="filagent-fixture",
        OTEL_BSP_SCHEDULE_DELAY="50",
        FILAGENT_RECORDS_PATH="none",
    ) as served:
        response = httpx.post(
            f"{served.url}/chat",
            json={"messages": [{"role": "user", "content": "What is 6*7?"}]},
            timeout=30,
        )
        trace_id = response.headers["X-Trace-ID"]
        tree = received_trace(trace_receiver, trace_id, "POST /chat", "agent.run_simple")

    assert_span_tree(
        tree,
        span(
            "POST /chat",
            kind="SERVER",
            attributes={"http.response.status_code": 200},
            children=[
                span("agent.route", attributes={"route.mode": "simple"}),
                span("agent.run_simple", ...),
            ],
        ),
    )
    assert tree.roots[0].resource["service.name"] == "filagent-fixture"
