"""Strictness one dimension at a time: exact_spans, exact_attributes, exact_events."""

from __future__ import annotations

import pytest

from pytest_filagent_trace import SpanTreeMismatch, assert_span_tree, span, span_tree_matches
from pytest_filagent_trace._match.strictness import Strictness
from tests.plugin.nodes import make


def tree() -> object:
    return make(
        "request",
        make("db.query", attributes={"db.system": "sqlite", "db.statement": "SELECT 1"}),
        make("cache", events=("miss",)),
        kind="SERVER",
    )


def failure(expected: object, **options: bool) -> str:
    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(tree(), expected, **options)  # type: ignore[arg-type]
    return str(caught.value)


EXPECTED = span(
    "request",
    span("db.query", attributes={"db.system": "sqlite"}),
    kind="SERVER",
)


def test_exact_attributes_alone_refuses_unlisted_attributes_but_not_unlisted_spans() -> None:
    message = failure(EXPECTED, exact_attributes=True)

    assert message.startswith(
        "span tree does not match (1 problem; exact=False, exact_attributes=True, ordered=False)"
    )
    assert 'attributes not expected (exact_attributes=True): db.statement="SELECT 1"' in message
    assert "unexpected span" not in message


def test_exact_spans_alone_refuses_unlisted_spans_but_not_unlisted_attributes() -> None:
    message = failure(EXPECTED, exact_spans=True)

    assert "unexpected span (exact_spans=True): no expected span is left for it" in message
    assert "attributes not expected" not in message
    assert span_tree_matches(tree(), span("request", "db.query", "cache"), exact_spans=True)


def test_exact_events_alone_refuses_unlisted_events() -> None:
    expected = span("request", span("cache"), ..., kind="SERVER")

    message = failure(expected, exact_events=True)

    assert "events not expected (exact_events=True): miss" in message
    assert span_tree_matches(tree(), expected)


def test_exact_true_keeps_meaning_every_dimension_and_its_messages() -> None:
    message = failure(EXPECTED, exact=True)

    assert "(2 problems; exact=True, ordered=False)" in message
    assert "attributes not expected (exact=True)" in message
    assert "unexpected span (exact=True)" in message


def test_a_dimension_can_be_turned_off_beside_exact() -> None:
    expected = span(
        "request",
        span("db.query", attributes={"db.system": "sqlite"}),
        span("cache", events=["miss"]),
        kind="SERVER",
    )

    assert span_tree_matches(tree(), expected, exact=True, exact_attributes=False)
    assert not span_tree_matches(tree(), expected, exact=True)
    message = failure(expected, exact=True)
    assert message.startswith("span tree does not match (1 problem; exact=True, ordered=False)")


def test_a_pattern_can_ask_for_exactly_its_attributes() -> None:
    only_system = span("db.query", attributes={"db.system": "sqlite"}, exact_attributes=True)
    expected = span("request", only_system, ...)

    message = failure(expected)

    assert 'attributes not expected (exact_attributes=True): db.statement="SELECT 1"' in message
    assert repr(only_system) == (
        'span("db.query", attributes={"db.system": "sqlite"}, exact_attributes=True)'
    )


def test_a_pattern_can_allow_extra_attributes_under_exact() -> None:
    expected = span(
        "request",
        span("db.query", attributes={"db.system": "sqlite"}, exact_attributes=False),
        span("cache", events=["miss"]),
        kind="SERVER",
    )

    assert span_tree_matches(tree(), expected, exact=True)


@pytest.mark.parametrize("option", ["exact", "exact_spans", "exact_attributes", "exact_events"])
def test_a_strictness_option_that_is_not_a_bool_is_refused(option: str) -> None:
    with pytest.raises(TypeError, match=f"{option} must be True or False, found 'yes'"):
        assert_span_tree(tree(), EXPECTED, **{option: "yes"})  # type: ignore[arg-type]


def test_a_pattern_exact_attributes_that_is_not_a_bool_is_refused() -> None:
    with pytest.raises(TypeError, match=r"span\(exact_attributes=\.\.\.\) must be True or False"):
        span("db", exact_attributes=1)  # type: ignore[arg-type]


def test_strictness_reads_as_the_options_given() -> None:
    assert repr(Strictness.given()) == "Strictness(exact=False)"
    assert repr(Strictness.given(True, exact_events=False)) == (
        "Strictness(exact=True, exact_events=False)"
    )
