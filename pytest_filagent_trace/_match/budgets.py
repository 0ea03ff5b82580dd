"""Duration budgets: ``"< 50ms"``, ``">= 2 s"``, ``"< 30% parent"``, ``"< 10% trace"``.

A budget compares a span's duration with a bound: an absolute one, in ``ns``, ``µs`` (or
``us``), ``ms`` or ``s``, or a share of its parent's or its whole trace's duration. A
relative budget stays meaningful on a slow or noisy machine, where every span of the
trace slows down alike.

Example:
    >>> budget = parse_budget("< 50ms")
    >>> budget.allows_ns(12_000_000), budget.allows_ns(80_000_000)
    (True, False)
    >>> parse_budget("<= 30% parent")
    DurationBudget('<= 30% parent')
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pytest_filagent_trace._textform import (
    BUDGET,
    BUDGET_SYNTAX,
    DURATION_UNITS,
    format_duration,
)

if TYPE_CHECKING:
    from pytest_filagent_trace._spans import SpanNode

__all__ = ["DurationBudget", "parse_budget"]

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

Whole = Literal["parent", "trace"]


@dataclass(frozen=True)
class DurationBudget:
    """A parsed budget: an operator and either nanoseconds or a share of a whole."""

    text: str
    op: str
    nanoseconds: float = 0.0
    share: float = 0.0
    whole: Whole | None = None
    _compare: Callable[[float, float], bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compare", _COMPARE[self.op])

    def __repr__(self) -> str:
        return f"DurationBudget({self.text!r})"

    def allows_ns(self, nanoseconds: float) -> bool:
        """Whether an absolute budget admits ``nanoseconds`` (relative ones need a span)."""
        if self.whole is not None:
            raise ValueError(f"the budget {self.text!r} is relative: check it against a span")
        return self._compare(nanoseconds, self.nanoseconds)

    def bound(self, node: SpanNode) -> float | None:
        """The bound in nanoseconds for ``node``; None when it has no parent to share."""
        if self.whole is None:
            return self.nanoseconds
        whole = _whole_duration(node, self.whole)
        return None if whole is None else whole * self.share / 100

    def allows(self, node: SpanNode) -> bool:
        """Whether ``node``'s duration keeps within the budget."""
        bound = self.bound(node)
        return bound is not None and self._compare(node.duration_ns, bound)

    def explain(self, node: SpanNode) -> str:
        """What was found against what the budget asks, e.g. ``80.0 ms, budget < 50ms``."""
        found = format_duration(node.duration_ns)
        bound = self.bound(node)
        if bound is None:
            return f"{found}, budget {self.text} but the span has no parent"
        if self.whole is None:
            return f"{found}, budget {self.text}"
        return f"{found}, budget {self.text} = {self.op} {format_duration(bound)}"


def _whole_duration(node: SpanNode, whole: Whole) -> int | None:
    if whole == "parent":
        return None if node.parent is None else node.parent.duration_ns
    top = node
    while top.parent is not None:
        top = top.parent
    spans = list(top.walk())
    return max(n.end_time for n in spans) - min(n.start_time for n in spans)


def parse_budget(text: str) -> DurationBudget:
    """Read a budget; raises ``ValueError`` saying how budgets are written.

    Example:
        >>> parse_budget("> 1.5 s").nanoseconds
        1500000000.0
        >>> parse_budget("50ms")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: invalid duration budget '50ms': a budget is <, <=, > or >= then ...
    """
    if not isinstance(text, str):
        raise TypeError(f"a duration budget is a text such as '< 50ms', found {text!r}")
    found = BUDGET.match(text)
    if found is None:
        raise ValueError(f"invalid duration budget {text!r}: {BUDGET_SYNTAX}")
    number = float(found["number"])
    normal = " ".join(text.split())
    if found["whole"] is not None:
        whole: Whole = "parent" if found["whole"] == "parent" else "trace"
        return DurationBudget(normal, found["op"], share=number, whole=whole)
    return DurationBudget(normal, found["op"], nanoseconds=number * DURATION_UNITS[found["unit"]])
