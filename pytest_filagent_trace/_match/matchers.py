"""Attribute and name matchers: what an expected value may be, and how it reads.

A plain value matches by the one value rule (:func:`typed_equal`: ``1`` is not ``1.0`` nor
``True``); :func:`glob`, :func:`starts_with`, a compiled regex (searched), a type such as
``int``, a predicate, any object with ``__eq__`` (dirty-equals works), ``...``/:data:`ANY`
(present, any value) and :data:`ABSENT` (must not be there) cover the rest. Matchers
combine with ``|``, ``&`` and ``~``.

Example:
    >>> (glob("tool.*") | "agent.route") == "agent.route"
    True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any, Final

from pytest_filagent_trace._match.source_text import function_text
from pytest_filagent_trace._spans import MISSING, typed_equal
from pytest_filagent_trace._textform import format_value

__all__ = [
    "ABSENT",
    "ANY",
    "Equals",
    "Matcher",
    "Name",
    "as_matcher",
    "glob",
    "name_matcher",
    "starts_with",
]

_GLOB_CHARS = frozenset("*?[")


class Matcher:
    """Base of every matcher: :meth:`equals` decides, the ``repr`` shows what is expected.

    Matchers compare equal to the values they match (``glob("a*") == "abc"``), and combine
    with ``|`` (either), ``&`` (both) and ``~`` (not). Two matchers are equal, and hash
    equal, when they read the same (same type and ``repr``).

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
        # Equal matchers (same type, same repr) hash equal, so a set keeps one of them.
        return hash((type(self), repr(self)))

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


class Equals(Matcher):
    """A plain expected value, compared by the one value rule (:func:`typed_equal`)."""

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


class Name(_Glob):
    """A span name or status description: exact, or a glob when it holds ``*?[``; it
    matches like :func:`glob` and is written as the bare text.

    Example:
        >>> Name("tool.execute.*") == "tool.execute.calculator", Name("agent.route").literal
        (True, 'agent.route')
    """

    __slots__ = ("literal",)

    def __init__(self, pattern: str) -> None:
        super().__init__(pattern)
        # A name without glob characters is looked up in indexes by its text.
        self.literal = None if _GLOB_CHARS.intersection(pattern) else pattern

    def equals(self, value: Any) -> bool:
        if self.literal is not None:
            return isinstance(value, str) and value == self.literal
        return super().equals(value)

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
        return function_text(self.function)


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
        return Equals(expected)
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


def name_matcher(name: Any, what: str) -> Matcher:
    """The matcher for a span or event name: exact, glob, compiled regex (whole name),
    a matcher, or ``...`` for any name; ``what`` names the argument in the error.

    Example:
        >>> name_matcher("tool.*", "span(name)")
        "tool.*"
    """
    if isinstance(name, Matcher):
        return name
    if name is ...:
        return ANY
    if isinstance(name, re.Pattern):
        return _Regex(name, full=True)
    if isinstance(name, str):
        return Name(name)
    raise TypeError(f"{what} must be a str, a glob, a compiled regex or a matcher, found {name!r}")
