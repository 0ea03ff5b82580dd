"""The expected text form read back as patterns: the parser's drafts become spans.

Example:
    >>> patterns = parse_tree('''
    ...     POST /chat [SERVER]
    ...     └── agent.route {route.mode="htn"}
    ... ''')
    >>> patterns[0]
    span("POST /chat", span("agent.route", attributes={"route.mode": "htn"}), kind="SERVER")
"""

from __future__ import annotations

from types import EllipsisType
from typing import Any

from pytest_filagent_trace._match.links import LinkPattern, TargetPath, link
from pytest_filagent_trace._match.matchers import ANY, starts_with
from pytest_filagent_trace._match.patterns import SpanPattern, span
from pytest_filagent_trace._textform import (
    DRAFT_ANY,
    Draft,
    DraftLink,
    DraftPrefix,
    TreeSyntaxError,
    parse_drafts,
)

__all__ = ["parse_tree", "patterns_from_drafts"]


def parse_tree(text: str) -> list[SpanPattern | EllipsisType]:
    """Read the text form back as patterns: one per top-level line, children nested.

    The text may be indented as a whole (it is dedented first), may mark spans whose other
    siblings do not matter with a ``...`` line, and may hold ``# comments``. Names match
    exactly or as globs; an attribute value ``...`` matches any value and ``"text"...``
    any string starting with ``text``.

    Example:
        >>> parse_tree("agent.route\\n...")
        [span("agent.route"), Ellipsis]
    """
    __tracebackhide__ = True
    try:
        return patterns_from_drafts(parse_drafts(text))
    except TreeSyntaxError as error:
        # The parser's own frames say nothing to the user; the message points.
        raise error.with_traceback(None) from None


def patterns_from_drafts(drafts: list[Draft | EllipsisType]) -> list[SpanPattern | EllipsisType]:
    """Patterns for the parser's drafts, built children first without recursion, so deep
    trees read back too.

    Example:
        >>> patterns_from_drafts(parse_drafts("a\\n└── b"))
        [span("a", span("b"))]
    """
    built: dict[int, SpanPattern] = {}
    order: list[Draft] = []
    stack = [d for d in drafts if isinstance(d, Draft)]
    while stack:
        draft = stack.pop()
        order.append(draft)
        stack.extend(child for child in draft.children if isinstance(child, Draft))
    for draft in reversed(order):
        built[id(draft)] = _pattern(draft, built)
    return [... if isinstance(d, EllipsisType) else built[id(d)] for d in drafts]


def _pattern(draft: Draft, built: dict[int, SpanPattern]) -> SpanPattern:
    status = draft.status
    if status is not None and draft.description is not None:
        status = f"{status}: {draft.description}"
    return span(
        draft.name,
        *[... if isinstance(c, EllipsisType) else built[id(c)] for c in draft.children],
        kind=draft.kind,
        status=status,
        attributes={key: _expected_value(value) for key, value in draft.attributes.items()},
        events=draft.events,
        duration=draft.duration,
        orphan=draft.orphan,
        links=None if draft.links is None else [_link(d) for d in draft.links],
    )


def _link(draft: DraftLink) -> LinkPattern:
    attributes = {key: _expected_value(value) for key, value in draft.attributes.items()}
    if draft.path is None:
        return link(attributes=attributes, captured=False)
    return link(to=TargetPath(draft.path, draft.ordinal), attributes=attributes)


def _expected_value(value: Any) -> Any:
    """The matcher a draft value stands for: ``...`` and ``"text"...`` become matchers,
    inside sequences too."""
    if value is DRAFT_ANY:
        return ANY
    if isinstance(value, DraftPrefix):
        return starts_with(value.text)
    if isinstance(value, (list, tuple)):
        return type(value)(_expected_value(item) for item in value)
    return value
