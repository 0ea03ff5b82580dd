"""What the parser yields: drafts of expected spans and their links, their value markers,
and its error."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import EllipsisType
from typing import Any


class TreeSyntaxError(ValueError):
    """Expected text that is not in the text form; names the line and column with a caret.

    Example:
        >>> parse_tree("agent.route {route.mode=}")  # doctest: +SKIP
        Traceback (most recent call last):
        TreeSyntaxError: line 1, column 25: expected a value ...
    """

    def __init__(self, reason: str, line: int, column: int, source_line: str) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        self.source_line = source_line
        caret = " " * (column - 1) + "^"
        super().__init__(f"line {line}, column {column}: {reason}\n    {source_line}\n    {caret}")


@dataclass(frozen=True)
class DraftPrefix:
    """An attribute value written ``"text"...``: any string starting with ``text``."""

    text: str


class _DraftAny:
    """An attribute value written ``...``: any value, as long as the attribute is there."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "..."


DRAFT_ANY = _DraftAny()
"""The draft value of ``...`` in expected text; ``_match`` turns it into ``ANY``."""


@dataclass
class DraftLink:
    """One ``→ link`` line of expected text: the target's path, or None for a link to a span
    outside the capture; the ordinal amongst the spans sharing that path; the attributes."""

    path: tuple[str, ...] | None
    ordinal: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Draft:
    """One span line of expected text, as read: the parser's output, before any matcher."""

    name: str
    kind: str | None = None
    status: str | None = None
    description: str | None = None
    orphan: bool | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    events: list[str] | None = None
    duration: str | None = None
    links: list[DraftLink] | None = None
    children: list[Draft | EllipsisType] = field(default_factory=list)
