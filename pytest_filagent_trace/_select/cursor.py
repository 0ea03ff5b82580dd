"""Reading selector text: the position, strings, runs of characters and errors with columns.

Example:
    >>> cursor = Cursor('"POST /chat" > x')
    >>> cursor.string(), cursor.pos
    ('POST /chat', 12)
"""

from __future__ import annotations

import ast
import re
from typing import Any

__all__ = ["Cursor", "SelectorSyntaxError", "typed_literal"]

_INTEGER = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|-?\d+[eE][+-]?\d+")


class SelectorSyntaxError(Exception):
    """Where the text stops following the grammar: the reason and the 1-based column.

    The selector turns it into the :class:`SelectorError` users see, with the caret.
    """

    def __init__(self, reason: str, column: int) -> None:
        super().__init__(reason, column)
        self.reason = reason
        self.column = column


def typed_literal(raw: str) -> Any:
    """The value a bare literal stands for: a bool, an int, a float, else the text.

    Example:
        >>> typed_literal("False"), typed_literal("200"), typed_literal("1e3"), typed_literal("x")
        (False, 200, 1000.0, 'x')
    """
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if _INTEGER.fullmatch(raw):
        return int(raw)
    if _FLOAT.fullmatch(raw):
        return float(raw)
    return raw


class Cursor:
    """A position in the selector text and the few ways the grammar reads from it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, reason: str, pos: int | None = None) -> SelectorSyntaxError:
        """The error for ``reason`` at ``pos`` (the current position by default)."""
        return SelectorSyntaxError(reason, (self.pos if pos is None else pos) + 1)

    def peek(self) -> str:
        """The next character, "" at the end."""
        return self.text[self.pos : self.pos + 1]

    def found(self) -> str:
        """The next character as a message names it."""
        return f'"{self.peek()}"' if self.peek() else "the end of the selector"

    def spaces(self) -> bool:
        """Skip white space; True when there was some."""
        start = self.pos
        while self.peek() in (" ", "\t", "\n") and self.peek():
            self.pos += 1
        return self.pos > start

    def string(self) -> str:
        """A quoted string starting here, with Python's escapes."""
        start = self.pos
        quote = self.text[start]
        index = start + 1
        while index < len(self.text):
            if self.text[index] == "\\":
                index += 2
                continue
            if self.text[index] == quote:
                try:
                    value = ast.literal_eval(self.text[start : index + 1])
                except (SyntaxError, ValueError) as error:
                    raise self.fail(f"invalid quoted string ({error})", start) from None
                self.pos = index + 1
                return str(value)
            index += 1
        raise self.fail(f"unterminated string: no closing {quote}", start)

    def run(self, stop: frozenset[str]) -> str:
        """The characters from here up to one of ``stop`` (or the end)."""
        start = self.pos
        while self.peek() and self.peek() not in stop:
            self.pos += 1
        return self.text[start : self.pos]
