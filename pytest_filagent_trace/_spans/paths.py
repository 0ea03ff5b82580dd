"""Paths of several spans at once, numbered where spans share one.

Example:
    >>> [(p.path, p.ordinal, p.total) for p in numbered_paths([a, b, c])]  # doctest: +SKIP
    [('run › tool', 1, 2), ('run › tool', 2, 2), ('run › cache', 1, 1)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from pytest_filagent_trace._spans.node import SpanNode

__all__ = ["NumberedPath", "numbered_paths"]


class NumberedPath(NamedTuple):
    """A span's path, its place among the listed spans sharing that path, and their count."""

    path: str
    ordinal: int
    total: int


def numbered_paths(nodes: Sequence[SpanNode]) -> list[NumberedPath]:
    """Each node's path with its ordinal among the nodes sharing it (1-based), in order."""
    paths = [node.path() for node in nodes]
    totals = Counter(paths)
    seen: Counter[str] = Counter()
    numbered = []
    for path in paths:
        seen[path] += 1
        numbered.append(NumberedPath(path, seen[path], totals[path]))
    return numbered


class PathPlaces:
    """Where spans stand among the spans sharing their path in their tree, remembered per
    tree root: a link's target is written as its path, numbered when the path is shared.

    Example:
        >>> PathPlaces().place(node)  # doctest: +SKIP
        NumberedPath(path='run › tool', ordinal=2, total=2)
    """

    def __init__(self) -> None:
        self._by_root: dict[SpanNode, dict[SpanNode, NumberedPath]] = {}

    def place(self, node: SpanNode) -> NumberedPath:
        """``node``'s path, its ordinal amongst the spans of its tree with that path (in
        reading order, 1-based), and their count."""
        root = node
        while root.parent is not None:
            root = root.parent
        places = self._by_root.get(root)
        if places is None:
            nodes = list(root.walk())
            places = self._by_root[root] = dict(zip(nodes, numbered_paths(nodes), strict=True))
        return places[node]
