"""Span trees built from finished spans: parents, children, roots, orphans, several traces.

Everything here is plain data: a :class:`SpanNode` holds the fields of one finished span
as plain Python values, so matching, rendering and snapshots never touch the
OpenTelemetry SDK objects again.

Example:
    >>> trees = build_trees(capture.spans)  # doctest: +SKIP
    >>> [node.name for node in trees[0].walk()]  # doctest: +SKIP
    ['POST /chat', 'agent.route', 'agent.run_simple']
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import ReadableSpan

from pytest_filagent_trace._spans.convert import SpanReader, hex_key, link_ids
from pytest_filagent_trace._spans.node import SpanNode
from pytest_filagent_trace._spans.values import typed_equal

__all__ = ["SpanTree", "build_trees", "link_trees", "matches_name", "node_matches"]

_UNRECORDED = 1 << 62  # spans whose start no capture saw sort after those it saw


@dataclass
class SpanTree:
    """All captured spans of one trace: true roots first, then orphans, each by start time.

    Example:
        >>> tree = capture.trace()  # doctest: +SKIP
        >>> tree.trace_id, [root.name for root in tree.roots]  # doctest: +SKIP
        ('4bf92f3577b34da6a3ce929d0e0e4736', ['POST /chat'])
    """

    trace_id: str
    roots: list[SpanNode]

    def walk(self) -> Iterator[SpanNode]:
        """Every span of the trace, depth first, root by root."""
        for root in self.roots:
            yield from root.walk()

    @property
    def spans(self) -> list[SpanNode]:
        """Every span of the trace in :meth:`walk` order."""
        return list(self.walk())

    @property
    def root(self) -> SpanNode:
        """The only root of the trace; raises ``ValueError`` naming the roots when not one."""
        if len(self.roots) != 1:
            names = ", ".join(repr(r.name) for r in self.roots) or "none"
            raise ValueError(
                f"trace {self.trace_id} has {len(self.roots)} roots, expected exactly 1: {names}"
            )
        return self.roots[0]

    def find(
        self,
        name: str | re.Pattern[str] = "*",
        /,
        attributes: Mapping[str, Any] | None = None,
        **attribute_kwargs: Any,
    ) -> list[SpanNode]:
        """Spans whose name matches ``name`` (exact, glob or compiled regex) and attributes.

        Attribute names holding dots go in ``attributes={...}``; plain names may also be
        passed as keywords. A value matches by typed equality (``True`` is not ``1``, ``1``
        is not ``1.0``, as in patterns and selectors), by a compiled regex searched in the
        string value, or by a callable returning true.

        Example:
            >>> nodes = tree.find("tool.*", attributes={"tool.execution.success": False})
            ... # doctest: +SKIP
            >>> [node.name for node in nodes]  # doctest: +SKIP
            ['tool.execute.calculator']
        """
        wanted = {**(attributes or {}), **attribute_kwargs}
        return [node for node in self.walk() if node_matches(node, name, wanted)]

    def __len__(self) -> int:
        return sum(1 for _ in self.walk())

    def __str__(self) -> str:
        from pytest_filagent_trace._textform.writer import render_roots

        return render_roots(self.roots)

    def __repr__(self) -> str:
        roots = ", ".join(repr(r.name) for r in self.roots)
        return f"<SpanTree trace_id={self.trace_id} spans={len(self)} roots=[{roots}]>"


def matches_name(name: str, pattern: str | re.Pattern[str]) -> bool:
    """True when ``name`` equals ``pattern``, matches it as a glob, or fully matches a regex.

    Example:
        >>> matches_name("tool.execute.calculator", "tool.execute.*")
        True
    """
    if isinstance(pattern, re.Pattern):
        return pattern.fullmatch(name) is not None
    return name == pattern or fnmatchcase(name, pattern)


def _value_matches(actual: Any, expected: Any) -> bool:
    if isinstance(expected, re.Pattern):
        return isinstance(actual, str) and expected.search(actual) is not None
    if callable(expected) and not isinstance(expected, type):
        return bool(expected(actual))
    # The one value rule of the plugin: True is not 1 and 1 is not 1.0, as in patterns
    # and selectors.
    return typed_equal(actual, expected)


def node_matches(
    node: SpanNode, name: str | re.Pattern[str], attributes: Mapping[str, Any]
) -> bool:
    """True when ``node`` has a matching name and every given attribute matches."""
    if not matches_name(node.name, name):
        return False
    for key, expected in attributes.items():
        if key not in node.attributes or not _value_matches(node.attributes[key], expected):
            return False
    return True


class _Trace:
    """The spans of one trace while they are linked: by span id, and its roots and orphans."""

    __slots__ = ("first", "orphans", "roots", "spans", "start")

    def __init__(self, first: SpanNode) -> None:
        self.first = first
        self.start = first.start_time
        self.spans: dict[Any, SpanNode] = {}
        self.roots: list[SpanNode] = []
        self.orphans: list[SpanNode] = []


def _give_links_their_targets(nodes: list[SpanNode], traces: Mapping[Any, _Trace]) -> None:
    # Nodes read from SDK spans find their link targets when their links are first read;
    # nodes built by hand have their links' targets filled in now.
    spans_by_trace = {key: trace.spans for key, trace in traces.items()}
    for node in nodes:
        reader = node._reader
        if reader is not None:
            reader.linked = spans_by_trace
        elif node.links:
            node.links = [
                link
                if link.target is not None
                else dataclasses.replace(
                    link,
                    target=spans_by_trace.get(hex_key(link.trace_id), {}).get(
                        hex_key(link.span_id)
                    ),
                )
                for link in node.links
            ]


def build_trees(spans: Iterable[ReadableSpan | SpanNode]) -> list[SpanTree]:
    """Group spans into one :class:`SpanTree` per trace id, traces by first start time.

    Siblings are ordered by start time, then end time, then name, then the order the
    spans were given in (their end order for a capture), so equal clocks still give a
    deterministic tree. A span whose parent is not among ``spans`` becomes a root marked
    ``orphan=True``. Given nodes are copied, never relinked in place.

    Example:
        >>> trees = build_trees(capture.spans)  # doctest: +SKIP
        >>> [tree.trace_id for tree in trees]  # doctest: +SKIP
        ['4bf92f3577b34da6a3ce929d0e0e4736']
    """
    reader = SpanReader()
    nodes = [span.unlinked() if isinstance(span, SpanNode) else reader.node(span) for span in spans]
    return link_trees(nodes)


def link_trees(
    nodes: list[SpanNode], creation_order: Mapping[int, int] | None = None
) -> list[SpanTree]:
    """Link fresh, unlinked ``nodes`` in place into trees; like :func:`build_trees` without copying.

    Meant for callers that converted the spans themselves and want to keep their own
    list (e.g. in end order) pointing at the linked nodes. Siblings are ordered by start
    time; ``creation_order`` (span id -> the order the spans started in, as a capture
    records it) breaks ties between equal start times, before end time and name.

    Example:
        >>> nodes = [node_from_span(s) for s in exporter.get_finished_spans()]  # doctest: +SKIP
        >>> trees = link_trees(nodes)  # doctest: +SKIP
    """
    # Span ids only need to be unique within their trace: one _Trace per trace id.
    traces: dict[Any, _Trace] = {}
    homes: list[_Trace] = []
    parent_ids: list[Any] = []
    created: dict[int, int] | None = {} if creation_order else None
    for node in nodes:
        trace_key, span_key, parent_key = link_ids(node)
        if created is not None and creation_order is not None:
            created[id(node)] = creation_order.get(span_key, _UNRECORDED)
        trace = traces.get(trace_key)
        if trace is None:
            trace = traces[trace_key] = _Trace(node)
        # A span id seen twice in one trace would be a broken exporter; keep the first so
        # the tree stays a tree.
        trace.spans.setdefault(span_key, node)
        trace.start = min(trace.start, node.start_time)
        homes.append(trace)
        parent_ids.append(parent_key)

    for node, trace, parent_key in zip(nodes, homes, parent_ids, strict=True):
        parent = trace.spans.get(parent_key) if parent_key is not None else None
        if parent is not None and parent is not node:
            node.parent = parent
            parent.children.append(node)
        elif parent_key is None:
            trace.roots.append(node)
        else:
            node.orphan = True
            trace.orphans.append(node)

    # Children and roots were appended in the order of ``nodes`` and sorting is stable,
    # so that order breaks the ties the clocks, creation order and names leave.
    def order(node: SpanNode) -> tuple[int, int, int, str]:
        sequence = created[id(node)] if created is not None else 0
        return (node.start_time, sequence, node.end_time, node.name)

    for node in nodes:
        if len(node.children) > 1:
            node.children.sort(key=order)
    _give_links_their_targets(nodes, traces)

    # Traces by their first start; sorting is stable, so traces starting together keep
    # the order they were first seen in.
    return [
        SpanTree(
            trace_id=trace.first.trace_id,
            roots=sorted(trace.roots, key=order) + sorted(trace.orphans, key=order),
        )
        for trace in sorted(traces.values(), key=lambda trace: trace.start)
    ]
