"""Span trees built by hand with random ids and host values, for the snapshot unit tests.

A :class:`Span` is built with :func:`span`; :func:`trees_of` links such spans into
``SpanTree`` objects the way the plugin's capture does, with a real tracer's random ids,
and :func:`outline` prints normalized trees without the text form the snapshots use.
"""

from __future__ import annotations

import os
import random
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pytest_filagent_trace._spans import SpanEvent, SpanNode, SpanTree, build_trees


@dataclass
class Span:
    """A span to build, with random ids like a real tracer would give it."""

    name: str
    children: list[Span] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    kind: str = "INTERNAL"
    status: str = "UNSET"
    description: str | None = None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    span_id: str = field(default_factory=lambda: secrets.token_hex(8))


def span(name: str, *children: Span, **attributes: Any) -> Span:
    """A span called ``name`` with ``children`` and ``attributes``."""
    return Span(name, list(children), dict(attributes))


def nodes_of(
    root: Span,
    *,
    trace_id: str | None = None,
    parent_id: str | None = None,
    clock: Iterator[int] | None = None,
) -> list[SpanNode]:
    """Flat SpanNodes of ``root``'s tree, started in the order given by ``clock``."""
    trace_id = trace_id or secrets.token_hex(16)
    clock = clock or iter(range(1, 1_000_000))
    result: list[SpanNode] = []
    stack: list[tuple[Span, str | None]] = [(root, parent_id)]
    while stack:
        item, parent = stack.pop()
        start = next(clock)
        result.append(
            SpanNode(
                name=item.name,
                kind=item.kind,
                status=item.status,
                status_description=item.description,
                attributes=dict(item.attributes),
                events=[SpanEvent(n, dict(a), timestamp=start) for n, a in item.events],
                trace_id=trace_id,
                span_id=item.span_id,
                parent_span_id=parent,
                start_time=start,
                end_time=start + 1_000,
                resource={"host.name": socket.gethostname(), "process.pid": os.getpid()},
            )
        )
        stack.extend((child, item.span_id) for child in reversed(item.children))
    return result


def trees_of(*roots: Span, shuffle: random.Random | None = None) -> list[SpanTree]:
    """The trees of ``roots``, each a trace; ``shuffle`` draws the spans' start order."""
    nodes: list[SpanNode] = []
    for root in roots:
        clock: Iterator[int] | None = None
        if shuffle is not None:
            starts = list(range(1, 10_000))
            shuffle.shuffle(starts)
            clock = iter(starts)
        nodes.extend(nodes_of(root, clock=clock))
    return build_trees(nodes)


def outline(trees: list[SpanTree]) -> str:
    """A minimal text form of normalized trees, independent of render.py."""
    lines: list[str] = []
    for tree in trees:
        lines.append(f"trace {tree.trace_id}")
        stack = [(root, 1) for root in reversed(tree.roots)]
        while stack:
            node, depth = stack.pop()
            attrs = ", ".join(f"{k}={v!r}" for k, v in node.attributes.items())
            flags = " (orphan)" if node.orphan else ""
            lines.append(f"{'  ' * depth}{node.name} {node.span_id}{flags} {{{attrs}}}")
            stack.extend((child, depth + 1) for child in reversed(node.children))
    return "\n".join(lines)


def only_attributes(trees: list[SpanTree]) -> list[dict[str, Any]]:
    """The attributes of every span of ``trees``, in reading order."""
    return [node.attributes for tree in trees for node in tree.walk()]
