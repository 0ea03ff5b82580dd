"""What one pass of a selector over spans has learnt, so no question is asked twice.

A pass asks every span of a capture whether it is selected. :class:`Walk` remembers which
span passed which step of a chain, whether some ancestor or earlier sibling did, and where
each span sits among its siblings; ``:not(...)`` keeps a walk of its own per inner chain
inside the outer one, and ``:has(...)`` a walk per anchor that shares the sibling
positions. So ``a ~ b``, ``a b`` and ``:not(a + b)`` stay linear in the number of spans.

Example:
    >>> walk = Walk()
    >>> walk.previous(root) is None  # doctest: +SKIP
    True
"""

from __future__ import annotations

from pytest_filagent_trace._spans import SpanNode

__all__ = ["Walk"]


class Walk:
    """The memory of one pass; ``anchor`` is the span a ``:has(...)`` is asked about."""

    __slots__ = ("anchor", "before", "inner", "passed", "positions", "under")

    def __init__(
        self, anchor: SpanNode | None = None, positions: dict[int, dict[int, int]] | None = None
    ) -> None:
        self.anchor = anchor
        self.passed: dict[tuple[int, int], bool] = {}
        self.under: dict[tuple[int, int], bool] = {}
        self.before: dict[tuple[int, int], bool] = {}
        self.inner: dict[int, Walk] = {}
        self.positions: dict[int, dict[int, int]] = {} if positions is None else positions

    def nested(self, key: object) -> Walk:
        """The walk of an inner chain (of ``:not``), kept for the rest of this pass."""
        walk = self.inner.get(id(key))
        if walk is None:
            walk = Walk(self.anchor, self.positions)
            self.inner[id(key)] = walk
        return walk

    def anchored(self, anchor: SpanNode) -> Walk:
        """A fresh walk from ``anchor`` (for ``:has``) that shares the sibling positions."""
        return Walk(anchor, self.positions)

    def previous(self, node: SpanNode) -> SpanNode | None:
        """The sibling right before ``node``, or None."""
        parent = node.parent
        if parent is None:
            return None
        index = self._index(parent, node)
        return parent.children[index - 1] if index > 0 else None

    def following(self, node: SpanNode) -> list[SpanNode]:
        """The siblings after ``node``, nearest first."""
        parent = node.parent
        if parent is None:
            return []
        return parent.children[self._index(parent, node) + 1 :]

    def _index(self, parent: SpanNode, node: SpanNode) -> int:
        positions = self.positions.get(id(parent))
        if positions is None:
            positions = {id(child): i for i, child in enumerate(parent.children)}
            self.positions[id(parent)] = positions
        return positions[id(node)]
