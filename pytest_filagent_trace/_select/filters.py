"""What one step of a selector asks of a span: its name, attribute filters, pseudo-classes.

Attribute values compare by the one value rule,
:func:`pytest_filagent_trace._spans.typed_equal`: ``[ok=1]`` does not pick a span whose
``ok`` is ``True``, and ``[n=1]`` does not pick ``n=1.0``. A bare value may also stand for
the string it spells (``[code=200]`` picks ``code="200"``); a quoted one is only a string.
The text operators (``^=``, ``$=``, ``*=``, ``~=``) read numbers and booleans as text;
the comparisons (``<``, ``<=``, ``>``, ``>=``) take only numbers, never booleans.

Example:
    >>> AttributeFilter("ok", "=", True, "true").matches({"ok": True})
    True
    >>> AttributeFilter("ok", "=", 1, "1").matches({"ok": True})
    False
    >>> AttributeFilter("code", ">=", 500, "500").matches({"code": 503})
    True
"""

from __future__ import annotations

import fnmatch
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pytest_filagent_trace._select.walk import Walk
from pytest_filagent_trace._spans import SpanNode, typed_equal
from pytest_filagent_trace._textform import format_duration, format_value

__all__ = [
    "COMPARISONS",
    "PSEUDOS",
    "AttributeFilter",
    "Compound",
    "DurationFilter",
    "NodeTest",
    "Pseudo",
]

_KIND_PSEUDOS = frozenset({"server", "client", "internal", "producer", "consumer"})
_STATUS_PSEUDOS = frozenset({"error", "ok", "unset"})
_OTHER_PSEUDOS = frozenset({"root", "orphan", "leaf"})
PSEUDOS = sorted(_KIND_PSEUDOS | _STATUS_PSEUDOS | _OTHER_PSEUDOS)
"""Every simple pseudo-class, in the order an error message lists them."""

_GLOB_CHARS = frozenset("*?[")
_TEXT_OPERATORS = frozenset({"^=", "$=", "*=", "~="})
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
"""The numeric operators of attribute filters and of ``[duration...]``."""


class NodeTest(Protocol):
    """One part of a step after its name: ``[key=value]``, ``:error``, ``:not(...)``."""

    @property
    def text(self) -> str:
        """The part as a selector writes it."""
        ...

    def accepts(self, node: SpanNode, walk: Walk | None = None) -> bool:
        """True when ``node`` passes this part (``walk``: the pass it is asked in)."""
        ...

    def found(self, node: SpanNode) -> str:
        """What ``node`` has where this part looks, for messages ("" when nothing to say)."""
        ...


@dataclass(frozen=True)
class AttributeFilter:
    """One ``[key]``, ``[!key]`` or ``[key <operator> value]``.

    ``operator`` is ``exists``, ``absent``, ``=``, ``!=``, ``^=`` (starts with), ``$=``
    (ends with), ``*=`` (contains), ``~=`` (regex found), or ``<``, ``<=``, ``>``, ``>=``.
    ``value`` is the typed literal (``true``, ``200``, ``0.5``, or the text), ``raw`` the
    text as written; a ``quoted`` value is only ever a string.

    Example:
        >>> AttributeFilter("code", "=", 200, "200").matches({"code": "200"})
        True
        >>> AttributeFilter("route", "^=", "/chat", "/chat").text
        '[route^=/chat]'
    """

    key: str
    operator: str
    value: Any = None
    raw: str = ""
    quoted: bool = False
    regex: re.Pattern[str] | None = None

    @property
    def text(self) -> str:
        """The filter as a selector writes it."""
        key = self.key if re.fullmatch(r"[\w.\-/]+", self.key) else format_value(self.key)
        if self.operator == "exists":
            return f"[{key}]"
        if self.operator == "absent":
            return f"[!{key}]"
        value = format_value(self.raw) if self.quoted else self.raw
        return f"[{key}{self.operator}{value}]"

    def matches(self, attributes: Mapping[str, Any]) -> bool:
        """True when ``attributes`` pass this filter."""
        if self.operator == "exists":
            return self.key in attributes
        if self.operator == "absent":
            return self.key not in attributes
        if self.key not in attributes:
            return self.operator == "!="
        actual = attributes[self.key]
        if self.operator == "=":
            return self._equal(actual)
        if self.operator == "!=":
            return not self._equal(actual)
        if self.operator in _TEXT_OPERATORS:
            return self._text_matches(actual)
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            return False
        return COMPARISONS[self.operator](actual, self.value)

    def accepts(self, node: SpanNode, walk: Walk | None = None) -> bool:
        """True when ``node``'s attributes pass this filter."""
        del walk
        return self.matches(node.attributes)

    def found(self, node: SpanNode) -> str:
        """The attribute as ``node`` has it."""
        if self.key not in node.attributes:
            return f"no attribute {self.key}"
        return f"{self.key}={format_value(node.attributes[self.key])}"

    def _equal(self, actual: Any) -> bool:
        if typed_equal(actual, self.value):
            return True
        # A bare literal is also the text it spells: `[flag=false]` picks flag="false".
        return not self.quoted and typed_equal(actual, self.raw)

    def _text_matches(self, actual: Any) -> bool:
        text = _text(actual)
        if text is None:
            return False
        if self.operator == "^=":
            return text.startswith(self.raw)
        if self.operator == "$=":
            return text.endswith(self.raw)
        if self.operator == "*=":
            return self.raw in text
        assert self.regex is not None
        return self.regex.search(text) is not None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return None


