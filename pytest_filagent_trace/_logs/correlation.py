"""Log-trace correlation: every record points at a captured span of the right trace.

:func:`assert_logs_correlated` checks that every record emitted inside a span carries
that span's ``trace_id``/``span_id``, that every id found in logs or decision records
points at a captured span of the same trace, and that records without ids are ones the
test allows.

Example:
    >>> check_logs_correlated([{"event": "boot"}], [])[0].reason
    'carries no trace_id and no span_id'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from pytest_filagent_trace._logs.ids import RecordIds, record_ids
from pytest_filagent_trace._logs.records import MESSAGE_KEYS
from pytest_filagent_trace._logs.sources import is_trace_capture, labelled_records
from pytest_filagent_trace._logs.span_index import SpanIndex
from pytest_filagent_trace._privacy import mask_pii

__all__ = [
    "CorrelationProblem",
    "LogsNotCorrelated",
    "assert_logs_correlated",
    "check_logs_correlated",
]

_MAX_PROBLEMS = 50

AllowUncorrelated = Callable[[Mapping[str, Any]], bool] | Iterable[str] | None


@dataclass(frozen=True)
class CorrelationProblem:
    """One record that is not correlated with the captured spans, and why.

    Example:
        >>> str(CorrelationProblem(0, "record 0 (event 'boot')", "carries no trace_id"))
        "record 0 (event 'boot'): carries no trace_id"
    """

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


def _message(record: Mapping[str, Any]) -> object:
    return next((record[key] for key in MESSAGE_KEYS if key in record), None)


def _describe(prefix: str, record: Mapping[str, Any]) -> str:
    parts = []
    event = _message(record)
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
    event = _message(record)
    return event is not None and any(fnmatchcase(str(event), pattern) for pattern in allow)


def _id_problems(trace_id: str | None, span_id: str | None, spans: SpanIndex) -> list[str]:
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


def _inside_span_problems(
    record: Mapping[str, Any], ids: RecordIds, spans: SpanIndex, allowed: bool
) -> list[str] | None:
    """The final verdict on a record logged inside a span, or ``None`` when the id checks
    still apply (it was logged outside, or is not known to be logged inside, one)."""
    active_trace = getattr(record, "active_trace_id", None)
    active_span = getattr(record, "active_span_id", None)
    if active_trace is None or active_span is None:
        return None
    active = spans.by_ids.get((active_trace, active_span))
    inside = (
        f"span {mask_pii(active.path)}" if active else "a span that was not captured"
    ) + f" (trace {active_trace}, span {active_span})"
    if ids.trace_id is None and ids.span_id is None:
        if allowed or ids.errors:
            return []
        return [f"emitted inside {inside} but carries no trace_id or span_id"]
    if ids.trace_id != active_trace or (ids.span_id is not None and ids.span_id != active_span):
        found = f"trace_id={ids.trace_id or '-'}, span_id={ids.span_id or '-'}"
        return [f"emitted inside {inside} but carries {found}"]
    return None


def _record_problems(
    record: Mapping[str, Any], spans: SpanIndex, require: Sequence[str], allowed: bool
) -> list[str]:
    ids = record_ids(record)
    reasons = list(ids.errors)
    inside = _inside_span_problems(record, ids, spans, allowed)
    if inside is not None:
        return reasons + inside
    reasons.extend(_id_problems(ids.trace_id, ids.span_id, spans))
    present = {"trace_id": ids.trace_id is not None, "span_id": ids.span_id is not None}
    missing = [
        name
        for name in require
        if not present.get(name, record.get(name) not in (None, "")) and name not in ids.invalid
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
    return _check(logs, spans, records, require, allow_uncorrelated).problems


@dataclass(frozen=True)
class _Outcome:
    spans: SpanIndex
    checked: int
    problems: list[CorrelationProblem]


def _check(
    logs: object,
    spans: object,
    records: object,
    require: Sequence[str],
    allow_uncorrelated: AllowUncorrelated,
) -> _Outcome:
    if isinstance(require, str):
        require = (require,)
    if spans is None:
        if not is_trace_capture(logs):
            raise TypeError(
                "assert_logs_correlated needs the spans: pass a trace capture as the first "
                "argument, or the spans (a capture, span tree or list of spans) as the second"
            )
        # A stand-in for a capture may offer only its list of spans, without traces().
        spans = logs if callable(getattr(logs, "traces", None)) else logs.spans  # type: ignore[attr-defined]
    span_index = SpanIndex.of(spans)
    pairs = labelled_records(logs, "record") + labelled_records(records, "decision record")
    problems = []
    for position, (prefix, record) in enumerate(pairs):
        allowed = _allowed(record, allow_uncorrelated)
        reasons = _record_problems(record, span_index, require, allowed)
        if reasons:
            problems.append(
                CorrelationProblem(position, _describe(prefix, record), "; ".join(reasons))
            )
    return _Outcome(span_index, len(pairs), problems)


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
    outcome = _check(logs, spans, records, require, allow_uncorrelated)
    checked, problems = outcome.checked, outcome.problems
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
    lines.extend(outcome.spans.listing())
    lines.append(
        "Records that need no ids can be accepted with allow_uncorrelated=[event globs] "
        "or a predicate over the record."
    )
    raise LogsNotCorrelated("\n".join(lines), problems)
