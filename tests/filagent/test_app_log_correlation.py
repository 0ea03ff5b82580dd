"""Log lines and decision records of a request carry its trace and SERVER span ids."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from fastapi.testclient import TestClient

from filagent.audit import read_records
from filagent.telemetry.logging import SERVER_LOGGERS, configure_logging
from tests.helpers.chat import HTN_WITH_SEARCH, ask
from tests.helpers.spans import Spans, span_id_of

HEX16 = re.compile(r"[0-9a-f]{16}")


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Service logs as JSON lines in memory; the logging set-up is restored afterwards."""
    loggers = [logging.getLogger(name) for name in ("", *SERVER_LOGGERS)]
    saved = [(list(lg.handlers), lg.level, lg.propagate) for lg in loggers]
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    yield stream
    for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate
    structlog.reset_defaults()


def test_logs_carry_the_request_trace_and_server_span_ids(
    client: TestClient, spans: Spans, log_stream: io.StringIO
) -> None:
    response = ask(client, "What is 2+2?")

    lines = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    chat_lines = [line for line in lines if str(line["event"]).startswith("chat.")]
    assert [line["event"] for line in chat_lines] == ["chat.request", "chat.response"]
    server = spans.one("POST /chat")
    for line in chat_lines:
        assert line["trace_id"] == response.headers["X-Trace-ID"]
        assert line["span_id"] == span_id_of(server)


def test_decision_record_carries_the_trace_and_server_span_ids(
    client: TestClient, spans: Spans, records_path: Path
) -> None:
    response = ask(client, HTN_WITH_SEARCH, conversation_id="conv-7")
    trace_id = response.headers["X-Trace-ID"]

    (record,) = read_records(records_path, trace_id=trace_id)
    assert record["span_id"] == span_id_of(spans.one("POST /chat"))
    assert HEX16.fullmatch(record["span_id"])
    assert record["conversation_id"] == "conv-7"
    assert record["task_id"] == response.json()["task_id"]
    assert (record["route_mode"], record["outcome"], record["error"]) == ("htn", "success", None)
    assert record["tools"] == [
        {"tool": "calculator", "success": True},
        {"tool": "web_search", "success": True},
    ]
