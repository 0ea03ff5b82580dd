"""LogCapture of stdlib logging records, and captures built from a program's JSON lines.

Records become dicts that remember the span active when they were emitted; they are kept
while a capture is started, from any thread, by every capture started.
"""

from __future__ import annotations

import io
import logging
import threading

from opentelemetry import trace

from pytest_filagent_trace._logs import CapturedLog, LogCapture, capture_logs, install
from tests.helpers.traced import ids


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
