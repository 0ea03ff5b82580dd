"""Log capture (stdlib logging and structlog) and assert_logs_correlated."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from structlog.typing import EventDict

from pytest_filagent_trace._capture import LogsNotCapturedError, capture_spans
from pytest_filagent_trace._logs import (
    CapturedLog,
    LogCapture,
    LogsNotCorrelated,
    assert_logs_correlated,
    capture_logs,
    check_logs_correlated,
    install,
    structlog_processor,
)
from pytest_filagent_trace._spans import build_trees


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def tracer(exporter: InMemorySpanExporter) -> Iterator[trace.Tracer]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider.get_tracer("tests.logs")
    provider.shutdown()


@pytest.fixture
def app_logger(caplog: pytest.LogCaptureFixture) -> logging.Logger:
    caplog.set_level(logging.INFO, logger="app")
    return logging.getLogger("app")


@pytest.fixture
def structlog_output() -> Iterator[io.StringIO]:
    """structlog configured the way a service does it: ids added, JSON lines out."""
    stream = io.StringIO()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            add_trace_ids,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.WriteLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )
    yield stream
    structlog.reset_defaults()


def add_trace_ids(_logger: object, _name: str, event_dict: EventDict) -> EventDict:
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict["trace_id"] = format(context.trace_id, "032x")
        event_dict["span_id"] = format(context.span_id, "016x")
    return event_dict


def ids(span: trace.Span) -> dict[str, str]:
    context = span.get_span_context()
    return {
        "trace_id": format(context.trace_id, "032x"),
        "span_id": format(context.span_id, "016x"),
    }


# ----------------------------------------------------------------------------- capture


def test_stdlib_records_become_dicts_with_event_level_logger_and_extras(
    app_logger: logging.Logger,
) -> None:
    with capture_logs() as logs:
        app_logger.info("tool %s done", "calculator", extra={"tool": "calculator"})
    [record] = logs.records
    assert record == {
        "event": "tool calculator done",
        "level": "info",
        "logger": "app",
        "tool": "calculator",
    }
    assert record.source == "logging"


def test_records_remember_the_span_active_when_they_were_emitted(
    app_logger: logging.Logger, tracer: trace.Tracer
) -> None:
    with capture_logs() as logs:
        app_logger.info("outside")
        with tracer.start_as_current_span("work") as span:
            app_logger.info("inside")
    outside, inside = logs.records
    assert (outside.active_trace_id, outside.active_span_id) == (None, None)
    assert {"trace_id": inside.active_trace_id, "span_id": inside.active_span_id} == ids(span)


def test_exceptions_are_captured_as_formatted_text(app_logger: logging.Logger) -> None:
    with capture_logs() as logs:
        try:
            raise ValueError("boom")
        except ValueError:
            app_logger.exception("failed")
    [record] = logs.records
    assert record["exception"].startswith("Traceback (most recent call last):")
    assert record["exception"].endswith("ValueError: boom")


def test_records_are_kept_only_while_started(app_logger: logging.Logger) -> None:
    capture = LogCapture()
    app_logger.info("before")
    capture.start()
    app_logger.info("during")
    capture.stop()
    app_logger.info("after")
    assert capture.events() == ["during"]
    assert not capture.active


def test_clear_forgets_records(app_logger: logging.Logger) -> None:
    with capture_logs() as logs:
        app_logger.info("warm-up")
        logs.clear()
        app_logger.info("real")
    assert logs.events() == ["real"]


def test_records_from_other_threads_are_captured(app_logger: logging.Logger) -> None:
    with capture_logs() as logs:
        worker = threading.Thread(target=app_logger.info, args=("from worker",))
        worker.start()
        worker.join(timeout=5)
    assert logs.events() == ["from worker"]


def test_two_started_captures_each_see_every_record(app_logger: logging.Logger) -> None:
    with capture_logs() as outer, capture_logs() as inner:
        app_logger.info("both")
    assert outer.events() == inner.events() == ["both"]


def test_install_reattaches_after_logging_is_reconfigured(app_logger: logging.Logger) -> None:
    handlers = logging.root.handlers[:]
    try:
        with capture_logs() as logs:
            logging.basicConfig(force=True, stream=io.StringIO())
            app_logger.info("lost")  # the program removed every root handler
            install()
            app_logger.info("seen")
    finally:
        logging.root.handlers[:] = handlers
    assert logs.events() == ["seen"]


def test_structlog_events_are_captured_as_the_program_emits_them(
    structlog_output: io.StringIO, tracer: trace.Tracer
) -> None:
    with capture_logs() as logs, tracer.start_as_current_span("work") as span:
        structlog.get_logger().info("tool.done", tool="calculator")
    [record] = logs.records
    emitted = json.loads(structlog_output.getvalue())
    assert (
        record
        == emitted
        == {"tool": "calculator", "event": "tool.done", "level": "info", **ids(span)}
    )
    assert record.source == "structlog"


def test_structlog_output_is_unchanged_by_the_capture(structlog_output: io.StringIO) -> None:
    structlog.get_logger().info("plain", n=1)
    with capture_logs():
        structlog.get_logger().info("plain", n=1)
    first, second = structlog_output.getvalue().splitlines()
    assert first == second


def test_structlog_configured_during_the_capture_is_still_captured() -> None:
    stream = io.StringIO()
    try:
        with capture_logs() as logs:
            structlog.configure(
                processors=[structlog.processors.JSONRenderer()],
                logger_factory=structlog.WriteLoggerFactory(stream),
            )
            structlog.get_logger().info("configured late")
    finally:
        structlog.reset_defaults()
    assert logs.events() == ["configured late"]
    assert json.loads(stream.getvalue()) == {"event": "configured late"}


def test_structlog_processor_listed_by_the_program_is_not_added_twice() -> None:
    stream = io.StringIO()
    try:
        structlog.configure(
            processors=[structlog_processor, structlog.processors.JSONRenderer()],
            logger_factory=structlog.WriteLoggerFactory(stream),
        )
        with capture_logs() as logs:
            structlog.get_logger().info("once")
        processors = structlog.get_config()["processors"]
    finally:
        structlog.reset_defaults()
    assert logs.events() == ["once"]
    assert sum(processor is structlog_processor for processor in processors) == 1


def test_structlog_events_forwarded_to_logging_are_captured_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="svc")
    try:
        structlog.configure(
            processors=[structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
            logger_factory=structlog.stdlib.LoggerFactory(),
            wrapper_class=structlog.stdlib.BoundLogger,
        )
        with capture_logs() as logs:
            structlog.get_logger("svc").info("forwarded", order=7)
    finally:
        structlog.reset_defaults()
    [record] = logs.records
    assert (record["event"], record["order"], record["logger"]) == ("forwarded", 7, "svc")


def test_structlog_exc_info_is_captured_as_text(structlog_output: io.StringIO) -> None:
    with capture_logs() as logs:
        try:
            raise KeyError("missing")
        except KeyError:
            structlog.get_logger().error("lookup failed", exc_info=True)
    [record] = logs.records
    assert "KeyError: 'missing'" in record["exception"]
    assert "exc_info" not in record


def test_from_json_lines_reads_a_programs_output_with_line_numbers() -> None:
    text = 'starting\n{"event": "ready", "trace_id": "ab"}\n[1, 2]\n{"event": "bye"}\n'
    logs = LogCapture.from_json_lines(text)
    assert [(record.event, record.line, record.source) for record in logs.records] == [
        ("ready", 2, "json"),
        ("bye", 4, "json"),
    ]


def test_from_json_lines_can_keep_plain_text_lines() -> None:
    logs = LogCapture.from_json_lines("starting\n{}\n", keep_text=True)
    assert [dict(record) for record in logs.records] == [{"event": "starting"}, {}]


def test_captured_log_is_a_plain_dict_for_comparisons() -> None:
    record = CapturedLog({"event": "x", "message": "y"}, source="json", line=3)
    assert record == {"event": "x", "message": "y"}
    assert record.event == "x"


# ----------------------------------------------------------------------------- correlation


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


def test_taking_the_hooks_off_keeps_a_processor_the_program_listed_itself() -> None:
    from pytest_filagent_trace._logs.install import install, installed, uninstall

    was_installed = installed()
    uninstall()
    try:
        structlog.configure(processors=[structlog_processor, structlog.processors.JSONRenderer()])
        install()
        uninstall()
        kept = structlog.get_config()["processors"]
        structlog.configure(processors=[structlog.processors.JSONRenderer()])
        install()
        added = list(structlog.get_config()["processors"])
        uninstall()
        removed = structlog.get_config()["processors"]
    finally:
        structlog.reset_defaults()
        if was_installed:
            install()
    assert sum(processor is structlog_processor for processor in kept) == 1
    assert sum(processor is structlog_processor for processor in added) == 1
    assert not any(processor is structlog_processor for processor in removed)
