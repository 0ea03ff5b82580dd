"""Durations and duration budgets: ``50ms`` in a selector, ``"< 50ms"`` in ``assert_spans``.

A duration is a number and a unit: ``ns``, ``us`` (or ``µs``), ``ms`` or ``s``, with or
without a space (``1.5 ms``). A budget is a comparison (``<``, ``<=``, ``>``, ``>=``) and
either a duration or a share of the parent's or the whole trace's duration
(``< 30% parent``, ``<= 10% trace``); relative budgets stay meaningful on a slow machine.
Every budget reads a span's ``duration_ns``.

Example:
    >>> parse_duration("1.5 ms"), parse_duration("20us"), parse_duration("2s")
    (1500000, 20000, 2000000000)
    >>> parse_budget("< 50ms")
    Budget('< 50ms')
    >>> format_duration(73_200_000)
    '73.2 ms'
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Final

from pytest_filagent_trace._spans import SpanNode

__all__ = [
    "BUDGET_SYNTAX",
    "COMPARISONS",
    "Budget",
    "format_duration",
    "parse_budget",
    "parse_duration",
]

_UNITS: Final = {
    "ns": 1,
    "us": 1_000,
    "\N{MICRO SIGN}s": 1_000,
    "\N{GREEK SMALL LETTER MU}s": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
}
_NUMBER: Final = r"(?:\d+(?:\.\d*)?|\.\d+)"
_UNIT: Final = "|".join(sorted(_UNITS, key=len, reverse=True))
_DURATION: Final = re.compile(rf"({_NUMBER})\s*({_UNIT})")
_BUDGET: Final = re.compile(
    rf"\s*(<=|>=|<|>)\s*(?:({_NUMBER})\s*%\s*(parent|trace)|({_NUMBER})\s*({_UNIT}))\s*"
)

COMPARISONS: Final[dict[str, Callable[[float, float], bool]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
"""The comparison operators of budgets and numeric selector filters."""

BUDGET_SYNTAX: Final = (
    'a budget is "<", "<=", ">" or ">=" and a duration with a unit (ns, us or µs, ms, s),'
    ' or a share of the parent or trace: "< 50ms", ">= 1.5 s", "< 30% parent", "< 10% trace"'
)
"""How a budget is written, for error messages."""


def parse_duration(text: str) -> int | None:
    """Nanoseconds for ``text`` (``50ms``, ``1.5 s``, ``20µs``), or None when it is not one.

    Example:
        >>> parse_duration("50ms"), parse_duration("50")
        (50000000, None)
    """
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        return None
    return round(float(match.group(1)) * _UNITS[match.group(2)])


def format_duration(nanoseconds: int) -> str:
    """A duration as messages and ``--trace-tree`` print it.

    Example:
        >>> format_duration(950), format_duration(12_300), format_duration(3_210_000_000)
        ('950 ns', '12.3 µs', '3.21 s')
    """
    if nanoseconds < 1_000:
        return f"{nanoseconds} ns"
    if nanoseconds < 1_000_000:
        return f"{nanoseconds / 1_000:.1f} \N{MICRO SIGN}s"
    if nanoseconds < 1_000_000_000:
        return f"{nanoseconds / 1_000_000:.1f} ms"
    return f"{nanoseconds / 1_000_000_000:.2f} s"


class Budget:
    """A limit on a span's duration: absolute (``< 50ms``) or relative (``< 30% parent``).

    Example:
        >>> budget = parse_budget("<= 10% trace")
        >>> budget.operator, budget.percent, budget.base
        ('<=', 10.0, 'trace')
    """

    __slots__ = ("base", "nanoseconds", "operator", "percent", "text")

    def __init__(
        self,
        operator: str,
        *,
        nanoseconds: int | None = None,
        percent: float | None = None,
        base: str | None = None,
        text: str = "",
    ) -> None:
        self.operator = operator
        self.nanoseconds = nanoseconds
        self.percent = percent
        self.base = base
        if not text:
            text = (
                f"{operator} {format_duration(nanoseconds)}"
                if nanoseconds is not None
                else f"{operator} {percent:g}% {base}"
            )
        self.text = text

    def _base(self, node: SpanNode) -> SpanNode | None:
        if self.base == "parent":
            return node.parent
        top = node
        while top.parent is not None:
            top = top.parent
        return top

    def limit(self, node: SpanNode) -> int | None:
        """The limit in nanoseconds for ``node``; None when a relative base is missing."""
        if self.nanoseconds is not None:
            return self.nanoseconds
        base = self._base(node)
        if base is None or self.percent is None:
            return None
        return round(base.duration_ns * self.percent / 100)

    def holds(self, node: SpanNode) -> bool:
        """True when ``node``'s duration is within this budget."""
        limit = self.limit(node)
        return limit is not None and COMPARISONS[self.operator](node.duration_ns, limit)

    def problem(self, node: SpanNode) -> str | None:
        """Why ``node`` is outside this budget (expected and found), or None when it holds.

        Example:
            >>> parse_budget("< 50ms").problem(slow_node)  # doctest: +SKIP
            'duration: expected < 50ms, found 73.2 ms'
        """
        if self.holds(node):
            return None
        found = f"duration: expected {self.text}, found {format_duration(node.duration_ns)}"
        if self.nanoseconds is not None:
            return found
        base = self._base(node)
        if base is None:
            return f"{found}, and the span has no parent to compare with"
        share = 100 * node.duration_ns / base.duration_ns if base.duration_ns else 100.0
        return (
            f"{found} ({share:.0f}% of {self.base} {base.name!r},"
            f" {format_duration(base.duration_ns)})"
        )

    def __repr__(self) -> str:
        return f"Budget({self.text!r})"


def parse_budget(text: str) -> Budget:
    """The budget ``text`` writes; raises ``ValueError`` showing the syntax otherwise.

    Example:
        >>> parse_budget("> 1.5 s").nanoseconds
        1500000000
        >>> parse_budget("50ms")
        Traceback (most recent call last):
        ...
        ValueError: invalid duration budget '50ms': a budget is "<", "<=", ">" or ">=" and a duration with a unit (ns, us or µs, ms, s), or a share of the parent or trace: "< 50ms", ">= 1.5 s", "< 30% parent", "< 10% trace"
    """  # noqa: E501 - a doctest shows the message on one line
    match = _BUDGET.fullmatch(text)
    if match is None:
        raise ValueError(f"invalid duration budget {text!r}: {BUDGET_SYNTAX}")
    comparison, percent, base, amount, unit = match.groups()
    shown = " ".join(text.split())
    if percent is not None:
        return Budget(comparison, percent=float(percent), base=base, text=shown)
    return Budget(comparison, nanoseconds=round(float(amount) * _UNITS[unit]), text=shown)
