"""Selectors: find spans in captured trees with a short CSS-like query.

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

A bare value is typed: ``false`` matches the boolean False (and the string "false"),
``200`` matches the integer 200 (and the string "200"); a quoted value matches only that
string.

Example:
    >>> failed = select(
    ...     trace_capture,
    ...     '"POST /chat" > agent.run_with_htn tool.execute.*[tool.execution.success=false]',
    ... )  # doctest: +SKIP
    >>> [node.name for node in failed]  # doctest: +SKIP
    ['tool.execute.web_search']
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from pytest_filagent_trace._spans.source import roots_of
from pytest_filagent_trace._spans.tree import SpanNode

__all__ = ["Selector", "SelectorError", "select"]

_NAME_STOP = frozenset(" \t\n>,[]:\"'()")
_KEY_STOP = frozenset(" \t\n=!~[]:\"'")
_VALUE_STOP = frozenset(" \t\n]")
_PSEUDO = re.compile(r"[a-z][a-z-]*")
_INTEGER = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|-?\d+[eE][+-]?\d+")
_HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})

_KIND_PSEUDOS = {"server", "client", "internal", "producer", "consumer"}
_STATUS_PSEUDOS = {"error", "ok", "unset"}
_OTHER_PSEUDOS = {"root", "orphan", "leaf"}
_PSEUDOS = sorted(_KIND_PSEUDOS | _STATUS_PSEUDOS | _OTHER_PSEUDOS)


class SelectorError(ValueError):
    """A selector that does not parse; the message points at the column with a caret.

    Example:
        >>> Selector.parse("tool.*[tool.name")  # doctest: +SKIP
        Traceback (most recent call last):
        SelectorError: column 17: expected "]" to close the attribute filter [tool.name
    """

    def __init__(self, reason: str, selector: str, column: int) -> None:
        self.reason = reason
        self.selector = selector
        self.column = column
        caret = " " * (column - 1) + "^"
        super().__init__(f"column {column}: {reason}\n    {selector}\n    {caret}")


@dataclass(frozen=True)
class _Filter:
    key: str
    operator: str  # "exists", "absent", "=", "!=", "~="
    value: Any = None
    raw: str = ""
    quoted: bool = False
    regex: re.Pattern[str] | None = None

    def matches(self, attributes: dict[str, Any]) -> bool:
        if self.operator == "exists":
            return self.key in attributes
        if self.operator == "absent":
            return self.key not in attributes
        if self.key not in attributes:
            return self.operator == "!="
        actual = attributes[self.key]
        if self.operator == "=":
            return self._equal(actual)
        if self.operator == "!=":
            return not self._equal(actual)
        assert self.regex is not None
        text = _text(actual)
        return text is not None and self.regex.search(text) is not None

    def _equal(self, actual: Any) -> bool:
        if self.quoted:
            return isinstance(actual, str) and actual == self.value
        if isinstance(actual, str):
            return actual == self.raw
        value = self.value
        if isinstance(value, bool) or isinstance(actual, bool):
            return isinstance(value, bool) and isinstance(actual, bool) and value is actual
        if isinstance(value, (int, float)) and isinstance(actual, (int, float)):
            return actual == value
        return False


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return None


@dataclass(frozen=True)
class _Compound:
    name: str | None
    filters: tuple[_Filter, ...]
    pseudos: tuple[str, ...]

    def matches(self, node: SpanNode) -> bool:
        name = self.name
        if name is not None and node.name != name and not fnmatchcase(node.name, name):
            return False
        for pseudo in self.pseudos:
            if not _pseudo(pseudo, node):
                return False
        return all(f.matches(node.attributes) for f in self.filters)


def _pseudo(pseudo: str, node: SpanNode) -> bool:
    if pseudo in _KIND_PSEUDOS:
        return node.kind == pseudo.upper()
    if pseudo in _STATUS_PSEUDOS:
        return node.status == pseudo.upper()
    if pseudo == "root":
        return node.parent is None and not node.orphan
    if pseudo == "orphan":
        return node.orphan
    return not node.children  # leaf


@dataclass(frozen=True)
class _Chain:
    compounds: tuple[_Compound, ...]
    combinators: tuple[str, ...]  # combinators[i] links compounds[i] and compounds[i + 1]

    def matches(self, node: SpanNode) -> bool:
        return self._matches(node, len(self.compounds) - 1, {})

    def _matches(self, node: SpanNode, step: int, memo: dict[tuple[int, int], bool]) -> bool:
        if not self.compounds[step].matches(node):
            return False
        if step == 0:
            return True
        key = (id(node), step)
        if key in memo:
            return memo[key]
        if self.combinators[step - 1] == ">":
            parent = node.parent
            found = parent is not None and self._matches(parent, step - 1, memo)
        else:
            found = any(self._matches(a, step - 1, memo) for a in node.ancestors())
        memo[key] = found
        return found


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, reason: str, pos: int | None = None) -> SelectorError:
        return SelectorError(reason, self.text, (self.pos if pos is None else pos) + 1)

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

    def parse(self) -> tuple[_Chain, ...]:
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

    def chain(self) -> _Chain:
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
                return _Chain(tuple(compounds), tuple(combinators))
            elif spaced:
                combinators.append(" ")
                self._check_unquoted_name(compounds[-1], gap)
            else:
                raise self.fail(f"unexpected {self.found()}")
            compounds.append(self.compound())

    def _check_unquoted_name(self, left: _Compound, gap: int) -> None:
        # "POST /chat" written without quotes would silently select nothing.
        bare_method = left.name in _HTTP_METHODS and not left.filters and not left.pseudos
        if bare_method and self.peek() == "/":
            rest = self.run(_NAME_STOP)
            raise self.fail(
                "span names with spaces must be quoted:"
                f' write "{left.name} {rest}" (a space means "descendant of")',
                gap,
            )

    def compound(self) -> _Compound:
        start = self.pos
        name: str | None = None
        if self.peek() in ("'", '"'):
            name = self.string()
        else:
            bare = self.run(_NAME_STOP)
            name = bare or None
        filters: list[_Filter] = []
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
        return _Compound(name, tuple(filters), tuple(pseudos))

    def filter(self) -> _Filter:
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
            return _Filter(key, "absent" if absent else "exists")
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
        value = raw if quoted else _typed(raw)
        return _Filter(key, operator, value, raw, quoted, regex)

    def pseudo(self) -> str:
        self.pos += 1
        match = _PSEUDO.match(self.text, self.pos)
        if match is None or match.group() not in _PSEUDOS:
            shown = match.group() if match else self.peek()
            raise self.fail(
                f"unknown pseudo-class :{shown}; expected one of "
                + ", ".join(f":{p}" for p in _PSEUDOS),
                self.pos - 1,
            )
        self.pos = match.end()
        return match.group()


def _typed(raw: str) -> Any:
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if _INTEGER.fullmatch(raw):
        return int(raw)
    if _FLOAT.fullmatch(raw):
        return float(raw)
    return raw


class Selector:
    """A parsed selector; :meth:`parse` once, then :meth:`select` or :meth:`matches`.

    Example:
        >>> selector = Selector.parse("agent.* > tool.execute.*:error")
        >>> selector
        Selector('agent.* > tool.execute.*:error')
    """

    def __init__(self, text: str, chains: tuple[_Chain, ...]) -> None:
        self.text = text
        self._chains = chains

    @classmethod
    def parse(cls, text: str) -> Selector:
        """Parse ``text``; raises :class:`SelectorError` pointing at the column."""
        __tracebackhide__ = True
        try:
            chains = _Parser(text).parse()
        except SelectorError as error:
            # The parser's own frames say nothing to the user; the message points.
            raise error.with_traceback(None) from None
        return cls(text, chains)

    def matches(self, node: SpanNode) -> bool:
        """True when ``node`` is selected (its ancestors are checked too)."""
        return any(chain.matches(node) for chain in self._chains)

    def select(self, source: Any) -> list[SpanNode]:
        """The selected spans of ``source``, depth first, each once."""
        return [node for node in _walk(source) if self.matches(node)]

    def __repr__(self) -> str:
        return f"Selector({self.text!r})"


def _walk(source: Any) -> Iterator[SpanNode]:
    for root in roots_of(source):
        yield from root.walk()


def select(source: Any, selector: str | Selector) -> list[SpanNode]:
    """The spans of ``source`` (a capture, a ``SpanTree``, nodes) that ``selector`` picks.

    Example:
        >>> nodes = select(capture, "agent.run_with_htn tool.execute.*:error")  # doctest: +SKIP
        >>> [node.name for node in nodes]  # doctest: +SKIP
        ['tool.execute.calculator']
    """
    __tracebackhide__ = True
    compiled = selector if isinstance(selector, Selector) else Selector.parse(selector)
    return compiled.select(source)
