"""Duration budgets: span(duration=...), the (< 50 ms) text form, and their messages."""

from __future__ import annotations

import pytest

from pytest_filagent_trace import (
    SpanTreeMismatch,
    TreeSyntaxError,
    assert_span_tree,
    parse_tree,
    span,
)
from pytest_filagent_trace._match.budgets import parse_budget
from tests.plugin.nodes import make

MS = 1_000_000


def failure(actual: object, expected: object) -> str:
    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(actual, expected)  # type: ignore[arg-type]
    return str(caught.value)


@pytest.mark.parametrize(
    ("budget", "nanoseconds", "allowed"),
    [
        ("< 50ms", 49 * MS, True),
        ("< 50ms", 50 * MS, False),
        ("<= 50 ms", 50 * MS, True),
        ("> 2us", 2_001, True),
        ("> 2 µs", 2_000, False),
        (">= 1.5 s", 1_500 * MS, True),
        ("< 10ns", 9, True),
        ("<.5s", 499 * MS, True),
    ],
)
def test_absolute_budgets_compare_the_duration_in_every_unit(
    budget: str, nanoseconds: int, allowed: bool
) -> None:
    assert parse_budget(budget).allows_ns(nanoseconds) is allowed
    assert (span("db") == make("db", duration=nanoseconds)) is True
    assert span_matches(budget, make("db", duration=nanoseconds)) is allowed


def span_matches(budget: str, node: object) -> bool:
    return span("db", duration=budget) == node


@pytest.mark.parametrize("text", ["50ms", "< 50", "< 50 minutes", "~ 5ms", "< 30% sibling", ""])
def test_a_malformed_budget_says_how_budgets_are_written(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid duration budget .*a budget is <, <=, > or >="):
        span("db", duration=text)


def test_a_duration_of_another_type_is_refused_with_what_is_accepted() -> None:
    with pytest.raises(TypeError, match=r"takes a budget such as '< 50ms', or a matcher"):
        span("db", duration=1.5)


def test_a_relative_budget_compares_with_the_parent() -> None:
    child = make("db", duration=20 * MS)
    make("request", child, duration=100 * MS)

    assert span("db", duration="< 30% parent") == child
    assert span("db", duration="< 10% parent") != child


def test_a_relative_budget_compares_with_the_whole_trace() -> None:
    leaf = make("db", duration=5 * MS)
    middle = make("service", leaf, duration=50 * MS)
    make("request", middle, duration=200 * MS)

    assert span("db", duration="< 5% trace") == leaf
    assert span("service", duration="< 20% trace") != middle


def test_a_root_has_no_parent_to_share_and_says_so() -> None:
    root = make("request", duration=5 * MS)

    message = failure(root, span("request", duration="< 30% parent"))

    assert "duration: 5.0 ms, budget < 30% parent but the span has no parent" in message


def test_a_broken_budget_prints_the_actual_duration_and_the_budget() -> None:
    root = make("request", make("db.query", duration=80 * MS), duration=100 * MS)

    message = failure(root, span("request", span("db.query", duration="< 50ms")))

    assert "duration: 80.0 ms, budget < 50ms" in message
    assert "✗ duration < 50ms" in message


def test_a_relative_budget_failure_prints_the_bound_it_came_to() -> None:
    root = make("request", make("db.query", duration=80 * MS), duration=100 * MS)

    message = failure(root, span("request", span("db.query", duration="< 30% parent")))

    assert "duration: 80.0 ms, budget < 30% parent = < 30.0 ms" in message


def test_a_predicate_or_matcher_of_nanoseconds_is_a_budget_too() -> None:
    node = make("db", duration=7 * MS)

    assert span("db", duration=lambda ns: ns < 10 * MS) == node
    message = failure(node, span("db", duration=lambda ns: ns < MS))
    assert "duration: expected lambda ns: ns < MS (nanoseconds), found 7000000 (7.0 ms)" in message


def test_expected_text_takes_a_budget_after_the_name() -> None:
    [pattern] = parse_tree("request (<= 1 s)\n└── db.query (< 30% parent) {db.system=...}")

    assert repr(pattern) == (
        'span("request", span("db.query", attributes={"db.system": ANY},'
        ' duration="< 30% parent"), duration="<= 1 s")'
    )


def test_a_plain_duration_in_expected_text_is_refused_with_the_budget_syntax() -> None:
    with pytest.raises(TreeSyntaxError) as caught:
        parse_tree("request\n└── slow (12.3 ms)")

    message = str(caught.value)
    assert message.startswith("line 2, column 10: a duration in expected text is not compared")
    assert "write a budget such as (< 50 ms), or remove it" in message


@pytest.mark.parametrize(
    ("text", "column", "reason"),
    [
        ("slow (< 12 parsecs)", 6, "invalid duration budget: a budget is <, <=, > or >="),
        ("slow (< 12 ms", 6, "expected ) to close the duration budget"),
        ("slow (< 1 s) (< 2 s)", 14, "a duration budget is given twice"),
    ],
)
def test_a_bad_budget_in_expected_text_points_at_it(text: str, column: int, reason: str) -> None:
    with pytest.raises(TreeSyntaxError) as caught:
        parse_tree(text)

    assert str(caught.value).startswith(f"line 1, column {column}: {reason}")
