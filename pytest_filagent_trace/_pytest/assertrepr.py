"""pytest's ``assertrepr_compare`` for patterns: ``assert span(...) == tree`` explains itself.

Example:
    >>> def pytest_assertrepr_compare(config, op, left, right):  # doctest: +SKIP
    ...     return assertrepr_compare(op, left, right)
"""

from __future__ import annotations

from pytest_filagent_trace._match import Matcher, explain_comparison


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
    explanation = explain_comparison(pattern, actual)
    return None if explanation is None else explanation.split("\n")
