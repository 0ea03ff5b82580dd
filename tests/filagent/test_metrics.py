"""Prometheus metrics: names, labels, one registry per instance."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from filagent.metrics import Metrics
from tests.filagent.metric_samples import sample


def test_render_exposes_every_family_in_prometheus_text() -> None:
    body, content_type = Metrics().render()
    families = {family.name for family in text_string_to_metric_families(body.decode())}
    assert {
        "filagent_requests",
        "filagent_request_duration_seconds",
        "filagent_tool_calls",
        "filagent_spans_exported",
        "filagent_spans_dropped",
    } <= families
    assert content_type.startswith("text/plain; version=")


def test_requests_are_counted_by_mode_and_status() -> None:
    metrics = Metrics()
    metrics.observe_request("htn", 200, 0.2)
    metrics.observe_request("htn", 200, 0.3)
    metrics.observe_request("none", 422, 0.001)
    assert sample(metrics, "filagent_requests_total", mode="htn", status="200") == 2
    assert sample(metrics, "filagent_requests_total", mode="none", status="422") == 1


def test_request_latency_goes_into_the_histogram() -> None:
    metrics = Metrics()
    metrics.observe_request("simple", 200, 0.02)
    metrics.observe_request("simple", 200, 3.0)
    assert sample(metrics, "filagent_request_duration_seconds_count", mode="simple") == 2
    assert sample(metrics, "filagent_request_duration_seconds_sum", mode="simple") == 3.02
    assert (
        sample(metrics, "filagent_request_duration_seconds_bucket", mode="simple", le="0.025") == 1
    )


def test_tool_calls_are_counted_by_tool_and_success() -> None:
    metrics = Metrics()
    metrics.count_tool_call("calculator", True)
    metrics.count_tool_call("calculator", False)
    metrics.count_tool_call("calculator", success=False)
    assert sample(metrics, "filagent_tool_calls_total", tool="calculator", success="true") == 1
    assert sample(metrics, "filagent_tool_calls_total", tool="calculator", success="false") == 2


def test_span_counters_start_at_zero_and_add_up() -> None:
    metrics = Metrics()
    assert sample(metrics, "filagent_spans_exported_total") == 0
    metrics.spans_exported(5)
    metrics.spans_exported(2)
    metrics.spans_dropped(3)
    assert sample(metrics, "filagent_spans_exported_total") == 7
    assert sample(metrics, "filagent_spans_dropped_total") == 3


def test_negative_span_count_is_refused() -> None:
    with pytest.raises(ValueError, match="a span count must be zero or more, found -1"):
        Metrics().spans_dropped(-1)


def test_each_instance_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.count_tool_call("file_read", True)
    assert sample(second, "filagent_tool_calls_total", tool="file_read", success="true") is None


def test_a_given_registry_is_used() -> None:
    registry = CollectorRegistry()
    Metrics(registry).spans_exported(1)
    assert registry.get_sample_value("filagent_spans_exported_total") == 1


def test_render_shows_the_counted_values() -> None:
    metrics = Metrics()
    metrics.count_tool_call("web_search", True)
    body, _ = metrics.render()
    assert b'filagent_tool_calls_total{success="true",tool="web_search"} 1.0' in body
