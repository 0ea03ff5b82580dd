"""SDK spans become plain nodes here: attributes converted once, resources shared."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import ReadableSpan

from pytest_filagent_trace._spans.node import SpanEvent, SpanNode

__all__ = ["SharedResources", "convert_span", "node_from_span", "nodes_from_spans"]


def _plain(value: Any) -> Any:
    # The SDK keeps sequence attributes as tuples already, but exporters and users may
    # hand us lists; tuples keep nodes comparable and hashable values stable.
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value


def _plain_mapping(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    if not attributes:
        return {}
    return {key: _plain(value) for key, value in attributes.items()}


class SharedResources:
    """The plain form of each SDK ``Resource``, converted once and shared by its spans.

    A program has one or a few resources for thousands of spans; copying the resource per
    span was most of the cost of converting a capture. The resource object is kept beside
    its plain form, so its ``id`` cannot be reused while the entry lives.
    """

    def __init__(self) -> None:
        self._plain: dict[int, tuple[object, dict[str, Any]]] = {}

    def plain(self, resource: Any) -> dict[str, Any]:
        entry = self._plain.get(id(resource))
        if entry is None:
            entry = (resource, _plain_mapping(resource.attributes))
            self._plain[id(resource)] = entry
        return entry[1]


def nodes_from_spans(spans: Iterable[ReadableSpan]) -> list[SpanNode]:
    """Convert finished SDK spans into detached nodes that share their resource mappings.

    Example:
        >>> nodes = nodes_from_spans(exporter.get_finished_spans())  # doctest: +SKIP
        >>> nodes[0].resource is nodes[1].resource  # doctest: +SKIP
        True
    """
    resources = SharedResources()
    return [convert_span(span, resources) for span in spans]


def node_from_span(span: ReadableSpan) -> SpanNode:
    """Convert one finished OpenTelemetry SDK span into a detached :class:`SpanNode`.

    Example:
        >>> node = node_from_span(exporter.get_finished_spans()[0])  # doctest: +SKIP
        >>> node.kind, node.status  # doctest: +SKIP
        ('SERVER', 'UNSET')
    """
    return convert_span(span, SharedResources())


def convert_span(span: ReadableSpan, resources: SharedResources) -> SpanNode:
    context = span.context
    parent = span.parent
    status = span.status
    scope = span.instrumentation_scope
    return SpanNode(
        name=span.name,
        kind=span.kind.name,
        status=status.status_code.name,
        status_description=status.description or None,
        attributes=_plain_mapping(span.attributes),
        events=[
            SpanEvent(
                name=event.name,
                attributes=_plain_mapping(event.attributes),
                timestamp=event.timestamp,
            )
            for event in span.events
        ],
        trace_id=format(context.trace_id, "032x") if context is not None else "0" * 32,
        span_id=format(context.span_id, "016x") if context is not None else "0" * 16,
        parent_span_id=format(parent.span_id, "016x") if parent is not None else None,
        start_time=span.start_time or 0,
        end_time=span.end_time or span.start_time or 0,
        resource=resources.plain(span.resource),
        scope=scope.name if scope is not None else "",
    )
