"""What a scan still reads from finished SDK spans themselves: their ids, to pair them with
their nodes, and their links, which span nodes leave out.

Example:
    >>> links_by_span([])
    {}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan

__all__ = ["ReadableSpan", "links_by_span", "sdk_span_ids"]


def sdk_span_ids(span: ReadableSpan) -> tuple[str, str]:
    """``(trace id, span id)`` of a finished SDK span, in the hex form span nodes use.

    Example:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> with TracerProvider().get_tracer("demo").start_as_current_span("step") as step:
        ...     pass
        >>> [len(part) for part in sdk_span_ids(step)]
        [32, 16]
    """
    context = span.context
    if context is None:
        return "0" * 32, "0" * 16
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def links_by_span(items: Iterable[object]) -> dict[tuple[str, str], Sequence[Any]]:
    """The links of every finished SDK span among ``items`` that has some, by its ids.

    Example:
        >>> links_by_span(["not a span"])
        {}
    """
    return {
        sdk_span_ids(item): item.links
        for item in items
        if isinstance(item, ReadableSpan) and item.links
    }
