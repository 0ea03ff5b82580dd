"""Links in the text form: one ``→ link`` line per link, under the span that has it.

A link names its target by the target's path, numbered ``(2 of 3)`` when spans of its tree
share that path, or says ``(outside the capture)``; never by raw ids, so the text is the
same on every run and reads back through ``parse_tree``.

Example:
    >>> line = "→ link POST /publish › send (2 of 2) {messaging.batch.index=1}"
    >>> read_link(LineCursor(line, 1, 0, line))
    DraftLink(path=('POST /publish', 'send'), ordinal=2, attributes={'messaging.batch.index': 1})
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pytest_filagent_trace._textform.cursor import LineCursor
from pytest_filagent_trace._textform.drafts import DraftLink
from pytest_filagent_trace._textform.values import _is_bare_name, quote

if TYPE_CHECKING:
    from pytest_filagent_trace._spans import PathPlaces, SpanLink

__all__ = ["LINK_SYNTAX", "is_link_line", "link_head", "read_link"]

OUTSIDE = "(outside the capture)"
PATH_SEPARATOR = "›"
_ARROW = re.compile(r"(?:→|->)[ \t]*link(?=[ \t]|$)")
_ORDINAL = re.compile(r"\((\d+) of (\d+)\)")
# A bare path segment ends before " › ", before the ordinal, the attributes or a comment.
_SEGMENT_END = re.compile(r"[ \t]+(?=›|\(|\{|#)|$")
LINK_SYNTAX = (
    "a link line is → link <path of the target> [(n of m)] [{attributes}],"
    " or → link (outside the capture) [{attributes}]"
)


def link_head(link: SpanLink, places: PathPlaces) -> str:
    """The line of ``link`` without its attributes.

    Example:
        >>> link_head(SpanLink("ab" * 16, "cd" * 8, {}), PathPlaces())  # doctest: +SKIP
        '→ link (outside the capture)'
    """
    target = link.target
    if target is None:
        return f"→ link {OUTSIDE}"
    names = [target.name, *(node.name for node in target.ancestors())]
    path = f" {PATH_SEPARATOR} ".join(_segment_text(name) for name in reversed(names))
    place = places.place(target)
    if place.total > 1:
        path += f" ({place.ordinal} of {place.total})"
    return f"→ link {path}"


def _segment_text(name: str) -> str:
    return name if _is_bare_name(name) and PATH_SEPARATOR not in name else quote(name)


def is_link_line(text: str) -> bool:
    """True when an indented line of expected text is a link line."""
    return _ARROW.match(text) is not None


def read_link(cursor: LineCursor) -> DraftLink:
    """The draft of the link line under ``cursor``; fails pointing at the mistake."""
    cursor.pos = _ARROW.match(cursor.text).end()  # type: ignore[union-attr]
    cursor.skip_spaces()
    if cursor.text.startswith(OUTSIDE, cursor.pos):
        cursor.pos += len(OUTSIDE)
        draft = DraftLink(path=None)
    else:
        draft = DraftLink(path=_path(cursor))
        cursor.skip_spaces()
        ordinal = _ORDINAL.match(cursor.text, cursor.pos)
        if ordinal is not None:
            draft.ordinal = int(ordinal.group(1))
            if not 1 <= draft.ordinal <= int(ordinal.group(2)):
                raise cursor.fail(f"link ordinal {ordinal.group()}: n must be from 1 to m")
            cursor.pos = ordinal.end()
        elif cursor.peek() == "(":
            raise cursor.fail(f"expected (n of m) after the link's path: {LINK_SYNTAX}")
    cursor.skip_spaces()
    if cursor.peek() == "{":
        cursor.attribute_group(draft.attributes)
    if not cursor.comment_or_end():
        raise cursor.fail(f'unexpected "{cursor.peek()}": {LINK_SYNTAX}')
    return draft


def _path(cursor: LineCursor) -> tuple[str, ...]:
    names: list[str] = []
    while True:
        cursor.skip_spaces()
        if cursor.peek() in ("'", '"'):
            names.append(cursor.string())
        else:
            end = _SEGMENT_END.search(cursor.text, cursor.pos).start()  # type: ignore[union-attr]
            name = cursor.text[cursor.pos : end]
            if not name or name.startswith(("{", "(", "#")):
                raise cursor.fail(f"expected the linked span's path: {LINK_SYNTAX}")
            names.append(name)
            cursor.pos = end
        cursor.skip_spaces()
        if cursor.peek() != PATH_SEPARATOR:
            return tuple(names)
        cursor.pos += 1
