"""The one text form of a span tree: what ``--trace-tree`` prints, what a failure message
shows, what a snapshot file holds, and what ``assert_span_tree`` accepts as expectation.

One span per line, children drawn with box-drawing connectors::

    POST /chat [SERVER] {http.request.method="POST", http.route="/chat"}
    ├── agent.route {route.mode="htn"}
    └── agent.run_with_htn
        └── tool.execute.web_search [ERROR: ValueError: boom] <exception> {tool.name="web_search"}

A line holds the span name, then ``[KIND]`` when not INTERNAL, ``[STATUS]`` or
``[ERROR: description]`` when not UNSET, ``[orphan]`` for a span whose parent was not
captured, ``<event, ...>`` with the names of its events, ``(12.3 ms)`` when durations are
asked for, and ``{key=value, ...}`` with the attributes, keys sorted, values written as
Python literals so their types survive the round trip. When that line would be wider than
``width``, the attributes move to lines of their own below it. ``...`` as a child line
means "any other spans here"; ``#`` starts a comment.

:func:`parse_tree` reads the same text back as patterns that match the tree it came from.

Example:
    >>> print(render_tree(tree))  # doctest: +SKIP
    POST /chat [SERVER]
    └── agent.route {route.mode="simple"}
"""

from __future__ import annotations

import ast
import functools
import math
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from types import EllipsisType
from typing import TYPE_CHECKING, Any, TypeVar

from pytest_filagent_trace._spans.source import roots_of
from pytest_filagent_trace._spans.tree import SpanNode

if TYPE_CHECKING:
    pass

__all__ = [
    "Draft",
    "LineParts",
    "TreeSyntaxError",
    "attribute_text",
    "draw_lines",
    "format_value",
    "head_text",
    "node_head",
    "parse_drafts",
    "quote",
    "render_tree",
]

KINDS = ("INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER")
STATUSES = ("UNSET", "OK", "ERROR")

_Span = TypeVar("_Span")
_MID, _LAST, _PIPE, _BLANK = "├── ", "└── ", "│   ", "    "
# A bare span name ends where a space is followed by the start of the next part.
_NAME_END = re.compile(r" (?=[\[{<(#])")
_BARE_KEY = re.compile(r"[^\s=,{}()\[\]<>\"'#]+")
_NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")
_WORD = re.compile(r"-?[A-Za-z_]+")
_DURATION = re.compile(r"\(\s*\d+(?:\.\d+)?\s*(?:ns|µs|us|ms|s)\s*\)")
_CONNECTOR = re.compile(r"(?:[├└]─+|[|`+]-+)(?: |$)")
# Vertical lines and indentation before a connector; "|-" starts an ASCII connector.
_TREE_PREFIX = re.compile(r"(?:[ \t│]|\|(?!-))*")
_SPACES = re.compile(r"[ \t]*")
_STRINGS = {
    '"': re.compile(r'"((?:[^"\\\n]|\\.)*)"'),
    "'": re.compile(r"'((?:[^'\\\n]|\\.)*)'"),
}
_SIMPLE_ATTRIBUTE = re.compile(
    r'[ \t]*([^\s=,{}()\[\]<>"\'#]+)[ \t]*=[ \t]*'
    r'(?:"((?:[^"\\\n]|\\.)*)"|(-?\d+)(?![\d.eE])|(True|False)\b)'
)


# --------------------------------------------------------------------------- values


def _escape(char: str) -> str:
    if char == '"':
        return '\\"'
    if char == "\\":
        return "\\\\"
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if char == "\r":
        return "\\r"
    if char.isprintable():
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def quote(text: str) -> str:
    """``text`` as a double-quoted string literal that :func:`parse_tree` reads back.

    Example:
        >>> quote('say "hi"')
        '"say \\\\"hi\\\\""'
    """
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return '"' + "".join(_escape(char) for char in text) + '"'