@dataclass(frozen=True)
class DurationFilter:
    """``[duration<50ms]``: the span's own duration (``duration_ns``) compared.

    Example:
        >>> DurationFilter("<", 50_000_000, "50ms").text
        '[duration<50ms]'
    """

    operator: str
    nanoseconds: float
    raw: str

    @property
    def text(self) -> str:
        """The filter as a selector writes it."""
        return f"[duration{self.operator}{self.raw}]"

    def accepts(self, node: SpanNode, walk: Walk | None = None) -> bool:
        """True when ``node``'s duration compares so with the bound."""
        del walk
        return COMPARISONS[self.operator](node.duration_ns, self.nanoseconds)

    def found(self, node: SpanNode) -> str:
        """The duration of ``node``."""
        return f"duration {format_duration(node.duration_ns)}"


@dataclass(frozen=True)
class Pseudo:
    """A simple pseudo-class: a status (``:error``), a kind (``:server``), or the place
    of the span (``:root``, ``:orphan``, ``:leaf``).

    Example:
        >>> Pseudo("error").text
        ':error'
    """

    name: str

    @property
    def text(self) -> str:
        """The pseudo-class as a selector writes it."""
        return f":{self.name}"

    def accepts(self, node: SpanNode, walk: Walk | None = None) -> bool:
        """True when ``node`` has this status, kind or place."""
        del walk
        pseudo = self.name
        if pseudo in _KIND_PSEUDOS:
            return node.kind == pseudo.upper()
        if pseudo in _STATUS_PSEUDOS:
            return node.status == pseudo.upper()
        if pseudo == "root":
            return node.parent is None and not node.orphan
        if pseudo == "orphan":
            return node.orphan
        return not node.children  # leaf

    def found(self, node: SpanNode) -> str:
        """What ``node`` has instead."""
        pseudo = self.name
        if pseudo in _KIND_PSEUDOS:
            return f"kind {node.kind}"
        if pseudo in _STATUS_PSEUDOS:
            return f"status {node.status}"
        if pseudo == "leaf":
            count = len(node.children)
            return f"{count} child{'ren' if count != 1 else ''}"
        if node.orphan:
            return "an orphan"
        return "a root" if node.parent is None else f"a child of {node.parent.name}"


@dataclass(frozen=True)
class Compound:
    """One step of a selector: an optional name glob and the parts that follow it.

    Example:
        >>> Compound("tool.*", (Pseudo("error"),)).text
        'tool.*:error'
    """

    name: str | None
    tests: tuple[NodeTest, ...] = ()
    _glob: Callable[[str], object] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Compiled once: a selector asks every span of a capture about its name.
        name = self.name
        glob = None
        if name is not None and _GLOB_CHARS.intersection(name):
            glob = re.compile(fnmatch.translate(name)).match
        object.__setattr__(self, "_glob", glob)

    @property
    def text(self) -> str:
        """The step as a selector writes it."""
        name = self.name or ""
        if name and not re.fullmatch(r"[^\s>+~,\[\]:\"'()]+", name):
            name = format_value(name)
        if not name and not self.tests:
            return "*"
        return name + "".join(test.text for test in self.tests)

    def name_matches(self, node: SpanNode) -> bool:
        """True when ``node``'s name matches this step's name glob (or there is none)."""
        name = self.name
        if name is None or node.name == name:
            return True
        return self._glob is not None and self._glob(node.name) is not None

    def matches(self, node: SpanNode, walk: Walk | None = None) -> bool:
        """True when ``node`` itself passes this step (its ancestors are not looked at)."""
        if not self.name_matches(node):
            return False
        return all(test.accepts(node, walk) for test in self.tests)
