"""Span patterns: :func:`span`, :func:`descendant`, and the compiled list of children.

A pattern reads like the tree it expects::

    span("POST /chat",
        span("agent.route", attributes={"route.mode": "htn"}),
        span("agent.run_with_htn",
            span("tool.execute.*", attributes={"tool.execution.success": True}, count=2),
        ),
        kind="SERVER",
    )

Example:
    >>> span("POST /chat", span("agent.route"), kind="server")
    span("POST /chat", span("agent.route"), kind="SERVER")
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import EllipsisType
from typing import Any, NamedTuple

from pytest_filagent_trace._match.budgets import DurationBudget
from pytest_filagent_trace._match.children import (
    NO_CHILDREN,
    Child,
    Children,
    DescendantPattern,
)
from pytest_filagent_trace._match.engine import Engine, room_for
from pytest_filagent_trace._match.events import EventPattern, attributes_repr
from pytest_filagent_trace._match.links import LinkPattern
from pytest_filagent_trace._match.markers import normalize_kind, normalize_status
from pytest_filagent_trace._match.matchers import (
    ANY,
    Equals,
    Matcher,
    Name,
    as_matcher,
    name_matcher,
)
from pytest_filagent_trace._match.origin import Origin
from pytest_filagent_trace._match.pattern_args import (
    checked_count,
    checked_flag,
    expected_duration,
    expected_events,
    expected_links,
)
from pytest_filagent_trace._match.shapes import Shape, shape
from pytest_filagent_trace._spans import SpanNode, SpanTree, roots_of
from pytest_filagent_trace._textform import format_value

__all__ = [
    "LiteralAttribute",
    "SpanPattern",
    "child",
    "descendant",
    "pattern_name",
    "short",
    "span",
]


class LiteralAttribute(NamedTuple):
    """An expected attribute given as a plain str, int or bool: spans can be looked up by it."""

    key: str
    type: type
    value: Any


def _literal_attribute(attributes: Mapping[str, Matcher]) -> LiteralAttribute | None:
    for key, matcher in attributes.items():
        if isinstance(matcher, Equals) and type(matcher.value) in (str, int, bool):
            return LiteralAttribute(key, type(matcher.value), matcher.value)
    return None


class SpanPattern(Matcher):
    """An expected span: built with :func:`span`, its ``repr`` is the call that built it.

    ``pattern == node`` matches one :class:`SpanNode` (and its subtree), or any root of a
    :class:`SpanTree`, with ``exact=False, ordered=False``.

    Example:
        >>> span("agent.route", attributes={"route.mode": "htn"}).attributes
        {'route.mode': "htn"}
    """

    __slots__ = (
        "_attributes",
        "_children",
        "_description",
        "_name",
        "attribute_keys",
        "count",
        "duration",
        "events",
        "events_open",
        "exact_attributes",
        "kind",
        "links",
        "literal",
        "literal_attribute",
        "name",
        "origin",
        "orphan",
        "shape",
        "status",
    )

    def __init__(
        self,
        name: Any = ...,
        children: Iterable[Any] = (),
        *,
        kind: Any = None,
        status: Any = None,
        attributes: Mapping[str, Any] | None = None,
        events: Iterable[str | EventPattern | EllipsisType] | None = None,
        count: int | None = None,
        orphan: bool | None = None,
        duration: Any = None,
        exact_attributes: bool | None = None,
        scope: Any = None,
        scope_version: Any = None,
        schema_url: Any = None,
        resource: Mapping[str, Any] | None = None,
        sampled: bool | None = None,
        links: Iterable[LinkPattern] | None = None,
    ) -> None:
        self.name = name
        self._name = name_matcher(name, "span(name)")
        self.kind = normalize_kind(kind)
        self.status, description = normalize_status(status)
        self._description = None if description is None else Name(description)
        self.count = checked_count(count)
        self.orphan = orphan
        self.duration = expected_duration(duration)
        self.exact_attributes = checked_flag(exact_attributes, "exact_attributes")
        self.origin = Origin.of(scope, scope_version, schema_url, resource, sampled)
        self.links = expected_links(links)
        self._attributes = {key: as_matcher(value) for key, value in (attributes or {}).items()}
        self.attribute_keys = frozenset(self._attributes)
        self.literal_attribute = _literal_attribute(self._attributes)
        self.events, self.events_open = expected_events(events)
        items = [child(item) for item in children]
        self._children = Children(items) if items else NO_CHILDREN
        self.literal = self._name.literal if isinstance(self._name, Name) else None
        self.shape = self._shape()

    def _shape(self) -> Shape | None:
        # Only a literal name over plain literal children pins the shape of a match.
        spec = self._children
        if self.literal is None or not spec.plain:
            return None
        below = [slot.shape for slot in spec.slots]
        if any(found is None for found in below):
            return None
        return shape(self.literal, [found for found in below if found is not None])

    @property
    def attributes(self) -> dict[str, Matcher]:
        """The expected attributes, each as its matcher."""
        return dict(self._attributes)

    @property
    def matchers(self) -> Mapping[str, Matcher]:
        """The expected attributes, each as its matcher, without a copy."""
        return self._attributes

    @property
    def name_matcher(self) -> Matcher:
        """The matcher for the span name."""
        return self._name

    @property
    def description(self) -> Name | None:
        """The matcher for the status description, when one is expected."""
        return self._description

    @property
    def spec(self) -> Children:
        """The expected children, compiled."""
        return self._children

    @property
    def children(self) -> tuple[Child, ...]:
        """The expected children, ``...`` included."""
        return self._children.items

    def equals(self, value: Any) -> bool:
        if not isinstance(value, (SpanNode, SpanTree)):
            return False
        spec = Children([self, ...])
        with room_for(spec):
            return Engine(exact=False, ordered=False).children(spec, roots_of(value))

    def _repr(self, depth: int | None) -> str:
        args: list[str] = []
        items = self._children.items
        if self._name is not ANY or items:
            args.append(repr(self._name))
        if items and depth is not None and depth <= 0:
            args.append(f"<{len(items)} child{'ren' if len(items) != 1 else ''}>")
        elif items:
            args.extend(_item_repr(item, None if depth is None else depth - 1) for item in items)
        return f"span({', '.join(args + self._keyword_reprs())})"

    def _keyword_reprs(self) -> list[str]:
        args: list[str] = []
        if self.kind is not None:
            args.append(f"kind={format_value(self.kind)}")
        if self.status is not None:
            status = self.status
            if self._description is not None:
                status = f"{status}: {self._description.pattern}"
            args.append(f"status={format_value(status)}")
        if self._attributes:
            args.append(f"attributes={attributes_repr(self._attributes)}")
        if self.events is not None:
            shown = [e.short() for e in self.events] + (["..."] if self.events_open else [])
            args.append("events=[" + ", ".join(shown) + "]")
        if self.count is not None:
            args.append(f"count={self.count}")
        if self.orphan is not None:
            args.append(f"orphan={self.orphan}")
        if self.exact_attributes is not None:
            args.append(f"exact_attributes={self.exact_attributes}")
        if self.origin is not None:
            args.extend(self.origin.reprs())
        if self.links is not None:
            args.append("links=[" + ", ".join(map(repr, self.links)) + "]")
        if isinstance(self.duration, DurationBudget):
            args.append(f"duration={format_value(self.duration.text)}")
        elif self.duration is not None:
            args.append(f"duration={self.duration!r}")
        return args

    def __repr__(self) -> str:
        return self._repr(None)


def span(
    name: Any = ...,
    /,
    *nested: Any,
    children: Iterable[Any] | None = None,
    kind: Any = None,
    status: Any = None,
    attributes: Mapping[str, Any] | None = None,
    events: Iterable[str | EventPattern | EllipsisType] | None = None,
    count: int | None = None,
    orphan: bool | None = None,
    duration: Any = None,
    exact_attributes: bool | None = None,
    scope: Any = None,
    scope_version: Any = None,
    schema_url: Any = None,
    resource: Mapping[str, Any] | None = None,
    sampled: bool | None = None,
    links: Iterable[LinkPattern] | None = None,
) -> SpanPattern:
    """An expected span, its children given after the name (or as ``children=[...]``).

    - ``name``: exact, a glob (``"tool.execute.*"``) or a compiled regex (whole name);
      left out, any name.
    - children: ``span(...)`` patterns, plain names, :func:`descendant` patterns, and
      ``...`` for "any other spans here".
    - ``kind``: ``"SERVER"``, ``"CLIENT"``, ... (any case, or ``SpanKind.SERVER``).
    - ``status``: ``"OK"``, ``"ERROR"`` or ``"ERROR: description"`` (description exact
      or glob).
    - ``attributes``: key to expected value or matcher; extra attributes are fine unless
      ``exact=True``.
    - ``events``: event names (or :func:`event` patterns) that must be there, each a
      different event; ``...`` among them allows any number of other events, even with
      ``exact=True`` (without it, exact matching wants exactly the listed events).
    - ``count``: exactly this many siblings match this pattern (``0``: none does).
    - ``orphan``: whether the span's parent was missing from the capture.
    - ``duration``: a budget, ``"< 50ms"`` (``<``, ``<=``, ``>``, ``>=``; ``ns``, ``µs``,
      ``us``, ``ms``, ``s``) or relative, ``"< 30% parent"``, ``"< 10% trace"``; or a
      matcher or predicate of the duration in nanoseconds.
    - ``exact_attributes``: ``True``: the span holds no attribute but those listed (as
      ``span.attributes == {...}``), whatever the options of the assertion; ``False``:
      extra attributes are fine here even with ``exact=True``.
    - ``scope``, ``scope_version``, ``schema_url``: the instrumentation scope that made the
      span (its name as a name is matched: exact, glob or regex; the others as values);
      ``resource``: expected resource attributes, as ``attributes`` (extra ones are fine);
      ``sampled``: the span context's sampled flag.
    - ``links``: :func:`link` patterns, each matching a different link of the span.

    Example:
        >>> span("POST /chat", span("agent.route"), kind="server")
        span("POST /chat", span("agent.route"), kind="SERVER")
    """
    if children is not None and nested:
        raise TypeError("span(): give the children either after the name or as children=[...]")
    return SpanPattern(
        name,
        nested if children is None else children,
        kind=kind,
        status=status,
        attributes=attributes,
        events=events,
        count=count,
        orphan=orphan,
        duration=duration,
        exact_attributes=exact_attributes,
        scope=scope,
        scope_version=scope_version,
        schema_url=schema_url,
        resource=resource,
        sampled=sampled,
        links=links,
    )


def descendant(pattern: SpanPattern | str | re.Pattern[str]) -> DescendantPattern:
    """A span at any depth below its parent; among the roots, anywhere in the trace.

    In a children list it stands for the child whose subtree holds the match, so with
    ``exact=True`` that child is accounted for and the spans on the way are not checked.
    ``descendant(span("db.*", count=0))`` says the opposite: no such span at any depth
    (at the top level, in the whole capture).

    Example:
        >>> descendant(span("GET /search", kind="CLIENT"))
        descendant(span("GET /search", kind="CLIENT"))
    """
    if isinstance(pattern, (str, re.Pattern)):
        pattern = SpanPattern(pattern)
    if not isinstance(pattern, SpanPattern):
        raise TypeError(f"descendant() takes a span(...) pattern or a name, found {pattern!r}")
    if pattern.count not in (None, 0):
        raise ValueError(
            "descendant(span(..., count=...)): a count applies to siblings; the one count a"
            " descendant takes is count=0, for no such span at any depth"
        )
    return DescendantPattern(pattern)


def child(item: Any) -> Child:
    """An expected child as given by the user: a pattern, ``...``, a name or a regex.

    Example:
        >>> child("agent.route")
        span("agent.route")
    """
    if item is ... or isinstance(item, (SpanPattern, DescendantPattern)):
        return item
    if isinstance(item, (str, re.Pattern)):
        return SpanPattern(item)
    raise TypeError(
        "children must be span(...) patterns, descendant(...), a name, or ... for other"
        f" spans, found {item!r}"
    )


def _item_repr(item: Child, depth: int | None) -> str:
    if isinstance(item, EllipsisType):
        return "..."
    if isinstance(item, DescendantPattern):
        return f"descendant({item.pattern._repr(depth)})"
    return item._repr(depth)


def short(item: SpanPattern | DescendantPattern) -> str:
    """A pattern's repr with its children counted instead of written out.

    Example:
        >>> short(span("POST /chat", span("agent.route")))
        'span("POST /chat", <1 child>)'
    """
    return _item_repr(item, 0)


def pattern_name(pattern: SpanPattern) -> str:
    """The expected name as the user wrote it (a glob stays a glob).

    Example:
        >>> pattern_name(span("tool.*"))
        'tool.*'
    """
    name = pattern.name_matcher
    return name.pattern if isinstance(name, Name) else repr(name)
