"""assert_logs_correlated: log records carry the ids of the span they were emitted in.

check_logs_correlated lists the records that do not and why; the failure text of
assert_logs_correlated shows them with the captured spans.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
import structlog
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pytest_filagent_trace._capture import LogsNotCapturedError, capture_spans
from pytest_filagent_trace._logs import (
    CapturedLog,
    LogCapture,
    LogsNotCorrelated,
    assert_logs_correlated,
    capture_logs,
    check_logs_correlated,
)
from pytest_filagent_trace._spans import build_trees
from tests.helpers.traced import ids


def test_logs_emitted_inside_spans_with_their_ids_are_correlated(
    structlog_output: io.StringIO, tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    with capture_logs() as logs, tracer.start_as_current_span("POST /chat"):
        structlog.get_logger().info("request.start")
        with tracer.start_as_current_span("tool.execute.calculator"):
            structlog.get_logger().info("tool.done")
    assert_logs_correlated(logs, exporter.get_finished_spans())


def test_a_log_without_ids_inside_a_span_is_reported_with_the_span(
    app_logger: logging.Logger, tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    with (
        capture_logs() as logs,
        tracer.start_as_current_span("POST /chat"),
        tracer.start_as_current_span("tool.execute.calc") as span,
    ):
        app_logger.info("tool.failed")
    with pytest.raises(LogsNotCorrelated) as failure:
        assert_logs_correlated(logs, exporter.get_finished_spans())
    span_ids = ids(span)
    assert str(failure.value).splitlines() == [
        "1 of 1 log record is not correlated with the captured spans:",
        "  log record 0 (event 'tool.failed', logger 'app'): emitted inside span "
        f"POST /chat \u203a tool.execute.calc (trace {span_ids['trace_id']}, "
        f"span {span_ids['span_id']}) but carries no trace_id or span_id",
        "Captured spans (2 in 1 trace):",
        f"  trace {span_ids['trace_id']}",
        f"    span {format(exporter.get_finished_spans()[1].context.span_id, '016x')}  POST /chat",
        f"    span {span_ids['span_id']}  POST /chat \u203a tool.execute.calc",
        "Records that need no ids can be accepted with allow_uncorrelated=[event globs] "
        "or a predicate over the record.",
    ]


def test_a_log_carrying_another_spans_ids_inside_a_span_is_reported(
    app_logger: logging.Logger, tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    with (
        capture_logs() as logs,
        tracer.start_as_current_span("parent") as parent,
        tracer.start_as_current_span("child"),
    ):
        app_logger.info("stale ids", extra=ids(parent))
    problems = check_logs_correlated(logs, exporter.get_finished_spans())
    assert [problem.reason.split(" but ")[1] for problem in problems] == [
        f"carries trace_id={ids(parent)['trace_id']}, span_id={ids(parent)['span_id']}"
    ]


def spans_of_two_requests(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> tuple[dict[str, str], dict[str, str]]:
    with tracer.start_as_current_span("POST /chat") as first:
        pass
    with tracer.start_as_current_span("GET /health") as second:
        pass
    return ids(first), ids(second)


def test_a_span_id_of_another_trace_is_reported(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    first, second = spans_of_two_requests(tracer, exporter)
    record = {"event": "decision", "trace_id": first["trace_id"], "span_id": second["span_id"]}
    [problem] = check_logs_correlated([record], exporter.get_finished_spans())
    assert problem.reason == (
        f"span_id {second['span_id']} is span GET /health of trace {second['trace_id']}, "
        f"not of trace_id {first['trace_id']}"
    )


def test_ids_pointing_at_no_captured_span_are_reported(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    first, _ = spans_of_two_requests(tracer, exporter)
    records = [
        {"event": "a", "trace_id": first["trace_id"], "span_id": "1111111111111111"},
        {"event": "b", "trace_id": "2" * 32, "span_id": "3333333333333333"},
    ]
    assert [p.reason for p in check_logs_correlated(records, exporter.get_finished_spans())] == [
        f"span_id 1111111111111111 points at no captured span of trace {first['trace_id']}",
        "span_id 3333333333333333 points at no captured span",
    ]


def test_ids_that_are_not_hex_are_reported(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    spans_of_two_requests(tracer, exporter)
    [problem] = check_logs_correlated(
        [{"event": "x", "trace_id": "not-an-id"}], exporter.get_finished_spans()
    )
    assert problem.reason == "trace_id 'not-an-id' is not a 32-digit hex id; carries no span_id"


def test_records_without_ids_are_reported_unless_allowed(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    spans_of_two_requests(tracer, exporter)
    spans = exporter.get_finished_spans()
    records = [{"event": "server.started"}, {"event": "uvicorn.ready", "logger": "uvicorn"}]
    assert [p.record for p in check_logs_correlated(records, spans)] == [
        "record 0 (event 'server.started')",
        "record 1 (event 'uvicorn.ready', logger 'uvicorn')",
    ]
    assert check_logs_correlated(records, spans, allow_uncorrelated=["server.*", "uvicorn.*"]) == []
    assert check_logs_correlated(records, spans, allow_uncorrelated=lambda r: True) == []


def test_allowed_records_must_still_carry_right_ids(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    spans_of_two_requests(tracer, exporter)
    record = {"event": "server.started", "span_id": "1111111111111111"}
    problems = check_logs_correlated(
        [record], exporter.get_finished_spans(), allow_uncorrelated=["server.*"]
    )
    assert [p.reason for p in problems] == ["span_id 1111111111111111 points at no captured span"]


def test_require_names_the_fields_that_must_be_present(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    first, _ = spans_of_two_requests(tracer, exporter)
    record = {"event": "decision", "trace_id": first["trace_id"]}
    spans = exporter.get_finished_spans()
    assert check_logs_correlated([record], spans, require=("trace_id",)) == []
    [problem] = check_logs_correlated([record], spans, require=("trace_id", "conversation_id"))
    assert problem.reason == "carries no conversation_id"


def test_decision_records_are_checked_alongside_logs(
    tracer: trace.Tracer, exporter: InMemorySpanExporter, tmp_path: Path
) -> None:
    first, _ = spans_of_two_requests(tracer, exporter)
    path = tmp_path / "decisions.jsonl"
    path.write_text(
        json.dumps({"outcome": "success", **first}) + "\n" + json.dumps({"outcome": "error"}) + "\n"
    )
    logs = [{"event": "request.done", **first}]
    problems = check_logs_correlated(logs, exporter.get_finished_spans(), records=path)
    assert [str(p) for p in problems] == [
        "decisions.jsonl line 2: carries no trace_id and no span_id"
    ]


def test_ids_may_be_integers_or_use_other_field_names(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    with tracer.start_as_current_span("work") as span:
        pass
    context = span.get_span_context()
    records = [
        {"event": "a", "trace_id": context.trace_id, "span_id": context.span_id},
        {
            "event": "b",
            "otelTraceID": format(context.trace_id, "032x"),
            "otelSpanID": format(context.span_id, "016x"),
        },
        {
            "event": "c",
            "traceId": "0x" + format(context.trace_id, "032X"),
            "spanId": format(context.span_id, "x"),
        },
    ]
    assert_logs_correlated(records, exporter.get_finished_spans())


def test_all_zero_ids_count_as_missing(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    spans_of_two_requests(tracer, exporter)
    record = {"event": "x", "otelTraceID": "0", "otelSpanID": "0"}
    [problem] = check_logs_correlated([record], exporter.get_finished_spans())
    assert problem.reason == "carries no trace_id and no span_id"


def test_a_trace_capture_like_object_provides_both_logs_and_spans(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    with tracer.start_as_current_span("work") as span:
        pass

    class Capture:
        spans = build_trees(exporter.get_finished_spans())[0].spans
        logs = LogCapture([CapturedLog({"event": "done", **ids(span)}, source="structlog")])

    assert_logs_correlated(Capture())


def test_json_lines_text_from_captured_output_can_be_checked(
    structlog_output: io.StringIO, tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    with tracer.start_as_current_span("work"):
        structlog.get_logger().info("inside")
    assert_logs_correlated(structlog_output.getvalue(), exporter.get_finished_spans())


def test_no_records_at_all_fails_unless_allowed(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    spans_of_two_requests(tracer, exporter)
    spans: list[ReadableSpan] = list(exporter.get_finished_spans())
    with pytest.raises(LogsNotCorrelated, match="expected at least 1 log record to check, found 0"):
        assert_logs_correlated([], spans)
    assert_logs_correlated([], spans, min_records=0)


def test_spans_are_required_when_logs_do_not_carry_them() -> None:
    with pytest.raises(TypeError, match="assert_logs_correlated needs the spans"):
        assert_logs_correlated([{"event": "x"}])


def test_records_must_be_dicts() -> None:
    with pytest.raises(TypeError, match="record 1 is a int, expected a dict of fields"):
        check_logs_correlated([{"event": "x"}, 3], [])


def test_failure_masks_personal_data_in_event_text(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    spans_of_two_requests(tracer, exporter)
    with pytest.raises(LogsNotCorrelated) as failure:
        assert_logs_correlated(
            [{"event": "mail to jane.doe@example.com failed"}], exporter.get_finished_spans()
        )
    assert "jane.doe" not in str(failure.value)
    assert "ja***@***.com" in str(failure.value)


def test_a_trace_capture_opened_without_logs_says_so() -> None:
    provider = TracerProvider()
    with capture_spans(provider) as capture, provider.get_tracer("t").start_as_current_span("a"):
        pass
    with pytest.raises(LogsNotCapturedError, match="no logs were captured alongside these spans"):
        assert_logs_correlated(capture)


def test_capture_spans_with_logs_feeds_assert_logs_correlated(app_logger: logging.Logger) -> None:
    provider = TracerProvider()
    with (
        capture_spans(provider, logs=True) as capture,
        provider.get_tracer("t").start_as_current_span("work") as span,
    ):
        app_logger.info("inside", extra=ids(span))
    assert_logs_correlated(capture)
