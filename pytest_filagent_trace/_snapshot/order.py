"""Canonical order: siblings by name, attributes, then their subtrees; never by the clock.

Spans are ranked depth by depth from the leaves up (the AHU tree-canonization idea), so
equal ranks mean equal masked subtrees: a span's subtree key is its own key plus the
sorted ranks of its children, so comparing two subtrees never recurses and the whole
ordering is O(n log n). Look-alike siblings keep their start order (the sorts are
stable), which only decides which of them gets the lower ordinal.

Example:
    >>> rank_canonically(levels, keys, traces)  # doctest: +SKIP
    >>> [root.name for root in traces[0].roots]  # doctest: +SKIP
    ['POST /chat']
"""

from __future__ import annotations

from typing import Any

from pytest_filagent_trace._snapshot.masked import MaskedTrace, SpanKey
from pytest_filagent_trace._spans import SpanNode

__all__ = ["rank_canonically"]


def rank_canonically(
    levels: list[list[SpanNode]], keys: dict[SpanNode, SpanKey], traces: list[MaskedTrace]
) -> None:
    """Order the children of every span, the roots of every trace and the traces, in place.

    ``levels`` holds every span by its depth below its subtree root (roots at depth 0);
    ``keys`` the sort key of each span without its children.
    """
    ranks: dict[SpanNode, int] = {}
    for depth in range(len(levels) - 1, -1, -1):
        level = levels[depth]
        subtree_keys: list[tuple[Any, ...]] = []
        for span in level:
            if len(span.children) > 1:
                span.children.sort(key=ranks.__getitem__)
            child_ranks = tuple(ranks[child] for child in span.children)
            # Orphans sort after true roots; only roots can be orphans.
            subtree_keys.append(
                (span.orphan, keys[span], child_ranks) if depth == 0 else (keys[span], child_ranks)
            )
        _rank_level(level, subtree_keys, ranks)
    for trace in traces:
        trace.roots.sort(key=ranks.__getitem__)

    def trace_key(trace: MaskedTrace) -> tuple[Any, ...]:
        # Traces that look alike keep the order they started in.
        return (tuple((root.orphan, ranks[root]) for root in trace.roots), trace.start_time)

    traces.sort(key=trace_key)


def _rank_level(
    level: list[SpanNode], keys: list[tuple[Any, ...]], ranks: dict[SpanNode, int]
) -> None:
    """Rank each span of one level by its key among the distinct keys of the level."""
    rank = -1
    previous: tuple[Any, ...] | None = None
    for index in sorted(range(len(level)), key=keys.__getitem__):
        key = keys[index]
        if key != previous:
            rank += 1
            previous = key
        ranks[level[index]] = rank
