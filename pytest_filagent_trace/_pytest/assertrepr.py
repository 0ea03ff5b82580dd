"""pytest's ``assertrepr_compare`` for patterns: ``assert span(...) == tree`` explains itself.

Example:
    >>> def pytest_assertrepr_compare(config, op, left, right):  # doctest: +SKIP
    ...     return assertrepr_compare(op, left, right)
"""

from __future__ import annotations

from pytest_filagent_trace._match.match import (
    DescendantPattern,
    Matcher,
    SpanPattern,
    _Children,
    _Engine,
    _Explainer,
    _mismatch,
    _short,
)
from pytest_filagent_trace._spans.source import roots_of
from pytest_filagent_trace._spans.tree import SpanNode, SpanTree


def assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """Lines for pytest's ``pytest_assertrepr_compare`` hook when a pattern meets spans.

    ``assert span("POST /chat", ...) == trace_capture.trace()`` then fails with the same
    problems and tree as :func:`assert_span_tree`, instead of two object reprs.

    Example:
        >>> def pytest_assertrepr_compare(config, op, left, right):  # doctest: +SKIP
        ...     return assertrepr_compare(op, left, right)
    """
    if op != "==":
        return None
    pattern, actual = (left, right) if isinstance(left, Matcher) else (right, left)
    if not isinstance(pattern, (SpanPattern, DescendantPattern)):
        return None
    if not isinstance(actual, (SpanNode, SpanTree)):
        return None
    spec = _Children([pattern, ...] if isinstance(actual, SpanTree) else [pattern])
    roots = roots_of(actual)
    engine = _Engine(exact=False, ordered=False)
    if engine.children(spec, roots):
        return None
    explainer = _Explainer(engine)
    explainer.children(spec, roots, None)
    message = str(_mismatch(explainer.problems, roots, exact=False, ordered=False))
    first, *rest = message.split("\n")
    label = _short(pattern) if isinstance(pattern, SpanPattern) else repr(pattern)
    return [f"{label} == spans: {first}", *rest]
