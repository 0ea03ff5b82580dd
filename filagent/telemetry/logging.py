"""Structured logs: one JSON object per line, joined to the current trace.

Both structlog loggers and the standard ``logging`` module go through the same
processors, so every line carries ``timestamp``, ``level``, ``logger`` and —
inside a span — ``trace_id`` and ``span_id`` as lowercase hex. Lines written
outside any span carry neither.

Example::

    configure_logging("INFO")
    log = get_logger("filagent.app")
    with tracer.span("agent.route"):
        log.info("routed", mode="htn")
    # {"mode": "htn", "event": "routed", "level": "info", "logger": "filagent.app",
    #  "timestamp": "2025-01-01T12:00:00.000000Z", "trace_id": "4bf9…", "span_id": "00f0…"}
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from filagent.telemetry.otel_api import current_trace_context

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

#: Loggers that uvicorn gives their own handlers and stops from propagating.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def add_trace_context(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """structlog processor: add ``trace_id`` and ``span_id`` of the current span, if any.

    Example::

        structlog.configure(processors=[add_trace_context, structlog.processors.JSONRenderer()])
    """
    del logger, method_name
    for key, value in current_trace_context().items():
        event_dict.setdefault(key, value)
    return event_dict


class _JsonLinesHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the given stream, or to whatever ``sys.stdout`` is at the time of writing.

    Resolving stdout late keeps logs visible when stdout is replaced after
    configuration (pytest's capture, a CLI redirecting output).
    """

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__(stream if stream is not None else sys.stdout)
        self._follow_stdout = stream is None

    def emit(self, record: logging.LogRecord) -> None:
        if self._follow_stdout:
            self.stream = sys.stdout
        super().emit(record)


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        add_trace_context,
    ]


def configure_logging(
    level: str = "INFO",
    stream: TextIO | None = None,
    extra_processors: Iterable[Processor] = (),
) -> None:
    """Send structlog and standard-library logs to ``stream`` (stdout) as JSON lines.

    ``extra_processors`` run on every event after exceptions are formatted and
    before rendering — the place for redaction. uvicorn's loggers are routed
    here too (run uvicorn with ``log_config=None`` so it keeps them that way).
    Calling it again replaces the previous configuration (tests do).

    Example::

        configure_logging("DEBUG", stream=io.StringIO(), extra_processors=[redactor])

    Raises:
        ValueError: ``level`` is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL.
    """
    name = level.upper() if isinstance(level, str) else level
    if name not in LEVELS:
        msg = f"log level: expected one of {', '.join(LEVELS)}, found {level!r}"
        raise ValueError(msg)
    extra = list(extra_processors)
    # Redaction runs in each chain before the event leaves it, so that what any
    # handler or capture receives is what FilAgent would write.
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_shared_processors(), structlog.processors.format_exc_info, *extra],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(default=str),
        ],
    )
    handler = _JsonLinesHandler(stream)
    handler.setFormatter(formatter)
    handler.set_name("filagent-json")

    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == "filagent-json":
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(name)
    for server_logger in map(logging.getLogger, SERVER_LOGGERS):
        # Send the server's own lines through the same JSON handler.
        server_logger.handlers.clear()
        server_logger.propagate = True
        server_logger.setLevel(logging.NOTSET)

    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            structlog.stdlib.PositionalArgumentsFormatter(),
            *_shared_processors(),
            structlog.processors.format_exc_info,
            *extra,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def get_logger(name: str, **initial_values: Any) -> structlog.stdlib.BoundLogger:
    """A structlog logger named ``name`` (the ``logger`` field of each line).

    Example::

        log = get_logger("filagent.tools", component="tools")
        log.warning("tool.failed", tool="calculator")
    """
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name, **initial_values)
    return logger
