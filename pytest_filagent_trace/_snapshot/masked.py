"""What normalization holds between its steps: sort keys, texts still holding tokens.

Example:
    >>> MaskedEvent("retry", {"attempt": 2})
    MaskedEvent(name='retry', attributes={'attempt': 2})
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from pytest_filagent_trace._snapshot.values import MaskedText, ValueKey
from pytest_filagent_trace._spans import SpanNode

__all__ = [
    "AttributeKey",
    "MaskedAttribute",
    "MaskedEvent",
    "MaskedFields",
    "MaskedTrace",
    "SpanKey",
]

AttributeKey = tuple[tuple[str, ValueKey], ...]
"""The sort key of a span's or event's attributes: (name, value key) by name."""

SpanKey = tuple[
    ValueKey, str, str, ValueKey | tuple[()], AttributeKey, tuple[Any, ...], tuple[Any, ...]
]
"""The sort key of one span without its children: name, kind, status, description,
attributes, events as (name key, attribute key), then links as (captured, target path
key, attribute key)."""


class MaskedAttribute(NamedTuple):
    """One attribute with its mask applied, and its entry in its span's sort key."""

    value: Any
    key: tuple[str, ValueKey]
    tokens: bool


class MaskedEvent(NamedTuple):
    """An event with its masks applied; its clock is dropped."""

    name: str | MaskedText
    attributes: dict[str, Any]


class MaskedFields(NamedTuple):
    """The texts of a span copy that hold tokens, kept until the tokens are numbered.

    The copy's attributes hold their tokens in place (their values are of any type);
    its name, status description and events wait here.
    """

    name: str | MaskedText
    description: str | MaskedText | None
    events: tuple[MaskedEvent, ...]


@dataclass
class MaskedTrace:
    """The copies of one trace's subtree roots, and when the first of them started."""

    trace_id: str
    roots: list[SpanNode]
    start_time: int
