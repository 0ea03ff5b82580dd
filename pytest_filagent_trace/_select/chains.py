"""Selector steps joined by combinators: ``a > b`` (child of) and ``a b`` (descendant of).

A chain is matched from its last step backwards, up the ancestors of the span, so only
the spans a selector is asked about are looked at.

Example:
    >>> chain = Chain((Compound("a", (), ()), Compound("b", (), ())), (">",))
    >>> len(chain.compounds), chain.combinators
    (2, ('>',))
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_filagent_trace._select.filters import Compound
from pytest_filagent_trace._spans import SpanNode

__all__ = ["Chain"]


@dataclass(frozen=True)
class Chain:
    """Steps and the combinators between them (``combinators[i]`` links steps ``i``, ``i+1``)."""

    compounds: tuple[Compound, ...]
    combinators: tuple[str, ...]

    def matches(self, node: SpanNode) -> bool:
        """True when ``node`` passes the last step and its ancestors the ones before."""
        return self._matches(node, len(self.compounds) - 1, {})

    def _matches(self, node: SpanNode, step: int, memo: dict[tuple[int, int], bool]) -> bool:
        if not self.compounds[step].matches(node):
            return False
        if step == 0:
            return True
        key = (id(node), step)
        if key in memo:
            return memo[key]
        if self.combinators[step - 1] == ">":
            parent = node.parent
            found = parent is not None and self._matches(parent, step - 1, memo)
        else:
            found = any(self._matches(a, step - 1, memo) for a in node.ancestors())
        memo[key] = found
        return found
