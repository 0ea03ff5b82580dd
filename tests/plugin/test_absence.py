"""Absence, events with ..., and a missing span reported where it really is."""

from __future__ import annotations

import pytest

from pytest_filagent_trace import (
    descendant,
    parse_tree,
    span,
    span_tree_matches,
)
from tests.helpers.tree_mismatch import failure
from tests.plugin.nodes import make


def checkout() -> object:
    return make(
        "POST /checkout",
        make("pay", make("db.query"), make("GET /bank", kind="CLIENT")),
        make("price", make("db.query")),
        kind="SERVER",
    )


def test_descendant_with_count_zero_means_no_such_span_anywhere() -> None:
    assert span_tree_matches(checkout(), descendant(span("cache.*", count=0)))

    message = failure(checkout(), descendant(span("db.*", count=0)))

    assert "(2 problems;" in message
    assert "POST /checkout › pay › db.query\n    unexpected span: descendant(" in message
    assert 'descendant(span("db.*", count=0)) wants no such span anywhere' in message
    assert "db.query  # ✗ no db.* expected" in message


def test_an_absence_below_a_span_looks_only_below_it() -> None:
    expected = span("POST /checkout", span("price", descendant(span("GET *", count=0))), ...)

    assert span_tree_matches(checkout(), expected)
    message = failure(
        checkout(), span("POST /checkout", span("pay", descendant(span("GET *", count=0))), ...)
    )
    assert "wants no such span below POST /checkout › pay" in message


def test_an_absence_does_not_open_its_level_under_exact() -> None:
    expected = span(
        "POST /checkout", span("pay", ...), descendant(span("cache", count=0)), kind="SERVER"
    )

    message = failure(checkout(), expected, exact=True)

    assert "POST /checkout › price\n    unexpected span (exact=True)" in message


def test_many_unexpected_spans_are_named_a_few_then_counted() -> None:
    wide = make("batch", *[make("db.query") for _ in range(8)])

    message = failure(wide, descendant(span("db.query", count=0)))

    assert message.count("wants no such span anywhere") == 5
    assert '... and 3 more spans matching span("db.query", count=0)' in message


def test_descendant_takes_no_count_but_zero() -> None:
    with pytest.raises(ValueError, match="the one count a descendant takes is count=0"):
        descendant(span("db", count=2))


def test_a_missing_child_that_exists_elsewhere_is_reported_with_its_path() -> None:
    message = failure(checkout(), span("POST /checkout", span("GET /bank"), ...))

    assert 'missing child span("GET /bank")\n    amongst: pay, price' in message
    assert "found elsewhere: POST /checkout › pay › GET /bank" in message


def test_a_missing_top_level_span_found_deeper_is_reported_with_its_path() -> None:
    message = failure(checkout(), span("db.query"))

    assert (
        "found elsewhere: POST /checkout › pay › db.query; POST /checkout › price › db.query"
    ) in message


def test_a_span_missing_everywhere_has_no_elsewhere_line() -> None:
    assert "found elsewhere" not in failure(checkout(), span("POST /checkout", span("refund")))


def test_an_ellipsis_among_events_allows_other_events_even_when_exact() -> None:
    node = make("cache", events=("miss", "retry"))

    assert span_tree_matches(node, span("cache", events=["miss", ...]), exact=True)
    assert span_tree_matches(node, span("cache", events=[...]), exact=True)
    assert not span_tree_matches(node, span("cache", events=["miss"]), exact=True)
    assert span_tree_matches(node, "cache <miss, ...>", exact=True)
    assert repr(parse_tree("cache <miss, ...>")) == '[span("cache", events=["miss", ...])]'


def test_an_ellipsis_among_events_does_not_stand_for_an_event() -> None:
    # It used to match exactly one event of any name.
    assert span_tree_matches(make("cache"), span("cache", events=[...]), exact=True)
    message = failure(make("cache"), span("cache", events=["miss", ...]))
    assert 'event "miss": missing; events: none' in message


def test_an_empty_capture_says_where_spans_are_captured_from() -> None:
    from opentelemetry.sdk.trace import TracerProvider

    from pytest_filagent_trace import SelectedSpansMismatch, assert_spans, capture_spans

    with capture_spans(TracerProvider()) as capture:
        pass

    message = failure(capture, span("POST /chat"))
    assert "actual spans: none were captured\nSpans are captured from: the provider given" in (
        message
    )
    with pytest.raises(SelectedSpansMismatch) as caught:
        assert_spans(capture, "POST")
    assert "no spans were captured\nSpans are captured from: the provider given" in str(
        caught.value
    )
