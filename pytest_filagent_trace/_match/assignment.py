"""A maximum assignment of expected sibling patterns to actual sibling spans.

Greedy first, then augmenting paths for the slots left over, so the result is a true
maximum matching: a pattern never fails because an earlier one took the span it needed.
Candidates come from indexes built once per sibling list, so thousands of same-named
siblings listed in any order are matched in linear time:

- by name, for a pattern with a literal name;
- by a literal attribute value (a filter: a match must hold that value);
- by subtree shape (a preference: the spans shaped like the pattern are tried first).

Example:
    >>> Assignment(engine, Children([span("a"), span("b")]), nodes).complete()
    ... # doctest: +SKIP
    True
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from pytest_filagent_trace._match.shapes import Shape
from pytest_filagent_trace._spans import MISSING, SpanNode

if TYPE_CHECKING:
    from pytest_filagent_trace._match.children import Children
    from pytest_filagent_trace._match.engine import Engine
    from pytest_filagent_trace._match.patterns import LiteralAttribute, SpanPattern

__all__ = ["Assignment"]


class _Bucket:
    """Sibling positions in their order, with a cursor past those the greedy pass took."""

    __slots__ = ("cursor", "positions")

    def __init__(self) -> None:
        self.positions: list[int] = []
        self.cursor = 0

    def first_free(self, owner: Sequence[int]) -> int | None:
        # The greedy pass never gives a span back, so taken spans are skipped for good.
        while self.cursor < len(self.positions) and owner[self.positions[self.cursor]] >= 0:
            self.cursor += 1
        return self.positions[self.cursor] if self.cursor < len(self.positions) else None


class _ValueKey(NamedTuple):
    """What a value index is keyed by: the type is part of it, as ``True`` is not ``1``."""

    type: type
    value: object


def _value_key(value: object) -> _ValueKey | None:
    """The key an actual value is indexed by, read the way typed_equal compares it."""
    for kind in (bool, int, str):
        if isinstance(value, kind):
            return _ValueKey(kind, value)
    return None


class Assignment:
    """Expected slots (``spec.slots``) assigned to sibling ``nodes``, as far as possible."""

    def __init__(self, engine: Engine, spec: Children, nodes: Sequence[SpanNode]) -> None:
        self.engine = engine
        self.spec = spec
        self.nodes = nodes
        self.slot_node = [-1] * len(spec.slots)
        self.owner = [-1] * len(nodes)
        self._all = _Bucket()
        self._all.positions = list(range(len(nodes)))
        self._by_name: dict[str, _Bucket] | None = None
        self._by_value: dict[tuple[str, str], dict[_ValueKey, _Bucket]] = {}
        self._by_shape: dict[str, dict[Shape, _Bucket]] = {}
        self._solve()

    # ----------------------------------------------------------------- indexes

    def _named(self, name: str | None) -> _Bucket:
        if name is None:
            return self._all
        if self._by_name is None:
            self._by_name = {}
            for position, node in enumerate(self.nodes):
                self._by_name.setdefault(node.name, _Bucket()).positions.append(position)
        return self._by_name.get(name) or _Bucket()

    def _valued(self, name: str, literal: LiteralAttribute) -> _Bucket:
        index = self._by_value.get((name, literal.key))
        if index is None:
            index = self._by_value[(name, literal.key)] = {}
            for position in self._named(name).positions:
                key = _value_key(self.nodes[position].attributes.get(literal.key, MISSING))
                if key is not None:
                    index.setdefault(key, _Bucket()).positions.append(position)
        return index.get(_ValueKey(literal.type, literal.value)) or _Bucket()

    def _shaped(self, name: str, shape: Shape) -> _Bucket:
        index = self._by_shape.get(name)
        if index is None:
            index = self._by_shape[name] = {}
            shapes = self.engine.shapes
            for position in self._named(name).positions:
                found = shapes.of(self.nodes[position])
                index.setdefault(found, _Bucket()).positions.append(position)
        return index.get(shape) or _Bucket()

    def _filtered(self, pattern: SpanPattern) -> _Bucket:
        """The siblings that may match ``pattern``: by name, then by a literal value."""
        if pattern.literal is not None and pattern.literal_attribute is not None:
            return self._valued(pattern.literal, pattern.literal_attribute)
        return self._named(pattern.literal)

    def candidates(self, slot: int) -> Sequence[int]:
        """The positions of the siblings that may match slot ``slot``."""
        return self._filtered(self.spec.slots[slot]).positions

    # ----------------------------------------------------------------- solving

    def edge(self, slot: int, index: int) -> bool:
        """True when slot ``slot`` matches the sibling at ``index``."""
        return self.engine.node(self.spec.slots[slot], self.nodes[index])

    def _take(self, slot: int, index: int) -> None:
        self.slot_node[slot] = index
        self.owner[index] = slot

    def _solve(self) -> None:
        for slot in range(len(self.spec.slots)):
            self._greedy(slot)
        for slot, index in enumerate(self.slot_node):
            if index < 0:
                self._augment(slot)

    def _greedy(self, slot: int) -> None:
        pattern = self.spec.slots[slot]
        filtered = self._filtered(pattern)
        first = [filtered]
        if pattern.literal is not None and pattern.shape is not None:
            first.insert(0, self._shaped(pattern.literal, pattern.shape))
        for bucket in first:
            index = bucket.first_free(self.owner)
            if index is not None and self.edge(slot, index):
                self._take(slot, index)
                return
        for index in filtered.positions:
            if self.owner[index] < 0 and self.edge(slot, index):
                self._take(slot, index)
                return

    def _augment(self, root: int) -> bool:
        seen: set[int] = set()
        stack = [(root, iter(self.candidates(root)))]
        via: list[int] = []
        while stack:
            slot, candidates = stack[-1]
            for index in candidates:
                if index in seen or not self.edge(slot, index):
                    continue
                seen.add(index)
                holder = self.owner[index]
                if holder < 0:
                    self._shift(stack, via, index)
                    return True
                stack.append((holder, iter(self.candidates(holder))))
                via.append(index)
                break
            else:
                stack.pop()
                if via:
                    via.pop()
        return False

    def _shift(self, stack: Sequence[tuple[int, object]], via: Sequence[int], end: int) -> None:
        # Every slot on the augmenting path moves to the sibling it reached.
        target = end
        for depth in range(len(stack) - 1, -1, -1):
            self._take(stack[depth][0], target)
            if depth:
                target = via[depth - 1]

    def complete(self) -> bool:
        """True when every slot has a sibling."""
        return all(index >= 0 for index in self.slot_node)

    # ----------------------------------------------------------------- count=

    def counted(self, index: int) -> list[SpanPattern]:
        """The ``count=`` patterns that ``nodes[index]`` matches."""
        node = self.nodes[index]
        return [p for p in self.spec.count_patterns if self.engine.node(p, node)]

    def cover_counted(self) -> bool:
        """Make every node that matches a ``count=`` pattern assigned to some slot.

        A node left over that matches ``span(..., count=n)`` would be an n+1-th match. Each
        such node is brought in along an alternating path that frees a node no count
        pattern matches (Mendelsohn-Dulmage), keeping every slot assigned.
        """
        must = {i for i in range(len(self.nodes)) if self.counted(i)}
        for index in sorted(must):
            if self.owner[index] < 0 and not self._bring_in(index, must):
                return False
        return True

    def _bring_in(self, start: int, must: set[int]) -> bool:
        came_from: dict[int, _Step] = {}
        seen = {start}
        queue = deque([start])
        while queue:
            index = queue.popleft()
            name = self.nodes[index].name
            for slot, pattern in enumerate(self.spec.slots):
                if pattern.literal is not None and pattern.literal != name:
                    continue
                held = self.slot_node[slot]
                if held in seen or not self.edge(slot, index):
                    continue
                seen.add(held)
                came_from[held] = _Step(slot, index)
                if held not in must:
                    self.owner[held] = -1
                    node = held
                    while node != start:
                        step = came_from[node]
                        self._take(step.slot, step.previous)
                        node = step.previous
                    return True
                queue.append(held)
        return False


class _Step(NamedTuple):
    """How an alternating path reached a sibling: through ``slot``, from ``previous``."""

    slot: int
    previous: int
