"""What FilAgent lets out of the process while it answers a request: spans, log lines, records.

``filagent_log_stream`` puts FilAgent's JSON-lines logging into a buffer; ``Sent`` holds
one request's trace, the spans exporters receive, the log lines written and the decision
records appended while it was answered.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
from opentelemetry.sdk.trace import ReadableSpan

from filagent.telemetry.logging import SERVER_LOGGERS
from pytest_filagent_trace import LogCapture, SpanNode, SpanTree
from tests.helpers.privacy_cases import RequestCase

if TYPE_CHECKING:
    from filagent.telemetry.setup import TelemetryManager


#: Logged by the test's own HTTP client after each answer, outside the service and its
#: spans; the service in production never writes these lines.
TEST_CLIENT_LINES = "HTTP Request: * http://testserver/*"


@contextmanager
def filagent_log_stream(telemetry: TelemetryManager) -> Iterator[io.StringIO]:
    """FilAgent's JSON-lines logging (redaction included) into a buffer, undone afterwards.

    ``configure_logging`` changes the root logger, uvicorn's loggers and structlog for the
    whole process; they are put back so later tests log as before.
    """
    root = logging.getLogger()
    root_handlers, root_level = list(root.handlers), root.level
    servers = [logging.getLogger(name) for name in SERVER_LOGGERS]
    server_state = [(list(s.handlers), s.propagate, s.level) for s in servers]
    structlog_config = structlog.get_config()
    stream = io.StringIO()
    telemetry.configure_logging(stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            if handler.get_name() == "filagent-json" and handler not in root_handlers:
                root.removeHandler(handler)
        for handler in root_handlers:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(root_level)
        for server, (handlers, propagate, level) in zip(servers, server_state, strict=True):
            server.handlers[:] = handlers
            server.propagate = propagate
            server.setLevel(level)
        structlog.configure(**structlog_config)


@dataclass(frozen=True)
class Sent:
    """One request and everything FilAgent let out of the process while answering it."""

    trace: SpanTree
    spans: list[ReadableSpan]
    log_lines: str
    records: list[dict[str, Any]]

    @property
    def server_span(self) -> SpanNode:
        """The request's ``POST /chat`` SERVER span."""
        return self.trace.root

    def log_records(self) -> list[dict[str, Any]]:
        """The JSON log lines, parsed."""
        return [dict(record) for record in LogCapture.from_json_lines(self.log_lines).records]


Send = Callable[[RequestCase], Sent]


def log_lines_since(text: str, start: int) -> str:
    """The log lines of ``text`` from offset ``start``, without the test client's own lines."""
    kept = []
    for line in text[start:].splitlines():
        record = LogCapture.from_json_lines(line).records
        event = record[0].event if record else None
        if event is not None and fnmatchcase(event, TEST_CLIENT_LINES):
            continue
        kept.append(line)
    return "\n".join(kept)


def records_since(path: Path, start: int) -> list[dict[str, Any]]:
    """The decision records appended to ``path`` after its first ``start`` bytes."""
    if not path.exists():
        return []
    with path.open("rb") as file:
        file.seek(start)
        text = file.read().decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]
