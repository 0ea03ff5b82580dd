"""Predicates in messages read as their source text."""

from __future__ import annotations

import pytest

from pytest_filagent_trace import SpanTreeMismatch, assert_span_tree, span
from pytest_filagent_trace._match.source_text import function_text
from tests.plugin.nodes import make


def is_even(value: int) -> bool:
    return value % 2 == 0


def test_a_lambda_reads_as_its_source() -> None:
    assert function_text(lambda v: v > 0) == "lambda v: v > 0"


def test_a_lambda_given_inside_a_call_spread_over_lines_reads_as_its_source() -> None:
    pattern = span(
        "db",
        attributes={
            "rows": lambda rows: rows < 10,
        },
    )

    assert repr(pattern) == 'span("db", attributes={"rows": lambda rows: rows < 10})'


def test_a_function_reads_as_its_name_not_its_qualified_name() -> None:
    def is_small(value: int) -> bool:
        return value < 3

    assert function_text(is_small) == "is_small"
    assert function_text(is_even) == "is_even"


def test_two_lambdas_on_one_line_fall_back_to_the_name() -> None:
    first, second = (lambda v: v > 0), (lambda v: v < 0)

    assert function_text(first) == function_text(second)
    assert function_text(first).startswith("<lambda at test_source_text.py:")


def test_a_lambda_without_source_reads_as_its_name() -> None:
    made = eval("lambda v: v")

    assert function_text(made) == "<lambda>"


def test_a_failing_predicate_shows_its_source_in_the_message() -> None:
    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(
            make("db", attributes={"rows": 12}), span("db", attributes={"rows": lambda r: r < 10})
        )

    assert "attribute rows: expected lambda r: r < 10, found 12" in str(caught.value)
