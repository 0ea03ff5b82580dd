"""What ``assert_spans`` checks on each picked span, and how it says what is wrong.

Attributes, status and kind go through a ``span(...)`` pattern and the one local
comparison of ``_match`` (``differences``), and so does ``duration`` (a budget such as
``"< 50ms"`` or ``"< 30% parent"``, or a matcher of the nanoseconds): they read and decide
exactly as in ``assert_span_tree``. ``ancestor``/``parent`` are selectors some ancestor
(the parent) must match.

Example:
    >>> count_text(1, None), count_text(0, 0), count_text(2, 2), count_text(1, 3)
    ('at least one span', 'no span', '2 spans', 'between 1 and 3 spans')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_filagent_trace._match import SpanPattern, differences
from pytest_filagent_trace._select.selectors import Selector
from pytest_filagent_trace._spans import PATH_SEPARATOR, SpanNode
from pytest_filagent_trace._textform import format_value

__all__ = ["Conditions", "SpanFailure", "count_text"]


@dataclass(frozen=True)
class SpanFailure:
    """One picked span and every condition it fails, as message lines."""

    node: SpanNode
    problems: list[str] = field(default_factory=list)


def count_text(low: int, high: int | None) -> str:
    """How many spans were expected, in words."""
    if high is None:
        return "at least one span" if low == 1 else f"at least {low} spans"
    if low == high:
        if low == 0:
            return "no span"
        return "1 span" if low == 1 else f"{low} spans"
    return f"between {low} and {high} spans"


@dataclass(frozen=True)
class Conditions:
    """The conditions of one ``assert_spans`` call; None where none was given."""

    pattern: SpanPattern | None
    ancestor: Selector | None
    parent: Selector | None

    def check(self, node: SpanNode) -> SpanFailure:
        """Every condition ``node`` fails (an empty list when it passes them all)."""
        problems: list[str] = []
        if self.pattern is not None:
            problems.extend(d.message for d in differences(self.pattern, node, False))
        if self.ancestor is not None and not any(map(self.ancestor.matches, node.ancestors())):
            problems.append(
                f"ancestor: expected one matching {format_value(self.ancestor.text)},"
                f" found {_ancestry(node)}"
            )
        if self.parent is not None and (
            node.parent is None or not self.parent.matches(node.parent)
        ):
            found = "none" if node.parent is None else format_value(node.parent.name)
            if node.orphan:
                found += " (an orphan: its parent was not captured)"
            problems.append(
                f"parent: expected one matching {format_value(self.parent.text)}, found {found}"
            )
        return SpanFailure(node, problems)

    def reprs(self) -> list[str]:
        """The conditions as the keyword arguments that gave them."""
        parts: list[str] = []
        if self.pattern is not None:
            # span(kind=..., status=..., attributes=..., duration=...) without its name.
            parts.append(repr(self.pattern).removeprefix("span(").removesuffix(")"))
        if self.ancestor is not None:
            parts.append(f"ancestor={format_value(self.ancestor.text)}")
        if self.parent is not None:
            parts.append(f"parent={format_value(self.parent.text)}")
        return parts


def _ancestry(node: SpanNode) -> str:
    names = [ancestor.name for ancestor in node.ancestors()]
    if not names:
        return "none (an orphan: its parent was not captured)" if node.orphan else "none (a root)"
    orphan = " (above them, an uncaptured parent)" if names and _top(node).orphan else ""
    return f"none among {PATH_SEPARATOR.join(reversed(names))}{orphan}"


def _top(node: SpanNode) -> SpanNode:
    while node.parent is not None:
        node = node.parent
    return node
