"""structlog events in the log capture, and the processor the capture puts in structlog.

Events are captured as the program emits them, its output unchanged; the processor is added
once whenever the program configures structlog, and taken off again.
"""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog
from opentelemetry import trace

from pytest_filagent_trace._logs import capture_logs, structlog_processor
from tests.helpers.traced import ids


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
