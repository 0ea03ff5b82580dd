"""The OTLP trace data model, as JSON-shaped dicts, read into :class:`SpanNode`\\ s.

One reader serves both encodings: OTLP/JSON documents are read as they are, and protobuf
messages go through protobuf's own JSON mapping first (whose ids are base64, not hex).

Example:
    >>> data = {"resourceSpans": [{"scopeSpans": [{"spans": [
    ...     {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
    ...      "name": "GET /", "kind": 2, "startTimeUnixNano": "1", "endTimeUnixNano": "9"}]}]}]}
    >>> [(node.name, node.kind, node.duration_ns) for node in nodes_from_otlp(data)]
    [('GET /', 'SERVER', 8)]
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pytest_filagent_trace._spans import SpanEvent, SpanLink, SpanNode

__all__ = ["OtlpError", "nodes_from_otlp"]

_KINDS = ("INTERNAL", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER")
_STATUSES = ("UNSET", "OK", "ERROR")
_SAMPLED = 0x01


class OtlpError(ValueError):
    """OTLP data that cannot be read: says what was expected, what was found, and where."""


def nodes_from_otlp(data: Mapping[str, Any], where: str = "OTLP data") -> list[SpanNode]:
    """Every span of one ``TracesData`` (or ``ExportTraceServiceRequest``) as a node."""
    if not isinstance(data, Mapping):
        raise OtlpError(f"{where}: expected an object with resourceSpans, found {data!r:.80}")
    nodes: list[SpanNode] = []
    for r, resource_spans in enumerate(_list(data, "resourceSpans", where)):
        at = f"{where}, resourceSpans[{r}]"
        resource = _attributes(resource_spans.get("resource", {}).get("attributes"), at)
        for s, scope_spans in enumerate(_list(resource_spans, "scopeSpans", at)):
            scope = scope_spans.get("scope") or {}
            schema_url = scope_spans.get("schemaUrl") or None
            for p, span in enumerate(_list(scope_spans, "spans", f"{at}, scopeSpans[{s}]")):
                nodes.append(
                    _node(span, resource, scope, schema_url, f"{at}, scopeSpans[{s}].spans[{p}]")
                )
    return nodes


def _node(
    span: Mapping[str, Any],
    resource: dict[str, Any],
    scope: Mapping[str, Any],
    schema_url: str | None,
    where: str,
) -> SpanNode:
    status = span.get("status") or {}
    start = _int(span.get("startTimeUnixNano", 0), f"{where}.startTimeUnixNano")
    end = _int(span.get("endTimeUnixNano", start), f"{where}.endTimeUnixNano")
    parent = span.get("parentSpanId") or None
    flags = span.get("flags")
    return SpanNode(
        name=str(span.get("name", "")),
        kind=_enum(span.get("kind", 0), _KINDS, "SPAN_KIND_", f"{where}.kind"),
        status=_enum(status.get("code", 0), _STATUSES, "STATUS_CODE_", f"{where}.status.code"),
        status_description=status.get("message") or None,
        attributes=_attributes(span.get("attributes"), where),
        events=[
            SpanEvent(
                str(event.get("name", "")),
                _attributes(event.get("attributes"), f"{where}.events[{e}]"),
                _int(event.get("timeUnixNano", 0), f"{where}.events[{e}].timeUnixNano"),
            )
            for e, event in enumerate(span.get("events") or [])
        ],
        trace_id=_id(span.get("traceId"), 32, f"{where}.traceId"),
        span_id=_id(span.get("spanId"), 16, f"{where}.spanId"),
        parent_span_id=None if parent is None else _id(parent, 16, f"{where}.parentSpanId"),
        start_time=start,
        end_time=end,
        resource=resource,
        scope=str(scope.get("name", "")),
        scope_version=scope.get("version") or None,
        schema_url=schema_url,
        sampled=True if flags is None else bool(_int(flags, f"{where}.flags") & _SAMPLED),
        trace_state=str(span.get("traceState") or ""),
        links=[
            SpanLink(
                _id(link.get("traceId"), 32, f"{where}.links[{k}].traceId"),
                _id(link.get("spanId"), 16, f"{where}.links[{k}].spanId"),
                _attributes(link.get("attributes"), f"{where}.links[{k}]"),
            )
            for k, link in enumerate(span.get("links") or [])
        ],
    )


def _list(data: Mapping[str, Any], key: str, where: str) -> Iterator[Mapping[str, Any]]:
    items = data.get(key) or []
    if not isinstance(items, list):
        raise OtlpError(f"{where}: expected {key} to be a list, found {type(items).__name__}")
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise OtlpError(f"{where}: expected {key}[{index}] to be an object, found {item!r:.60}")
        yield item


def _attributes(values: Any, where: str) -> dict[str, Any]:
    return {str(item.get("key")): _value(item.get("value") or {}, where) for item in values or []}


def _value(value: Mapping[str, Any], where: str) -> Any:
    for key, read in _VALUE_READERS.items():
        if key in value:
            return read(value[key], where)
    return None


def _array(array: Any, where: str) -> tuple[Any, ...]:
    return tuple(_value(item, where) for item in array.get("values") or [])


def _kvlist(kvlist: Any, where: str) -> dict[str, Any]:
    return _attributes(kvlist.get("values"), where)


_VALUE_READERS: dict[str, Callable[[Any, str], Any]] = {
    "stringValue": lambda v, _: str(v),
    "boolValue": lambda v, _: bool(v),
    "intValue": lambda v, where: _int(v, f"{where} intValue"),
    "doubleValue": lambda v, _: float(v),
    "arrayValue": _array,
    "kvlistValue": _kvlist,
    "bytesValue": lambda v, _: base64.b64decode(v),
}


def _int(value: Any, where: str) -> int:
    # The JSON mapping writes 64-bit integers as strings.
    try:
        return int(value)
    except (TypeError, ValueError):
        raise OtlpError(f"{where}: expected an integer, found {value!r}") from None


def _enum(value: Any, names: tuple[str, ...], prefix: str, where: str) -> str:
    if isinstance(value, str) and value.startswith(prefix):
        name = value.removeprefix(prefix)
        if name == "UNSPECIFIED":
            return names[0]
        if name in names:
            return name
    elif isinstance(value, int) and 0 <= value < len(names):
        return names[value]
    raise OtlpError(f"{where}: expected 0-{len(names) - 1} or {prefix}<NAME>, found {value!r}")


def _id(value: Any, digits: int, where: str) -> str:
    # Hex in OTLP/JSON; base64 in protobuf's generic JSON mapping.
    if isinstance(value, str):
        text = value.lower()
        if len(text) == digits and all(char in "0123456789abcdef" for char in text):
            return text
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) * 2 == digits:
            return raw.hex()
    raise OtlpError(f"{where}: expected {digits} hex digits, found {value!r}")
