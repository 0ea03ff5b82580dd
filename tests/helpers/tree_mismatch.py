"""The message of an assert_span_tree that must fail, for tests of its messages."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_filagent_trace._match import SpanTreeMismatch, assert_span_tree


def failure(actual: Any, expected: Any, **options: bool) -> str:
    """The message of the SpanTreeMismatch that assert_span_tree must raise."""
    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(actual, expected, **options)
    return str(caught.value)
