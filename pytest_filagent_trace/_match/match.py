"""Span patterns, attribute matchers, and :func:`assert_span_tree` with its diff.

A pattern reads like the tree it expects::

    span("POST /chat",
        span("agent.route", attributes={"route.mode": "htn"}),
        span("agent.run_with_htn",
            span("tool.execute.*", attributes={"tool.execution.success": True}, count=2),
        ),
        kind="SERVER",
    )

Names match exactly, by glob or by compiled regex (whole name). Attribute values match by
equality (types included: ``1`` is not ``1.0`` nor ``True``), :func:`glob`,
:func:`starts_with`, a compiled regex (searched), a type such as ``int``, a predicate, any
object with ``__eq__`` (dirty-equals works), ``...``/:data:`ANY` (present, any value) or
:data:`ABSENT` (must not be there); matchers combine with ``|``, ``&`` and ``~``.

Among children, ``...`` allows other spans there and :func:`descendant` finds a span at
any depth. Unordered matching is a real assignment (augmenting paths), so a pattern never
fails because an earlier pattern took the span it needed.

Example:
    >>> assert_span_tree(trace_capture, span("POST /chat", kind="SERVER"))  # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from operator import itemgetter
from types import EllipsisType
from typing import Any, Final

from pytest_filagent_trace._spans.source import roots_of
from pytest_filagent_trace._spans.tree import SpanEvent, SpanNode, SpanTree
from pytest_filagent_trace._spans.values import MISSING, typed_equal
from pytest_filagent_trace._textform.render import (
    KINDS,
    STATUSES,
    Draft,
    TreeSyntaxError,
    format_value,
    node_head,
    parse_drafts,
    render_tree,
)

__all__ = [
    "ABSENT",
    "ANY",
    "DescendantPattern",
    "EventPattern",
    "Matcher",
    "Problem",
    "SpanPattern",
    "SpanTreeMismatch",
    "assert_span_tree",
    "descendant",
    "event",
    "glob",
    "span",
    "span_tree_matches",
    "starts_with",
]

_GLOB_CHARS = frozenset("*?[")
_MAX_PROBLEMS = 10
_MESSAGE_VALUE_LENGTH = 200
_MAX_RENDERED_SPANS = 300
# Distinct sets of literal attribute keys among same-named siblings that get an index of
# their own (see _Assignment._narrowed); beyond that, one index per key is shared.
_MAX_SHAPES = 8


# --------------------------------------------------------------------------- matchers


class Matcher:
    """Base of every matcher: :meth:`equals` decides, the ``repr`` shows what is expected.

    Matchers compare equal to the values they match (``glob("a*") == "abc"``), and combine
    with ``|`` (either), ``&`` (both) and ``~`` (not). Two matchers are equal when they
    read the same (same type and ``repr``).

    Example:
        >>> (glob("tool.*") | "agent.route") == "agent.route"
        True
    """

    __slots__ = ()

    def equals(self, value: Any) -> bool:
        """True when ``value`` is what this matcher expects (``MISSING`` when absent)."""
        raise NotImplementedError

    def explain(self, value: Any) -> str | None:
        """Why ``value`` did not match, when there is more to say than the two values."""
        del value
        return None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Matcher):
            return type(self) is type(other) and repr(self) == repr(other)
        return self.equals(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return id(self)

    def __or__(self, other: Any) -> Matcher:
        return _AnyOf(self, as_matcher(other))

    def __ror__(self, other: Any) -> Matcher:
        return _AnyOf(as_matcher(other), self)

    def __and__(self, other: Any) -> Matcher:
        return _AllOf(self, as_matcher(other))

    def __rand__(self, other: Any) -> Matcher:
        return _AllOf(as_matcher(other), self)

    def __invert__(self) -> Matcher:
        return _Not(self)


class _Any(Matcher):
    __slots__ = ()

    def equals(self, value: Any) -> bool:
        return value is not MISSING

    def __repr__(self) -> str:
        return "ANY"


class _Absent(Matcher):
    __slots__ = ()

    def equals(self, value: Any) -> bool:
        return value is MISSING

    def __repr__(self) -> str:
        return "ABSENT"


ANY: Final[Matcher] = _Any()
"""Any value, as long as the attribute is there; ``...`` means the same."""

ABSENT: Final[Matcher] = _Absent()
"""The attribute must not be there: ``attributes={"user.id": ABSENT}``."""


class _Equals(Matcher):
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def equals(self, value: Any) -> bool:
        return typed_equal(value, self.value)

    def __repr__(self) -> str:
        return format_value(self.value)


class _Glob(Matcher):
    __slots__ = ("pattern",)

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def equals(self, value: Any) -> bool:
        return isinstance(value, str) and (
            value == self.pattern or fnmatchcase(value, self.pattern)
        )

    def __repr__(self) -> str:
        return f"glob({format_value(self.pattern)})"


class _Name(_Glob):
    """A span name or status description: exact, or a glob when it holds ``*?[``; it
    matches like :class:`_Glob` and is written as the bare text."""

    __slots__ = ()

    def __repr__(self) -> str:
        return format_value(self.pattern)


class _StartsWith(Matcher):
    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def equals(self, value: Any) -> bool:
        return isinstance(value, str) and value.startswith(self.prefix)

    def __repr__(self) -> str:
        return f"starts_with({format_value(self.prefix)})"


class _Regex(Matcher):
    __slots__ = ("full", "regex")

    def __init__(self, regex: re.Pattern[str], *, full: bool) -> None:
        self.regex = regex
        self.full = full

    def equals(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        found = self.regex.fullmatch(value) if self.full else self.regex.search(value)
        return found is not None

    def __repr__(self) -> str:
        return repr(self.regex)


class _InstanceOf(Matcher):
    __slots__ = ("type",)

    def __init__(self, expected_type: type) -> None:
        self.type = expected_type

    def equals(self, value: Any) -> bool:
        if value is MISSING:
            return False
        if self.type is int:
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, self.type)

    def __repr__(self) -> str:
        return self.type.__name__


class _Predicate(Matcher):
    __slots__ = ("function",)

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function

    def equals(self, value: Any) -> bool:
        if value is MISSING:
            return False
        try:
            return bool(self.function(value))
        except Exception:  # noqa: BLE001 - reported by explain()
            return False

    def explain(self, value: Any) -> str | None:
        if value is MISSING:
            return None
        try:
            self.function(value)
        except Exception as error:  # noqa: BLE001 - shown to the user
            return f"{self!r} raised {type(error).__name__}: {error}"
        return None

    def __repr__(self) -> str:
        return getattr(self.function, "__qualname__", None) or repr(self.function)


class _Custom(Matcher):
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def equals(self, value: Any) -> bool:
        if value is MISSING:
            return False
        try:
            return bool(self.value == value)
        except Exception:  # noqa: BLE001 - a broken __eq__ is a mismatch
            return False

    def __repr__(self) -> str:
        return repr(self.value)


class _AnyOf(Matcher):
    __slots__ = ("options",)

    def __init__(self, *options: Matcher) -> None:
        flat: list[Matcher] = []
        for option in options:
            flat.extend(option.options if isinstance(option, _AnyOf) else (option,))
        self.options: tuple[Matcher, ...] = tuple(flat)

    def equals(self, value: Any) -> bool:
        return any(option.equals(value) for option in self.options)

    def __repr__(self) -> str:
        return " | ".join(_operand(option) for option in self.options)


class _AllOf(Matcher):
    __slots__ = ("options",)

    def __init__(self, *options: Matcher) -> None:
        flat: list[Matcher] = []
        for option in options:
            flat.extend(option.options if isinstance(option, _AllOf) else (option,))
        self.options: tuple[Matcher, ...] = tuple(flat)

    def equals(self, value: Any) -> bool:
        return all(option.equals(value) for option in self.options)

    def explain(self, value: Any) -> str | None:
        for option in self.options:
            if not option.equals(value):
                return f"{option!r} does not match"
        return None

    def __repr__(self) -> str:
        return " & ".join(_operand(option) for option in self.options)


class _Not(Matcher):
    __slots__ = ("inner",)

    def __init__(self, inner: Matcher) -> None:
        self.inner = inner

    def equals(self, value: Any) -> bool:
        return not self.inner.equals(value)

    def __repr__(self) -> str:
        return f"~{_operand(self.inner)}"


def _operand(matcher: Matcher) -> str:
    text = repr(matcher)
    return f"({text})" if isinstance(matcher, (_AnyOf, _AllOf)) else text


def as_matcher(expected: Any) -> Matcher:
    """The matcher for an expected attribute value, as ``attributes={...}`` reads it.

    Example:
        >>> as_matcher(int).equals(3), as_matcher(int).equals(True)
        (True, False)
    """
    if isinstance(expected, Matcher):
        return expected
    if expected is ...:
        return ANY
    if isinstance(expected, re.Pattern):
        return _Regex(expected, full=False)
    if isinstance(expected, type):
        if type(expected).__eq__ is not type.__eq__:
            # A class with its own metaclass equality (dirty-equals' IsInt) compares itself.
            return _Custom(expected)
        return _InstanceOf(expected)
    if expected is None or isinstance(expected, (str, int, float, tuple, list)):
        return _Equals(expected)
    if callable(expected):
        return _Predicate(expected)
    return _Custom(expected)


def glob(pattern: str) -> Matcher:
    """A string attribute value matching a shell-style glob (``*``, ``?``, ``[abc]``).

    Example:
        >>> glob("web_*") == "web_search"
        True
    """
    return _Glob(pattern)


def starts_with(prefix: str) -> Matcher:
    """A string attribute value starting with ``prefix``; the text form writes it
    ``"prefix"...``, which is how shortened values read back.

    Example:
        >>> starts_with("Traceback") == "Traceback (most recent call last)"
        True
    """
    return _StartsWith(prefix)


def _name_matcher(name: Any, what: str) -> Matcher:
    if isinstance(name, Matcher):
        return name
    if name is ...:
        return ANY
    if isinstance(name, re.Pattern):
        return _Regex(name, full=True)
    if isinstance(name, str):
        return _Name(name)
    raise TypeError(f"{what} must be a str, a glob, a compiled regex or a matcher, found {name!r}")


# --------------------------------------------------------------------------- patterns


def _normalize_kind(kind: Any) -> str | None:
    if kind is None:
        return None
    text = getattr(kind, "name", kind)
    if isinstance(text, str) and text.upper() in KINDS:
        return text.upper()
    raise ValueError(f"span(kind=...) must be one of {', '.join(KINDS)}, found {kind!r}")


def _normalize_status(status: Any) -> tuple[str | None, str | None]:
    if status is None:
        return None, None
    text = getattr(status, "name", status)
    if isinstance(text, str):
        word, colon, description = text.partition(":")
        if word.strip().upper() in STATUSES:
            if not colon:
                return word.strip().upper(), None
            return word.strip().upper(), description.removeprefix(" ")
    raise ValueError(
        f"span(status=...) must be one of {', '.join(STATUSES)}, optionally followed by"
        f' ": description" (e.g. "ERROR: ValueError: boom"), found {status!r}'
    )


class EventPattern(Matcher):
    """An expected span event: a name (exact or glob) and optionally attributes.

    Example:
        >>> event("exception", attributes={"exception.type": "ValueError"})
        event("exception", attributes={"exception.type": "ValueError"})
    """

    __slots__ = ("_name", "attributes", "name")

    def __init__(self, name: Any, attributes: Mapping[str, Any] | None = None) -> None:
        self.name = name
        self._name = _name_matcher(name, "event(name)")
        self.attributes = {key: as_matcher(value) for key, value in (attributes or {}).items()}

    def equals(self, value: Any) -> bool:
        if not isinstance(value, SpanEvent) or not self._name.equals(value.name):
            return False
        return all(m.equals(value.attributes.get(k, MISSING)) for k, m in self.attributes.items())

    def __repr__(self) -> str:
        if not self.attributes:
            return f"event({self._name!r})"
        return f"event({self._name!r}, attributes={_attributes_repr(self.attributes)})"

    def _short(self) -> str:
        return repr(self._name) if not self.attributes else repr(self)


def event(name: Any = ..., *, attributes: Mapping[str, Any] | None = None) -> EventPattern:
    """An expected event for ``span(events=[...])``; a plain string means the same as
    ``event(name)``.

    Example:
        >>> span("tool.execute.*", events=[event("exception")])
        span("tool.execute.*", events=["exception"])
    """
    return EventPattern(name, attributes)


def _attributes_repr(attributes: Mapping[str, Matcher]) -> str:
    return "{" + ", ".join(f"{format_value(k)}: {m!r}" for k, m in attributes.items()) + "}"


class _Children:
    """The compiled form of a list of expected children (or of expected roots)."""

    __slots__ = (
        "count_patterns",
        "depth",
        "descendants",
        "has_ellipsis",
        "items",
        "literal",
        "plain",
        "rank",
        "sequence",
        "slots",
    )

    def __init__(self, items: Sequence[SpanPattern | DescendantPattern | EllipsisType]) -> None:
        self.items = tuple(items)
        self.slots: list[SpanPattern] = []
        self.sequence: list[SpanPattern | EllipsisType] = []
        self.count_patterns: list[SpanPattern] = []
        self.descendants: list[SpanPattern] = []
        # How many pattern levels deep these children go, kept so that _room_for need
        # not walk every pattern of a large expectation on each call. Children are built
        # before their parent, so each level reads the depth already found below it.
        self.depth = 0
        for item in items:
            if isinstance(item, EllipsisType):
                self.sequence.append(...)
                continue
            if isinstance(item, DescendantPattern):
                self.descendants.append(item.pattern)
                below = item.pattern._children
            else:
                copies = 1
                if item.count is not None:
                    copies = item.count
                    self.count_patterns.append(item)
                self.slots.extend([item] * copies)
                self.sequence.extend([item] * copies)
                below = item._children
            if below.depth >= self.depth:
                self.depth = below.depth + 1
        # A descendant skips the spans on its way, so the level it sits in is open too.
        self.has_ellipsis = bool(self.descendants) or any(item is ... for item in items)
        self.plain = not self.has_ellipsis and not self.count_patterns
        # A literal name lets the matcher look candidates up by name; its rank among the
        # slots of that name is tried first, so an expectation in the tree's own order is
        # matched in linear time.
        self.literal: list[str | None] = [slot._literal for slot in self.slots]
        seen: dict[str | None, int] = {}
        self.rank: list[int] = []
        for index, name in enumerate(self.literal):
            if name is None:
                self.rank.append(index)
            else:
                self.rank.append(seen.get(name, 0))
                seen[name] = seen.get(name, 0) + 1


_NO_CHILDREN: Final = _Children(())


def _literal_name(slot: SpanPattern) -> str | None:
    if isinstance(slot._name, _Name):
        pattern = slot._name.pattern
        if not _GLOB_CHARS.intersection(pattern):
            return _interned(pattern)
    return None


def _interned(text: str) -> str:
    """``text`` as the one shared copy of that string (a str subclass is left as is)."""
    return sys.intern(text) if type(text) is str else text


def _child(item: Any) -> SpanPattern | DescendantPattern | EllipsisType:
    if item is ... or isinstance(item, (SpanPattern, DescendantPattern)):
        return item
    if isinstance(item, (str, re.Pattern)):
        return SpanPattern(item)
    raise TypeError(
        "children must be span(...) patterns, descendant(...), a name, or ... for other"
        f" spans, found {item!r}"
    )


class SpanPattern(Matcher):
    """An expected span: built with :func:`span`, its ``repr`` is the call that built it.

    ``pattern == node`` matches one :class:`SpanNode` (and its subtree), or any root of a
    :class:`SpanTree`, with ``exact=False, ordered=False``.
    """

    __slots__ = (
        "_attribute_keys",
        "_attributes",
        "_children",
        "_description",
        "_fast",
        "_literal",
        "_name",
        "_signature",
        "_signature_keys",
        "_slow",
        "count",
        "events",
        "kind",
        "name",
        "orphan",
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
        events: Iterable[str | EventPattern] | None = None,
        count: int | None = None,
        orphan: bool | None = None,
    ) -> None:
        self.name = name
        self._name = _name_matcher(name, "span(name)")
        self.kind = _normalize_kind(kind)
        self.status, description = _normalize_status(status)
        self._description = None if description is None else _Name(description)
        if count is not None and (
            not isinstance(count, int) or isinstance(count, bool) or count < 0
        ):
            raise ValueError(f"span(count=...) must be an int >= 0, found {count!r}")
        self.count = count
        self.orphan = orphan
        self._attributes = {key: as_matcher(value) for key, value in (attributes or {}).items()}
        self._attribute_keys = frozenset(self._attributes)
        fast: list[tuple[str, type, Any, Matcher]] = []
        slow: list[tuple[str, Matcher]] = []
        # The literal values, as operator.itemgetter(*keys) reads them from a node's
        # attributes (one key: the value itself), so that among many same-named siblings
        # the matcher finds the ones carrying these values with one dict lookup.
        keys: list[str] = []
        values: list[Any] = []
        for key, matcher in self._attributes.items():
            value = matcher.value if isinstance(matcher, _Equals) else None
            if isinstance(matcher, _Equals) and type(value) in (str, int, bool):
                fast.append((key, type(value), value, matcher))
                keys.append(key)
                values.append(value)
            else:
                slow.append((key, matcher))
        self._fast = tuple(fast)
        self._slow = tuple(slow)
        self._signature_keys = tuple(keys)
        self._signature: Any = values[0] if len(values) == 1 else tuple(values)
        self.events = (
            None
            if events is None
            else tuple(e if isinstance(e, EventPattern) else EventPattern(e) for e in events)
        )
        items = [_child(item) for item in children]
        # Most patterns are leaves; they share one empty _Children (never changed once
        # built), which keeps thousands of parsed patterns light on memory and on the
        # garbage collector.
        self._children = _Children(items) if items else _NO_CHILDREN
        self._literal = _literal_name(self)

    @property
    def attributes(self) -> dict[str, Matcher]:
        """The expected attributes, each as its matcher."""
        return dict(self._attributes)

    @property
    def children(self) -> tuple[SpanPattern | DescendantPattern | EllipsisType, ...]:
        """The expected children, ``...`` included."""
        return self._children.items

    def equals(self, value: Any) -> bool:
        if not isinstance(value, (SpanNode, SpanTree)):
            return False
        spec = _Children([self, ...])
        with _room_for(spec):
            return _Engine(exact=False, ordered=False).children(spec, roots_of(value))

    def _local(self, node: SpanNode, exact: bool) -> bool:
        literal = self._literal
        if literal is not None:
            if node.name != literal:
                return False
        elif not self._name.equals(node.name):
            return False
        if self.kind is not None:
            if node.kind != self.kind:
                return False
        elif exact and node.kind != "INTERNAL":
            return False
        if self.status is not None:
            if node.status != self.status:
                return False
        elif exact and node.status != "UNSET":
            return False
        if self._description is not None:
            if not self._description.equals(node.status_description):
                return False
        elif exact and node.status_description is not None:
            return False
        if self.orphan is not None:
            if node.orphan != self.orphan:
                return False
        elif exact and node.orphan:
            return False
        attributes = node.attributes
        for key, value_type, value, matcher in self._fast:
            found = attributes.get(key, MISSING)
            if found != value:
                return False
            if type(found) is not value_type and not matcher.equals(found):
                return False
        for key, matcher in self._slow:
            if not matcher.equals(attributes.get(key, MISSING)):
                return False
        if exact and not attributes.keys() <= self._attribute_keys:
            return False
        if self.events is not None or (exact and node.events):
            return _events_match(self.events or (), node.events, exact)
        return True

    def _repr(self, depth: int | None) -> str:
        args: list[str] = []
        if self._name is not ANY or self._children.items:
            args.append(repr(self._name))
        if self._children.items:
            if depth is not None and depth <= 0:
                count = len(self._children.items)
                args.append(f"<{count} child{'ren' if count != 1 else ''}>")
            else:
                inner = None if depth is None else depth - 1
                args.extend(_item_repr(item, inner) for item in self._children.items)
        if self.kind is not None:
            args.append(f"kind={format_value(self.kind)}")
        if self.status is not None:
            status = self.status
            if self._description is not None:
                status = f"{status}: {self._description.pattern}"
            args.append(f"status={format_value(status)}")
        if self._attributes:
            args.append(f"attributes={_attributes_repr(self._attributes)}")
        if self.events is not None:
            args.append("events=[" + ", ".join(e._short() for e in self.events) + "]")
        if self.count is not None:
            args.append(f"count={self.count}")
        if self.orphan is not None:
            args.append(f"orphan={self.orphan}")
        return f"span({', '.join(args)})"

    def __repr__(self) -> str:
        return self._repr(None)


def _item_repr(item: SpanPattern | DescendantPattern | EllipsisType, depth: int | None) -> str:
    if item is ...:
        return "..."
    if isinstance(item, DescendantPattern):
        return f"descendant({item.pattern._repr(depth)})"
    return item._repr(depth)


def _short(item: SpanPattern | DescendantPattern) -> str:
    return _item_repr(item, 0)


class DescendantPattern(Matcher):
    """A span at any depth below the parent it is listed under (see :func:`descendant`)."""

    __slots__ = ("pattern",)

    def __init__(self, pattern: SpanPattern) -> None:
        self.pattern = pattern

    def equals(self, value: Any) -> bool:
        if isinstance(value, SpanNode):
            return _Engine(exact=False, ordered=False).descendants([self.pattern], [value])
        return False

    def __repr__(self) -> str:
        return f"descendant({self.pattern!r})"


def span(
    name: Any = ...,
    /,
    *nested: Any,
    children: Iterable[Any] | None = None,
    kind: Any = None,
    status: Any = None,
    attributes: Mapping[str, Any] | None = None,
    events: Iterable[str | EventPattern] | None = None,
    count: int | None = None,
    orphan: bool | None = None,
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
    - ``events``: event names (or :func:`event` patterns) that must be there.
    - ``count``: exactly this many siblings match this pattern (``0``: none does).
    - ``orphan``: whether the span's parent was missing from the capture.

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
    )


def descendant(pattern: SpanPattern | str | re.Pattern[str]) -> DescendantPattern:
    """A span at any depth below its parent; among the roots, anywhere in the trace.

    In a children list it stands for the child whose subtree holds the match, so with
    ``exact=True`` that child is accounted for and the spans on the way are not checked.

    Example:
        >>> descendant(span("GET /search", kind="CLIENT"))
        descendant(span("GET /search", kind="CLIENT"))
    """
    if isinstance(pattern, (str, re.Pattern)):
        pattern = SpanPattern(pattern)
    if not isinstance(pattern, SpanPattern):
        raise TypeError(f"descendant() takes a span(...) pattern or a name, found {pattern!r}")
    if pattern.count is not None:
        raise ValueError("descendant(span(..., count=...)): count applies to siblings only")
    return DescendantPattern(pattern)


# --------------------------------------------------------------------------- matching


def _events_match(
    expected: Sequence[EventPattern], actual: Sequence[SpanEvent], exact: bool
) -> bool:
    if exact and len(expected) != len(actual):
        return False
    if len(expected) > len(actual):
        return False
    return len(_assign_small(expected, actual)) == len(expected)


def _assign_small(expected: Sequence[Matcher], actual: Sequence[Any]) -> dict[int, int]:
    """Maximum matching of a few expected items onto actual ones (Kuhn's algorithm)."""
    owner: dict[int, int] = {}

    def place(index: int, seen: set[int]) -> bool:
        for position, value in enumerate(actual):
            if position in seen or not expected[index].equals(value):
                continue
            seen.add(position)
            if position not in owner or place(owner[position], seen):
                owner[position] = index
                return True
        return False

    for index in range(len(expected)):
        place(index, set())
    return {index: position for position, index in owner.items()}


class _Engine:
    """Decides whether patterns match nodes; ``exact`` and ``ordered`` apply at every level.

    Every (pattern, node) verdict is remembered for the run, so a subtree is matched once
    however many siblings, candidates or explanations ask about it.
    """

    __slots__ = ("_seen", "exact", "ordered")

    def __init__(self, *, exact: bool, ordered: bool) -> None:
        self.exact = exact
        self.ordered = ordered
        self._seen: dict[tuple[int, int], bool] = {}

    def node(self, pattern: SpanPattern, node: SpanNode) -> bool:
        key = (id(pattern), id(node))
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._node(pattern, node)
        return found

    def _node(self, pattern: SpanPattern, node: SpanNode) -> bool:
        if not pattern._local(node, self.exact):
            return False
        spec = pattern._children
        if not spec.items:
            return not self.exact or not node.children
        return self.children(spec, node.children)

    def found_below(self, pattern: SpanPattern, nodes: Sequence[SpanNode]) -> list[SpanNode]:
        """Every span in the subtrees of ``nodes`` (themselves included) matching ``pattern``."""
        literal = pattern._literal
        return [
            node
            for top in nodes
            for node in top.walk()
            if (literal is None or node.name == literal) and self.node(pattern, node)
        ]

    def descendants(self, patterns: Sequence[SpanPattern], nodes: Sequence[SpanNode]) -> bool:
        """Each pattern matches a distinct span somewhere in the subtrees of ``nodes``."""
        found = [self.found_below(pattern, nodes) for pattern in patterns]
        if not all(found):
            return False
        if len(patterns) == 1:
            return True
        placed = _assign_small(
            [_MemberOf(candidates) for candidates in found],
            list({id(n): n for candidates in found for n in candidates}.values()),
        )
        return len(placed) == len(patterns)

    def children(self, spec: _Children, nodes: Sequence[SpanNode]) -> bool:
        slots = spec.slots
        wanted, present = len(slots), len(nodes)
        if spec.plain:
            # No ..., descendant or count: the common case, kept short.
            if wanted > present or (self.exact and wanted != present):
                return False
            if not wanted:
                return True
            if self._aligned(slots, nodes):
                return True
            if self.ordered:
                return False if self.exact else self._ordered(spec, nodes, not self.exact)
            return _Assignment(self, spec, nodes).complete()
        allow_extra = not self.exact or spec.has_ellipsis
        if wanted > present or (not allow_extra and wanted != present):
            return False
        if spec.descendants and not self.descendants(spec.descendants, nodes):
            return False
        if not wanted and not spec.count_patterns:
            return True
        if self.ordered:
            return self._ordered(spec, nodes, allow_extra)
        if not spec.count_patterns and self._aligned(slots, nodes):
            return True
        assignment = _Assignment(self, spec, nodes)
        if not assignment.complete():
            return False
        if spec.count_patterns and allow_extra:
            return assignment.cover_counted()
        return True

    def _aligned(self, slots: Sequence[SpanPattern], nodes: Sequence[SpanNode]) -> bool:
        # An expectation written in the tree's own order matches position by position;
        # that is a valid assignment, found without building any index.
        # A plain loop: all() over a generator would put each tree level on the C stack.
        for slot, node in zip(slots, nodes, strict=False):  # noqa: SIM110
            if not self.node(slot, node):
                return False
        return True

    def _ordered(self, spec: _Children, nodes: Sequence[SpanNode], allow_extra: bool) -> bool:
        sequence = spec.sequence
        end = len(sequence)

        def edge(position: int, index: int) -> bool:
            slot = sequence[position]
            assert isinstance(slot, SpanPattern)
            return self.node(slot, nodes[index])

        def skip_ellipses(position: int) -> int:
            while position < end and sequence[position] is ...:
                position += 1
            return position

        if not self.exact and not spec.count_patterns:
            # Free skipping: the earliest match of each pattern is always the best one.
            position = skip_ellipses(0)
            for index in range(len(nodes)):
                if position == end:
                    break
                if edge(position, index):
                    position = skip_ellipses(position + 1)
            return position == end

        def counted(index: int) -> bool:
            return any(self.node(pattern, nodes[index]) for pattern in spec.count_patterns)

        states = {0, skip_ellipses(0)}
        for index in range(len(nodes)):
            free = not counted(index)
            following: set[int] = set()
            for state in states:
                if state < end:
                    if sequence[state] is ...:
                        if allow_extra and free:
                            following.add(state)
                    elif edge(state, index):
                        following.add(state + 1)
                if free and not self.exact:
                    following.add(state)
            if not following:
                return False
            states = following | {skip_ellipses(state) for state in following}
        return end in states


class _MemberOf(Matcher):
    __slots__ = ("ids",)

    def __init__(self, nodes: Iterable[SpanNode]) -> None:
        self.ids = {id(node) for node in nodes}

    def equals(self, value: Any) -> bool:
        return id(value) in self.ids

    def __repr__(self) -> str:
        return f"<one of {len(self.ids)} spans>"


def _kind_of(value: Any) -> type | None:
    # The type a literal attribute value is compared as (see _strict_equal).
    if isinstance(value, bool):
        return bool
    if isinstance(value, int):
        return int
    if isinstance(value, str):
        return str
    return None


class _Assignment:
    """A maximum assignment of expected slots to sibling nodes, built lazily.

    Greedy first (each slot tries the node of its rank among same-named nodes), then
    augmenting paths for the slots left over, so the result is a true maximum matching.
    Candidates are narrowed by name, then by the pattern's literal attribute values (its
    signature) looked up in an index of the same-named nodes, so thousands of same-named
    siblings listed in any order are matched in linear time.
    """

    def __init__(self, engine: _Engine, spec: _Children, nodes: Sequence[SpanNode]) -> None:
        self.engine = engine
        self.spec = spec
        self.nodes = nodes
        self.slot_node = [-1] * len(spec.slots)
        self.owner = [-1] * len(nodes)
        self._by_name: dict[str, list[int]] | None = None
        self._by_signature: dict[tuple[str, tuple[str, ...]], dict[Any, list[int]]] = {}
        self._shapes: dict[str, int] = {}
        self._by_value: dict[tuple[str, str], dict[tuple[type, Any], list[int]]] = {}
        self._solve()

    def named(self, name: str | None) -> Sequence[int]:
        if name is None:
            return range(len(self.nodes))
        if self._by_name is None:
            index: dict[str, list[int]] = {}
            for position, node in enumerate(self.nodes):
                index.setdefault(node.name, []).append(position)
            self._by_name = index
        return self._by_name.get(name, ())

    def candidates(self, slot: int) -> Sequence[int]:
        return self._narrowed(self.spec.slots[slot], self.named(self.spec.literal[slot]))

    def _narrowed(self, pattern: SpanPattern, named: Sequence[int]) -> Sequence[int]:
        """``named`` cut down to the nodes holding every literal value of the pattern."""
        name = pattern._literal
        if name is None or len(named) <= 16 or not pattern._fast:
            return named
        keys = pattern._signature_keys
        index = self._by_signature.get((name, keys))
        if index is None:
            built = self._shapes.get(name, 0)
            if built >= _MAX_SHAPES:
                # Siblings expected with many different sets of literal keys: an index per
                # set would cost a pass over the siblings each, one per key is shared.
                return self._rarest(pattern, name, named)
            self._shapes[name] = built + 1
            index = self._by_signature[(name, keys)] = self._signatures(keys, named)
        return index.get(pattern._signature, ())

    def _signatures(self, keys: tuple[str, ...], positions: Sequence[int]) -> dict[Any, list[int]]:
        """``positions`` grouped by the nodes' values for ``keys``, read as a pattern's
        ``_signature`` is.

        A node lacking a key, or holding an unhashable value there (a list), equals no
        str, int or bool literal, so it is left out. Values equal across types (``1``,
        ``1.0``, ``True``) share a bucket: the index only narrows, every candidate is
        still matched in full.
        """
        read = itemgetter(*keys)
        nodes = self.nodes
        index: dict[Any, list[int]] = {}
        for position in positions:
            try:
                signature = read(nodes[position].attributes)
                bucket = index.get(signature)
            except Exception:  # noqa: BLE001, S112 - no such key, or a value that cannot hash
                continue
            if bucket is None:
                index[signature] = [position]
            else:
                bucket.append(position)
        return index

    def _rarest(self, pattern: SpanPattern, name: str, named: Sequence[int]) -> Sequence[int]:
        """``named`` cut down to the nodes holding the pattern's rarest literal value."""
        best = named
        by_value = self._by_value
        for key, value_type, value, _ in pattern._fast:
            index = by_value.get((name, key))
            if index is None:
                index = self._values(name, key, named)
            bucket = index.get((value_type, value), ())
            if len(bucket) < len(best):
                best = bucket
                if len(best) <= 1:
                    break
        return best

    def _values(
        self, name: str, key: str, positions: Sequence[int]
    ) -> dict[tuple[type, Any], list[int]]:
        index = self._by_value.get((name, key))
        if index is None:
            index = {}
            for position in positions:
                value = self.nodes[position].attributes.get(key, MISSING)
                kind = _kind_of(value)
                if kind is not None:
                    index.setdefault((kind, value), []).append(position)
            self._by_value[(name, key)] = index
        return index

    def edge(self, slot: int, index: int) -> bool:
        return self.engine.node(self.spec.slots[slot], self.nodes[index])

    def _take(self, slot: int, index: int) -> None:
        self.slot_node[slot] = index
        self.owner[index] = slot

    def _solve(self) -> None:
        owner, slot_node, nodes = self.owner, self.slot_node, self.nodes
        matches = self.engine.node
        literal, rank = self.spec.literal, self.spec.rank
        for slot, pattern in enumerate(self.spec.slots):
            named = self.named(literal[slot])
            candidates = self._narrowed(pattern, named)
            hint = rank[slot]
            if hint < len(candidates) and candidates is named:
                index = candidates[hint]
                if owner[index] < 0 and matches(pattern, nodes[index]):
                    slot_node[slot], owner[index] = index, slot
                    continue
            for index in candidates:
                if owner[index] < 0 and matches(pattern, nodes[index]):
                    slot_node[slot], owner[index] = index, slot
                    break
        for slot, index in enumerate(slot_node):
            if index < 0:
                self._augment(slot)

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
                    # Shift every slot on the path to the node it reached.
                    target = index
                    for depth in range(len(stack) - 1, -1, -1):
                        self._take(stack[depth][0], target)
                        if depth:
                            target = via[depth - 1]
                    return True
                stack.append((holder, iter(self.candidates(holder))))
                via.append(index)
                break
            else:
                stack.pop()
                if via:
                    via.pop()
        return False

    def complete(self) -> bool:
        return all(index >= 0 for index in self.slot_node)

    def counted(self, index: int) -> list[SpanPattern]:
        """The ``count=`` patterns that ``nodes[index]`` matches."""
        node = self.nodes[index]
        found: list[SpanPattern] = []
        for pattern in self.spec.count_patterns:
            if self.engine.node(pattern, node):
                found.append(pattern)
        return found

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
        came_from: dict[int, tuple[int, int]] = {}
        seen = {start}
        queue = deque([start])
        while queue:
            index = queue.popleft()
            name = self.nodes[index].name
            for slot, literal in enumerate(self.spec.literal):
                if literal is not None and literal != name:
                    continue
                held = self.slot_node[slot]
                if held in seen or not self.edge(slot, index):
                    continue
                seen.add(held)
                came_from[held] = (slot, index)
                if held not in must:
                    self.owner[held] = -1
                    node = held
                    while node != start:
                        slot_on_path, previous = came_from[node]
                        self._take(slot_on_path, previous)
                        node = previous
                    return True
                queue.append(held)
        return False


# --------------------------------------------------------------------------- diagnosis


@dataclass(frozen=True)
class Problem:
    """One reason a tree did not match: where (a span path), what, and a short note."""

    where: str
    lines: tuple[str, ...]
    node: SpanNode | None
    note: str
    hints: tuple[str, ...] = ()


_HINTS = {
    "extra_span": "exact=False allows other spans; or put ... among the expected children",
    "extra_attribute": "exact=False allows attributes the expectation does not name",
    "extra_event": "exact=False allows events the expectation does not name",
    "exact_default": (
        "exact=False ignores a kind, status or orphan mark the expectation does not give"
    ),
    "order": "ordered=False ignores the order of siblings",
    "missing": (
        "names match exactly, by glob (tool.execute.*) or by re.compile(...);"
        " descendant(span(...)) finds a span at any depth"
    ),
}


def _value_text(value: Any) -> str:
    if value is MISSING:
        return "no such attribute"
    text = format_value(value)
    if len(text) > _MESSAGE_VALUE_LENGTH:
        text = text[:_MESSAGE_VALUE_LENGTH] + "..."
    return text


def _names_amongst(nodes: Sequence[SpanNode], wanted: str) -> str:
    if not nodes:
        return "(none)"
    heads = [node_head(node, events=False) for node in nodes]
    ranked = sorted(
        range(len(nodes)),
        key=lambda i: -difflib.SequenceMatcher(None, nodes[i].name, wanted).ratio(),
    )
    shown = [heads[i] for i in ranked[:8]]
    more = len(nodes) - len(shown)
    return ", ".join(shown) + (f", and {more} more" if more > 0 else "")


def _pattern_name(pattern: SpanPattern) -> str:
    name = pattern._name
    if isinstance(name, _Name):
        return name.pattern
    return repr(name)


# (message line, relax hint key or None, short note for the marked line)
_Difference = tuple[str, str | None, str]


class _Explainer:
    """Finds, after a failed match, what differs and where, pairing each expected span
    with the actual span it most likely meant."""

    def __init__(self, engine: _Engine) -> None:
        self.engine = engine
        self.problems: list[Problem] = []

    def add(
        self,
        node: SpanNode | None,
        lines: Sequence[str],
        note: str,
        *hints: str | None,
    ) -> None:
        where = node.path() if node is not None else "top level"
        kept = tuple(hint for hint in hints if hint)
        self.problems.append(Problem(where, tuple(lines), node, note, kept))

    def children(self, spec: _Children, nodes: Sequence[SpanNode], parent: SpanNode | None) -> None:
        engine = self.engine
        if engine.children(spec, nodes):
            return
        before = len(self.problems)
        for pattern in spec.descendants:
            if not engine.found_below(pattern, nodes):
                self.descendant(pattern, nodes, parent)
        assignment = _Assignment(engine, spec, nodes)
        free = [i for i in range(len(nodes)) if assignment.owner[i] < 0]
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
        for pattern in spec.count_patterns:
            if id(pattern) in short_of:
                found = (pattern.count or 0) - short_of[id(pattern)]
                self.add(
                    parent,
                    [
                        f"expected {pattern.count} spans matching {_short(pattern)}, found {found}",
                        f"amongst: {_names_amongst(nodes, _pattern_name(pattern))}",
                    ],
                    f"✗ {found} of {pattern.count} {_pattern_name(pattern)}",
                    "missing",
                )
        self.leftovers(spec, nodes, assignment, free)
        if len(self.problems) == before and engine.ordered:
            self.order(spec, nodes, parent)
        if len(self.problems) == before:
            self.add(parent, ["the children do not match the expected children"], "✗ children")

    def leftovers(
        self,
        spec: _Children,
        nodes: Sequence[SpanNode],
        assignment: _Assignment,
        free: list[int],
    ) -> None:
        if self.engine.exact and not spec.has_ellipsis:
            for index in free:
                self.add(
                    nodes[index],
                    ["unexpected span (exact=True): no expected span is left for it"],
                    "✗ unexpected span",
                    "extra_span",
                )
            return
        for index in free:
            for pattern in assignment.counted(index):
                self.add(
                    nodes[index],
                    [f"one span too many: {_short(pattern)} expects count={pattern.count}"],
                    f"✗ more than {pattern.count} {_pattern_name(pattern)}",
                )

    def order(self, spec: _Children, nodes: Sequence[SpanNode], parent: SpanNode | None) -> None:
        expected = ", ".join(
            "..." if isinstance(item, EllipsisType) else _pattern_name(item)
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
            if not pattern._name.equals(node.name):
                continue
            score = _score(pattern, node)
            if score > best_score:
                best, best_score = position, score
        return best

    def missing(
        self, pattern: SpanPattern, nodes: Sequence[SpanNode], parent: SpanNode | None
    ) -> None:
        what = "top-level span" if parent is None else "child"
        self.add(
            parent,
            [
                f"missing {what} {_short(pattern)}",
                f"amongst: {_names_amongst(nodes, _pattern_name(pattern))}",
            ],
            f"✗ missing {_pattern_name(pattern)}",
            "missing",
        )

    def descendant(
        self, pattern: SpanPattern, nodes: Sequence[SpanNode], parent: SpanNode | None
    ) -> None:
        below = [node for top in nodes for node in top.walk()]
        closest = self.closest(pattern, below)
        if closest is not None:
            self.pair(pattern, below[closest])
            return
        where = "anywhere" if parent is None else "at any depth below"
        self.add(
            parent,
            [
                f"no span {where} matches descendant({_short(pattern)})",
                f"amongst: {_names_amongst(below, _pattern_name(pattern))}",
            ],
            f"✗ no {_pattern_name(pattern)} below",
            "missing",
        )

    def pair(self, pattern: SpanPattern, node: SpanNode) -> None:
        differences = self.local(pattern, node)
        if differences:
            note = "✗ " + "; ".join(n for _, _, n in differences)
            self.add(
                node, [text for text, _, _ in differences], note, *(h for _, h, _ in differences)
            )
        if pattern._children.items or self.engine.exact:
            self.children(pattern._children, node.children, node)

    def local(self, pattern: SpanPattern, node: SpanNode) -> list[_Difference]:
        found: list[_Difference] = []
        self._markers(pattern, node, found)
        self._attributes(pattern, node, found)
        self._events(pattern, node, found)
        return found

    def _markers(self, pattern: SpanPattern, node: SpanNode, found: list[_Difference]) -> None:
        exact = self.engine.exact
        if not pattern._name.equals(node.name):
            found.append(
                (
                    f"name: expected {pattern._name!r}, found {format_value(node.name)}",
                    None,
                    f"name expected {pattern._name!r}",
                )
            )
        for aspect, given, actual, default in (
            ("kind", pattern.kind, node.kind, "INTERNAL"),
            ("status", pattern.status, node.status, "UNSET"),
        ):
            if given is not None and actual != given:
                found.append(
                    (f"{aspect}: expected {given}, found {actual}", None, f"expected {given}")
                )
            elif given is None and exact and actual != default:
                found.append(
                    (
                        f"{aspect}: expected {default} (exact=True and no {aspect} given),"
                        f" found {actual}",
                        "exact_default",
                        f"expected {default}",
                    )
                )
        description = node.status_description
        if pattern._description is not None:
            if not pattern._description.equals(description):
                shown = "none" if description is None else format_value(description)
                expected = repr(pattern._description)
                found.append(
                    (
                        f"status description: expected {expected}, found {shown}",
                        None,
                        f"description expected {expected}",
                    )
                )
        elif exact and description is not None:
            found.append(
                (
                    "status description: expected none (exact=True and no description given),"
                    f" found {format_value(description)}",
                    "exact_default",
                    "no description expected",
                )
            )
        if pattern.orphan is not None and node.orphan != pattern.orphan:
            found.append(
                (
                    f"orphan: expected {pattern.orphan}, found {node.orphan}",
                    None,
                    f"orphan expected {pattern.orphan}",
                )
            )
        elif pattern.orphan is None and exact and node.orphan:
            found.append(
                (
                    "orphan: expected a span with its parent (exact=True), found an orphan",
                    "exact_default",
                    "orphan not expected",
                )
            )

    def _attributes(self, pattern: SpanPattern, node: SpanNode, found: list[_Difference]) -> None:
        for key, matcher in pattern._attributes.items():
            value = node.attributes.get(key, MISSING)
            if matcher.equals(value):
                continue
            expected = repr(matcher)
            shown = _value_text(value)
            if shown == expected:
                shown += f" ({type(value).__name__}, a different type)"
            reason = matcher.explain(value)
            found.append(
                (
                    f"attribute {key}: expected {expected}, found {shown}"
                    + (f" ({reason})" if reason else ""),
                    None,
                    f"{key} expected {_clip(expected)}",
                )
            )
        if self.engine.exact:
            extra = sorted(set(node.attributes) - pattern._attribute_keys)
            if extra:
                shown = ", ".join(f"{k}={_value_text(node.attributes[k])}" for k in extra)
                found.append(
                    (
                        f"attributes not expected (exact=True): {shown}",
                        "extra_attribute",
                        f"not expected: {', '.join(extra)}",
                    )
                )

    def _events(self, pattern: SpanPattern, node: SpanNode, found: list[_Difference]) -> None:
        exact = self.engine.exact
        expected = pattern.events or ()
        if (pattern.events is None and not exact) or _events_match(expected, node.events, exact):
            return
        placed = _assign_small(expected, node.events)
        names = ", ".join(e.name for e in node.events) or "none"
        for index, event_pattern in enumerate(expected):
            if index not in placed:
                found.append(
                    (
                        f"event {event_pattern._short()}: missing; events: {names}",
                        None,
                        f"event {event_pattern._short()} missing",
                    )
                )
        if exact:
            used = set(placed.values())
            extra = [e.name for i, e in enumerate(node.events) if i not in used]
            if extra:
                found.append(
                    (
                        f"events not expected (exact=True): {', '.join(extra)}",
                        "extra_event",
                        f"events not expected: {', '.join(extra)}",
                    )
                )


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _score(pattern: SpanPattern, node: SpanNode) -> int:
    score = 0
    if pattern.kind is None or pattern.kind == node.kind:
        score += 1
    if pattern.status is None or pattern.status == node.status:
        score += 1
    for key, matcher in pattern._attributes.items():
        if matcher.equals(node.attributes.get(key, MISSING)):
            score += 2
    return score


class SpanTreeMismatch(AssertionError):  # noqa: N818 - reads as what the user sees
    """Raised by :func:`assert_span_tree`: every problem found, then the actual spans in
    the text form (the failing lines marked), ready to be pasted back as the expectation.
    """

    def __init__(self, message: str, problems: Sequence[Problem], actual_text: str) -> None:
        super().__init__(message)
        self.problems = list(problems)
        self.actual_text = actual_text


Expected = SpanPattern | DescendantPattern | str | Sequence[Any]


def _expected_children(expected: Any) -> _Children:
    __tracebackhide__ = True
    if isinstance(expected, str):
        return _Children(parse_tree(expected))
    if isinstance(expected, (SpanPattern, DescendantPattern)):
        return _Children([expected])
    if isinstance(expected, Sequence):
        return _Children([_child(item) for item in expected])
    raise TypeError(
        "expected must be span(...), descendant(...), a list of them, or the text form"
        f" (str), found {type(expected).__name__}"
    )


@contextmanager
def _room_for(spec: _Children) -> Iterator[None]:
    # Matching recurses a few frames per level of the expected tree; a trace hundreds of
    # levels deep (a traced recursive algorithm) must not hit Python's recursion limit.
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


def span_tree_matches(
    actual: Any, expected: Expected, *, exact: bool = False, ordered: bool = False
) -> bool:
    """True when ``actual`` matches ``expected``, as :func:`assert_span_tree` decides.

    Handy as a ``wait_for`` condition or in ``if``s; use :func:`assert_span_tree` in tests
    for its message.

    Example:
        >>> span_tree_matches(trace_capture, span("POST /chat"))  # doctest: +SKIP
        True
    """
    engine = _Engine(exact=exact, ordered=ordered)
    spec = _expected_children(expected)
    with _room_for(spec):
        return engine.children(spec, roots_of(actual))


def assert_span_tree(
    actual: Any, expected: Expected, *, exact: bool = False, ordered: bool = False
) -> None:
    """Assert that the captured spans have the expected shape.

    ``actual`` is a ``TraceCapture``, a ``SpanTree``, a ``SpanNode`` or a list of spans;
    its top-level spans are matched against ``expected``: a :func:`span` pattern, a list of
    patterns (``...`` allowing other top-level spans), or the text form that
    ``--trace-tree`` prints. With ``exact=False`` the actual tree may hold more spans,
    attributes and events than expected; ``exact=True`` forbids them and reads a missing
    kind as INTERNAL and a missing status as UNSET. ``ordered=True`` also checks the order
    of siblings.

    Raises :class:`SpanTreeMismatch` naming each failing span by its path, what was
    expected and found, how to relax the check, and the actual tree in the text form.

    Example:
        >>> assert_span_tree(trace_capture, '''
        ...     POST /chat [SERVER]
        ...     ├── agent.route {route.mode="simple"}
        ...     └── agent.run_simple
        ... ''')  # doctest: +SKIP
    """
    __tracebackhide__ = True
    spec = _expected_children(expected)
    roots = roots_of(actual)
    engine = _Engine(exact=exact, ordered=ordered)
    with _room_for(spec):
        if engine.children(spec, roots):
            return
        explainer = _Explainer(engine)
        explainer.children(spec, roots, None)
    raise _mismatch(explainer.problems, roots, exact=exact, ordered=ordered)


def _top(node: SpanNode) -> SpanNode:
    while node.parent is not None:
        node = node.parent
    return node


def _mismatch(
    problems: Sequence[Problem], roots: list[SpanNode], *, exact: bool, ordered: bool
) -> SpanTreeMismatch:
    total = sum(1 for root in roots for _ in root.walk())
    large = total > _MAX_RENDERED_SPANS
    marks: dict[SpanNode, str] = {}
    for problem in problems[:_MAX_PROBLEMS] if large else problems:
        if problem.node is not None:
            note = problem.note
            if problem.node in marks:
                note = f"{marks[problem.node]}; {note.removeprefix('✗ ')}"
            marks[problem.node] = note
    shown = roots
    if large:
        # A capture of thousands of spans would bury the problems: show the traces that
        # hold them.
        marked = {id(_top(node)) for node in marks}
        shown = [root for root in roots if id(root) in marked] or roots[:3]
    actual_text = render_tree(shown, marks=marks, max_value_length=_MESSAGE_VALUE_LENGTH)
    count = len(problems)
    lines = [
        f"span tree does not match ({count} problem{'s' if count != 1 else ''};"
        f" exact={exact}, ordered={ordered})",
        "",
    ]
    for problem in problems[:_MAX_PROBLEMS]:
        lines.append(problem.where)
        lines.extend(f"    {line}" for line in problem.lines)
        lines.append("")
    if count > _MAX_PROBLEMS:
        lines.extend([f"... and {count - _MAX_PROBLEMS} more problems", ""])
    hints = list(dict.fromkeys(hint for p in problems for hint in p.hints))
    if hints:
        lines.append("to relax the check:")
        lines.extend(f"    {_HINTS[hint]}" for hint in hints)
        lines.append("")
    if not roots:
        lines.append("actual spans: none were captured")
    else:
        lines.append("actual spans (the text form assert_span_tree accepts; ✗ marks a problem):")
        lines.append(actual_text)
        if len(shown) < len(roots):
            lines.append(
                f"({len(roots) - len(shown)} more top-level spans of {total} spans in all"
                " are not shown)"
            )
    return SpanTreeMismatch("\n".join(lines), problems, actual_text)


# --------------------------------------------------------------------------- expected text


def parse_tree(text: str) -> list[SpanPattern | EllipsisType]:
    """Read the text form back as patterns: one per top-level line, children nested.

    The text may be indented as a whole (it is dedented first), may mark spans whose other
    siblings do not matter with a ``...`` line, and may hold ``# comments``. Names match
    exactly or as globs; an attribute value ``...`` matches any value and ``"text"...``
    any string starting with ``text``.

    Example:
        >>> patterns = parse_tree('''
        ...     POST /chat [SERVER]
        ...     └── agent.route {route.mode="htn"}
        ... ''')
        >>> patterns[0]
        span("POST /chat", span("agent.route", attributes={"route.mode": "htn"}), kind="SERVER")
    """
    __tracebackhide__ = True
    try:
        return patterns_from_drafts(parse_drafts(text))
    except TreeSyntaxError as error:
        # The parser's own frames say nothing to the user; the message points.
        raise error.with_traceback(None) from None


def patterns_from_drafts(drafts: list[Draft | EllipsisType]) -> list[SpanPattern | EllipsisType]:
    """Build the patterns children first, without recursion, so deep trees read back too."""
    built: dict[int, SpanPattern] = {}
    order: list[Draft] = []
    stack = [d for d in drafts if isinstance(d, Draft)]
    while stack:
        draft = stack.pop()
        order.append(draft)
        stack.extend(child for child in draft.children if isinstance(child, Draft))
    for draft in reversed(order):
        status = draft.status
        if status is not None and draft.description is not None:
            status = f"{status}: {draft.description}"
        built[id(draft)] = span(
            draft.name,
            *[... if isinstance(c, EllipsisType) else built[id(c)] for c in draft.children],
            kind=draft.kind,
            status=status,
            attributes=draft.attributes,
            events=draft.events,
            orphan=draft.orphan,
        )
    return [... if isinstance(d, EllipsisType) else built[id(d)] for d in drafts]
