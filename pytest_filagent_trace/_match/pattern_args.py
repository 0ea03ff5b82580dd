"""What each argument of :func:`span` may be: checked, and normalized for matching.

Example:
    >>> expected_events(["exception", ...])
    ((event("exception"),), True)
"""

from __future__ import annotations

from collections.abc import Iterable
from types import EllipsisType
from typing import Any

from pytest_filagent_trace._match.budgets import DurationBudget, parse_budget
from pytest_filagent_trace._match.events import EventPattern
from pytest_filagent_trace._match.matchers import Matcher, as_matcher

__all__ = ["checked_count", "checked_flag", "expected_duration", "expected_events"]


def checked_count(count: Any) -> int | None:
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        raise ValueError(f"span(count=...) must be an int >= 0, found {count!r}")
    return count


def expected_duration(expected: Any) -> DurationBudget | Matcher | None:
    # A text is a budget; anything else is a matcher of the duration in nanoseconds.
    if expected is None or isinstance(expected, DurationBudget):
        return expected
    if isinstance(expected, str):
        return parse_budget(expected)
    if isinstance(expected, (bool, float)) or expected is ...:
        raise TypeError(
            f"span(duration=...) takes a budget such as '< 50ms', or a matcher or predicate"
            f" of the duration in nanoseconds, found {expected!r}"
        )
    return as_matcher(expected)


def _is_ellipsis(item: object) -> bool:
    # The text form reads ``<a, ...>`` as the name "...".
    return item is ... or item == "..."


def _event(expected: str | EventPattern) -> EventPattern:
    return expected if isinstance(expected, EventPattern) else EventPattern(expected)


def checked_flag(value: Any, name: str) -> bool | None:
    """``value`` when it is None, True or False; a TypeError naming ``span(name=...)``."""
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"span({name}=...) must be True or False, found {value!r}")
    return value


def expected_events(
    events: Iterable[str | EventPattern | EllipsisType] | None,
) -> tuple[tuple[EventPattern, ...] | None, bool]:
    """(the expected events, whether ``...`` among them allows any other events)."""
    if events is None:
        return None, False
    listed = list(events)
    open_ended = any(_is_ellipsis(item) for item in listed)
    patterns = tuple(
        _event(item)
        for item in listed
        if not _is_ellipsis(item) and not isinstance(item, EllipsisType)
    )
    return patterns, open_ended
