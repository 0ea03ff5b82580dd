"""Reading a record's trace and span ids, whatever fields and spelling it uses.

Example:
    >>> record_ids({"traceId": "0x" + "AB" * 16, "span_id": 255}).span_id
    '00000000000000ff'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["SPAN_ID_KEYS", "TRACE_ID_KEYS", "RecordIds", "record_ids"]

TRACE_ID_KEYS = ("trace_id", "traceId", "trace.id", "otelTraceID")
"""Fields read as a record's trace id, first present wins."""
SPAN_ID_KEYS = ("span_id", "spanId", "span.id", "otelSpanID")
"""Fields read as a record's span id, first present wins."""


@dataclass(frozen=True)
class RecordIds:
    """A record's ids as lower-case hex (``None`` when absent), and what was wrong with them.

    ``errors`` are the failure texts of ids that are not hex ids; ``invalid`` names the
    ids (``"trace_id"``, ``"span_id"``) they concern, so they are not also reported missing.
    """

    trace_id: str | None
    span_id: str | None
    errors: tuple[str, ...] = ()
    invalid: frozenset[str] = frozenset()


def normalize_id(value: object, width: int) -> tuple[str | None, str | None]:
    """``(id, error)``: a lower-case hex id of ``width`` digits, ``None`` when absent.

    Example:
        >>> normalize_id("0xFF", 16), normalize_id("zz", 16), normalize_id(0, 16)
        (('00000000000000ff', None), (None, 'is not a 16-digit hex id'), (None, None))
    """
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


def record_ids(record: Mapping[str, Any]) -> RecordIds:
    """The trace and span ids ``record`` carries, read from any of the usual fields.

    Example:
        >>> record_ids({"trace_id": "not-an-id"}).errors
        ("trace_id 'not-an-id' is not a 32-digit hex id",)
    """
    trace_key, raw_trace = _first(record, TRACE_ID_KEYS)
    span_key, raw_span = _first(record, SPAN_ID_KEYS)
    trace_id, trace_error = normalize_id(raw_trace, 32)
    span_id, span_error = normalize_id(raw_span, 16)
    errors: list[str] = []
    invalid: set[str] = set()
    if trace_error:
        errors.append(f"{trace_key} {raw_trace!r} {trace_error}")
        invalid.add("trace_id")
    if span_error:
        errors.append(f"{span_key} {raw_span!r} {span_error}")
        invalid.add("span_id")
    return RecordIds(trace_id, span_id, tuple(errors), frozenset(invalid))
