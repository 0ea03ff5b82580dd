"""The local rules: how one span differs from one pattern, written once.

:func:`differences` yields each difference with its message; the engine decides a match
by asking whether there is any (:func:`matches_locally`), and the explainer prints them
all. Children are not looked at here: the engine and the explainer walk them.

Example:
    >>> [d.message for d in differences(span("a", kind="SERVER"), node, exact=False)]
    ... # doctest: +SKIP
    ['kind: expected SERVER, found INTERNAL']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from pytest_filagent_trace._match.budgets import DurationBudget
from pytest_filagent_trace._match.events import assign, events_match
from pytest_filagent_trace._match.links import link_text
from pytest_filagent_trace._match.strictness import Strictness, relax_hint
from pytest_filagent_trace._spans import MISSING, SpanNode
from pytest_filagent_trace._textform import format_duration, format_value

if TYPE_CHECKING:
    from pytest_filagent_trace._match.patterns import SpanPattern

__all__ = ["MESSAGE_VALUE_LENGTH", "Difference", "differences", "matches_locally", "value_text"]

MESSAGE_VALUE_LENGTH: Final = 200


@dataclass(frozen=True)
class Difference:
    """One way a span differs from its pattern.

    ``message`` is the line under the span's path, ``note`` the short mark on the span's
    line in the tree, ``hint`` the key of the way to relax the check (or ``None``).
    """

    message: str
    note: str
    hint: str | None = None


def matches_locally(pattern: SpanPattern, node: SpanNode, strict: Strictness | bool) -> bool:
    """True when ``node`` itself (children aside) is what ``pattern`` expects."""
    return next(differences(pattern, node, strict), None) is None


def differences(
    pattern: SpanPattern, node: SpanNode, strict: Strictness | bool
) -> Iterator[Difference]:
    """Every local difference between ``node`` and ``pattern``, lazily, cheapest first.

    ``strict`` is the match's :class:`Strictness`, or ``exact`` as a bool.
    """
    if not isinstance(strict, Strictness):
        strict = Strictness.given(strict)
    markers = strict.markers
    for rule in _ONE_EACH:
        found = rule(pattern, node, markers)
        if found is not None:
            yield found
    if pattern.origin is not None:
        yield from pattern.origin.differences(node)
    if pattern.links is not None:
        yield from _links(pattern, node, markers)
    if pattern.matchers:
        yield from _attributes(pattern, node)
    only_listed = pattern.exact_attributes
    if only_listed is None:
        only_listed = strict.attributes
    if only_listed and not node.attributes.keys() <= pattern.attribute_keys:
        option = strict.says("attributes") if pattern.exact_attributes is None else None
        yield _extra_attributes(pattern, node, option or "exact_attributes=True")
    if pattern.events is not None or (strict.events and node.events):
        yield from _events(pattern, node, strict)


def value_text(value: Any) -> str:
    """An actual attribute value as a message shows it (clipped when long)."""
    if value is MISSING:
        return "no such attribute"
    text = format_value(value)
    if len(text) > MESSAGE_VALUE_LENGTH:
        text = text[:MESSAGE_VALUE_LENGTH] + "..."
    return text


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _name(pattern: SpanPattern, node: SpanNode, exact: bool) -> Difference | None:
    del exact
    name = pattern.name_matcher
    if name.equals(node.name):
        return None
    return Difference(
        f"name: expected {name!r}, found {format_value(node.name)}", f"name expected {name!r}"
    )


def _kind(pattern: SpanPattern, node: SpanNode, exact: bool) -> Difference | None:
    if pattern.kind is None and not exact:
        return None  # nothing to compare: the node's kind is not even read
    return _marker("kind", pattern.kind, node.kind, "INTERNAL", exact)


def _status(pattern: SpanPattern, node: SpanNode, exact: bool) -> Difference | None:
    if pattern.status is None and not exact:
        return None
    return _marker("status", pattern.status, node.status, "UNSET", exact)


def _marker(
    aspect: str, given: str | None, actual: str, default: str, exact: bool
) -> Difference | None:
    if given is not None and actual != given:
        return Difference(f"{aspect}: expected {given}, found {actual}", f"expected {given}")
    if given is None and exact and actual != default:
        return Difference(
            f"{aspect}: expected {default} (exact=True and no {aspect} given), found {actual}",
            f"expected {default}",
            "exact_default",
        )
    return None


def _description(pattern: SpanPattern, node: SpanNode, exact: bool) -> Difference | None:
    expected = pattern.description
    if expected is None and not exact:
        return None
    found = node.status_description
    if expected is not None and not expected.equals(found):
        shown = "none" if found is None else format_value(found)
        return Difference(
            f"status description: expected {expected!r}, found {shown}",
            f"description expected {expected!r}",
        )
    if expected is None and exact and found is not None:
        return Difference(
            "status description: expected none (exact=True and no description given),"
            f" found {format_value(found)}",
            "no description expected",
            "exact_default",
        )
    return None


def _orphan(pattern: SpanPattern, node: SpanNode, exact: bool) -> Difference | None:
    if pattern.orphan is not None and node.orphan != pattern.orphan:
        return Difference(
            f"orphan: expected {pattern.orphan}, found {node.orphan}",
            f"orphan expected {pattern.orphan}",
        )
    if pattern.orphan is None and exact and node.orphan:
        return Difference(
            "orphan: expected a span with its parent (exact=True), found an orphan",
            "orphan not expected",
            "exact_default",
        )
    return None


def _attributes(pattern: SpanPattern, node: SpanNode) -> Iterator[Difference]:
    attributes = node.attributes
    for key, matcher in pattern.matchers.items():
        value = attributes.get(key, MISSING)
        if matcher.equals(value):
            continue
        expected = repr(matcher)
        shown = value_text(value)
        if shown == expected:
            shown += f" ({type(value).__name__}, a different type)"
        reason = matcher.explain(value)
        yield Difference(
            f"attribute {key}: expected {expected}, found {shown}"
            + (f" ({reason})" if reason else ""),
            f"{key} expected {_clip(expected)}",
        )


def _links(pattern: SpanPattern, node: SpanNode, exact: bool) -> Iterator[Difference]:
    # Listed links must each find their own; under exact=True they must be all of them.
    expected = pattern.links or ()
    placed = assign(expected, node.links)
    found = "; ".join(link_text(actual) for actual in node.links) or "none"
    for index, link_pattern in enumerate(expected):
        if index not in placed:
            yield Difference(
                f"link {link_pattern!r}: missing; links: {found}",
                f"link {_clip(repr(link_pattern))} missing",
            )
    if exact and len(node.links) > len(expected):
        extra = len(node.links) - len(expected)
        yield Difference(
            f"{extra} link{'s' if extra != 1 else ''} not expected (exact=True); links: {found}",
            f"{extra} more link{'s' if extra != 1 else ''}",
        )


def _extra_attributes(pattern: SpanPattern, node: SpanNode, option: str) -> Difference:
    extra = sorted(set(node.attributes) - pattern.attribute_keys)
    shown = ", ".join(f"{k}={value_text(node.attributes[k])}" for k in extra)
    return Difference(
        f"attributes not expected ({option}): {shown}",
        f"not expected: {', '.join(extra)}",
        relax_hint("extra_attribute", option),
    )


def _events(pattern: SpanPattern, node: SpanNode, strict: Strictness) -> Iterator[Difference]:
    expected = pattern.events or ()
    exact = strict.events and not pattern.events_open
    if events_match(expected, node.events, exact):
        return
    placed = assign(expected, node.events)
    names = ", ".join(e.name for e in node.events) or "none"
    for index, event_pattern in enumerate(expected):
        if index not in placed:
            yield Difference(
                f"event {event_pattern.short()}: missing; events: {names}",
                f"event {event_pattern.short()} missing",
            )
    if exact:
        used = set(placed.values())
        extra = [e.name for i, e in enumerate(node.events) if i not in used]
        if extra:
            option = strict.says("events")
            yield Difference(
                f"events not expected ({option}): {', '.join(extra)}",
                f"events not expected: {', '.join(extra)}",
                relax_hint("extra_event", option),
            )


def _duration(pattern: SpanPattern, node: SpanNode, exact: bool) -> Difference | None:
    del exact
    budget = pattern.duration
    if budget is None:
        return None
    if isinstance(budget, DurationBudget):
        if budget.allows(node):
            return None
        return Difference(f"duration: {budget.explain(node)}", f"duration {budget.text}")
    if budget.equals(node.duration_ns):
        return None
    found = format_duration(node.duration_ns)
    return Difference(
        f"duration: expected {budget!r} (nanoseconds), found {node.duration_ns} ({found})",
        f"duration expected {_clip(repr(budget))}",
    )


_ONE_EACH: Final[tuple[Callable[[SpanPattern, SpanNode, bool], Difference | None], ...]] = (
    _name,
    _kind,
    _status,
    _description,
    _orphan,
    _duration,
)
"""The rules that find at most one difference each, in the order messages list them."""
