"""End to end with Arize Phoenix: FilAgent exports to a real Phoenix, and the plugin reads it back.

``make e2e`` installs Phoenix in its own venv and runs this file; without that venv every test
here is skipped, naming ``arize-phoenix``. Phoenix, ``filagent serve`` and its search service
run on 127.0.0.1 and are stopped when the module ends.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from pytest_filagent_trace import (
    ABSENT,
    LoadedTraces,
    assert_no_pii,
    assert_span_tree,
    load_traces,
    phoenix,
    span,
)
from tests.e2e.phoenix_server import ROOT, RunningPhoenix, phoenix_serving, protobuf_request
from tests.helpers.serve import serving

pytestmark = pytest.mark.e2e

HTN_WITH_SEARCH = "compute 17*23 then search for opentelemetry context propagation"
PROJECT = "filagent-e2e"
_INGEST_SECONDS = 60


@pytest.fixture(scope="module")
def running_phoenix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPhoenix]:
    with phoenix_serving(tmp_path_factory.mktemp("phoenix")) as running:
        yield running


def stored(
    running: RunningPhoenix, project: str, done: Callable[[LoadedTraces], bool]
) -> LoadedTraces:
    """What Phoenix stored for ``project``, once ``done`` says it is all there (it ingests
    asynchronously), or what it has after the deadline, for the assertions to explain."""
    deadline = time.monotonic() + _INGEST_SECONDS
    while True:
        try:
            traces = load_traces(phoenix(running.url, project=project))
        except ValueError:  # the project appears with its first span
            traces = None
        if traces is not None and (done(traces) or time.monotonic() > deadline):
            return traces
        if time.monotonic() > deadline:
            pytest.fail(f"Phoenix has no project {project!r} after {_INGEST_SECONDS}s")
        time.sleep(0.25)


def test_an_htn_request_with_a_web_search_is_one_contract_trace_in_phoenix(
    running_phoenix: RunningPhoenix, tmp_path: Path
) -> None:
    with serving(
        running_phoenix.url,
        tmp_path,
        OTEL_SERVICE_NAME="filagent-e2e",
        OTEL_BSP_SCHEDULE_DELAY="100",
        FILAGENT_PROJECT_NAME=PROJECT,
        FILAGENT_RECORDS_PATH="none",
    ) as service:
        response = httpx.post(
            f"{service.url}/chat",
            json={"messages": [{"role": "user", "content": HTN_WITH_SEARCH}]},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        trace_id = response.headers["X-Trace-ID"]
        complete = {"POST /chat", "GET /search", "agent.htn.verification"}
        traces = stored(running_phoenix, PROJECT, lambda t: complete <= {node.name for node in t})

    assert [tree.trace_id for tree in traces.traces()] == [trace_id]
    one = load_traces(phoenix(running_phoenix.url, project=PROJECT, trace_id=trace_id))
    assert len(one) == len(traces)
    tool = {"tool.validation.success": True, "tool.execution.success": True}
    # Phoenix keeps no span kind, so the contract tree is matched without kinds.
    assert_span_tree(
        traces,
        span(
            "POST /chat",
            attributes={"http.request.method": "POST", "http.response.status_code": 200},
            children=[
                span("agent.route", attributes={"route.mode": "htn"}),
                span(
                    "agent.run_with_htn",
                    attributes={"execution_mode": "htn", "gen_ai.operation.name": "invoke_agent"},
                    children=[
                        span("chat *", count=2),
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
                                            children=[
                                                span(
                                                    "GET /search",
                                                    attributes={"http.route": "/search"},
                                                )
                                            ],
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
    assert_no_pii(traces)
    print(
        f"\nphoenix e2e: Phoenix {running_phoenix.version} stored the served HTN trace,"
        f" {len(traces)} spans checked"
    )


def test_the_contract_suite_s_exported_spans_all_load_into_phoenix(
    running_phoenix: RunningPhoenix, tmp_path: Path
) -> None:
    export = tmp_path / "contract.jsonl"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "tests/contract",
            f"--trace-export={export}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    exported = load_traces(export)
    assert len(exported) > 0
    expected = collections.Counter(
        str(node.resource.get("openinference.project.name", "default")) for node in exported
    )

    for line in export.read_text(encoding="utf-8").splitlines():
        if line.strip():
            running_phoenix.post_traces(protobuf_request(json.loads(line)))

    for project, count in expected.items():
        traces = stored(running_phoenix, project, lambda t, count=count: len(t) >= count)
        assert len(traces) == count, f"project {project!r}"
        assert {node.span_id for node in traces} == {
            node.span_id
            for node in exported
            if node.resource.get("openinference.project.name", "default") == project
        }
    print(
        f"\nphoenix e2e: Phoenix {running_phoenix.version} took the contract suite's"
        f" {len(exported)} exported spans, {len(exported)} spans checked"
    )
