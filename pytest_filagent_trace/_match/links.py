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
from pytest_filagent_trace._spans import MISSING, SpanLink
from pytest_filagent_trace._textform import format_value

if TYPE_CHECKING:
    from pytest_filagent_trace._match.patterns import SpanPattern

__all__ = ["LinkPattern", "link", "link_text"]


class LinkPattern(Matcher):
    """An expected link; see :func:`link`."""

    __slots__ = ("attributes", "span_id", "to", "trace_id")

    def __init__(
        self,
        to: SpanPattern | Matcher | None,
        attributes: Mapping[str, Any] | None,
        trace_id: str | int | None,
        span_id: str | int | None,
    ) -> None:
        self.to = to
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
) -> LinkPattern:
    """An expected link of a span, for ``span(..., links=[...])``.

    - ``to``: the linked span: a name, a glob, a compiled regex or a :func:`span` pattern;
      the target must be among the captured spans.
    - ``attributes``: the link's attributes, as in ``span(attributes=...)``.
    - ``trace_id``, ``span_id``: the linked context's ids (hex text or int), for a link to a
      span outside the capture.

    Example:
        >>> link(to="publish", attributes={"messaging.batch.index": 0})
        link(to="publish", attributes={"messaging.batch.index": 0})
    """
    named = to is None or isinstance(to, Matcher)
    return LinkPattern(to if named else name_matcher(to, "link(to)"), attributes, trace_id, span_id)


def link_text(value: SpanLink) -> str:
    """A link as a message shows it: the target's path, or its ids when not captured."""
    if value.target is not None:
        return f"-> {value.target.path()}"
    return f"-> outside the capture (span_id={value.span_id})"
