"""Canonical subtree shapes: a hashable summary of the names in a subtree.

Same-named siblings that only their children tell apart are bucketed by shape, so each
expected span first tries the actual spans shaped like it instead of every sibling. A
shape is a digest: two subtrees with equal shapes are only likely alike, and every
candidate is still matched in full.

Example:
    >>> shape("task", [shape("step", [])]) == shape("task", [shape("step", [])])
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NewType

from pytest_filagent_trace._spans import SpanNode

__all__ = ["Shape", "Shapes", "shape"]

Shape = NewType("Shape", int)


def shape(name: str, children: Iterable[Shape]) -> Shape:
    """The shape of a span named ``name`` whose children have the shapes ``children``;
    the children's order does not count.

    Example:
        >>> b, c = shape("b", []), shape("c", [])
        >>> shape("a", [b, c]) == shape("a", [c, b])
        True
    """
    return Shape(hash((name, tuple(sorted(children)))))


class Shapes:
    """The shapes of actual spans, each computed once per match run.

    Example:
        >>> Shapes().of(node) == shape(node.name, [])  # doctest: +SKIP
        True
    """

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[int, Shape] = {}

    def of(self, node: SpanNode) -> Shape:
        """The shape of ``node``'s subtree, without recursion, so a trace thousands of
        levels deep is summarised too."""
        known = self._known
        found = known.get(id(node))
        if found is None:
            # walk() lists every span before its descendants: reversed, children come first.
            for each in reversed(list(node.walk())):
                if id(each) not in known:
                    known[id(each)] = shape(each.name, [known[id(c)] for c in each.children])
            found = known[id(node)]
        return found
