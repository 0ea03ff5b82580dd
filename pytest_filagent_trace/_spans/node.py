"""One finished span as plain data: :class:`SpanNode` and its :class:`SpanEvent`s."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

__all__ = ["PATH_SEPARATOR", "SpanEvent", "SpanNode"]

PATH_SEPARATOR = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "
"""Separator between span names in :meth:`SpanNode.path`."""


@dataclass(frozen=True)
class SpanEvent:
    """One event recorded on a span, e.g. the ``exception`` event of a failed span."""

    name: str
    attributes: dict[str, Any]
    timestamp: int


@dataclass(eq=False)
class SpanNode:
    """One finished span, with links to its parent and children in the captured tree.

    Nodes compare by identity: two spans with equal fields are still two spans.

    Example:
        >>> node = tree.roots[0]  # doctest: +SKIP
        >>> node.name, node.kind, node.children[0].name  # doctest: +SKIP
        ('POST /chat', 'SERVER', 'agent.route')
    """

    name: str
    kind: str
    status: str
    status_description: str | None
    attributes: dict[str, Any]
    events: list[SpanEvent]
    trace_id: str
    span_id: str
    parent_span_id: str | None
    start_time: int
    end_time: int
    resource: dict[str, Any] = field(default_factory=dict)
    scope: str = ""
    children: list[SpanNode] = field(default_factory=list)
    parent: SpanNode | None = None
    orphan: bool = False

    @property
    def duration_ns(self) -> int:
        """Time between start and end, in nanoseconds."""
        return self.end_time - self.start_time

    @property
    def is_root(self) -> bool:
        """True for a span with no parent span at all (not for an orphan)."""
        return self.parent_span_id is None

    def path(self) -> str:
        """Names from the root of this node's tree down to this node.

        Example:
            >>> node.path()  # doctest: +SKIP
            'POST /chat › agent.run_with_htn › tool.execute.calculator'
        """
        names: list[str] = []
        node: SpanNode | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return PATH_SEPARATOR.join(reversed(names))

    def walk(self) -> Iterator[SpanNode]:
        """This node and every descendant, depth first, parents before children.

        Example:
            >>> [n.name for n in root.walk()]  # doctest: +SKIP
            ['POST /chat', 'agent.route', 'agent.run_simple']
        """
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def ancestors(self) -> Iterator[SpanNode]:
        """The parent, its parent, and so on up to the root."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def __repr__(self) -> str:
        # Children and parent are left out on purpose: a full recursive repr would flood
        # pytest's assertion introspection with the whole tree.
        extra = "" if self.kind == "INTERNAL" else f" [{self.kind.lower()}]"
        if self.status != "UNSET":
            extra += f" [{self.status.lower()}]"
        if self.orphan:
            extra += " (orphan)"
        return f"<SpanNode {self.path()!r}{extra} span_id={self.span_id}>"
