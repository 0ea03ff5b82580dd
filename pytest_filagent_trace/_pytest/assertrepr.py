"""pytest's ``assertrepr_compare`` for patterns: ``assert span(...) == tree`` explains itself.

Example:
    >>> def pytest_assertrepr_compare(config, op, left, right):  # doctest: +SKIP
    ...     return assertrepr_compare(op, left, right)
"""

from __future__ import annotations

import sys

_MATCH = "pytest_filagent_trace._match"


def assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """Lines for pytest's ``pytest_assertrepr_compare`` hook when a pattern meets spans.

    ``assert span("POST /chat", ...) == trace_capture.trace()`` then fails with the same
    problems and tree as :func:`assert_span_tree`, instead of two object reprs.

    Example:
        >>> def pytest_assertrepr_compare(config, op, left, right):  # doctest: +SKIP
        ...     return assertrepr_compare(op, left, right)
    """
    if op != "==" or _MATCH not in sys.modules:
        # No pattern can exist before the matching package was ever loaded: a failing
        # comparison elsewhere in the suite costs nothing and loads nothing.
        return None
    from pytest_filagent_trace._match import Matcher, explain_comparison

    pattern, actual = (left, right) if isinstance(left, Matcher) else (right, left)
    explanation = explain_comparison(pattern, actual)
    return None if explanation is None else explanation.split("\n")
