"""Spans written as OTLP/JSON: the protobuf JSON mapping the Collector's file exporter uses.

Example:
    >>> from pytest_filagent_trace._spans import SpanNode
    >>> node = SpanNode("GET /", "SERVER", "UNSET", None, {"http.route": "/"}, [],
    ...                 "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", None, 1, 9)
    >>> '"kind":2' in otlp_json([node])
    True
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from pytest_filagent_trace._spans import SpanNode, spans_of

__all__ = ["otlp_json", "traces_data"]

_KINDS = {"INTERNAL": 1, "SERVER": 2, "CLIENT": 3, "PRODUCER": 4, "CONSUMER": 5}
_STATUSES = {"UNSET": 0, "OK": 1, "ERROR": 2}


def otlp_json(source: Any, extra: Mapping[str, Any] | None = None) -> str:
    """``source``'s spans as one OTLP/JSON ``TracesData`` line (with a trailing newline).

    ``extra`` attributes are added to every span (e.g. the test that produced them).
    """
    return json.dumps(traces_data(source, extra), separators=(",", ":")) + "\n"


def traces_data(source: Any, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``source``'s spans as a ``TracesData`` object, grouped by resource and scope."""
    resources: dict[int, tuple[Mapping[str, Any], dict[tuple[Any, ...], list[Any]]]] = {}
    for node in spans_of(source):
        _, scopes = resources.setdefault(id(node.resource), (node.resource, {}))
        key = (node.scope, node.scope_version, node.schema_url)
        scopes.setdefault(key, []).append(_span(node, extra))
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": _key_values(resource)},
                "scopeSpans": [
                    {
                        "scope": _scope(name, version),
                        **({"schemaUrl": schema_url} if schema_url else {}),
                        "spans": spans,
                    }
                    for (name, version, schema_url), spans in scopes.items()
                ],
            }
            for resource, scopes in resources.values()
        ]
    }


def _scope(name: str, version: str | None) -> dict[str, Any]:
    return {"name": name, **({"version": version} if version else {})}


def _span(node: SpanNode, extra: Mapping[str, Any] | None) -> dict[str, Any]:
    attributes = {**node.attributes, **(extra or {})}
    span: dict[str, Any] = {
        "traceId": node.trace_id,
        "spanId": node.span_id,
        "name": node.name,
        "kind": _KINDS.get(node.kind, 1),
        "startTimeUnixNano": str(node.start_time),
        "endTimeUnixNano": str(node.end_time),
        "attributes": _key_values(attributes),
        "flags": 1 if node.sampled else 0,
        "status": {
            "code": _STATUSES.get(node.status, 0),
            **({"message": node.status_description} if node.status_description else {}),
        },
    }
    if node.parent_span_id is not None:
        span["parentSpanId"] = node.parent_span_id
    if node.trace_state:
        span["traceState"] = node.trace_state
    if node.events:
        span["events"] = [
            {
                "timeUnixNano": str(event.timestamp),
                "name": event.name,
                "attributes": _key_values(event.attributes),
            }
            for event in node.events
        ]
    if node.links:
        span["links"] = [
            {
                "traceId": link.trace_id,
                "spanId": link.span_id,
                "attributes": _key_values(link.attributes),
            }
            for link in node.links
        ]
    return span


def _key_values(attributes: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"key": key, "value": _any_value(value)} for key, value in attributes.items()]


def _any_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, (bytes, bytearray)):
        return {"bytesValue": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return {"arrayValue": {"values": [_any_value(item) for item in value]}}
    if isinstance(value, Mapping):
        return {"kvlistValue": {"values": _key_values(value)}}
    return {"stringValue": str(value)}
