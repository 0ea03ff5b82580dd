"""A cursor over one line of expected text: reads names, values and groups, and fails
pointing at the column."""

from __future__ import annotations

import ast
import math
import re
import warnings
from typing import Any

from pytest_filagent_trace._textform.drafts import DRAFT_ANY, DraftPrefix, TreeSyntaxError
from pytest_filagent_trace._textform.values import (
    _BARE_KEY,
    _NAME_END,
    _WORD,
)

_NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")
_SPACES = re.compile(r"[ \t]*")
_STRINGS = {
    '"': re.compile(r'"((?:[^"\\\n]|\\.)*)"'),
    "'": re.compile(r"'((?:[^'\\\n]|\\.)*)'"),
}
_SIMPLE_ATTRIBUTE = re.compile(
    r'[ \t]*([^\s=,{}()\[\]<>"\'#]+)[ \t]*=[ \t]*'
    r'(?:"((?:[^"\\\n]|\\.)*)"|(-?\d+)(?![\d.eE])|(True|False)\b)'
)


class LineCursor:
    """A cursor over one line of expected text; errors point at its column."""

    def __init__(self, text: str, line: int, offset: int, source_line: str) -> None:
        self.text = text
        self.pos = 0
        self.line = line
        self.offset = offset
        self.source_line = source_line

    def fail(self, reason: str, pos: int | None = None) -> TreeSyntaxError:
        where = self.pos if pos is None else pos
        return TreeSyntaxError(reason, self.line, self.offset + where + 1, self.source_line)

    def peek(self, length: int = 1) -> str:
        return self.text[self.pos : self.pos + length]

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip_spaces(self) -> None:
        self.pos = _SPACES.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def expect(self, char: str, what: str) -> None:
        self.skip_spaces()
        if self.peek() != char:
            found = f'"{self.peek()}"' if self.peek() else "the end of the line"
            raise self.fail(f'expected "{char}" {what}, found {found}')
        self.pos += 1

    def string(self) -> str:
        start = self.pos
        quote_char = self.text[start]
        match = _STRINGS[quote_char].match(self.text, start)
        if match is None:
            raise self.fail(f"unterminated string: no closing {quote_char}", start)
        self.pos = match.end()
        return self._unescape(match.group(1), match.group(), start)

    def _unescape(self, inner: str, literal: str, start: int) -> str:
        if "\\" not in inner:
            return inner
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = ast.literal_eval(literal)
        except (SyntaxError, ValueError) as error:
            raise self.fail(f"invalid string literal {literal} ({error})", start) from None
        return str(value)

    def name(self) -> str:
        if self.peek() in ("'", '"'):
            return self.string()
        match = _NAME_END.search(self.text, self.pos)
        end = match.start() if match else len(self.text)
        name = self.text[self.pos : end].rstrip()
        if not name:
            raise self.fail("expected a span name")
        self.pos = end
        return name

    def bare_until(self, stops: str, what: str) -> str:
        self.skip_spaces()
        if self.peek() in ("'", '"'):
            return self.string()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stops:
            self.pos += 1
        text = self.text[start : self.pos].strip()
        if not text:
            raise self.fail(f"expected {what}", start)
        return text

    def key(self) -> str:
        self.skip_spaces()
        if self.peek() in ("'", '"'):
            return self.string()
        match = _BARE_KEY.match(self.text, self.pos)
        if match is None:
            found = f'"{self.peek()}"' if self.peek() else "the end of the line"
            raise self.fail(f"expected an attribute name, found {found}")
        self.pos = match.end()
        return match.group()

    def value(self) -> Any:
        self.skip_spaces()
        char = self.peek()
        if char in ("'", '"'):
            text = self.string()
            if self.peek(3) == "...":
                self.pos += 3
                return DraftPrefix(text)
            return text
        if self.peek(3) == "...":
            self.pos += 3
            return DRAFT_ANY
        if char in ("(", "["):
            return self.sequence()
        number = _NUMBER.match(self.text, self.pos)
        word = _WORD.match(self.text, self.pos)
        if word is not None:
            literal = {
                "True": True,
                "False": False,
                "None": None,
                "nan": math.nan,
                "inf": math.inf,
                "-inf": -math.inf,
            }
            if word.group() in literal:
                self.pos = word.end()
                return literal[word.group()]
        if number is not None:
            self.pos = number.end()
            text = number.group()
            if any(mark in text for mark in ".eE"):
                return float(text)
            return int(text)
        raise self.fail(
            "expected a value: a quoted string, a number, True, False, None,"
            " a tuple (...), a list [...] or ... for any value"
        )

    def sequence(self) -> Any:
        opening = self.text[self.pos]
        closing = ")" if opening == "(" else "]"
        self.pos += 1
        items: list[Any] = []
        trailing_comma = False
        while True:
            self.skip_spaces()
            if self.peek() == closing:
                self.pos += 1
                break
            items.append(self.value())
            self.skip_spaces()
            if self.peek() == ",":
                self.pos += 1
                trailing_comma = True
                continue
            trailing_comma = False
            self.expect(closing, "to close the sequence")
            break
        if opening == "[":
            return items
        if len(items) == 1 and not trailing_comma:
            return items[0]
        return tuple(items)

    def attribute(self, into: dict[str, Any]) -> None:
        self.skip_spaces()
        start = self.pos
        simple = _SIMPLE_ATTRIBUTE.match(self.text, start)
        value: Any
        if simple is not None and not self.text.startswith("...", simple.end()):
            # Most attributes are a bare key and a plain string, int or bool.
            key, inner, integer, boolean = simple.groups()
            if inner is not None:
                value = self._unescape(inner, f'"{inner}"', start)
            elif integer is not None:
                value = int(integer)
            else:
                value = boolean == "True"
            self.pos = simple.end()
        else:
            key = self.key()
            self.expect("=", f"after the attribute name {key}")
            value = self.value()
        if key in into:
            raise self.fail(f"attribute {key} is given twice", start)
        into[key] = value

    def attribute_group(self, into: dict[str, Any]) -> None:
        """``{key=value, ...}`` at the cursor, read into ``into``."""
        self.pos += 1
        self.skip_spaces()
        while self.peek() != "}":
            self.attribute(into)
            self.skip_spaces()
            if self.peek() == ",":
                self.pos += 1
                self.skip_spaces()
            elif self.peek() != "}":
                found = f'"{self.peek()}"' if self.peek() else "the end of the line"
                raise self.fail(f'expected "," or "}}" after an attribute, found {found}')
        self.pos += 1

    def comment_or_end(self) -> bool:
        self.skip_spaces()
        return self.at_end() or self.peek() == "#"
