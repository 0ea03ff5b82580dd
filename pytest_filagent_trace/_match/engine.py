"""The engine: decides whether patterns match spans, level by level.

``exact`` and ``ordered`` apply at every level. Every (pattern, span) verdict is
remembered for the run, so a subtree is matched once however many siblings, candidates
or explanations ask about it. Unordered siblings go to :class:`Assignment`.

Example:
    >>> Engine(exact=False, ordered=False).children(Children([span("a")]), roots)
    ... # doctest: +SKIP
    True
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pytest_filagent_trace._match.assignment import Assignment
from pytest_filagent_trace._match.events import assign
from pytest_filagent_trace._match.matchers import Matcher
from pytest_filagent_trace._match.rules import matches_locally
from pytest_filagent_trace._match.shapes import Shapes
from pytest_filagent_trace._match.strictness import Strictness
from pytest_filagent_trace._spans import SpanNode

if TYPE_CHECKING:
    from pytest_filagent_trace._match.children import Children
    from pytest_filagent_trace._match.patterns import SpanPattern

__all__ = ["Engine", "room_for"]


class Engine:
    """Decides whether patterns match nodes, remembering each verdict for the run."""

    __slots__ = ("_seen", "exact", "ordered", "shapes", "strict")

    def __init__(self, *, exact: bool | Strictness, ordered: bool) -> None:
        self.strict = exact if isinstance(exact, Strictness) else Strictness.given(exact)
        # Whether spans the expectation does not list are refused, at every level.
        self.exact = self.strict.spans
        self.ordered = ordered
        self.shapes = Shapes()
        self._seen: dict[tuple[int, int], bool] = {}

    def node(self, pattern: SpanPattern, node: SpanNode) -> bool:
        """True when ``node`` and its subtree match ``pattern``."""
        key = (id(pattern), id(node))
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._node(pattern, node)
        return found

    def _node(self, pattern: SpanPattern, node: SpanNode) -> bool:
        if not matches_locally(pattern, node, self.strict):
            return False
        spec = pattern.spec
        if not spec.items:
            return not self.exact or not node.children
        return self.children(spec, node.children)

    def found_below(self, pattern: SpanPattern, nodes: Sequence[SpanNode]) -> list[SpanNode]:
        """Every span in the subtrees of ``nodes`` (themselves included) matching ``pattern``."""
        literal = pattern.literal
        return [
            node
            for top in nodes
            for node in top.walk()
            if (literal is None or node.name == literal) and self.node(pattern, node)
        ]

    def descendants(self, patterns: Sequence[SpanPattern], nodes: Sequence[SpanNode]) -> bool:
        """Each pattern matches a distinct span somewhere in the subtrees of ``nodes``, and
        those with ``count=0`` match none."""
        if any(p.count == 0 and self.found_below(p, nodes) for p in patterns):
            return False
        patterns = [pattern for pattern in patterns if pattern.count != 0]
        found = [self.found_below(pattern, nodes) for pattern in patterns]
        if not all(found):
            return False
        if len(patterns) <= 1:
            return True
        placed = assign(
            [_MemberOf(candidates) for candidates in found],
            list({id(n): n for candidates in found for n in candidates}.values()),
        )
        return len(placed) == len(patterns)

    def children(self, spec: Children, nodes: Sequence[SpanNode]) -> bool:
        """True when ``nodes`` (siblings, or roots) match the expected children ``spec``."""
        if not self._room(spec, len(nodes)):
            return False
        if spec.descendants and not self.descendants(spec.descendants, nodes):
            return False
        if not spec.slots and not spec.count_patterns:
            return True
        if self.ordered:
            return self._ordered(spec, nodes)
        if not spec.count_patterns and self._aligned(spec.slots, nodes):
            return True
        assignment = Assignment(self, spec, nodes)
        if not assignment.complete():
            return False
        return not (spec.count_patterns and self._extra(spec)) or assignment.cover_counted()

    def _extra(self, spec: Children) -> bool:
        """Whether spans other than the expected ones may sit among these siblings."""
        return not self.exact or spec.has_ellipsis

    def _room(self, spec: Children, present: int) -> bool:
        wanted = len(spec.slots)
        return wanted <= present and (self._extra(spec) or wanted == present)

    def _aligned(self, slots: Sequence[SpanPattern], nodes: Sequence[SpanNode]) -> bool:
        # An expectation written in the tree's own order matches position by position;
        # that is a valid assignment, found without building any index.
        # A plain loop: all() over a generator would put each tree level on the C stack.
        for slot, node in zip(slots, nodes, strict=False):  # noqa: SIM110
            if not self.node(slot, node):
                return False
        return True

    def _ordered(self, spec: Children, nodes: Sequence[SpanNode]) -> bool:
        if not self.exact and not spec.count_patterns:
            return self._in_sequence(spec, nodes)
        allow_extra = self._extra(spec)
        sequence = spec.sequence
        states = {0, _skip_ellipses(sequence, 0)}
        for node in nodes:
            free = not any(self.node(pattern, node) for pattern in spec.count_patterns)
            following: set[int] = set()
            for state in states:
                following.update(self._steps(sequence, state, node, free, allow_extra))
            if not following:
                return False
            states = following | {_skip_ellipses(sequence, state) for state in following}
        return len(sequence) in states

    def _steps(
        self,
        sequence: Sequence[SpanPattern | Any],
        state: int,
        node: SpanNode,
        free: bool,
        allow_extra: bool,
    ) -> Iterator[int]:
        """The positions in ``sequence`` reachable from ``state`` by reading ``node``."""
        if state < len(sequence):
            slot = sequence[state]
            if slot is ...:
                if allow_extra and free:
                    yield state
            elif self.node(slot, node):
                yield state + 1
        if free and not self.exact:
            yield state

    def _in_sequence(self, spec: Children, nodes: Sequence[SpanNode]) -> bool:
        # Free skipping: the earliest match of each pattern is always the best one.
        sequence = spec.sequence
        position = _skip_ellipses(sequence, 0)
        for node in nodes:
            if position == len(sequence):
                break
            slot = sequence[position]
            if slot is not ... and self.node(slot, node):
                position = _skip_ellipses(sequence, position + 1)
        return position == len(sequence)


def _skip_ellipses(sequence: Sequence[object], position: int) -> int:
    while position < len(sequence) and sequence[position] is ...:
        position += 1
    return position


class _MemberOf(Matcher):
    __slots__ = ("ids",)

    def __init__(self, nodes: Iterable[SpanNode]) -> None:
        self.ids = {id(node) for node in nodes}

    def equals(self, value: Any) -> bool:
        return id(value) in self.ids

    def __repr__(self) -> str:
        return f"<one of {len(self.ids)} spans>"


@contextmanager
def room_for(spec: Children) -> Iterator[None]:
    """Enough recursion depth to match ``spec``.

    Matching recurses a few frames per level of the expected tree; a trace hundreds of
    levels deep (a traced recursive algorithm) must not hit Python's recursion limit.

    Example:
        >>> with room_for(pattern.spec):  # doctest: +SKIP
        ...     engine.node(pattern, node)
    """
    needed = 8 * spec.depth + 1_000
    current = sys.getrecursionlimit()
    if needed <= current:
        yield
        return
    sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        sys.setrecursionlimit(current)
