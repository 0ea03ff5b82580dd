"""Where records enter: the root-logging handler and the structlog processor.

Both turn what a program logs into a :class:`CapturedLog` and hand it to every started
capture (a :class:`LogSink`). While none is started they do nothing, so the hooks can stay
attached for a whole test session at no cost to tests that do not read logs.

Example:
    >>> import logging
    >>> class Sink:
    ...     def receive(self, record): print(record["event"], record.source)
    >>> sink = Sink()
    >>> start_recording(sink)
    >>> ROOT_HANDLER.handle(logging.LogRecord("app", logging.INFO, "", 0, "ready", (), None))
    ready logging
    True
    >>> stop_recording(sink)
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Mapping
from typing import Any, Protocol

from pytest_filagent_trace._logs.records import CapturedLog, json_object

try:
    from opentelemetry import trace as _otel_trace
except ImportError:  # pragma: no cover - the plugin also serves programs without OpenTelemetry
    _otel_trace = None  # type: ignore[assignment]

__all__ = [
    "ROOT_HANDLER",
    "LogSink",
    "is_recording",
    "start_recording",
    "stop_recording",
    "structlog_processor",
]

# Fields structlog uses to pass itself through logging; they are not part of the record.
_STRUCTLOG_PLUMBING = frozenset({"exc_info", "_record", "_from_structlog"})


class LogSink(Protocol):
    """What a started capture offers the hooks: a place to put each record."""

    def receive(self, record: CapturedLog) -> None:
        """Keep ``record``; called from whichever thread logged it."""


class _Started:
    """The started sinks, replaced as a whole so loggers read it without a lock."""

    sinks: tuple[LogSink, ...] = ()


_STARTED = _Started()
_LOCK = threading.Lock()
_LAST_STRUCTLOG_EVENT = threading.local()


def start_recording(sink: LogSink) -> None:
    """Hand every later record to ``sink`` too (idempotent)."""
    with _LOCK:
        if sink not in _STARTED.sinks:
            _STARTED.sinks = (*_STARTED.sinks, sink)


def stop_recording(sink: LogSink) -> None:
    """Stop handing records to ``sink``."""
    with _LOCK:
        _STARTED.sinks = tuple(started for started in _STARTED.sinks if started is not sink)


def is_recording(sink: LogSink | None = None) -> bool:
    """True while ``sink`` (or, without one, any sink) receives records."""
    return bool(_STARTED.sinks) if sink is None else sink in _STARTED.sinks


def _current_span_ids() -> tuple[str, str] | None:
    if _otel_trace is None:
        return None
    context = _otel_trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def _dispatch(fields: dict[str, Any], source: str) -> None:
    active = _current_span_ids()
    for sink in _STARTED.sinks:
        sink.receive(
            CapturedLog(
                fields,
                source=source,
                active_trace_id=active[0] if active else None,
                active_span_id=active[1] if active else None,
            )
        )


def _exception_text(exc_info: object) -> str | None:
    if exc_info is True:
        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if isinstance(exc_info, tuple) and len(exc_info) == 3 and exc_info[0] is not None:
        return "".join(traceback.format_exception(*exc_info)).rstrip()
    return None


def _level_name(method_name: str) -> str:
    return {"warn": "warning", "exception": "error", "fatal": "critical", "msg": "info"}.get(
        method_name, method_name
    )


# ----------------------------------------------------------------------------- structlog


def structlog_processor(logger: object, method_name: str, event_dict: Any) -> Any:
    """structlog processor that hands each event to the started log captures.

    It returns the event unchanged, so the program's own output is not touched.
    :func:`install` places it before the last processor (the renderer) of the current
    structlog configuration and of every later ``structlog.configure`` call; a program
    may also list it itself, just before its renderer.

    Example:
        >>> import structlog
        >>> structlog.configure(processors=[structlog_processor,
        ...                                 structlog.processors.JSONRenderer()])  # doctest: +SKIP
    """
    if not _STARTED.sinks:
        return event_dict
    if isinstance(event_dict, Mapping):
        _LAST_STRUCTLOG_EVENT.value = event_dict
        fields = {key: value for key, value in event_dict.items() if key not in _STRUCTLOG_PLUMBING}
        if "exception" not in fields and event_dict.get("exc_info"):
            text = _exception_text(event_dict["exc_info"])
            if text is not None:
                fields["exception"] = text
        fields.setdefault("level", _level_name(method_name))
        _dispatch(fields, "structlog")
    elif isinstance(event_dict, (str, bytes)):
        # Already rendered by an earlier processor: read it back the way a collector would.
        text = (
            event_dict.decode("utf-8", "replace") if isinstance(event_dict, bytes) else event_dict
        )
        parsed = json_object(text)
        _dispatch(parsed if parsed is not None else {"event": text}, "structlog")
    return event_dict


# ----------------------------------------------------------------------------- stdlib logging

_STANDARD_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


class _RootHandler(logging.Handler):
    """Hands stdlib records to the started log captures; does nothing when none is."""

    def handle(self, record: logging.LogRecord) -> bool:
        # No per-record lock or filters: the handler only reads the record.
        if _STARTED.sinks:
            self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, Mapping) and record.msg is getattr(
            _LAST_STRUCTLOG_EVENT, "value", None
        ):
            return  # structlog event forwarded to logging: already captured
        try:
            fields = _fields_of_record(record)
        except Exception:  # noqa: BLE001 - a broken record must not break the program
            self.handleError(record)
            return
        _dispatch(fields, "logging")


def _fields_of_record(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if isinstance(record.msg, Mapping):
        # structlog's ProcessorFormatter.wrap_for_formatter passes the event dict as msg.
        fields.update(
            (key, value) for key, value in record.msg.items() if key not in _STRUCTLOG_PLUMBING
        )
    else:
        try:
            fields["event"] = record.getMessage()
        except (TypeError, ValueError):
            fields["event"] = str(record.msg)
    fields.setdefault("level", record.levelname.lower())
    fields.setdefault("logger", record.name)
    for key, value in record.__dict__.items():
        if key not in _STANDARD_RECORD_FIELDS and not key.startswith("_") and key not in fields:
            fields[key] = value
    if "exception" not in fields:
        text = _exception_text(record.exc_info) if record.exc_info else record.exc_text
        if text:
            fields["exception"] = text
    if record.stack_info:
        fields.setdefault("stack", record.stack_info)
    return fields


ROOT_HANDLER: logging.Handler = _RootHandler()
"""The handler :func:`install` puts on the root logger."""
