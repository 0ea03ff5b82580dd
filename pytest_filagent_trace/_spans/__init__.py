r"""Span data: nodes and trees, the one source adapter, the one attribute-value rule.

``node`` holds :class:`SpanNode`, ``convert`` turns SDK spans into nodes, ``tree`` links
nodes into :class:`SpanTree`\ s, ``source`` is the adapter every entry point uses and
``values`` the typed comparison.
"""

from __future__ import annotations

from pytest_filagent_trace._spans.convert import node_from_span, nodes_from_spans
from pytest_filagent_trace._spans.node import PATH_SEPARATOR, SpanEvent, SpanLink, SpanNode
from pytest_filagent_trace._spans.paths import NumberedPath, PathPlaces, numbered_paths
from pytest_filagent_trace._spans.source import (
    roots_of,
    sources_of,
    spans_of,
    topmost,
    trace_groups,
)
from pytest_filagent_trace._spans.tree import (
    SpanTree,
    build_trees,
    link_trees,
    matches_name,
    node_matches,
)
from pytest_filagent_trace._spans.values import (
    MISSING,
    typed_equal,
)

__all__ = [
    "MISSING",
    "PATH_SEPARATOR",
    "NumberedPath",
    "PathPlaces",
    "SpanEvent",
    "SpanLink",
    "SpanNode",
    "SpanTree",
    "build_trees",
    "link_trees",
    "matches_name",
    "node_from_span",
    "node_matches",
    "nodes_from_spans",
    "numbered_paths",
    "roots_of",
    "sources_of",
    "spans_of",
    "topmost",
    "trace_groups",
    "typed_equal",
]
