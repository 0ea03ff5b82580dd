"""Where expected children are listed: :class:`DescendantPattern` and the compiled list.

A list of expected children (or of expected roots) mixes span patterns, ``...`` and
``descendant(...)``; :class:`Children` sorts them into what the engine asks about.

Example:
    >>> Children([]).plain
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, Any, TypeAlias

from pytest_filagent_trace._match.engine import Engine
from pytest_filagent_trace._match.matchers import Matcher
from pytest_filagent_trace._spans import SpanNode

if TYPE_CHECKING:
    from pytest_filagent_trace._match.patterns import SpanPattern

__all__ = ["NO_CHILDREN", "Child", "Children", "DescendantPattern"]


class DescendantPattern(Matcher):
    """A span at any depth below the parent it is listed under (see :func:`descendant`).

    Example:
        >>> descendant("GET /search").pattern  # doctest: +SKIP
        span("GET /search")
    """

    __slots__ = ("pattern",)

    def __init__(self, pattern: SpanPattern) -> None:
        self.pattern = pattern

    def equals(self, value: Any) -> bool:
        if isinstance(value, SpanNode):
            return Engine(exact=False, ordered=False).descendants([self.pattern], [value])
        return False

    def __repr__(self) -> str:
        return f"descendant({self.pattern!r})"


Child: TypeAlias = "SpanPattern | DescendantPattern | EllipsisType"
"""One expected child as listed: a span pattern, a descendant, or ``...``."""


class Children:
    """The compiled form of a list of expected children (or of expected roots).

    Example:
        >>> Children([span("a", count=2), ...]).slots  # doctest: +SKIP
        (span("a", count=2), span("a", count=2))
    """

    __slots__ = (
        "count_patterns",
        "depth",
        "descendants",
        "has_ellipsis",
        "items",
        "plain",
        "sequence",
        "slots",
    )

    def __init__(self, items: Sequence[Child]) -> None:
        # Tuples: a compiled level never changes, and the children of a leaf (most
        # patterns) then cost no objects at all.
        self.items = tuple(items)
        slots: list[SpanPattern] = []
        sequence: list[SpanPattern | EllipsisType] = []
        count_patterns: list[SpanPattern] = []
        descendants: list[SpanPattern] = []
        # How many pattern levels deep these children go, for room_for. Children are
        # built before their parent, so each level reads the depth found below it.
        self.depth = 0
        for item in self.items:
            if isinstance(item, EllipsisType):
                sequence.append(...)
                continue
            if isinstance(item, DescendantPattern):
                descendants.append(item.pattern)
                below = item.pattern.spec
            else:
                copies = 1 if item.count is None else item.count
                if item.count is not None:
                    count_patterns.append(item)
                slots.extend([item] * copies)
                sequence.extend([item] * copies)
                below = item.spec
            self.depth = max(self.depth, below.depth + 1)
        self.slots = tuple(slots)
        self.sequence = tuple(sequence)
        self.count_patterns = tuple(count_patterns)
        self.descendants = tuple(descendants)
        # A descendant skips the spans on its way, so the level it sits in is open too.
        # An absence (count=0) checks the subtrees without standing for any child.
        self.has_ellipsis = any(p.count != 0 for p in descendants) or any(
            item is ... for item in self.items
        )
        self.plain = not self.has_ellipsis and not self.count_patterns


NO_CHILDREN = Children(())
"""The children of a leaf pattern: one shared, unchanging instance, as most patterns are
leaves."""
