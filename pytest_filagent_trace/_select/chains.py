"""Selector steps joined by combinators.

``a b`` (descendant of), ``a > b`` (child of), ``a ~ b`` (a later sibling of) and
``a + b`` (the sibling right after). Siblings are in tree order: children sorted by start
time, as every tree of the plugin holds them. Roots have no siblings.

A chain is matched from its last step backwards, up the ancestors and back along the
siblings of the span, so only the spans a selector is asked about are looked at. A
*relative* chain (the inside of ``:has(...)``) starts at an anchor: its first step is the
span ``:has`` is asked about.

Example:
    >>> chain = Chain((Compound("a"), Compound("b")), (">",))
    >>> len(chain.compounds), chain.combinators, chain.text
    (2, ('>',), 'a > b')
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pytest_filagent_trace._select.filters import Compound
from pytest_filagent_trace._spans import SpanNode

__all__ = ["COMBINATORS", "Chain", "previous_siblings"]

COMBINATORS = (" ", ">", "~", "+")
"""Descendant, child, later sibling, next sibling."""

_Memo = dict[tuple[int, int], bool]


def previous_siblings(node: SpanNode) -> list[SpanNode]:
    """The siblings before ``node``, nearest first (none for a root).

    Example:
        >>> [n.name for n in previous_siblings(third_child)]  # doctest: +SKIP
        ['second', 'first']
    """
    parent = node.parent
    if parent is None:
        return []
    siblings = parent.children
    for index, sibling in enumerate(siblings):
        if sibling is node:
            return siblings[index - 1 :: -1] if index else []
    return []


def next_siblings(node: SpanNode) -> list[SpanNode]:
    """The siblings after ``node``, nearest first (none for a root)."""
    parent = node.parent
    if parent is None:
        return []
    siblings = parent.children
    for index, sibling in enumerate(siblings):
        if sibling is node:
            return siblings[index + 1 :]
    return []


@dataclass(frozen=True)
class Chain:
    """Steps and the combinators between them (``combinators[i]`` links steps ``i``, ``i+1``).

    In a ``relative`` chain the first step is the anchor, and only the anchor passes it.
    """

    compounds: tuple[Compound, ...]
    combinators: tuple[str, ...]
    relative: bool = False

    @property
    def text(self) -> str:
        """The chain as a selector writes it (a relative one from its first combinator)."""
        parts: list[str] = []
        for index, compound in enumerate(self.compounds):
            if index:
                combinator = self.combinators[index - 1]
                parts.append(" " if combinator == " " else f" {combinator} ")
            if index or not self.relative:
                parts.append(compound.text)
        return "".join(parts).strip()

    @property
    def subject(self) -> Compound:
        """The last step: what the selected span itself must pass."""
        return self.compounds[-1]

    def matches(self, node: SpanNode) -> bool:
        """True when ``node`` passes the last step and its relatives the ones before."""
        return self._matches(node, len(self.compounds) - 1, {}, None)

    def matches_from(self, anchor: SpanNode, node: SpanNode, memo: _Memo) -> bool:
        """For a relative chain: True when ``node`` is reached from ``anchor``."""
        return self._matches(node, len(self.compounds) - 1, memo, anchor)

    def reach(self, anchor: SpanNode) -> Iterator[SpanNode]:
        """For a relative chain: the spans its last step may be, seen from ``anchor``."""
        first = self.combinators[0]
        if first in (" ", ">"):
            below = anchor.walk()
            next(below)
            yield from below
            return
        for sibling in next_siblings(anchor):
            yield from sibling.walk()

    def _matches(self, node: SpanNode, step: int, memo: _Memo, anchor: SpanNode | None) -> bool:
        if step == 0 and self.relative:
            return node is anchor
        if not self.compounds[step].matches(node):
            return False
        if step == 0:
            return True
        key = (id(node), step)
        known = memo.get(key)
        if known is not None:
            return known
        found = any(
            self._matches(relative, step - 1, memo, anchor)
            for relative in self._relatives(node, self.combinators[step - 1])
        )
        memo[key] = found
        return found

    @staticmethod
    def _relatives(node: SpanNode, combinator: str) -> Iterator[SpanNode]:
        if combinator == ">":
            if node.parent is not None:
                yield node.parent
        elif combinator == " ":
            yield from node.ancestors()
        elif combinator == "~":
            yield from previous_siblings(node)
        else:
            yield from previous_siblings(node)[:1]
