"""The common line forms of expected text, each read whole by one expression.

Nearly every line of a pasted ``--trace-tree`` is one of two forms: a span line holding a
name and at most its kind (``├── GET /search [SERVER]``), or an indented attribute line
holding one plain value (``│   server.port=8000``). Each form here is one compiled
expression over the whole line, so such a line costs one match. A line of any other form
(markers, groups, comments, escapes, links, mistakes) is not matched, and the parser's
cursor reads it, pointing at the column of any mistake. A line either expression matches
reads the same as through the cursor.

Example:
    >>> line = read_line("├── GET /search [SERVER]")
    >>> line.column, line.name, line.kind
    (0, 'GET /search', 'SERVER')
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from pytest_filagent_trace._textform.values import KINDS

__all__ = ["Attribute", "SpanLine", "read_line"]

# A plain value: a string without escapes, an integer, a boolean or a float.
_VALUE = (
    r'(?:"(?P<text>[^"\\\n]*+)"|(?P<integer>-?\d++)(?![.eE])|(?P<boolean>True|False)'
    r"|(?P<float>-?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|-?\d+[eE][+-]?\d+))"
)
_KEY = r'[^\s=,{}()\[\]<>"\'#]++'
_ITEM = re.compile(rf"[ \t]*(?P<key>{_KEY})[ \t]*=[ \t]*{_VALUE}[ \t]*(?:,|\Z)")
_LINE = re.compile(
    # Vertical lines and indentation before a connector. The cursor also takes a "|" that
    # starts no ASCII connector ("|-"); such a line is left to it.
    r"(?P<lead>[ \t│]*+)(?!\|(?!-))"
    # An attribute line: indented, no connector, one key=value.
    rf"(?:(?<=[ \t│])(?![|├└`+])(?P<key>{_KEY})[ \t]*=[ \t]*{_VALUE}[ \t]*,?"
    # A span line: a connector unless at the top level, then a bare name. Not a comment, a
    # quoted name, ... (other spans) nor a link line: the cursor reads those.
    r"|(?:(?P<connector>[├└]─+|[|`+]-+) )?+(?![#\"']|\.\.\.|→|->)"
    # A bare name ends where a space is followed by the start of the next part.
    r"(?P<name>[^ \t]++(?:[ \t]++(?![\[{<(#])[^ \t]++)*+)"
    rf"(?: \[(?P<kind>{'|'.join(KINDS)})\])?"
    r"(?: \{(?P<group>[^{}]*)\})?)"
    r"[ \t]*\Z"
)


class Attribute(NamedTuple):
    """An attribute line read whole: its key and plain value."""

    key: str
    value: Any


class SpanLine(NamedTuple):
    """A span line read whole: its connector's column (-1 at the top level), where its
    name starts, its name, kind and attributes."""

    column: int
    start: int
    name: str
    kind: str | None
    attributes: dict[str, Any]


def read_line(body: str) -> Attribute | SpanLine | None:
    """What ``body`` holds when it is one of the common forms; None for any other line.

    Example:
        >>> read_line("│   server.port=8000")
        Attribute(key='server.port', value=8000)
        >>> read_line('├── GET /search [SERVER] {url.path="/search"}').attributes
        {'url.path': '/search'}
        >>> read_line("agent.route {route.mode=...}") is None
        True
    """
    found = _LINE.match(body)
    if found is None:
        return None
    key = found["key"]
    if key is not None:
        return Attribute(key, _value(found))
    lead, connector, group = found.group("lead", "connector", "group")
    if connector is None and lead:  # indented without a connector: not a span line
        return None
    attributes: dict[str, Any] = {}
    if group is not None:
        at, end = 0, len(group)
        while at < end:
            item = _ITEM.match(group, at)
            if item is None or item["key"] in attributes:
                return None
            attributes[item["key"]] = _value(item)
            at = item.end()
    column = -1 if connector is None else len(lead)
    return SpanLine(column, found.start("name"), found["name"], found["kind"], attributes)


def _value(found: re.Match[str]) -> Any:
    text, integer, boolean, number = found.group("text", "integer", "boolean", "float")
    if text is not None:
        return text
    if integer is not None:
        return int(integer)
    if boolean is not None:
        return boolean == "True"
    return float(number)
