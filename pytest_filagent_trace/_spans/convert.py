"""SDK spans become plain nodes here: each field read when first asked for, resources shared."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import ReadableSpan

from pytest_filagent_trace._spans.node import SpanEvent, SpanLink, SpanNode

__all__ = ["SpanReader", "hex_key", "link_ids", "node_from_span", "nodes_from_spans"]


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


def _span_of(node: SpanNode) -> ReadableSpan:
    span = node._span
    if span is None:  # pragma: no cover - a reader is only ever given with its span
        raise AttributeError(f"{node.name!r} holds no SDK span to read from")
    return span


class SpanReader:
    """Reads the deferred fields of the nodes of one conversion from their SDK spans.

    One reader serves every node of a conversion, so a node costs one object and its
    children list, not a copy of its span. Fields are read in four groups (attributes;
    links; the resource; everything else) the first time one of the group is asked for. The
    plain form of each SDK ``Resource`` is made once and shared by its spans: a program
    has one or a few resources for thousands of spans. The resource object is kept beside
    its plain form, so its ``id`` cannot be reused while the entry lives.
    """

    def __init__(self) -> None:
        self._resources: dict[int, tuple[object, dict[str, Any]]] = {}
        # The spans of each trace by span id, once the nodes are linked: where a link
        # finds its target.
        self.linked: Mapping[Any, Mapping[Any, SpanNode]] = {}

    def node(self, span: ReadableSpan) -> SpanNode:
        """A node of ``span`` holding its name and times now and the rest on demand."""
        start = span.start_time or 0
        return SpanNode.deferred(span.name, start, span.end_time or start, span, self)

    def fill(self, node: SpanNode, field: str) -> None:
        """Set ``field`` of ``node``, and the fields read together with it, from its span."""
        _GROUPS[field](self, node)

    def _head(self, node: SpanNode) -> None:
        # Kind, status, scope, events and ids: cheap, and what a rendering or an exact
        # match reads of every span, so they come together.
        span = _span_of(node)
        status = span.status
        scope = span.instrumentation_scope
        node.kind = span.kind.name
        node.status = status.status_code.name
        node.status_description = status.description or None
        node.scope = scope.name if scope is not None else ""
        node.scope_version = scope.version if scope is not None else None
        node.schema_url = (scope.schema_url or None) if scope is not None else None
        context = span.context
        node.sampled = context.trace_flags.sampled if context is not None else True
        # The W3C header form ("vendor=value,other=value"): what an exporter sends.
        node.trace_state = context.trace_state.to_header() if context is not None else ""
        node.events = [
            SpanEvent(event.name, _plain_mapping(event.attributes), event.timestamp)
            for event in span.events
        ]
        trace_id, span_id, parent_id = link_ids(node)
        node.trace_id = format(trace_id, "032x")
        node.span_id = format(span_id, "016x")
        node.parent_span_id = None if parent_id is None else format(parent_id, "016x")

    def _attributes(self, node: SpanNode) -> None:
        node.attributes = _plain_mapping(_span_of(node).attributes)

    def _links(self, node: SpanNode) -> None:
        links = []
        for link in _span_of(node).links:
            context = link.context
            links.append(
                SpanLink(
                    format(context.trace_id, "032x"),
                    format(context.span_id, "016x"),
                    _plain_mapping(link.attributes),
                    self.linked.get(context.trace_id, {}).get(context.span_id),
                )
            )
        node.links = links

    def _resource(self, node: SpanNode) -> None:
        resource = _span_of(node).resource
        entry = self._resources.get(id(resource))
        if entry is None:
            entry = (resource, _plain_mapping(resource.attributes))
            self._resources[id(resource)] = entry
        node.resource = entry[1]


_GROUPS: dict[str, Callable[[SpanReader, SpanNode], None]] = {
    "kind": SpanReader._head,
    "status": SpanReader._head,
    "status_description": SpanReader._head,
    "scope": SpanReader._head,
    "scope_version": SpanReader._head,
    "schema_url": SpanReader._head,
    "sampled": SpanReader._head,
    "trace_state": SpanReader._head,
    "events": SpanReader._head,
    "trace_id": SpanReader._head,
    "span_id": SpanReader._head,
    "parent_span_id": SpanReader._head,
    "attributes": SpanReader._attributes,
    "resource": SpanReader._resource,
    "links": SpanReader._links,
}


def nodes_from_spans(spans: Iterable[ReadableSpan]) -> list[SpanNode]:
    """Convert finished SDK spans into detached nodes that share their resource mappings.

    Example:
        >>> nodes = nodes_from_spans(exporter.get_finished_spans())  # doctest: +SKIP
        >>> nodes[0].resource is nodes[1].resource  # doctest: +SKIP
        True
    """
    reader = SpanReader()
    return [reader.node(span) for span in spans]


def node_from_span(span: ReadableSpan) -> SpanNode:
    """Convert one finished OpenTelemetry SDK span into a detached :class:`SpanNode`.

    Example:
        >>> node = node_from_span(exporter.get_finished_spans()[0])  # doctest: +SKIP
        >>> node.kind, node.status  # doctest: +SKIP
        ('SERVER', 'UNSET')
    """
    return SpanReader().node(span)


def link_ids(node: SpanNode) -> tuple[Any, Any, Any]:
    """(trace, span, parent) ids of ``node`` as comparable keys, integers where they parse.

    A node made from an SDK span gives the span's integers without formatting them; one
    built by hand gives its hex text parsed, so both kinds link with each other.
    """
    span = node._span
    if span is not None:
        context, parent = span.context, span.parent
        if context is None:
            return 0, 0, None if parent is None else parent.span_id
        return context.trace_id, context.span_id, None if parent is None else parent.span_id
    parent_hex = node.parent_span_id
    parent_key = None if parent_hex is None else hex_key(parent_hex)
    return hex_key(node.trace_id), hex_key(node.span_id), parent_key


def hex_key(hex_id: str) -> int | str:
    """A hex id as the integer links and trees compare by; text that is no hex stays text."""
    try:
        return int(hex_id, 16)
    except ValueError:
        return hex_id
