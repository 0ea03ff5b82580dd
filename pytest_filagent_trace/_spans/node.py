"""One finished span as plain data: :class:`SpanNode` and its :class:`SpanEvent`s."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import ReadableSpan

    from pytest_filagent_trace._spans.convert import SpanReader

__all__ = ["PATH_SEPARATOR", "SpanEvent", "SpanLink", "SpanNode"]

PATH_SEPARATOR = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "
"""Separator between span names in :meth:`SpanNode.path`."""

# The fields a node built from an SDK span reads only when one of them is first asked
# for (see ``SpanNode.__getattr__``); the tree is built from the others alone.
_DEFERRED = frozenset(
    {
        "kind",
        "status",
        "status_description",
        "attributes",
        "events",
        "trace_id",
        "span_id",
        "parent_span_id",
        "resource",
        "scope",
        "scope_version",
        "schema_url",
        "sampled",
        "trace_state",
        "links",
    }
)


@dataclass(frozen=True)
class SpanLink:
    """A link from a span to another span context, with the link's attributes.

    ``target`` is the linked span when it is among the spans linked together with this
    one (the same capture or ``build_trees`` call), else None: a link to a span outside
    the capture still has its ids.
    """

    trace_id: str
    span_id: str
    attributes: dict[str, Any]
    target: SpanNode | None = field(default=None, compare=False, repr=False)

    def __repr__(self) -> str:
        where = self.target.path() if self.target is not None else "outside the capture"
        return f"<SpanLink to {where!r} span_id={self.span_id}>"


@dataclass(frozen=True)
class SpanEvent:
    """One event recorded on a span, e.g. the ``exception`` event of a failed span."""

    name: str
    attributes: dict[str, Any]
    timestamp: int


class SpanNode:
    """One finished span, with links to its parent and children in the captured tree.

    Nodes compare by identity: two spans with equal fields are still two spans. A node
    made from an SDK span by the plugin reads the span's name and times at once and every
    other field from the span the first time any of them is asked for, so building the
    trees of a large capture costs little more than linking them.

    Example:
        >>> node = tree.roots[0]  # doctest: +SKIP
        >>> node.name, node.kind, node.children[0].name  # doctest: +SKIP
        ('POST /chat', 'SERVER', 'agent.route')
    """

    __slots__ = (
        "_reader",
        "_span",
        "attributes",
        "children",
        "end_time",
        "events",
        "kind",
        "links",
        "name",
        "orphan",
        "parent",
        "parent_span_id",
        "resource",
        "sampled",
        "schema_url",
        "scope",
        "scope_version",
        "span_id",
        "start_time",
        "status",
        "status_description",
        "trace_id",
        "trace_state",
    )

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
    resource: dict[str, Any]
    scope: str
    children: list[SpanNode]
    parent: SpanNode | None
    orphan: bool
    scope_version: str | None
    schema_url: str | None
    sampled: bool
    links: list[SpanLink]
    trace_state: str
    _span: ReadableSpan | None
    _reader: SpanReader | None

    def __init__(  # noqa: PLR0917 - positional as the dataclass it replaces
        self,
        name: str,
        kind: str,
        status: str,
        status_description: str | None,
        attributes: dict[str, Any],
        events: list[SpanEvent],
        trace_id: str,
        span_id: str,
        parent_span_id: str | None,
        start_time: int,
        end_time: int,
        resource: dict[str, Any] | None = None,
        scope: str = "",
        children: list[SpanNode] | None = None,
        parent: SpanNode | None = None,
        orphan: bool = False,
        scope_version: str | None = None,
        schema_url: str | None = None,
        sampled: bool = True,
        links: list[SpanLink] | None = None,
        trace_state: str = "",
    ) -> None:
        self.name = name
        self.kind = kind
        self.status = status
        self.status_description = status_description
        self.attributes = attributes
        self.events = events
        self.trace_id = trace_id
        self.span_id = span_id
        self.parent_span_id = parent_span_id
        self.start_time = start_time
        self.end_time = end_time
        self.resource = {} if resource is None else resource
        self.scope = scope
        self.children = [] if children is None else children
        self.parent = parent
        self.orphan = orphan
        self.scope_version = scope_version
        self.schema_url = schema_url
        self.sampled = sampled
        self.links = [] if links is None else links
        self.trace_state = trace_state
        self._span = None
        self._reader = None

    @classmethod
    def deferred(
        cls, name: str, start_time: int, end_time: int, span: ReadableSpan, reader: SpanReader
    ) -> SpanNode:
        """A node whose other fields ``reader`` reads from ``span`` when first asked for."""
        node = cls.__new__(cls)
        node.name = name
        node.start_time = start_time
        node.end_time = end_time
        node.children = []
        node.parent = None
        node.orphan = False
        node._span = span
        node._reader = reader
        return node

    def __getattr__(self, field: str) -> Any:
        # Called only for a slot that holds nothing yet: a deferred field of a node made
        # by ``deferred``. Its group of fields is read from the span, then the slots are
        # plain attributes again.
        reader = self._reader if field in _DEFERRED else None
        if reader is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {field!r}")
        reader.fill(self, field)
        return getattr(self, field)

    def __getstate__(self) -> dict[str, Any]:
        # Copies and pickles hold the fields, never the SDK span they were read from.
        state = {name: getattr(self, name) for name in _DEFERRED}
        state.update(
            (name, getattr(self, name))
            for name in ("name", "start_time", "end_time", "children", "parent", "orphan")
        )
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._span = None
        self._reader = None

    def unlinked(self) -> SpanNode:
        """A copy of this node with no parent, no children and no orphan mark."""
        return SpanNode(
            name=self.name,
            kind=self.kind,
            status=self.status,
            status_description=self.status_description,
            attributes=self.attributes,
            events=self.events,
            trace_id=self.trace_id,
            span_id=self.span_id,
            parent_span_id=self.parent_span_id,
            start_time=self.start_time,
            end_time=self.end_time,
            resource=self.resource,
            scope=self.scope,
            scope_version=self.scope_version,
            schema_url=self.schema_url,
            sampled=self.sampled,
            links=list(self.links),
            trace_state=self.trace_state,
        )

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
