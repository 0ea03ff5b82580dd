"""Span nodes built by hand, without the SDK, for the pure-module tests."""

from __future__ import annotations

import functools
from itertools import count
from typing import Any

from pytest_filagent_trace._spans import SpanEvent, SpanNode

_IDS = count(1)


def make(
    name: str,
    *children: SpanNode,
    kind: str = "INTERNAL",
    status: str = "UNSET",
    description: str | None = None,
    attributes: dict[str, Any] | None = None,
    events: tuple[str, ...] = (),
    event_attributes: dict[str, Any] | None = None,
    orphan: bool = False,
    trace_id: str = "a" * 32,
    duration: int = 1,
) -> SpanNode:
    """A linked node with its children (moved into ``trace_id``), with unique span ids."""
    node = SpanNode(
        name=name,
        kind=kind,
        status=status,
        status_description=description,
        attributes=dict(attributes or {}),
        events=[SpanEvent(event, dict(event_attributes or {}), 0) for event in events],
        trace_id=trace_id,
        span_id=format(next(_IDS), "016x"),
        parent_span_id="f" * 16 if orphan else None,
        start_time=0,
        end_time=duration,
        orphan=orphan,
    )
    for child in children:
        child.parent = node
        child.parent_span_id = node.span_id
        child.trace_id = trace_id
        node.children.append(child)
    return node


#: A microsecond per span, so durations render when asked (the text-form tests).
make_timed = functools.partial(make, duration=1_000)

#: Events carry an exception type, as recorded errors do (the assert_span_tree tests).
make_with_error_events = functools.partial(make, event_attributes={"exception.type": "ValueError"})