def format_value(value: Any) -> str:
    """An attribute value as a Python literal, the way the text form writes it.

    Strings are double-quoted, numbers and booleans are Python literals, sequences are
    tuples or lists; ``...`` stands for a masked value.

    Example:
        >>> format_value(("a", 1, 2.5, True))
        '("a", 1, 2.5, True)'
    """
    if isinstance(value, str):
        return quote(value)
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(format_value(item) for item in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    if value is ...:
        return "..."
    if isinstance(value, dict):
        items = ", ".join(f"{format_value(k)}: {format_value(v)}" for k, v in value.items())
        return "{" + items + "}"
    return repr(value)


def _shortened(value: Any, limit: int | None) -> str:
    if limit is not None and isinstance(value, str) and len(value) > limit:
        # A quoted prefix followed by ... reads back as "starts with", so a shortened
        # value still round-trips.
        return quote(value[:limit]) + "..."
    return format_value(value)


# --------------------------------------------------------------------------- rendering


def _is_bare_name(name: str) -> bool:
    return (
        name not in ("", "...")
        and name == name.strip()
        and name.isprintable()
        and name[0] not in "\"'#│├└|`+"
        and _NAME_END.search(name) is None
    )


def _is_bare_text(text: str, forbidden: str) -> bool:
    return (
        text != ""
        and text == text.strip()
        and text.isprintable()
        and text[0] not in "\"'"
        and not any(char in text for char in forbidden)
    )


@functools.lru_cache(maxsize=4096)
def _name_text(name: str) -> str:
    # Cached: a trace repeats a few dozen span names on thousands of spans.
    return name if _is_bare_name(name) else quote(name)


@functools.lru_cache(maxsize=4096)
def _key_text(key: str) -> str:
    # Cached: a trace repeats the same few dozen attribute keys on every span.
    return key if key != "..." and _BARE_KEY.fullmatch(key) else quote(key)


def _duration_text(nanoseconds: int) -> str:
    if nanoseconds < 1_000:
        return f"{nanoseconds} ns"
    if nanoseconds < 1_000_000:
        return f"{nanoseconds / 1_000:.1f} µs"
    if nanoseconds < 1_000_000_000:
        return f"{nanoseconds / 1_000_000:.1f} ms"
    return f"{nanoseconds / 1_000_000_000:.2f} s"


def node_head(node: SpanNode, *, events: bool = True, durations: bool = False) -> str:
    """The line of ``node`` without its attributes: name, markers, events, duration.

    Example:
        >>> node_head(node)  # doctest: +SKIP
        'tool.execute.calculator [ERROR: ZeroDivisionError: division by zero] <exception>'
    """
    return head_text(
        node.name,
        node.kind,
        node.status,
        node.status_description,
        orphan=node.orphan,
        event_names=[event.name for event in node.events] if events and node.events else (),
        duration_ns=node.duration_ns if durations else None,
    )


def head_text(
    name: str,
    kind: str,
    status: str,
    description: str | None,
    *,
    orphan: bool = False,
    event_names: Sequence[str] = (),
    duration_ns: int | None = None,
) -> str:
    """:func:`node_head` from the fields of a span rather than a :class:`SpanNode`.

    Example:
        >>> head_text("GET /search", "SERVER", "ERROR", "timeout", event_names=["exception"])
        'GET /search [SERVER] [ERROR: timeout] <exception>'
    """
    if (
        kind == "INTERNAL"
        and status == "UNSET"
        and description is None
        and not orphan
        and not event_names
        and duration_ns is None
    ):
        # Most spans have nothing but a name: no list to build and join.
        return _name_text(name)
    parts = [_name_text(name)]
    if kind != "INTERNAL":
        parts.append(f"[{kind}]")
    if description is not None:
        text = description if _is_bare_text(description, "]") else quote(description)
        parts.append(f"[{status}: {text}]")
    elif status != "UNSET":
        parts.append(f"[{status}]")
    if orphan:
        parts.append("[orphan]")
    if event_names:
        names = (e if _is_bare_text(e, ",>") else quote(e) for e in event_names)
        parts.append("<" + ", ".join(names) + ">")
    if duration_ns is not None:
        parts.append(f"({_duration_text(duration_ns)})")
    return " ".join(parts)


def attribute_text(key: str, value: Any) -> str:
    """One attribute as the text form writes it: ``key=value``.

    Example:
        >>> attribute_text("tool.name", "calculator")
        'tool.name="calculator"'
    """
    return f"{_key_text(key)}={format_value(value)}"


def _selected(
    node: SpanNode,
    attributes: bool | tuple[str, ...],
    masked: tuple[str, ...],
    max_value_length: int | None,
) -> list[str]:
    if attributes is False:
        return []
    items: list[str] = []
    for key in sorted(node.attributes):
        if attributes is not True and not any(fnmatchcase(key, glob) for glob in attributes):
            continue
        if masked and any(fnmatchcase(key, glob) for glob in masked):
            items.append(f"{_key_text(key)}=...")
        else:
            value = _shortened(node.attributes[key], max_value_length)
            items.append(f"{_key_text(key)}={value}")
    return items


def _all_items(attributes: Mapping[str, Any], known: dict[tuple[str, str], str]) -> list[str]:
    """Every attribute as ``key=value``, keys sorted: :func:`_selected` with no globs,
    masks or length limit.

    ``known`` remembers the text of each (key, string value) pair met in one rendering:
    a trace repeats most of them (tool names, masked ports, one conversation id) on many
    spans. Only strings are remembered, since ``True``, ``1`` and ``1.0`` are equal keys.
    """
    items: list[str] = []
    for key in sorted(attributes):
        value = attributes[key]
        if type(value) is str:
            pair = (key, value)
            item = known.get(pair)
            if item is None:
                item = known[pair] = attribute_text(key, value)
        else:
            item = attribute_text(key, value)
        items.append(item)
    return items


# What draw_lines needs of one span: its head, its attribute items, a trailing comment.
LineParts = tuple[str, list[str], str]


def draw_lines(
    roots: Iterable[_Span],
    *,
    children: Callable[[_Span], Sequence[_Span]],
    parts: Callable[[_Span], LineParts],
    trace_of: Callable[[_Span], object],
    width: int,
) -> list[str]:
    """The lines of the text form for any tree-shaped spans, drawn with ``├──``/``└──``.

    ``children`` and ``parts`` tell how to read a span, so the same drawing serves
    :class:`SpanNode` trees and the snapshot writer's own compact records. Consecutive
    roots of different traces (by ``trace_of``) are separated by a blank line. A line
    wider than ``width`` puts its attributes on lines of their own.

    Example:
        >>> draw_lines(
        ...     ["root"],
        ...     children=lambda span: [],
        ...     parts=lambda span: (span, ['k="v"'], ""),
        ...     trace_of=lambda span: 1,
        ...     width=100,
        ... )
        ['root {k="v"}']
    """
    lines: list[str] = []
    previous_trace: object = None
    for root in roots:
        trace = trace_of(root)
        if lines and trace != previous_trace:
            lines.append("")
        previous_trace = trace
        stack: list[tuple[_Span, str, str]] = [(root, "", "")]
        while stack:
            span, lead, child_prefix = stack.pop()
            head, items, comment = parts(span)
            head = lead + head
            kids = children(span)
            inline = head + " {" + ", ".join(items) + "}" if items else head
            if len(inline) <= width or not items:
                lines.append(inline + comment)
            else:
                lines.append(head + comment)
                detail = child_prefix + (_PIPE if kids else _BLANK)
                lines += [detail + item for item in items]
            if kids:
                # Pushed last child first, so the first child is drawn next. The prefixes
                # are built once per parent, not once per child: a span may have thousands.
                stack.append((kids[-1], child_prefix + _LAST, child_prefix + _BLANK))
                if len(kids) > 1:
                    mid, pipe = child_prefix + _MID, child_prefix + _PIPE
                    stack.extend([(kid, mid, pipe) for kid in kids[-2::-1]])
    return lines


def render_tree(
    source: Any,
    *,
    attributes: bool | Iterable[str] = True,
    durations: bool = False,
    events: bool = True,
    mask: Iterable[str] | None = None,
    width: int = 100,
    max_value_length: int | None = None,
    marks: Mapping[SpanNode, str] | None = None,
) -> str:
    """Render spans in the text form, one line per span, trees drawn with ``├──``/``└──``.

    ``source`` is anything :func:`roots_of` accepts. ``attributes`` is ``True`` (all),
    ``False`` (none) or globs of the keys to show. ``mask`` holds globs of keys whose
    values are written as ``...`` (any value). ``durations`` adds ``(12.3 ms)``;
    ``events`` shows event names as ``<exception>``. A line longer than ``width`` puts its
    attributes on lines of their own. Strings longer than ``max_value_length`` are
    shortened to ``"prefix"...`` (which still matches). ``marks`` adds a ``# comment`` to
    the line of a span. Traces are separated by a blank line. The result has no trailing
    newline.

    Example:
        >>> print(render_tree(trace_capture, attributes=["route.*"]))  # doctest: +SKIP
        POST /chat [SERVER]
        ├── agent.route {route.mode="simple"}
        └── agent.run_simple
    """
    roots = roots_of(source)
    shown: bool | tuple[str, ...] = (
        attributes if isinstance(attributes, bool) else tuple(attributes)
    )
    masked = tuple(mask or ())
    every_attribute = shown is True and not masked and max_value_length is None
    known_items: dict[tuple[str, str], str] = {}

    def parts(node: SpanNode) -> LineParts:
        items = (
            _all_items(node.attributes, known_items)
            if every_attribute
            else _selected(node, shown, masked, max_value_length)
        )
        comment = ""
        if marks is not None and node in marks:
            comment = "  # " + " ".join(marks[node].split())
        return node_head(node, events=events, durations=durations), items, comment

    lines = draw_lines(roots, children=_children, parts=parts, trace_of=_trace_of, width=width)
    return "\n".join(lines)


def _children(node: SpanNode) -> list[SpanNode]:
    return node.children


def _trace_of(node: SpanNode) -> str:
    return node.trace_id


# --------------------------------------------------------------------------- parsing


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
    children: list[Draft | EllipsisType] = field(default_factory=list)


class _Line:
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
        from pytest_filagent_trace._match.match import ANY, starts_with

        self.skip_spaces()
        char = self.peek()
        if char in ("'", '"'):
            text = self.string()
            if self.peek(3) == "...":
                self.pos += 3
                return starts_with(text)
            return text
        if self.peek(3) == "...":
            self.pos += 3
            return ANY
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

    def comment_or_end(self) -> bool:
        self.skip_spaces()
        return self.at_end() or self.peek() == "#"


def _marker(word: str, description: str | None, draft: Draft, cursor: _Line, at: int) -> None:
    upper = word.upper()
    if upper == "ORPHAN" and description is None:
        draft.orphan = True
    elif upper in KINDS and description is None:
        draft.kind = upper
    elif upper in STATUSES:
        draft.status = upper
        draft.description = description
    else:
        allowed = ", ".join([*KINDS, *STATUSES, "orphan"])
        shown = word if description is None else f"{word}: {description}"
        raise cursor.fail(f"unknown marker [{shown}]: expected one of {allowed}", at)


def _found(cursor: _Line) -> str:
    return f'"{cursor.peek()}"' if cursor.peek() else "the end of the line"


def _marker_group(cursor: _Line, draft: Draft) -> None:
    start = cursor.pos
    cursor.pos += 1
    cursor.skip_spaces()
    word = _WORD.match(cursor.text, cursor.pos)
    if word is None:
        raise cursor.fail("expected a kind, a status or orphan after [")
    cursor.pos = word.end()
    cursor.skip_spaces()
    description = None
    if cursor.peek() == ":":
        cursor.pos += 1
        description = cursor.bare_until("]", "a status description after :")
    cursor.expect("]", f"to close the marker [{word.group()}")
    _marker(word.group(), description, draft, cursor, start)


def _attribute_group(cursor: _Line, draft: Draft) -> None:
    cursor.pos += 1
    cursor.skip_spaces()
    while cursor.peek() != "}":
        cursor.attribute(draft.attributes)
        cursor.skip_spaces()
        if cursor.peek() == ",":
            cursor.pos += 1
            cursor.skip_spaces()
        elif cursor.peek() != "}":
            raise cursor.fail(f'expected "," or "}}" after an attribute, found {_found(cursor)}')
    cursor.pos += 1


def _event_group(cursor: _Line, draft: Draft) -> None:
    if draft.events is not None:
        raise cursor.fail("events are given twice")
    cursor.pos += 1
    events: list[str] = []
    cursor.skip_spaces()
    while cursor.peek() != ">":
        events.append(cursor.bare_until(",>", "an event name"))
        cursor.skip_spaces()
        if cursor.peek() == ",":
            cursor.pos += 1
            cursor.skip_spaces()
        elif cursor.peek() != ">":
            raise cursor.fail(f'expected "," or ">" after an event name, found {_found(cursor)}')
    cursor.pos += 1
    draft.events = events


def _head(cursor: _Line, draft: Draft) -> None:
    while not cursor.comment_or_end():
        char = cursor.peek()
        if char == "[":
            _marker_group(cursor, draft)
        elif char == "{":
            _attribute_group(cursor, draft)
        elif char == "<":
            _event_group(cursor, draft)
        elif char == "(":
            match = _DURATION.match(cursor.text, cursor.pos)
            if match is None:
                raise cursor.fail("expected a duration such as (12.3 ms)")
            cursor.pos = match.end()
        else:
            raise cursor.fail(
                f'unexpected "{char}": after the span name come [KIND], [STATUS: description],'
                " <events>, (duration), {attributes} or a # comment"
            )


def _detail(cursor: _Line, last: Draft | None) -> None:
    if last is None:
        raise cursor.fail(
            "expected a span at the start of the line; child spans start with ├── or └──"
        )
    try:
        cursor.attribute(last.attributes)
    except TreeSyntaxError as error:
        raise cursor.fail(
            f"{error.reason} (an indented line holds one attribute of the span above,"
            " key=value; child spans start with ├── or └──)",
            error.column - cursor.offset - 1,
        ) from None
    cursor.skip_spaces()
    if cursor.peek() == ",":
        cursor.pos += 1
    if not cursor.comment_or_end():
        raise cursor.fail("expected one attribute per line: key=value")


def _classify(body: str) -> tuple[int, int]:
    """(connector column, where the content starts); -1 for a top-level span, -2 for an
    attribute line of the span above."""
    lead = _TREE_PREFIX.match(body).end()  # type: ignore[union-attr]
    connector = _CONNECTOR.match(body, lead)
    if connector is not None:
        return lead, connector.end()
    if lead == 0:
        return -1, 0
    return -2, lead


def _is_ellipsis(text: str) -> bool:
    return text.rstrip() == "..." or (text.startswith("...") and text[3:].lstrip()[:1] == "#")


def _dedent(lines: list[str]) -> str:
    indents = [line[: len(line) - len(line.lstrip(" \t"))] for line in lines if line.strip()]
    if not indents:
        return ""
    common = indents[0]
    for indent in indents[1:]:
        while not indent.startswith(common):
            common = common[:-1]
    return common


def parse_drafts(text: str) -> list[Draft | EllipsisType]:
    """Read the text form into drafts: one per top-level line, children nested.

    Raises :class:`TreeSyntaxError` pointing at the line and column of a mistake.

    Example:
        >>> [draft.name for draft in parse_drafts("a\n└── b")]  # doctest: +SKIP
        ['a']
    """
    raw_lines = [line.rstrip("\r") for line in text.split("\n")]
    indent = _dedent(raw_lines)
    roots: list[Draft | EllipsisType] = []
    # (connector column, node); top-level spans sit at column -1.
    stack: list[tuple[int, Draft | EllipsisType]] = []
    last: Draft | None = None
    for number, source_line in enumerate(raw_lines, start=1):
        if not source_line.strip():
            continue
        body = source_line[len(indent) :]
        column, start = _classify(body)
        cursor = _Line(body[start:], number, len(indent) + start, source_line)
        if cursor.text.startswith("#"):
            if column < 0:
                continue
            raise cursor.fail("expected a span name or ... after the connector")
        if column == -2:
            _detail(cursor, last)
            continue
        while stack and stack[-1][0] >= column:
            stack.pop()
        if column >= 0 and not stack:
            raise cursor.fail("a child span (├── or └──) comes before any top-level span")
        parent = stack[-1][1] if stack else None
        if isinstance(parent, EllipsisType):
            raise cursor.fail("... stands for other spans and cannot have children", 0)
        siblings = roots if parent is None else parent.children
        item: Draft | EllipsisType = ...
        last = None
        if not _is_ellipsis(cursor.text):
            last = item = Draft(name=cursor.name())
            _head(cursor, last)
        siblings.append(item)
        stack.append((column, item))
    return roots
