"""The structlog processor redacts log events, exceptions included, and keeps trace context."""

from __future__ import annotations

import io
import json
from typing import Any

import structlog

from filagent.telemetry.privacy import Redactor, redact_log_event
from tests.helpers.privacy import TRACE_ID, make_redactor


def render_with(redactor: Redactor, emit: Any) -> dict[str, Any]:
    stream = io.StringIO()
    logger = structlog.wrap_logger(
        structlog.PrintLogger(stream),
        processors=[redact_log_event(redactor), structlog.processors.JSONRenderer()],
    )
    emit(logger)
    line: dict[str, Any] = json.loads(stream.getvalue())
    return line


def test_log_event_fields_are_redacted_and_trace_context_kept(redactor: Redactor) -> None:
    line = render_with(
        redactor,
        lambda log: log.info("login by jane@example.com", password="pw", trace_id=TRACE_ID),
    )
    assert line == {
        "event": "login by [REDACTED:email]",
        "password": "[REDACTED:secret]",
        "trace_id": TRACE_ID,
    }


def test_log_exception_is_formatted_then_redacted(redactor: Redactor) -> None:
    def emit(log: Any) -> None:
        try:
            raise ValueError("mail me at a@b.com")
        except ValueError:
            log.exception("tool failed")

    line = render_with(redactor, emit)
    assert "exc_info" not in line
    assert "ValueError: mail me at [REDACTED:email]" in line["exception"]
    assert "a@b.com" not in json.dumps(line)


def test_log_processor_passes_events_through_when_disabled() -> None:
    line = render_with(make_redactor(enabled=False), lambda log: log.info("a@b.io"))
    assert line == {"event": "a@b.io"}
