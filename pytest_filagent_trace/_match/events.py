"""Expected span events, and placing them on a span's actual events.

Example:
    >>> event("exception", attributes={"exception.type": "ValueError"})
    event("exception", attributes={"exception.type": "ValueError"})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pytest_filagent_trace._match.matchers import Matcher, as_matcher, name_matcher
from pytest_filagent_trace._spans import MISSING, SpanEvent
from pytest_filagent_trace._textform import format_value

__all__ = ["EventPattern", "assign", "attributes_repr", "event", "events_match"]


class EventPattern(Matcher):
    """An expected span event: a name (exact or glob) and optionally attributes.

    Example:
        >>> event("exception") == SpanEvent("exception", {}, 0)
        True
    """

    __slots__ = ("_name", "attributes", "name")

    def __init__(self, name: Any, attributes: Mapping[str, Any] | None = None) -> None:
        self.name = name
        self._name = name_matcher(name, "event(name)")
        self.attributes = {key: as_matcher(value) for key, value in (attributes or {}).items()}

    def equals(self, value: Any) -> bool:
        if not isinstance(value, SpanEvent) or not self._name.equals(value.name):
            return False
        return all(m.equals(value.attributes.get(k, MISSING)) for k, m in self.attributes.items())

    def __repr__(self) -> str:
        if not self.attributes:
            return f"event({self._name!r})"
        return f"event({self._name!r}, attributes={attributes_repr(self.attributes)})"

    def short(self) -> str:
        """The name alone when no attributes are expected, as ``span(events=[...])`` reads."""
        return repr(self._name) if not self.attributes else repr(self)


def event(name: Any = ..., *, attributes: Mapping[str, Any] | None = None) -> EventPattern:
    """An expected event for ``span(events=[...])``; a plain string means the same as
    ``event(name)``.

    Example:
        >>> event("exception")
        event("exception")
    """
    return EventPattern(name, attributes)


def attributes_repr(attributes: Mapping[str, Matcher]) -> str:
    """Expected attributes as a dict literal of matcher reprs.

    Example:
        >>> attributes_repr({"ok": as_matcher(True)})
        '{"ok": True}'
    """
    return "{" + ", ".join(f"{format_value(k)}: {m!r}" for k, m in attributes.items()) + "}"


def events_match(
    expected: Sequence[EventPattern], actual: Sequence[SpanEvent], exact: bool
) -> bool:
    """Each expected event matches a distinct actual one (and, with ``exact``, no other).

    Example:
        >>> events_match([event("exception")], [SpanEvent("exception", {}, 0)], exact=True)
        True
    """
    if exact and len(expected) != len(actual):
        return False
    if len(expected) > len(actual):
        return False
    return len(assign(expected, actual)) == len(expected)


def assign(expected: Sequence[Matcher], actual: Sequence[Any]) -> dict[int, int]:
    """A maximum matching of a few expected items onto actual ones (Kuhn's algorithm):
    expected index to actual index.

    Example:
        >>> sorted(assign([as_matcher(2), as_matcher(1)], [1, 2]).items())
        [(0, 1), (1, 0)]
    """
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
