"""The one attribute-value rule: how an actual span value is compared with an expected one.

Every place that compares attribute values (``SpanTree.find``, selectors, patterns) uses
:func:`typed_equal`, so ``ok=1`` means the same everywhere.

Example:
    >>> typed_equal(True, 1)
    False
"""

from __future__ import annotations

import math
from typing import Any, Final

__all__ = ["MISSING", "typed_equal"]


class _Missing:
    """What a matcher is given for an attribute the span does not have."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Final = _Missing()


def typed_equal(actual: Any, expected: Any) -> bool:
    """True when ``actual`` equals ``expected`` with the same type: ``True`` is not ``1``,
    and ``1`` is not ``1.0``; lists and tuples compare item by item; NaN equals NaN.

    Example:
        >>> typed_equal(1, True), typed_equal(1, 1), typed_equal(1.0, 1)
        (False, True, False)
    """
    # Types are part of a tracing contract: an exporter writes 1, 1.0 and true differently.
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual is expected
    if isinstance(expected, int):
        return isinstance(actual, int) and not isinstance(actual, bool) and actual == expected
    if isinstance(expected, float):
        return isinstance(actual, float) and (
            actual == expected or (math.isnan(actual) and math.isnan(expected))
        )
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    if isinstance(expected, (tuple, list)):
        return (
            isinstance(actual, (tuple, list))
            and len(actual) == len(expected)
            and all(typed_equal(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if actual is MISSING:
        return False
    try:
        return bool(expected == actual)
    except Exception:  # noqa: BLE001 - a broken __eq__ is a mismatch, not a crash
        return False
