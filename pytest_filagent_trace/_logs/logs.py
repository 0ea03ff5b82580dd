"""Log capture and log-trace correlation checks.

:class:`LogCapture` records what a program logs while it is started: stdlib ``logging``
records (through a handler on the root logger) and structlog events (through a
processor placed just before the program's own renderer, so its JSON output is left
as it is and the captured event is what the program emits). Each record is a
:class:`CapturedLog`, a ``dict`` of fields (``event``, ``level``, ``logger``,
``trace_id``, ``span_id``, and every other field) that also remembers which span was
active in the thread that logged it.

:func:`assert_logs_correlated` checks that every record emitted inside a span carries
that span's ``trace_id``/``span_id``, that every id found in logs or decision records
points at a captured span of the same trace, and that records without ids are ones the
test allows.

Example:
    >>> import logging
    >>> with capture_logs() as logs:
    ...     logging.getLogger("app").warning("cache cold")
    >>> [(r["event"], r["level"], r["logger"]) for r in logs.records]
    [('cache cold', 'warning', 'app')]
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from types import TracebackType
from typing import Any

from pytest_filagent_trace._privacy.privacy import SpanRef, mask_pii, span_refs

try:
    from opentelemetry import trace as _otel_trace
except ImportError:  # pragma: no cover - the plugin also serves programs without OpenTelemetry
    _otel_trace = None  # type: ignore[assignment]

__all__ = [
    "CapturedLog",
    "CorrelationProblem",
    "LogCapture",
    "LogsNotCorrelated",
    "assert_logs_correlated",
    "capture_logs",
    "check_logs_correlated",
    "install",
    "structlog_processor",
    "uninstall",
]

TRACE_ID_KEYS = ("trace_id", "traceId", "trace.id", "otelTraceID")
"""Fields read as a record's trace id, first present wins."""
SPAN_ID_KEYS = ("span_id", "spanId", "span.id", "otelSpanID")
"""Fields read as a record's span id, first present wins."""

_MAX_PROBLEMS = 50
_MAX_SPANS_LISTED = 40


