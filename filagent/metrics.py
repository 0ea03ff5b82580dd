"""Prometheus metrics served at ``GET /metrics``.

Each :class:`Metrics` owns its own ``CollectorRegistry``, so several apps (or
tests) in one process never share or collide on counters. Metrics do not
depend on tracing: they keep counting when tracing is disabled or
OpenTelemetry is not importable.

Example::

    metrics = Metrics()
    metrics.observe_request("htn", 200, 0.042)
    metrics.count_tool_call("calculator", success=True)
    body, content_type = metrics.render()
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

from filagent.telemetry.accounting import DROP_REASONS, DropReason

#: Request latency buckets in seconds: agent requests range from milliseconds
#: (rule model, simple mode) to tens of seconds (remote model, HTN).
LATENCY_BUCKETS: tuple[float, ...] = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
)  # fmt: skip


class Metrics:
    """FilAgent's Prometheus metrics, registered in one registry.

    ================================== ============ ==============
    name                               type         labels
    ================================== ============ ==============
    filagent_requests_total            counter      mode, status
    filagent_request_duration_seconds  histogram    mode
    filagent_tool_calls_total          counter      tool, success
    filagent_spans_ended_total         counter
    filagent_spans_exported_total      counter
    filagent_spans_dropped_total       counter      reason
    filagent_records_failed_total      counter
    ================================== ============ ==============

    Every sampled span that ends is counted in ``spans_ended``, then, per
    exporter, once in ``spans_exported`` or once in ``spans_dropped`` with its
    reason (``queue_full``, ``export_failed``, ``timeout``, ``shutdown``).
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self._requests = Counter(
            "filagent_requests",
            "Chat requests by route mode and HTTP status code.",
            ["mode", "status"],
            registry=self.registry,
        )
        self._duration = Histogram(
            "filagent_request_duration_seconds",
            "Chat request latency in seconds, by route mode.",
            ["mode"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._tool_calls = Counter(
            "filagent_tool_calls",
            "Tool calls by tool name and success.",
            ["tool", "success"],
            registry=self.registry,
        )
        self._spans_ended = Counter(
            "filagent_spans_ended",
            "Sampled spans that ended (each is then exported or dropped, per exporter).",
            registry=self.registry,
        )
        self._spans_exported = Counter(
            "filagent_spans_exported",
            "Spans the exporters accepted.",
            registry=self.registry,
        )
        self._spans_dropped = Counter(
            "filagent_spans_dropped",
            "Spans that never reached an exporter, by reason.",
            ["reason"],
            registry=self.registry,
        )
        for reason in DROP_REASONS:  # every reason is exposed, at zero until it happens
            self._spans_dropped.labels(reason=reason)
        self._records_failed = Counter(
            "filagent_records_failed",
            "Decision records that could not be written.",
            registry=self.registry,
        )

    def observe_request(self, mode: str, status_code: int, seconds: float) -> None:
        """Count one request and record its latency.

        Example::

            metrics.observe_request("simple", 200, 0.012)
        """
        self._requests.labels(mode=mode, status=str(status_code)).inc()
        self._duration.labels(mode=mode).observe(max(seconds, 0.0))

    def count_tool_call(self, tool: str, success: bool) -> None:
        """Count one tool call; ``success`` becomes the label ``"true"``/``"false"``.

        Example::

            metrics.count_tool_call("web_search", success=False)
        """
        self._tool_calls.labels(tool=tool, success="true" if success else "false").inc()

    def spans_ended(self, count: int) -> None:
        """Add ``count`` sampled spans that ended.

        Example::

            metrics.spans_ended(12)
        """
        self._spans_ended.inc(_non_negative(count))

    def spans_exported(self, count: int) -> None:
        """Add ``count`` spans that an exporter accepted.

        Example::

            metrics.spans_exported(12)
        """
        self._spans_exported.inc(_non_negative(count))

    def spans_dropped(self, count: int, reason: DropReason = "export_failed") -> None:
        """Add ``count`` spans that never reached an exporter, and why.

        Example::

            metrics.spans_dropped(3)                       # reason="export_failed"
            metrics.spans_dropped(1, reason="queue_full")
        """
        if reason not in DROP_REASONS:
            msg = f"a drop reason must be one of {', '.join(DROP_REASONS)}, found {reason!r}"
            raise ValueError(msg)
        self._spans_dropped.labels(reason=reason).inc(_non_negative(count))

    def record_failed(self) -> None:
        """Count one decision record that could not be written.

        Example::

            metrics.record_failed()
        """
        self._records_failed.inc()

    def render(self) -> tuple[bytes, str]:
        """The Prometheus text exposition and its content type.

        Example::

            body, content_type = metrics.render()
            # b'# HELP filagent_requests_total ...', 'text/plain; version=0.0.4; ...'
        """
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def _non_negative(count: int) -> int:
    if count < 0:
        msg = f"a span count must be zero or more, found {count}"
        raise ValueError(msg)
    return count
