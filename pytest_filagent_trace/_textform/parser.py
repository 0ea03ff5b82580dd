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
        >>> [draft.name for draft in parse_drafts("a\\n└── b")]
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
        cursor = LineCursor(body[start:], number, len(indent) + start, source_line)
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
        if is_link_line(cursor.text):
            raise cursor.fail(
                "a → link line belongs under the span it links from: indent it below that"
                " span's line, like an attribute line",
                0,
            )
        if not _is_ellipsis(cursor.text):
            last = item = Draft(name=cursor.name())
            _head(cursor, last)
        siblings.append(item)
        stack.append((column, item))
    return roots
