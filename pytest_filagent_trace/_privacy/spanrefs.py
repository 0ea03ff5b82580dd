"""Where a span sits: its ids and its path from the root of its trace.

Example:
    >>> span_refs([])
    []
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pytest_filagent_trace._privacy.raw import ReadableSpan, sdk_span_ids
from pytest_filagent_trace._spans import SpanNode, spans_of

__all__ = ["SpanRef", "span_refs"]


@dataclass(frozen=True)
class SpanRef:
    """Where a span sits: its ids and its path from the root of its trace.

    Example:
        >>> SpanRef("4bf9" * 8, "00f067aa0ba902b7", "POST /chat").path
        'POST /chat'
    """

    trace_id: str
    span_id: str
    path: str


def span_refs(spans: Sequence[Any]) -> list[SpanRef]:
    """The ids and path (``POST /chat › agent.route``) of each of the given spans, in order.

    Takes span nodes and finished OpenTelemetry spans alike. Finished spans become nodes
    through the one source adapter first, so a span whose parent is not among them
    starts its own path; a node's path is :meth:`SpanNode.path`.

    Example:
        >>> [ref.path for ref in span_refs(capture.spans)]  # doctest: +SKIP
        ['POST /chat', 'POST /chat › agent.route']
    """
    items = list(spans)
    others = [item for item in items if not isinstance(item, SpanNode)]
    converted = {(node.trace_id, node.span_id): node for node in spans_of(others)}
    nodes = [
        item if isinstance(item, SpanNode) else converted[sdk_span_ids(item)]
        for item in items
        if isinstance(item, (SpanNode, ReadableSpan))
    ]
    return [SpanRef(node.trace_id, node.span_id, node.path()) for node in nodes]
