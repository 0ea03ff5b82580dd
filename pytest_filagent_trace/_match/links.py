"""Expected links: ``link(to=span("publish"), attributes={...})``.

A link pattern matches a :class:`SpanLink` whose target span (found among the spans linked
with it) matches ``to``: a name, a glob, a regex or a :func:`span` pattern. A link to a
span outside the capture is matched by its ``trace_id``/``span_id`` and attributes.

Example:
    >>> link(to="publish")
    link(to="publish")
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_filagent_trace._match.events import attributes_repr
from pytest_filagent_trace._match.matchers import Matcher, as_matcher, name_matcher
from pytest_filagent_trace._spans import MISSING, PATH_SEPARATOR, PathPlaces, SpanLink, SpanNode
from pytest_filagent_trace._textform import format_value

if TYPE_CHECKING:
    from pytest_filagent_trace._match.patterns import SpanPattern

__all__ = ["LinkPattern", "TargetPath", "link", "link_text"]


class LinkPattern(Matcher):
    """An expected link; see :func:`link`."""

    __slots__ = ("attributes", "captured", "span_id", "to", "trace_id")

    def __init__(
        self,
        to: SpanPattern | Matcher | None,
        attributes: Mapping[str, Any] | None,
        trace_id: str | int | None,
        span_id: str | int | None,
        captured: bool | None = None,
    ) -> None:
        if captured is not None and not isinstance(captured, bool):
            raise TypeError(f"link(captured=...) must be True or False, found {captured!r}")
        if captured is False and to is not None:
            raise ValueError(
                "link(to=..., captured=False) contradicts itself: a target is captured"
            )
        self.to = to
        self.captured = captured
        self.attributes = {key: as_matcher(value) for key, value in (attributes or {}).items()}
        self.trace_id = None if trace_id is None else _hex(trace_id, 32, "trace_id")
        self.span_id = None if span_id is None else _hex(span_id, 16, "span_id")

    def equals(self, value: Any) -> bool:
        if not isinstance(value, SpanLink):
            return False
        if self.trace_id is not None and value.trace_id != self.trace_id:
            return False
        if self.span_id is not None and value.span_id != self.span_id:
            return False
        if self.captured is not None and (value.target is not None) is not self.captured:
            return False
        if self.to is not None and (value.target is None or not self._to_matches(value)):
            return False
        return all(
            matcher.equals(value.attributes.get(key, MISSING))
            for key, matcher in self.attributes.items()
        )

    def _to_matches(self, value: SpanLink) -> bool:
        target = value.target
        if target is None or self.to is None:
            return False
        # A span pattern takes the target span itself; a name matcher, its name.
        return self.to.equals(target) or self.to.equals(target.name)

    def __repr__(self) -> str:
        shown = []
        if self.to is not None:
            shown.append(f"to={self.to!r}")
        if self.attributes:
            shown.append(f"attributes={attributes_repr(self.attributes)}")
        if self.trace_id is not None:
            shown.append(f"trace_id={format_value(self.trace_id)}")
        if self.span_id is not None:
            shown.append(f"span_id={format_value(self.span_id)}")
        if self.captured is not None:
            shown.append(f"captured={self.captured}")
        return f"link({', '.join(shown)})"


def _hex(value: Any, digits: int, what: str) -> str:
    text = format(value, f"0{digits}x") if isinstance(value, int) else str(value).lower()
    text = text.removeprefix("0x")
    if len(text) != digits or re.fullmatch(r"[0-9a-f]+", text) is None:
        raise ValueError(f"link({what}=...) must be {digits} hex digits or an int, found {value!r}")
    return text


def link(
    *,
    to: Any = None,
    attributes: Mapping[str, Any] | None = None,
    trace_id: str | int | None = None,
    span_id: str | int | None = None,
    captured: bool | None = None,
) -> LinkPattern:
    """An expected link of a span, for ``span(..., links=[...])``.

    - ``to``: the linked span: a name, a glob, a compiled regex, a path from its root
      (names joined by ``" › "``, as the text form writes a link) or a :func:`span`
      pattern; the target must be among the captured spans.
    - ``attributes``: the link's attributes, as in ``span(attributes=...)``.
    - ``trace_id``, ``span_id``: the linked context's ids (hex text or int), for a link to a
      span outside the capture.
    - ``captured``: True when the target must be among the captured spans, False when it
      must not (a link to another service's span).

    Example:
        >>> link(to="publish", attributes={"messaging.batch.index": 0})
        link(to="publish", attributes={"messaging.batch.index": 0})
    """
    if isinstance(to, str) and PATH_SEPARATOR in to:
        to = TargetPath(tuple(to.split(PATH_SEPARATOR)))
    elif to is not None and not isinstance(to, Matcher):
        to = name_matcher(to, "link(to)")
    return LinkPattern(to, attributes, trace_id, span_id, captured)


class TargetPath(Matcher):
    """A link target named by its path from its tree's root, each name exact or a glob,
    and, when the path is shared, its ordinal amongst the spans of its tree with that path.

    Example:
        >>> TargetPath(("POST /publish", "send"), ordinal=2)
        "POST /publish › send" (2nd)
    """

    __slots__ = ("names", "ordinal", "text")

    def __init__(self, names: tuple[str, ...], ordinal: int | None = None) -> None:
        self.names = tuple(name_matcher(name, "link path") for name in names)
        self.ordinal = ordinal
        self.text = PATH_SEPARATOR.join(names)

    def equals(self, value: Any) -> bool:
        if not isinstance(value, SpanNode):
            return False
        node: SpanNode | None = value
        for name in reversed(self.names):
            if node is None or not name.equals(node.name):
                return False
            node = node.parent
        if node is not None:
            return False
        return self.ordinal is None or PathPlaces().place(value).ordinal == self.ordinal

    def __repr__(self) -> str:
        shown = format_value(self.text)
        if self.ordinal is None:
            return shown
        return f"{shown} ({_ordinal_word(self.ordinal)})"


def _ordinal_word(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def link_text(value: SpanLink) -> str:
    """A link as a message shows it: the target's path, or its ids when not captured."""
    if value.target is not None:
        return f"-> {value.target.path()}"
    return f"-> outside the capture (span_id={value.span_id})"
