"""``assert_span_tree`` and ``span_tree_matches``: match, and on failure say where and why.

Example:
    >>> assert_span_tree(trace_capture, span("POST /chat", kind="SERVER"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from pytest_filagent_trace._match.children import Children, DescendantPattern
from pytest_filagent_trace._match.engine import Engine, room_for
from pytest_filagent_trace._match.expected import parse_tree
from pytest_filagent_trace._match.explain import Explainer, Problem
from pytest_filagent_trace._match.patterns import SpanPattern, child, short
from pytest_filagent_trace._match.rules import MESSAGE_VALUE_LENGTH
from pytest_filagent_trace._match.strictness import HINTS, LENIENT, Strictness
from pytest_filagent_trace._spans import SpanNode, SpanTree, roots_of, sources_of
from pytest_filagent_trace._textform import render_roots

__all__ = [
    "Expected",
    "SpanTreeMismatch",
    "assert_span_tree",
    "explain_comparison",
    "span_tree_matches",
]

_MAX_PROBLEMS: Final = 10
_MAX_RENDERED_SPANS: Final = 300
_MAX_CHILDREN_SHOWN: Final = 10

Expected = SpanPattern | DescendantPattern | str | Sequence[Any]


class SpanTreeMismatch(AssertionError):  # noqa: N818 - reads as what the user sees
    """Raised by :func:`assert_span_tree`: every problem found, then the actual spans in
    the text form (the failing lines marked), ready to be pasted back as the expectation.
    """

    def __init__(self, message: str, problems: Sequence[Problem], actual_text: str) -> None:
        super().__init__(message)
        self.problems = list(problems)
        self.actual_text = actual_text


def _expected_children(expected: Any) -> Children:
    __tracebackhide__ = True
    if isinstance(expected, str):
        return Children(parse_tree(expected))
    if isinstance(expected, (SpanPattern, DescendantPattern)):
        return Children([expected])
    if isinstance(expected, Sequence):
        return Children([child(item) for item in expected])
    raise TypeError(
        "expected must be span(...), descendant(...), a list of them, or the text form"
        f" (str), found {type(expected).__name__}"
    )


def span_tree_matches(
    actual: Any,
    expected: Expected,
    *,
    exact: bool = False,
    ordered: bool = False,
    exact_spans: bool | None = None,
    exact_attributes: bool | None = None,
    exact_events: bool | None = None,
) -> bool:
    """True when ``actual`` matches ``expected``, as :func:`assert_span_tree` decides.

    Handy as a ``wait_for`` condition or in ``if``s; use :func:`assert_span_tree` in tests
    for its message.

    Example:
        >>> span_tree_matches(trace_capture, span("POST /chat"))  # doctest: +SKIP
        True
    """
    spec = _expected_children(expected)
    strict = Strictness.given(
        exact,
        exact_spans=exact_spans,
        exact_attributes=exact_attributes,
        exact_events=exact_events,
    )
    with room_for(spec):
        return Engine(exact=strict, ordered=ordered).children(spec, roots_of(actual))


def assert_span_tree(
    actual: Any,
    expected: Expected,
    *,
    exact: bool = False,
    ordered: bool = False,
    exact_spans: bool | None = None,
    exact_attributes: bool | None = None,
    exact_events: bool | None = None,
) -> None:
    """Assert that the captured spans have the expected shape.

    ``actual`` is a ``TraceCapture``, a ``SpanTree``, a ``SpanNode`` or a list of spans;
    its top-level spans are matched against ``expected``: a :func:`span` pattern, a list of
    patterns (``...`` allowing other top-level spans), or the text form that
    ``--trace-tree`` prints. With ``exact=False`` the actual tree may hold more spans,
    attributes and events than expected; ``exact=True`` forbids them and reads a missing
    kind as INTERNAL and a missing status as UNSET. ``ordered=True`` also checks the order
    of siblings. Each kind of strictness also comes alone: ``exact_spans=True`` (no
    unlisted spans), ``exact_attributes=True`` (no unlisted attributes, the
    ``span.attributes == {...}`` of upstream tests), ``exact_events=True`` (no unlisted
    events); beside ``exact=True``, ``False`` turns one of them off.

    Raises :class:`SpanTreeMismatch` naming each failing span by its path, what was
    expected and found, how to relax the check, and the actual tree in the text form.

    Example:
        >>> assert_span_tree(trace_capture, '''
        ...     POST /chat [SERVER]
        ...     ├── agent.route {route.mode="simple"}
        ...     └── agent.run_simple
        ... ''')  # doctest: +SKIP
    """
    __tracebackhide__ = True
    strict = Strictness.given(
        exact,
        exact_spans=exact_spans,
        exact_attributes=exact_attributes,
        exact_events=exact_events,
    )
    roots = roots_of(actual)
    mismatch = _check(
        _expected_children(expected), roots, strict, ordered, "" if roots else sources_of(actual)
    )
    if mismatch is not None:
        raise mismatch


def explain_comparison(pattern: object, actual: object) -> str | None:
    """Why ``pattern == actual`` is false, as :func:`assert_span_tree` would say it; None
    when it holds, or when the two are not a pattern and spans.

    Example:
        >>> explain_comparison(span("POST /chat"), trace_capture.trace())  # doctest: +SKIP
        'span("POST /chat") == spans: span tree does not match (1 problem; ...'
    """
    if not isinstance(pattern, (SpanPattern, DescendantPattern)):
        return None
    if not isinstance(actual, (SpanNode, SpanTree)):
        return None
    spec = Children([pattern, ...] if isinstance(actual, SpanTree) else [pattern])
    mismatch = _check(spec, roots_of(actual), LENIENT, ordered=False)
    if mismatch is None:
        return None
    label = short(pattern) if isinstance(pattern, SpanPattern) else repr(pattern)
    return f"{label} == spans: {mismatch}"


def _check(
    spec: Children, roots: list[SpanNode], strict: Strictness, ordered: bool, sources: str = ""
) -> SpanTreeMismatch | None:
    engine = Engine(exact=strict, ordered=ordered)
    with room_for(spec):
        if engine.children(spec, roots):
            return None
        explainer = Explainer(engine)
        explainer.children(spec, roots, None)
    return _mismatch(explainer.problems, roots, strict=strict, ordered=ordered, sources=sources)


def _top(node: SpanNode) -> SpanNode:
    while node.parent is not None:
        node = node.parent
    return node


def _marks(problems: Sequence[Problem]) -> dict[SpanNode, str]:
    marks: dict[SpanNode, str] = {}
    for problem in problems:
        if problem.node is not None:
            note = problem.note
            if problem.node in marks:
                note = f"{marks[problem.node]}; {note.removeprefix('✗ ')}"
            marks[problem.node] = note
    return marks


def _mismatch(
    problems: Sequence[Problem],
    roots: list[SpanNode],
    *,
    strict: Strictness,
    ordered: bool,
    sources: str = "",
) -> SpanTreeMismatch:
    total = sum(1 for root in roots for _ in root.walk())
    large = total > _MAX_RENDERED_SPANS
    marks = _marks(problems[:_MAX_PROBLEMS] if large else problems)
    shown = roots
    keep = None
    if large:
        # A capture of thousands of spans would bury the problems: show the traces that
        # hold them, and in them the paths down to the problems, the rest of each level
        # summed up as "...  # 9,990 more spans".
        marked = {id(_top(node)) for node in marks}
        shown = [root for root in roots if id(root) in marked] or roots[:3]
        on_path = {id(above) for node in marks for above in (node, *node.ancestors())}
        # A marked span's own children tell what it holds, unless they are a crowd.
        on_path.update(
            id(child)
            for node in marks
            if len(node.children) <= _MAX_CHILDREN_SHOWN
            for child in node.children
        )
        if on_path:
            keep = lambda node: id(node) in on_path  # noqa: E731 - a small predicate
    actual_text = render_roots(shown, marks=marks, max_value_length=MESSAGE_VALUE_LENGTH, keep=keep)
    lines = _problem_lines(problems, strict=strict, ordered=ordered)
    if not roots:
        lines.append("actual spans: none were captured")
        if sources:
            lines.append(sources)
    else:
        lines.append("actual spans (the text form assert_span_tree accepts; ✗ marks a problem):")
        lines.append(actual_text)
        if len(shown) < len(roots):
            lines.append(
                f"({len(roots) - len(shown)} more top-level spans of {total} spans in all"
                " are not shown)"
            )
    return SpanTreeMismatch("\n".join(lines), problems, actual_text)


def _problem_lines(problems: Sequence[Problem], *, strict: Strictness, ordered: bool) -> list[str]:
    count = len(problems)
    lines = [
        f"span tree does not match ({count} problem{'s' if count != 1 else ''};"
        f" {strict.options()}, ordered={ordered})",
        "",
    ]
    for problem in problems[:_MAX_PROBLEMS]:
        lines.append(problem.where)
        lines.extend(f"    {line}" for line in problem.lines)
        lines.append("")
    if count > _MAX_PROBLEMS:
        lines.extend([f"... and {count - _MAX_PROBLEMS} more problems", ""])
    hints = list(dict.fromkeys(hint for p in problems for hint in p.hints))
    if hints:
        lines.append("to relax the check:")
        lines.extend(f"    {HINTS[hint]}" for hint in hints)
        lines.append("")
    return lines
