"""JSON-lines logs carry the current trace: trace_id/span_id inside spans, none outside."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from structlog.typing import EventDict

from filagent.telemetry.logging import SERVER_LOGGERS, configure_logging, get_logger
from filagent.telemetry.tracing import Tracer


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in ("", *SERVER_LOGGERS)]
    saved = [(list(lg.handlers), lg.level, lg.propagate) for lg in loggers]
    yield
    for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate
    structlog.reset_defaults()


@pytest.fixture
def stream() -> io.StringIO:
    return io.StringIO()


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_event_is_one_json_line_with_level_logger_and_timestamp(stream: io.StringIO) -> None:
    configure_logging("INFO", stream=stream)
    get_logger("filagent.app").info("chat.request", messages=2)
    (line,) = lines(stream)
    assert line["event"] == "chat.request"
    assert line["messages"] == 2
    assert (line["level"], line["logger"]) == ("info", "filagent.app")
    assert line["timestamp"].endswith("Z")


def test_inside_a_span_lines_carry_its_trace_and_span_ids(
    stream: io.StringIO, tracer: Tracer
) -> None:
    configure_logging("INFO", stream=stream)
    with tracer.span("agent.route") as span:
        get_logger("filagent.agent").info("routed")
    (line,) = lines(stream)
    assert (line["trace_id"], line["span_id"]) == (span.trace_id, span.span_id)
    assert len(line["trace_id"]) == 32
    assert len(line["span_id"]) == 16


def test_outside_any_span_lines_carry_no_ids(stream: io.StringIO, tracer: Tracer) -> None:
    configure_logging("INFO", stream=stream)
    with tracer.span("agent.route"):
        pass
    get_logger("filagent.agent").info("idle")
    (line,) = lines(stream)
    assert "trace_id" not in line
    assert "span_id" not in line


def test_standard_library_logging_goes_through_the_same_processors(
    stream: io.StringIO, tracer: Tracer
) -> None:
    configure_logging("INFO", stream=stream)
    with tracer.span("tool.execute.calculator") as span:
        logging.getLogger("httpx").warning("slow %s", "client")
    (line,) = lines(stream)
    assert line["event"] == "slow client"
    assert (line["level"], line["logger"]) == ("warning", "httpx")
    assert line["trace_id"] == span.trace_id


def test_uvicorn_lines_are_json_lines_too(stream: io.StringIO) -> None:
    access = logging.getLogger("uvicorn.access")
    access.addHandler(logging.StreamHandler(io.StringIO()))  # as uvicorn's own config does
    access.propagate = False
    access.setLevel(logging.WARNING)
    configure_logging("INFO", stream=stream)
    access.info('%s - "%s %s"', "127.0.0.1:5000", "GET", "/health")
    (line,) = lines(stream)
    assert (line["logger"], line["event"]) == ("uvicorn.access", '127.0.0.1:5000 - "GET /health"')


def test_lines_below_the_level_are_dropped(stream: io.StringIO) -> None:
    configure_logging("warning", stream=stream)
    log = get_logger("filagent")
    log.info("hidden")
    logging.getLogger("other").debug("hidden too")
    log.error("shown")
    assert [line["event"] for line in lines(stream)] == ["shown"]


def test_extra_processors_run_before_rendering(stream: io.StringIO) -> None:
    def mask_emails(logger: Any, method: str, event_dict: EventDict) -> EventDict:
        return {
            k: v.replace("bob@example.com", "[REDACTED:email]") if isinstance(v, str) else v
            for k, v in event_dict.items()
        }

    configure_logging("INFO", stream=stream, extra_processors=[mask_emails])
    get_logger("filagent").info("user bob@example.com")
    logging.getLogger("std").info("from bob@example.com")
    assert [line["event"] for line in lines(stream)] == [
        "user [REDACTED:email]",
        "from [REDACTED:email]",
    ]


def test_extra_processors_see_formatted_exceptions(stream: io.StringIO) -> None:
    seen: list[str] = []

    def remember(logger: Any, method: str, event_dict: EventDict) -> EventDict:
        seen.append(str(event_dict.get("exception", "")))
        return event_dict

    configure_logging("INFO", stream=stream, extra_processors=[remember])
    try:
        raise ValueError("token=abc")
    except ValueError:
        get_logger("filagent").exception("failed")
    assert "ValueError: token=abc" in seen[0]
    assert "ValueError: token=abc" in lines(stream)[0]["exception"]


def test_configuring_again_replaces_the_previous_output(stream: io.StringIO) -> None:
    first = io.StringIO()
    configure_logging("INFO", stream=first)
    configure_logging("INFO", stream=stream)
    get_logger("filagent").info("once")
    assert first.getvalue() == ""
    assert len(lines(stream)) == 1


def test_without_a_stream_lines_go_to_the_current_stdout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    get_logger("filagent").info("to stdout")
    assert json.loads(capsys.readouterr().out)["event"] == "to stdout"


def test_unknown_level_lists_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL"):
        configure_logging("LOUD")
