"""The selector grammar: text in, chains of steps out.

Grammar (spaces around ``>`` and ``,`` are optional)::

    selectors  := selector ("," selector)*
    selector   := compound (combinator compound)*
    combinator := ">"            the right span is a child of the left one
                | " "            the right span is a descendant of the left one
    compound   := name? (filter | pseudo)*          at least one of the three
    name       := bare glob      e.g. tool.execute.*   (no spaces, no > , [ ] : ( ) quotes)
                | "quoted"       e.g. "POST /chat"     (names with spaces must be quoted)
    filter     := "[" key "]"                 the attribute is there
                | "[!" key "]"                the attribute is not there
                | "[" key "=" value "]"       equal
                | "[" key "!=" value "]"     absent or different
                | "[" key "~=" value "]"     regex found in the value (re.search)
    value      := "quoted string" | true | false | integer | float | bare text
    pseudo     := ":error" | ":ok" | ":unset"                       status
                | ":server" | ":client" | ":internal" | ":producer" | ":consumer"   kind
                | ":root" | ":orphan" | ":leaf"

A bare value is typed and compared by the one value rule (``typed_equal``): ``false``
matches the boolean False (and the string "false"), never 0; ``200`` matches the integer
200 (and the string "200"), never True or 200.0; ``0.5`` matches only the float 0.5 (and
the string "0.5"). A quoted value matches only that string.

Example:
    >>> [step.name for step in parse_chains('"POST /chat" > tool.*')[0].compounds]
    ['POST /chat', 'tool.*']
"""

from __future__ import annotations

import ast
import re
from typing import Any

from pytest_filagent_trace._select.chains import Chain
from pytest_filagent_trace._select.filters import PSEUDOS, AttributeFilter, Compound

__all__ = ["SelectorSyntaxError", "parse_chains", "typed_literal"]

_NAME_STOP = frozenset(" \t\n>,[]:\"'()")
_KEY_STOP = frozenset(" \t\n=!~[]:\"'")
_VALUE_STOP = frozenset(" \t\n]")
_PSEUDO = re.compile(r"[a-z][a-z-]*")
_INTEGER = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|-?\d+[eE][+-]?\d+")
_HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


class SelectorSyntaxError(Exception):
    """Where the text stops following the grammar: the reason and the 1-based column.

    The selector turns it into the :class:`SelectorError` users see, with the caret.
    """

    def __init__(self, reason: str, column: int) -> None:
        super().__init__(reason, column)
        self.reason = reason
        self.column = column


def parse_chains(text: str) -> tuple[Chain, ...]:
    """The comma-separated chains of ``text``; raises :class:`SelectorSyntaxError`.

    Example:
        >>> [chain.combinators for chain in parse_chains("a > b c, d")]
        [('>', ' '), ()]
    """
    return _Parser(text).parse()


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


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, reason: str, pos: int | None = None) -> SelectorSyntaxError:
        return SelectorSyntaxError(reason, (self.pos if pos is None else pos) + 1)

    def peek(self) -> str:
        return self.text[self.pos : self.pos + 1]

    def found(self) -> str:
        return f'"{self.peek()}"' if self.peek() else "the end of the selector"

    def spaces(self) -> bool:
        start = self.pos
        while self.peek() in (" ", "\t", "\n") and self.peek():
            self.pos += 1
        return self.pos > start

    def string(self) -> str:
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
        start = self.pos
        while self.peek() and self.peek() not in stop:
            self.pos += 1
        return self.text[start : self.pos]

    def parse(self) -> tuple[Chain, ...]:
        self.spaces()
        if not self.peek():
            raise self.fail("empty selector: expected a span name, [attribute] or :pseudo")
        chains = [self.chain()]
        while self.peek() == ",":
            self.pos += 1
            self.spaces()
            chains.append(self.chain())
        if self.peek():
            raise self.fail(f"unexpected {self.found()}")
        return tuple(chains)

    def chain(self) -> Chain:
        compounds = [self.compound()]
        combinators: list[str] = []
        while True:
            gap = self.pos
            spaced = self.spaces()
            if self.peek() == ">":
                self.pos += 1
                self.spaces()
                combinators.append(">")
            elif self.peek() in ("", ","):
                return Chain(tuple(compounds), tuple(combinators))
            elif spaced:
                combinators.append(" ")
                self._check_unquoted_name(compounds[-1], gap)
            else:
                raise self.fail(f"unexpected {self.found()}")
            compounds.append(self.compound())

    def _check_unquoted_name(self, left: Compound, gap: int) -> None:
        # "POST /chat" written without quotes would silently select nothing.
        bare_method = left.name in _HTTP_METHODS and not left.filters and not left.pseudos
        if bare_method and self.peek() == "/":
            rest = self.run(_NAME_STOP)
            raise self.fail(
                "span names with spaces must be quoted:"
                f' write "{left.name} {rest}" (a space means "descendant of")',
                gap,
            )

    def compound(self) -> Compound:
        start = self.pos
        name: str | None = None
        if self.peek() in ("'", '"'):
            name = self.string()
        else:
            bare = self.run(_NAME_STOP)
            name = bare or None
        filters: list[AttributeFilter] = []
        pseudos: list[str] = []
        while self.peek() in ("[", ":"):
            if self.peek() == "[":
                filters.append(self.filter())
            else:
                pseudos.append(self.pseudo())
        if name is None and not filters and not pseudos:
            raise self.fail(
                f"expected a span name, [attribute] or :pseudo, found {self.found()}", start
            )
        return Compound(name, tuple(filters), tuple(pseudos))

    def filter(self) -> AttributeFilter:
        opening = self.pos
        self.pos += 1
        self.spaces()
        absent = False
        if self.peek() == "!":
            absent = True
            self.pos += 1
            self.spaces()
        key = self.string() if self.peek() in ("'", '"') else self.run(_KEY_STOP)
        if not key:
            raise self.fail(f"expected an attribute name after [, found {self.found()}")
        self.spaces()
        if self.peek() == "]":
            self.pos += 1
            return AttributeFilter(key, "absent" if absent else "exists")
        if absent:
            raise self.fail(f'expected "]" after [!{key}: [!key] takes no value')
        operator = None
        for candidate in ("!=", "~=", "="):
            if self.text.startswith(candidate, self.pos):
                operator = candidate
                break
        if operator is None:
            raise self.fail(f'expected "]", "=", "!=" or "~=" after [{key}, found {self.found()}')
        self.pos += len(operator)
        self.spaces()
        value_at = self.pos
        quoted = self.peek() in ("'", '"')
        raw = self.string() if quoted else self.run(_VALUE_STOP)
        if not quoted and not raw:
            raise self.fail(f"expected a value after {key}{operator}")
        self.spaces()
        if self.peek() != "]":
            raise self.fail(
                f'expected "]" to close the attribute filter opened at column {opening + 1},'
                f" found {self.found()}"
            )
        self.pos += 1
        regex = None
        if operator == "~=":
            try:
                regex = re.compile(raw)
            except re.error as error:
                raise self.fail(f"invalid regular expression {raw!r}: {error}", value_at) from None
        value = raw if quoted else typed_literal(raw)
        return AttributeFilter(key, operator, value, raw, quoted, regex)

    def pseudo(self) -> str:
        self.pos += 1
        match = _PSEUDO.match(self.text, self.pos)
        if match is None or match.group() not in PSEUDOS:
            shown = match.group() if match else self.peek()
            raise self.fail(
                f"unknown pseudo-class :{shown}; expected one of "
                + ", ".join(f":{p}" for p in PSEUDOS),
                self.pos - 1,
            )
        self.pos = match.end()
        return match.group()
