"""After a failed match: what differs and where, each expected span paired with the
actual span it most likely meant.

Example:
    >>> explainer = Explainer(Engine(exact=False, ordered=False))  # doctest: +SKIP
    >>> explainer.children(Children([span("refund")]), roots, None)  # doctest: +SKIP
    >>> explainer.problems[0].lines  # doctest: +SKIP
    ('missing top-level span span("refund")', 'amongst: POST /checkout')
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from types import EllipsisType

from pytest_filagent_trace._match.assignment import Assignment
from pytest_filagent_trace._match.children import Children
from pytest_filagent_trace._match.engine import Engine
from pytest_filagent_trace._match.patterns import SpanPattern, pattern_name, short
from pytest_filagent_trace._match.rules import differences
from pytest_filagent_trace._match.strictness import relax_hint
from pytest_filagent_trace._spans import MISSING, SpanNode
from pytest_filagent_trace._textform import node_head

__all__ = ["Explainer", "Problem"]

_LISTED = 5
"""How many spans an absence problem names before summing up the rest."""


@dataclass(frozen=True)
class Problem:
    """One reason a tree did not match: where (a span path), what, and a short note."""

    where: str
    lines: tuple[str, ...]
    node: SpanNode | None
    note: str
    hints: tuple[str, ...] = ()


def _names_amongst(nodes: Sequence[SpanNode], wanted: str) -> str:
    if not nodes:
        return "(none)"
    ranked = sorted(
        range(len(nodes)),
        key=lambda i: -difflib.SequenceMatcher(None, nodes[i].name, wanted).ratio(),
    )
    shown = [node_head(nodes[i], events=False) for i in ranked[:8]]
    more = len(nodes) - len(shown)
    return ", ".join(shown) + (f", and {more} more" if more > 0 else "")


def _elsewhere(
    pattern: SpanPattern, siblings: Sequence[SpanNode], parent: SpanNode | None
) -> list[str]:
    """Paths of spans with the expected name elsewhere in the same trees, a few of them."""
    if parent is None:
        tops: Sequence[SpanNode] = siblings
    else:
        top = parent
        while top.parent is not None:
            top = top.parent
        tops = [top]
    here = {id(node) for node in siblings}
    paths: list[str] = []
    found = 0
    for top in tops:
        for node in top.walk():
            if id(node) not in here and pattern.name_matcher.equals(node.name):
                found += 1
                if len(paths) < _LISTED:
                    paths.append(node.path())
    if found > len(paths):
        paths.append(f"and {found - len(paths)} more")
    return paths


def _score(pattern: SpanPattern, node: SpanNode) -> int:
    score = 0
    if pattern.kind is None or pattern.kind == node.kind:
        score += 1
    if pattern.status is None or pattern.status == node.status:
        score += 1
    for key, matcher in pattern.matchers.items():
        if matcher.equals(node.attributes.get(key, MISSING)):
            score += 2
    return score


class Explainer:
    """Collects the :class:`Problem` list of a failed match, level by level."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.problems: list[Problem] = []

    def add(
        self, node: SpanNode | None, lines: Sequence[str], note: str, *hints: str | None
    ) -> None:
        """Record a problem at ``node`` (``None``: the top level)."""
        where = node.path() if node is not None else "top level"
        kept = tuple(hint for hint in hints if hint)
        self.problems.append(Problem(where, tuple(lines), node, note, kept))

    def children(self, spec: Children, nodes: Sequence[SpanNode], parent: SpanNode | None) -> None:
        """Explain why ``nodes`` do not match ``spec`` (nothing when they do)."""
        if self.engine.children(spec, nodes):
            return
        before = len(self.problems)
        for pattern in spec.descendants:
            found = self.engine.found_below(pattern, nodes)
            if pattern.count == 0 and found:
                self.absent(pattern, found, parent)
            elif pattern.count != 0 and not found:
                self.descendant(pattern, nodes, parent)
        assignment = Assignment(self.engine, spec, nodes)
        free = [i for i in range(len(nodes)) if assignment.owner[i] < 0]
        short_of = self._unassigned(spec, assignment, nodes, free, parent)
        self._counts(spec, short_of, nodes, parent)
        self.leftovers(spec, nodes, assignment, free)
        if len(self.problems) == before and self.engine.ordered:
            self.order(spec, nodes, parent)
        if len(self.problems) == before:
            self.add(parent, ["the children do not match the expected children"], "✗ children")

    def _unassigned(
        self,
        spec: Children,
        assignment: Assignment,
        nodes: Sequence[SpanNode],
        free: list[int],
        parent: SpanNode | None,
    ) -> dict[int, int]:
        """Explain each slot left without a span; how many each count= pattern lacks."""
        short_of: dict[int, int] = {}
        for slot, index in enumerate(assignment.slot_node):
            if index >= 0:
                continue
            pattern = spec.slots[slot]
            closest = self.closest(pattern, [nodes[i] for i in free])
            if closest is not None:
                self.pair(pattern, nodes[free.pop(closest)])
            elif pattern.count is not None:
                short_of[id(pattern)] = short_of.get(id(pattern), 0) + 1
            else:
                self.missing(pattern, nodes, parent)
        return short_of

    def _counts(
        self,
        spec: Children,
        short_of: dict[int, int],
        nodes: Sequence[SpanNode],
        parent: SpanNode | None,
    ) -> None:
        for pattern in spec.count_patterns:
            if id(pattern) not in short_of:
                continue
            found = (pattern.count or 0) - short_of[id(pattern)]
            self.add(
                parent,
                [
                    f"expected {pattern.count} spans matching {short(pattern)}, found {found}",
                    f"amongst: {_names_amongst(nodes, pattern_name(pattern))}",
                ],
                f"✗ {found} of {pattern.count} {pattern_name(pattern)}",
                "missing",
            )

    def leftovers(
        self,
        spec: Children,
        nodes: Sequence[SpanNode],
        assignment: Assignment,
        free: list[int],
    ) -> None:
        """Explain the spans no slot took: unexpected (exact) or one too many (count=)."""
        if self.engine.exact and not spec.has_ellipsis:
            option = self.engine.strict.says("spans")
            for index in free:
                self.add(
                    nodes[index],
                    [f"unexpected span ({option}): no expected span is left for it"],
                    "✗ unexpected span",
                    relax_hint("extra_span", option),
                )
            return
        for index in free:
            for pattern in assignment.counted(index):
                self.add(
                    nodes[index],
                    [f"one span too many: {short(pattern)} expects count={pattern.count}"],
                    f"✗ more than {pattern.count} {pattern_name(pattern)}",
                )

    def order(self, spec: Children, nodes: Sequence[SpanNode], parent: SpanNode | None) -> None:
        """Explain children that are all there, but not in the expected order."""
        expected = ", ".join(
            "..." if isinstance(item, EllipsisType) else pattern_name(item)
            for item in spec.sequence
        )
        self.add(
            parent,
            [
                "children out of order (ordered=True)",
                f"expected: {expected}",
                f"found:    {', '.join(node.name for node in nodes)}",
            ],
            "✗ children out of order",
            "order",
        )

    def closest(self, pattern: SpanPattern, candidates: Sequence[SpanNode]) -> int | None:
        """The candidate with the expected name that matches the most, or None."""
        best: int | None = None
        best_score = -1
        for position, node in enumerate(candidates):
            if not pattern.name_matcher.equals(node.name):
                continue
            score = _score(pattern, node)
            if score > best_score:
                best, best_score = position, score
        return best

    def missing(
        self, pattern: SpanPattern, nodes: Sequence[SpanNode], parent: SpanNode | None
    ) -> None:
        """Explain an expected span that no sibling carries the name of."""
        what = "top-level span" if parent is None else "child"
        lines = [
            f"missing {what} {short(pattern)}",
            f"amongst: {_names_amongst(nodes, pattern_name(pattern))}",
        ]
        elsewhere = _elsewhere(pattern, nodes, parent)
        if elsewhere:
            lines.append("found elsewhere: " + "; ".join(elsewhere))
        self.add(parent, lines, f"✗ missing {pattern_name(pattern)}", "missing")

    def absent(
        self, pattern: SpanPattern, found: Sequence[SpanNode], parent: SpanNode | None
    ) -> None:
        """Explain spans found where ``descendant(span(..., count=0))`` wants none."""
        where = "anywhere" if parent is None else f"below {parent.path()}"
        for node in found[:_LISTED]:
            self.add(
                node,
                [f"unexpected span: descendant({short(pattern)}) wants no such span {where}"],
                f"✗ no {pattern_name(pattern)} expected",
            )
        if len(found) > _LISTED:
            self.add(
                parent,
                [f"... and {len(found) - _LISTED} more spans matching {short(pattern)}"],
                f"✗ {len(found)} {pattern_name(pattern)} spans",
            )

    def descendant(
        self, pattern: SpanPattern, nodes: Sequence[SpanNode], parent: SpanNode | None
    ) -> None:
        """Explain a ``descendant(...)`` found nowhere below ``nodes``."""
        below = [node for top in nodes for node in top.walk()]
        closest = self.closest(pattern, below)
        if closest is not None:
            self.pair(pattern, below[closest])
            return
        where = "anywhere" if parent is None else "at any depth below"
        self.add(
            parent,
            [
                f"no span {where} matches descendant({short(pattern)})",
                f"amongst: {_names_amongst(below, pattern_name(pattern))}",
            ],
            f"✗ no {pattern_name(pattern)} below",
            "missing",
        )

    def pair(self, pattern: SpanPattern, node: SpanNode) -> None:
        """Explain how ``node`` differs from ``pattern``, itself and then its children."""
        found = list(differences(pattern, node, self.engine.strict))
        if found:
            self.add(
                node,
                [d.message for d in found],
                "✗ " + "; ".join(d.note for d in found),
                *(d.hint for d in found),
            )
        if pattern.spec.items or self.engine.exact:
            self.children(pattern.spec, node.children, node)
