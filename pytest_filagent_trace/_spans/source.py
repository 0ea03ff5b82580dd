"""The one source adapter: whatever a user passes becomes roots or trace groups.

Users hand assertions a ``TraceCapture`` (anything with ``traces()``), a ``SpanTree``, a
``SpanNode``, or a list of those or of finished SDK spans; every entry point turns that
into plain nodes here.

Example:
    >>> [root.name for root in roots_of(trace_capture)]  # doctest: +SKIP
    ['POST /chat']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pytest_filagent_trace._spans.node import SpanNode
from pytest_filagent_trace._spans.tree import SpanTree, build_trees

__all__ = ["roots_of", "sources_of", "spans_of", "topmost", "trace_groups"]


def roots_of(source: Any) -> list[SpanNode]:
    """The top-level spans of anything the plugin accepts as a tree.

    ``source`` is a ``TraceCapture`` (anything with a ``traces()`` method), a ``SpanTree``,
    a ``SpanNode``, or a list of those or of finished SDK spans (``ReadableSpan``).

    Example:
        >>> [root.name for root in roots_of(trace_capture)]  # doctest: +SKIP
        ['POST /chat']
    """
    if isinstance(source, SpanTree):
        return list(source.roots)
    if isinstance(source, SpanNode):
        return [source]
    traces = getattr(source, "traces", None)
    if callable(traces):
        return [root for tree in traces() for root in tree.roots]
    if isinstance(source, (str, bytes)) or not isinstance(source, Iterable):
        raise TypeError(
            "expected a TraceCapture, a SpanTree, a SpanNode or a list of spans,"
            f" found {type(source).__name__}"
        )
    from opentelemetry.sdk.trace import ReadableSpan

    roots: list[SpanNode] = []
    finished: list[ReadableSpan] = []
    for item in source:
        if isinstance(item, SpanTree):
            roots.extend(item.roots)
        elif isinstance(item, SpanNode):
            roots.append(item)
        elif isinstance(item, ReadableSpan):
            finished.append(item)
        else:
            raise TypeError(
                "expected spans (SpanNode, SpanTree or a finished OpenTelemetry span)"
                f" in the list, found {type(item).__name__}"
            )
    if finished:
        roots.extend(root for tree in build_trees(finished) for root in tree.roots)
    return roots


def trace_groups(data: object) -> list[tuple[str, list[SpanNode]]]:
    """Accepted inputs, as (trace id, subtree roots) pairs in their natural order."""
    if isinstance(data, SpanTree):
        return [(data.trace_id, list(data.roots))]
    if isinstance(data, SpanNode):
        return [(data.trace_id, [data])]
    traces_method = getattr(data, "traces", None)
    if callable(traces_method):
        return trace_groups(list(traces_method()))
    if isinstance(data, (str, bytes)) or not isinstance(data, Iterable):
        raise TypeError(
            "a trace snapshot takes a TraceCapture, a SpanTree, a SpanNode or a list of"
            f" them (or of finished spans), found {type(data).__name__}: {data!r:.80}"
        )
    items = list(data)
    if all(isinstance(item, (SpanTree, SpanNode)) for item in items):
        grouped: dict[str, list[SpanNode]] = {}
        for item in items:
            for trace_id, roots in trace_groups(item):
                grouped.setdefault(trace_id, []).extend(roots)
        return [(trace_id, topmost(roots)) for trace_id, roots in grouped.items()]
    try:
        trees = build_trees(items)
    except AttributeError as exc:
        kinds = sorted({type(item).__name__ for item in items})
        raise TypeError(
            "a trace snapshot takes a TraceCapture, a SpanTree, a SpanNode or a list of"
            f" them (or of finished spans), found a list of {', '.join(kinds)} ({exc})"
        ) from None
    return [(tree.trace_id, list(tree.roots)) for tree in trees]


def topmost(nodes: list[SpanNode]) -> list[SpanNode]:
    """The given nodes that have no given ancestor: ``capture.spans`` or ``tree.spans``
    then mean their trees once, not every subtree again."""
    listed = {id(node) for node in nodes}
    if len(listed) == 1:
        return nodes[:1]
    covered: dict[int, bool] = {}

    def has_listed_ancestor(node: SpanNode) -> bool:
        chain: list[SpanNode] = []
        ancestor = node.parent
        answer = False
        while ancestor is not None:
            known = covered.get(id(ancestor))
            if known is not None:
                answer = known
                break
            if id(ancestor) in listed:
                answer = True
                break
            chain.append(ancestor)
            ancestor = ancestor.parent
        for visited in chain:
            covered[id(visited)] = answer
        return answer

    kept: list[SpanNode] = []
    seen: set[int] = set()
    for node in nodes:
        if id(node) not in seen and not has_listed_ancestor(node):
            seen.add(id(node))
            kept.append(node)
    return kept


def spans_of(source: Any) -> list[SpanNode]:
    """Every span of ``source`` once, parents before children, for checks over all spans.

    Example:
        >>> [node.name for node in spans_of(trace_capture)]  # doctest: +SKIP
        ['POST /chat', 'agent.route', 'agent.run_simple']
    """
    seen: set[int] = set()
    spans: list[SpanNode] = []
    for root in roots_of(source):
        for node in root.walk():
            if id(node) not in seen:
                seen.add(id(node))
                spans.append(node)
    return spans


def sources_of(source: Any) -> str:
    """Where ``source`` takes spans from, when it says (a capture does); else "".

    The first thing a message about an empty capture should tell.

    Example:
        >>> sources_of([])
        ''
    """
    describe = getattr(source, "describe_sources", None)
    return str(describe()) if callable(describe) else ""