class CapturedLog(dict[str, Any]):
    """One log record: a ``dict`` of its fields, plus where it came from.

    ``source`` is ``"logging"``, ``"structlog"`` or ``"json"``; ``active_trace_id`` and
    ``active_span_id`` name the span that was current in the logging thread (``None``
    outside any span, or when not known, as for parsed JSON lines); ``line`` is the
    1-based line number of a parsed JSON line.

    Example:
        >>> record = CapturedLog({"event": "tool.done"}, source="structlog")
        >>> record["event"], record.source, record.active_span_id
        ('tool.done', 'structlog', None)
    """

    __slots__ = ("active_span_id", "active_trace_id", "line", "source")

    def __init__(
        self,
        fields: Mapping[str, Any],
        *,
        source: str,
        active_trace_id: str | None = None,
        active_span_id: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(fields)
        self.source = source
        self.active_trace_id = active_trace_id
        self.active_span_id = active_span_id
        self.line = line

    @property
    def event(self) -> str | None:
        """The message: ``event``, else ``message``, else ``msg``."""
        for key in ("event", "message", "msg"):
            value = self.get(key)
            if isinstance(value, str):
                return value
        return None


# ----------------------------------------------------------------------------- capture


class _Started:
    """The started captures, replaced as a whole so loggers read it without a lock."""

    captures: tuple[LogCapture, ...] = ()


_STARTED = _Started()
_LOCK = threading.RLock()
_LAST_STRUCTLOG_EVENT = threading.local()
_state: dict[str, Any] = {"installed": False, "configure": None}


def _current_span_ids() -> tuple[str, str] | None:
    if _otel_trace is None:
        return None
    context = _otel_trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def _dispatch(fields: dict[str, Any], source: str) -> None:
    active = _current_span_ids()
    for capture in _STARTED.captures:
        capture._append(
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
    if not _STARTED.captures:
        return event_dict
    if isinstance(event_dict, Mapping):
        _LAST_STRUCTLOG_EVENT.value = event_dict
        fields = {
            key: value
            for key, value in event_dict.items()
            if key not in ("exc_info", "_record", "_from_structlog")
        }
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
        parsed = _json_object(text)
        _dispatch(parsed if parsed is not None else {"event": text}, "structlog")
    return event_dict


_STANDARD_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


class _RootHandler(logging.Handler):
    """Hands stdlib records to the started log captures; does nothing when none is."""

    def handle(self, record: logging.LogRecord) -> bool:
        # No per-record lock or filters: the handler only reads the record.
        if _STARTED.captures:
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
            (key, value)
            for key, value in record.msg.items()
            if key not in ("_record", "_from_structlog", "exc_info")
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


_HANDLER = _RootHandler()


def _forwards_to_logging(processor: object) -> bool:
    try:
        from structlog import stdlib
    except ImportError:  # pragma: no cover
        return False
    forwarders = (
        stdlib.ProcessorFormatter.wrap_for_formatter,
        stdlib.render_to_log_kwargs,
        stdlib.render_to_log_args_and_kwargs,
    )
    return any(processor is forwarder for forwarder in forwarders)


def _with_processor(processors: list[Any]) -> list[Any]:
    if any(processor is structlog_processor for processor in processors):
        return processors
    if processors and _forwards_to_logging(processors[-1]):
        # The event goes on to stdlib logging, where the root handler records it.
        return processors
    return [*processors[:-1], structlog_processor, *processors[-1:]]


def _install_structlog() -> None:
    try:
        import structlog
        from structlog import _config as structlog_config
    except ImportError:  # pragma: no cover - structlog is optional for programs
        return
    if _state["configure"] is None:
        original = structlog.configure

        @functools.wraps(original)
        def configure(*args: Any, **kwargs: Any) -> None:
            # A program that configures structlog during a test keeps being captured.
            if args:
                args = (None if args[0] is None else _with_processor(list(args[0])), *args[1:])
            elif kwargs.get("processors") is not None:
                kwargs["processors"] = _with_processor(list(kwargs["processors"]))
            original(*args, **kwargs)

        _state["configure"] = original
        # configure_once() looks configure up in structlog._config, so patch it there too.
        setattr(structlog, "configure", configure)  # noqa: B010
        setattr(structlog_config, "configure", configure)  # noqa: B010
    processors = structlog.get_config()["processors"]
    wanted = _with_processor(list(processors))
    if len(wanted) != len(processors):
        if isinstance(processors, list):
            # In place: loggers bound earlier hold this very list.
            processors[:] = wanted
        else:
            structlog.configure(processors=wanted)


def _uninstall_structlog() -> None:
    original = _state["configure"]
    if original is None:
        return
    import structlog
    from structlog import _config as structlog_config

    setattr(structlog, "configure", original)  # noqa: B010
    setattr(structlog_config, "configure", original)  # noqa: B010
    _state["configure"] = None
    processors = structlog.get_config()["processors"]
    if isinstance(processors, list):
        processors[:] = [p for p in processors if p is not structlog_processor]


def install() -> None:
    """Attach log capture to stdlib logging and structlog; idempotent and cheap.

    Adds a handler to the root logger (it does nothing while no capture is started) and
    places :func:`structlog_processor` before the renderer of the current and of every
    later structlog configuration. Calling it again re-attaches whatever a program's
    logging set-up removed (``logging.basicConfig(force=True)``, ``dictConfig``).

    Example:
        >>> install()  # once per process, e.g. at test session start
    """
    with _LOCK:
        if _HANDLER not in logging.root.handlers:
            logging.root.addHandler(_HANDLER)
        _install_structlog()
        _state["installed"] = True


def uninstall() -> None:
    """Undo :func:`install`: remove the root handler and the structlog processor.

    Example:
        >>> uninstall()
    """
    with _LOCK:
        logging.root.removeHandler(_HANDLER)
        _uninstall_structlog()
        _state["installed"] = False


class LogCapture:
    """The log records emitted while the capture is started.

    Use :meth:`start`/:meth:`stop` (a trace capture does this around each test), the
    ``with`` statement, or :func:`capture_logs`. Several captures may run at once; each
    sees every record emitted while it is started, from any thread.

    Example:
        >>> import logging
        >>> capture = LogCapture()
        >>> with capture:
        ...     logging.getLogger("app").error("disk full")
        >>> capture.events()
        ['disk full']
    """

    def __init__(self, records: Iterable[CapturedLog] = ()) -> None:
        self._records: list[CapturedLog] = list(records)
        self._lock = threading.Lock()

    # -- life cycle

    def start(self) -> None:
        """Begin recording (installs the log hooks if needed; idempotent)."""
        install()
        with _LOCK:
            if self not in _STARTED.captures:
                _STARTED.captures = (*_STARTED.captures, self)

    def stop(self) -> None:
        """Stop recording; the records stay available."""
        with _LOCK:
            _STARTED.captures = tuple(c for c in _STARTED.captures if c is not self)

    @property
    def active(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self in _STARTED.captures

    def __enter__(self) -> LogCapture:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- records

    def _append(self, record: CapturedLog) -> None:
        with self._lock:
            self._records.append(record)

    @property
    def records(self) -> list[CapturedLog]:
        """The captured records, in emission order (a copy)."""
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        """Forget the records captured so far."""
        with self._lock:
            self._records.clear()

    def events(self) -> list[str | None]:
        """The message of each record (``event``, ``message`` or ``msg``)."""
        return [record.event for record in self.records]

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[CapturedLog]:
        return iter(self.records)

    def __repr__(self) -> str:
        state = "started" if self.active else "stopped"
        return f"<LogCapture {state}, {len(self._records)} records>"

    @classmethod
    def from_json_lines(cls, text: str, *, keep_text: bool = False) -> LogCapture:
        """Records parsed from JSON lines, such as a program's stdout read with ``capfd``.

        Lines that are not JSON objects are skipped, or kept as ``{"event": line}`` with
        ``keep_text=True``.

        Example:
            >>> logs = LogCapture.from_json_lines('{"event": "ready", "trace_id": "ab"}\\nplain')
            >>> [(r["event"], r.line) for r in logs.records]
            [('ready', 1)]
        """
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            parsed = _json_object(line)
            if parsed is not None:
                records.append(CapturedLog(parsed, source="json", line=number))
            elif keep_text and line.strip():
                records.append(CapturedLog({"event": line}, source="text", line=number))
        return cls(records)


def _json_object(text: str) -> dict[str, Any] | None:
    stripped = text.strip()
    if not stripped.startswith("{"):
        return None
    try:
        parsed = json.loads(stripped)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


@contextmanager
def capture_logs() -> Iterator[LogCapture]:
    """Capture log records in a ``with`` block, outside pytest too.

    Example:
        >>> import logging
        >>> with capture_logs() as logs:
        ...     logging.getLogger("app").warning("slow")
        >>> logs.events()
        ['slow']
    """
    was_installed = _state["installed"]
    capture = LogCapture()
    capture.start()
    try:
        yield capture
    finally:
        capture.stop()
        if not was_installed and not _STARTED.captures:
            uninstall()


# ----------------------------------------------------------------------------- correlation


@dataclass(frozen=True)
class CorrelationProblem:
    """One record that is not correlated with the captured spans, and why."""

    index: int
    record: str
    reason: str

    def __str__(self) -> str:
        return f"{self.record}: {self.reason}"


class LogsNotCorrelated(AssertionError):  # noqa: N818 - reads as the failure it reports
    """Raised by :func:`assert_logs_correlated`; ``problems`` lists each bad record."""

    def __init__(self, message: str, problems: Sequence[CorrelationProblem]) -> None:
        super().__init__(message)
        self.problems = list(problems)


AllowUncorrelated = Callable[[Mapping[str, Any]], bool] | Iterable[str] | None


def _normalize_id(value: object, width: int) -> tuple[str | None, str | None]:
    """``(id, error)``: a lower-case hex id of ``width`` digits, ``None`` when absent."""
    if value is None or value == "" or isinstance(value, bool):
        return None, None
    if isinstance(value, int):
        text = format(value, f"0{width}x")
    else:
        text = str(value).strip().lower()
        text = text.removeprefix("0x")
    if not text or len(text) > width or any(char not in "0123456789abcdef" for char in text):
        return None, f"is not a {width}-digit hex id"
    text = text.zfill(width)
    if set(text) == {"0"}:
        return None, None  # the all-zero id means "no span"
    return text, None


def _first(record: Mapping[str, Any], keys: Sequence[str]) -> tuple[str | None, object]:
    for key in keys:
        if key in record:
            return key, record[key]
    return None, None


def _span_objects(source: object) -> list[Any]:
    if source is None:
        return []
    spans = getattr(source, "spans", None)
    if spans is not None and not isinstance(source, (list, tuple)):
        return list(spans)
    if hasattr(source, "walk") and hasattr(source, "roots"):
        return list(source.walk())
    if hasattr(source, "span_id") or hasattr(source, "context"):
        return [source]
    if isinstance(source, Iterable):
        items: list[Any] = []
        for item in source:
            items.extend(_span_objects(item) if hasattr(item, "roots") else [item])
        return items
    raise TypeError(
        "spans must be a trace capture, a span tree or a list of spans; "
        f"got {type(source).__name__}"
    )


def _record_list(source: object, name: str) -> list[tuple[str, Mapping[str, Any]]]:
    """``(label prefix, record)`` pairs from any record source."""
    if source is None:
        return []
    if hasattr(source, "spans") and not isinstance(source, (list, tuple)):
        # A trace capture: its logs (a capture opened without logs says so when read).
        source = source.logs  # type: ignore[attr-defined]
    if hasattr(source, "records") and not isinstance(source, Mapping):
        source = source.records
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source and os.path.isfile(source)
    ):
        path = Path(source)
        parsed = LogCapture.from_json_lines(path.read_text(encoding="utf-8")).records
        return [(f"{path.name} line {record.line}", record) for record in parsed]
    if isinstance(source, str):
        parsed = LogCapture.from_json_lines(source).records
        return [(f"line {record.line}", record) for record in parsed]
    if isinstance(source, Mapping):
        return [(f"{name} 0", source)]
    if not isinstance(source, Iterable):
        raise TypeError(
            f"records must be a log capture, a list of dicts, JSON lines or a path; "
            f"got {type(source).__name__}"
        )
    pairs: list[tuple[str, Mapping[str, Any]]] = []
    for index, record in enumerate(source):
        if not isinstance(record, Mapping):
            raise TypeError(
                f"{name} {index} is a {type(record).__name__}, expected a dict of fields"
            )
        line = getattr(record, "line", None)
        captured = getattr(record, "source", None) is not None
        if isinstance(line, int):
            prefix = f"log line {line}"
        elif captured:
            prefix = f"log record {index}"
        else:
            prefix = f"{name} {index}"
        pairs.append((prefix, record))
    return pairs


def _describe(prefix: str, record: Mapping[str, Any]) -> str:
    parts = []
    event = next((record[k] for k in ("event", "message", "msg") if k in record), None)
    if event is not None:
        # Mask before shortening: a cut value would no longer be recognised.
        text = mask_pii(" ".join(str(event).split()))
        text = text if len(text) <= 50 else text[:49] + "\u2026"
        parts.append(f"event {text!r}")
    logger = record.get("logger")
    if isinstance(logger, str) and logger:
        parts.append(f"logger {logger!r}")
    return f"{prefix} ({', '.join(parts)})" if parts else prefix


def _allowed(record: Mapping[str, Any], allow: AllowUncorrelated) -> bool:
    if allow is None:
        return False
    if callable(allow):
        return bool(allow(record))
    event = next((record[k] for k in ("event", "message", "msg") if k in record), None)
    return event is not None and any(fnmatchcase(str(event), pattern) for pattern in allow)


@dataclass
class _SpanIndex:
    refs: list[SpanRef]

    def __post_init__(self) -> None:
        self.by_ids = {(ref.trace_id, ref.span_id): ref for ref in self.refs}
        self.by_span: dict[str, list[SpanRef]] = {}
        for ref in self.refs:
            self.by_span.setdefault(ref.span_id, []).append(ref)
        self.traces = {ref.trace_id for ref in self.refs}

    def listing(self) -> list[str]:
        if not self.refs:
            return ["Captured spans: none."]
        traces = sorted(self.traces, key=[ref.trace_id for ref in self.refs].index)
        lines = [
            f"Captured spans ({len(self.refs)} in {len(traces)} trace{'s' * (len(traces) != 1)}):"
        ]
        shown = 0
        for trace_id in traces:
            lines.append(f"  trace {trace_id}")
            # By path, so parents come before their children.
            for ref in sorted(self.refs, key=lambda ref: ref.path):
                if ref.trace_id != trace_id:
                    continue
                if shown == _MAX_SPANS_LISTED:
                    lines.append(f"    \u2026 and {len(self.refs) - shown} more")
                    return lines
                lines.append(f"    span {ref.span_id}  {mask_pii(ref.path)}")
                shown += 1
        return lines


def _id_problems(trace_id: str | None, span_id: str | None, spans: _SpanIndex) -> list[str]:
    if span_id is not None:
        if trace_id is not None and (trace_id, span_id) in spans.by_ids:
            return []
        others = spans.by_span.get(span_id, [])
        if trace_id is None:
            return [] if others else [f"span_id {span_id} points at no captured span"]
        if others:
            return [
                f"span_id {span_id} is span {mask_pii(others[0].path)} of trace "
                f"{others[0].trace_id}, not of trace_id {trace_id}"
            ]
        where = f" of trace {trace_id}" if trace_id in spans.traces else ""
        return [f"span_id {span_id} points at no captured span{where}"]
    if trace_id is not None and trace_id not in spans.traces:
        return [f"trace_id {trace_id} points at no captured trace"]
    return []


def _record_problems(
    record: Mapping[str, Any],
    spans: _SpanIndex,
    require: Sequence[str],
    allowed: bool,
) -> list[str]:
    reasons: list[str] = []
    trace_key, raw_trace = _first(record, TRACE_ID_KEYS)
    span_key, raw_span = _first(record, SPAN_ID_KEYS)
    trace_id, trace_error = _normalize_id(raw_trace, 32)
    span_id, span_error = _normalize_id(raw_span, 16)
    if trace_error:
        reasons.append(f"{trace_key} {raw_trace!r} {trace_error}")
    if span_error:
        reasons.append(f"{span_key} {raw_span!r} {span_error}")

    active_trace = getattr(record, "active_trace_id", None)
    active_span = getattr(record, "active_span_id", None)
    if active_trace is not None and active_span is not None:
        active = spans.by_ids.get((active_trace, active_span))
        inside = (
            f"span {mask_pii(active.path)}" if active else "a span that was not captured"
        ) + f" (trace {active_trace}, span {active_span})"
        if trace_id is None and span_id is None:
            if not allowed and not (trace_error or span_error):
                reasons.append(f"emitted inside {inside} but carries no trace_id or span_id")
            return reasons
        if trace_id != active_trace or (span_id is not None and span_id != active_span):
            found = f"trace_id={trace_id or '-'}, span_id={span_id or '-'}"
            reasons.append(f"emitted inside {inside} but carries {found}")
            return reasons

    reasons.extend(_id_problems(trace_id, span_id, spans))
    present = {"trace_id": trace_id is not None, "span_id": span_id is not None}
    missing = [
        name
        for name in require
        if not present.get(name, record.get(name) not in (None, ""))
        and not (name == "trace_id" and trace_error)
        and not (name == "span_id" and span_error)
    ]
    if missing and not allowed:
        outside = " (emitted outside any span)" if _outside_span(record) else ""
        reasons.append(f"carries no {' and no '.join(missing)}{outside}")
    return reasons


def _outside_span(record: Mapping[str, Any]) -> bool:
    source = getattr(record, "source", None)
    return source in ("logging", "structlog") and getattr(record, "active_span_id", 1) is None


def check_logs_correlated(
    logs: object,
    spans: object = None,
    *,
    records: object = None,
    require: Sequence[str] = ("trace_id", "span_id"),
    allow_uncorrelated: AllowUncorrelated = None,
) -> list[CorrelationProblem]:
    """The records of ``logs`` (and ``records``) that are not correlated with ``spans``.

    Same arguments as :func:`assert_logs_correlated`; returns the problems instead of
    raising.

    Example:
        >>> check_logs_correlated([{"event": "boot"}], [], allow_uncorrelated=["boot"])
        []
    """
    return _check(logs, spans, records, require, allow_uncorrelated)[2]


def _check(
    logs: object,
    spans: object,
    records: object,
    require: Sequence[str],
    allow_uncorrelated: AllowUncorrelated,
) -> tuple[_SpanIndex, int, list[CorrelationProblem]]:
    if isinstance(require, str):
        require = (require,)
    if spans is None:
        if not hasattr(logs, "spans"):
            raise TypeError(
                "assert_logs_correlated needs the spans: pass a trace capture as the first "
                "argument, or the spans (a capture, span tree or list of spans) as the second"
            )
        spans = logs
    span_index = _SpanIndex(span_refs(_span_objects(spans)))
    pairs = _record_list(logs, "record") + _record_list(records, "decision record")
    problems = []
    for position, (prefix, record) in enumerate(pairs):
        allowed = _allowed(record, allow_uncorrelated)
        reasons = _record_problems(record, span_index, require, allowed)
        if reasons:
            problems.append(
                CorrelationProblem(position, _describe(prefix, record), "; ".join(reasons))
            )
    return span_index, len(pairs), problems


def assert_logs_correlated(
    logs: object,
    spans: object = None,
    *,
    records: object = None,
    require: Sequence[str] = ("trace_id", "span_id"),
    allow_uncorrelated: AllowUncorrelated = None,
    min_records: int = 1,
) -> None:
    """Fail with :class:`LogsNotCorrelated` unless logs and records point at captured spans.

    ``logs`` is a trace capture (its ``logs`` and ``spans`` are used), a
    :class:`LogCapture`, a list of dicts, JSON-lines text or a path to a JSON-lines file;
    ``spans`` is a trace capture, span tree(s) or a list of spans (taken from ``logs``
    when omitted); ``records`` adds decision records checked the same way.

    Each record must:

    * when it was emitted inside a span, carry that span's ``trace_id`` and ``span_id``;
    * carry ids (read from ``trace_id``/``span_id``, ``traceId``/``spanId``, ``trace.id``/
      ``span.id`` or ``otelTraceID``/``otelSpanID``) that name a captured span, of the
      same trace;
    * carry every field in ``require`` (default both ids), unless ``allow_uncorrelated``
      accepts it: a predicate over the record, or event-name globs such as
      ``["server.started", "uvicorn.*"]``. Ids an allowed record does carry are still
      checked.

    At least ``min_records`` records must have been checked, so a capture that saw no
    logs at all does not pass by accident.

    Example:
        >>> assert_logs_correlated(trace_capture, records=read_records(path))  # doctest: +SKIP
        >>> assert_logs_correlated([{"event": "boot"}], [], allow_uncorrelated=["boot"])
    """
    __tracebackhide__ = True
    span_index, checked, problems = _check(logs, spans, records, require, allow_uncorrelated)
    if checked < min_records:
        raise LogsNotCorrelated(
            f"expected at least {min_records} log record{'s' * (min_records != 1)} to check, "
            f"found {checked}: were the logs captured (a started LogCapture, or JSON lines "
            "read from the program's output)? Pass min_records=0 to allow none.",
            [],
        )
    if not problems:
        return
    lines = [
        f"{len(problems)} of {checked} log record{'s' * (checked != 1)} "
        f"{'is' if len(problems) == 1 else 'are'} not correlated with the captured spans:"
    ]
    lines.extend(f"  {problem}" for problem in problems[:_MAX_PROBLEMS])
    if len(problems) > _MAX_PROBLEMS:
        lines.append(f"  \u2026 and {len(problems) - _MAX_PROBLEMS} more")
    lines.extend(span_index.listing())
    lines.append(
        "Records that need no ids can be accepted with allow_uncorrelated=[event globs] "
        "or a predicate over the record."
    )
    raise LogsNotCorrelated("\n".join(lines), problems)
