"""Selector steps joined by combinators.

``a b`` (descendant of), ``a > b`` (child of), ``a ~ b`` (a later sibling of) and
``a + b`` (the sibling right after). Siblings are in tree order: children sorted by start
time, as every tree of the plugin holds them. Roots have no siblings.

A chain is matched from its last step backwards, up the ancestors and back along the
siblings of the span, so only the spans a selector is asked about are looked at. A
:class:`Walk` remembers, for one pass over a capture, which spans passed which step and
whether some ancestor or earlier sibling did, so each question is answered once and a
selector stays linear in the number of spans. A *relative* chain (the inside of
``:has(...)``) starts at an anchor: its first step is the span ``:has`` is asked about.

Example:
    >>> chain = Chain((Compound("a"), Compound("b")), (">",))
    >>> len(chain.compounds), chain.combinators, chain.text
    (2, ('>',), 'a > b')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pytest_filagent_trace._select.filters import Compound
from pytest_filagent_trace._select.walk import Walk
from pytest_filagent_trace._spans import SpanNode

__all__ = ["COMBINATORS", "Chain"]

COMBINATORS = (" ", ">", "~", "+")
"""Descendant, child, later sibling, next sibling."""


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

    def matches(self, node: SpanNode, walk: Walk | None = None) -> bool:
        """True when ``node`` passes the last step and its relatives the ones before.

        ``walk`` carries what earlier questions of the same pass learnt (for a relative
        chain, it names the anchor).
        """
        if walk is None:
            walk = Walk()
        if len(self.compounds) == 1:
            return self.compounds[0].matches(node, walk)  # nothing to remember for one step
        return self._matches(node, len(self.compounds) - 1, walk)

    def reach(self, anchor: SpanNode, walk: Walk) -> Iterator[SpanNode]:
        """For a relative chain: the spans its last step may be, seen from ``anchor``."""
        if self.combinators[0] in (" ", ">"):
            below = anchor.walk()
            next(below)
            yield from below
            return
        for sibling in walk.following(anchor):
            yield from sibling.walk()

    def _matches(self, node: SpanNode, step: int, walk: Walk) -> bool:
        if step == 0 and self.relative:
            return node is walk.anchor
        key = (id(node), step)
        known = walk.passed.get(key)
        if known is not None:
            return known
        found = self.compounds[step].matches(node, walk)
        if found and step > 0:
            combinator = self.combinators[step - 1]
            if combinator == ">":
                found = node.parent is not None and self._matches(node.parent, step - 1, walk)
            elif combinator == "+":
                previous = walk.previous(node)
                found = previous is not None and self._matches(previous, step - 1, walk)
            elif combinator == " ":
                found = self._some_ancestor(node, step - 1, walk)
            else:
                found = self._some_sibling_before(node, step - 1, walk)
        walk.passed[key] = found
        return found

    def _some_ancestor(self, node: SpanNode, step: int, walk: Walk) -> bool:
        return self._some_along(node, step, walk, walk.under, lambda span: span.parent)

    def _some_sibling_before(self, node: SpanNode, step: int, walk: Walk) -> bool:
        return self._some_along(node, step, walk, walk.before, walk.previous)

    def _some_along(
        self,
        node: SpanNode,
        step: int,
        walk: Walk,
        answered: dict[tuple[int, int], bool],
        next_of: Callable[[SpanNode], SpanNode | None],
    ) -> bool:
        # Along the parents (or the earlier siblings) until one passes or one already
        # answered: every span on the way gets the same answer, so a deep tree or a long
        # list of siblings is read once per step, not once per span.
        pending: list[SpanNode] = []
        current = node
        answer = False
        while True:
            known = answered.get((id(current), step))
            if known is not None:
                answer = known
                break
            pending.append(current)
            following = next_of(current)
            if following is None:
                break
            if self._matches(following, step, walk):
                answer = True
                break
            current = following
        for visited in pending:
            answered[(id(visited), step)] = answer
        return answer
