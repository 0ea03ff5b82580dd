"""``/health`` and ``/metrics``: never traced; requests, latency, tool calls and spans counted.

The search service runs on 127.0.0.1 so ``web_search`` crosses a real HTTP boundary.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers.chat import HTN_WITH_SEARCH, THREE_INDEPENDENT_TOOLS, ask, samples
from tests.helpers.spans import Spans

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
