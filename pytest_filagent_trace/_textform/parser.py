"""The parser of the text form: expected text becomes drafts, never matchers.

``_match`` turns drafts into patterns; the parser knows nothing of matching.

Example:
    >>> [draft.name for draft in parse_drafts("a\\n└── b")]
    ['a']
"""

from __future__ import annotations

import re
from types import EllipsisType

from pytest_filagent_trace._textform.cursor import LineCursor
from pytest_filagent_trace._textform.drafts import Draft, TreeSyntaxError
from pytest_filagent_trace._textform.lines import Attribute, SpanLine, read_line
from pytest_filagent_trace._textform.links import is_link_line, read_link
from pytest_filagent_trace._textform.values import (
    _WORD,
    BUDGET,
    BUDGET_SYNTAX,
    KINDS,
    STATUSES,
)

# A duration as --trace-tree prints it: never compared, so refused in expected text.
_DURATION = re.compile(r"\(\s*\d+(?:\.\d+)?\s*(?:ns|µs|us|ms|s)\s*\)")
_CONNECTOR = re.compile(r"(?:[├└]─+|[|`+]-+)(?: |$)")
# Vertical lines and indentation before a connector; "|-" starts an ASCII connector.
_TREE_PREFIX = re.compile(r"(?:[ \t│]|\|(?!-))*")


def _marker(word: str, description: str | None, draft: Draft, cursor: LineCursor, at: int) -> None:
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


def _found(cursor: LineCursor) -> str:
    return f'"{cursor.peek()}"' if cursor.peek() else "the end of the line"


def _marker_group(cursor: LineCursor, draft: Draft) -> None:
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


def _event_group(cursor: LineCursor, draft: Draft) -> None:
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


def _duration_group(cursor: LineCursor, draft: Draft) -> None:
    start = cursor.pos
    if _DURATION.match(cursor.text, start):
        raise cursor.fail(
            "a duration in expected text is not compared, so it is refused: write a budget"
            f" such as (< 50 ms), or remove it ({BUDGET_SYNTAX})"
        )
    end = cursor.text.find(")", start)
    if end < 0:
        raise cursor.fail("expected ) to close the duration budget")
    if draft.duration is not None:
        raise cursor.fail("a duration budget is given twice")
    if BUDGET.match(cursor.text[start + 1 : end]) is None:
        raise cursor.fail(f"invalid duration budget: {BUDGET_SYNTAX}")
    draft.duration = " ".join(cursor.text[start + 1 : end].split())
    cursor.pos = end + 1


def _head(cursor: LineCursor, draft: Draft) -> None:
    while not cursor.comment_or_end():
        char = cursor.peek()
        if char == "[":
            _marker_group(cursor, draft)
        elif char == "{":
            cursor.attribute_group(draft.attributes)
        elif char == "<":
            _event_group(cursor, draft)
        elif char == "(":
            _duration_group(cursor, draft)
        else:
            raise cursor.fail(
                f'unexpected "{char}": after the span name come [KIND], [STATUS: description],'
                " <events>, (duration budget), {attributes} or a # comment"
            )


def _detail(cursor: LineCursor, last: Draft | None) -> None:
    if last is None:
        raise cursor.fail(
            "expected a span at the start of the line; child spans start with ├── or └──"
        )
    if is_link_line(cursor.text):
        if last.links is None:
            last.links = []
        last.links.append(read_link(cursor))
        return
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
    """The indentation every non-blank line starts with; stops at the first line without."""
    common: str | None = None
    for line in lines:
        content = line.lstrip(" \t")
        if not content:
            continue
        indent = line[: len(line) - len(content)]
        if common is None:
            common = indent
        while not indent.startswith(common):
            common = common[:-1]
        if not common:
            return ""
    return common or ""


class _Tree:
    """The drafts read so far: the roots, the open path of spans down to the last line,
    and the span that attribute lines belong to."""

    def __init__(self) -> None:
        self.roots: list[Draft | EllipsisType] = []
        # (connector column, item) from a root down to the last span line; roots at -1.
        self.path: list[tuple[int, Draft | EllipsisType]] = []
        self.last: Draft | None = None

    def place(self, column: int, item: Draft | EllipsisType) -> str | None:
        """Put ``item`` under the span its connector's column nests it in; or why not."""
        path = self.path
        while path and path[-1][0] >= column:
            path.pop()
        if column >= 0 and not path:
            return "a child span (├── or └──) comes before any top-level span"
        parent = path[-1][1] if path else None
        if isinstance(parent, EllipsisType):
            return "... stands for other spans and cannot have children"
        (self.roots if parent is None else parent.children).append(item)
        path.append((column, item))
        self.last = item if isinstance(item, Draft) else None
        return None


def _read_with_cursor(tree: _Tree, body: str, number: int, cut: int, source_line: str) -> None:
    """Read a line of any form but the common ones, failing at the column of a mistake."""
    column, start = _classify(body)
    cursor = LineCursor(body[start:], number, cut + start, source_line)
    if cursor.text.startswith("#"):
        if column < 0:
            return
        raise cursor.fail("expected a span name or ... after the connector")
    if column == -2:
        _detail(cursor, tree.last)
        return
    item: Draft | EllipsisType = ... if _is_ellipsis(cursor.text) else Draft(name="")
    refused = tree.place(column, item)
    if refused is not None:
        raise cursor.fail(refused, 0)
    if is_link_line(cursor.text):
        raise cursor.fail(
            "a → link line belongs under the span it links from: indent it below that"
            " span's line, like an attribute line",
            0,
        )
    if isinstance(item, Draft):
        item.name = cursor.name()
        _head(cursor, item)


def parse_drafts(text: str) -> list[Draft | EllipsisType]:
    """Read the text form into drafts: one per top-level line, children nested.

    Raises :class:`TreeSyntaxError` pointing at the line and column of a mistake.

    Example:
        >>> [draft.name for draft in parse_drafts("a\\n└── b")]
        ['a']
    """
    lines = text.split("\n")
    if "\r" in text:
        lines = [line.rstrip("\r") for line in lines]
    cut = len(_dedent(lines))
    tree = _Tree()
    for number, source_line in enumerate(lines, start=1):
        if not source_line or source_line.isspace():
            continue
        body = source_line[cut:]
        # The common forms are each read whole by one expression (see lines.py).
        line = read_line(body)
        last = tree.last
        if isinstance(line, Attribute) and last is not None and line.key not in last.attributes:
            last.attributes[line.key] = line.value
        elif isinstance(line, SpanLine):
            draft = Draft(name=line.name, kind=line.kind, attributes=line.attributes)
            refused = tree.place(line.column, draft)
            if refused is not None:
                raise TreeSyntaxError(refused, number, cut + line.start + 1, source_line)
        else:
            _read_with_cursor(tree, body, number, cut, source_line)
    return tree.roots
