"""The failure messages of assert_span_tree and of a failed ``pattern == spans`` assertion."""

from __future__ import annotations

import sys
import textwrap

import pytest

from pytest_filagent_trace._match import SpanTreeMismatch, assert_span_tree, glob, span
from pytest_filagent_trace._pytest.assertrepr import assertrepr_compare
from pytest_filagent_trace._spans import SpanTree
from pytest_filagent_trace._textform import render_tree
from tests.helpers.tree_mismatch import failure
from tests.plugin.nodes import make_with_error_events as make


def test_failure_message_names_path_attribute_values_and_shows_the_tree() -> None:
    tree = make(
        "POST /chat",
        make(
            "agent.run_with_htn",
            make("tool.execute.calculator", attributes={"tool.execution.success": False}),
        ),
        kind="SERVER",
    )
    expected = span(
        "POST /chat",
        span(
            "agent.run_with_htn",
            span("tool.execute.calculator", attributes={"tool.execution.success": True}),
            span("tool.execute.web_search"),
        ),
    )

    assert failure(tree, expected) == textwrap.dedent(
        """\
        span tree does not match (2 problems; exact=False, ordered=False)

        POST /chat › agent.run_with_htn › tool.execute.calculator
            attribute tool.execution.success: expected True, found False

        POST /chat › agent.run_with_htn
            missing child span("tool.execute.web_search")
            amongst: tool.execute.calculator

        to relax the check:
            names match exactly, by glob (tool.execute.*) or by re.compile(...); \
descendant(span(...)) finds a span at any depth

        actual spans (the text form assert_span_tree accepts; ✗ marks a problem):
        POST /chat [SERVER]
        └── agent.run_with_htn  # ✗ missing tool.execute.web_search
            └── tool.execute.calculator {tool.execution.success=False}  \
# ✗ tool.execution.success expected True"""
    )


def test_failure_message_shows_both_types_when_values_read_the_same() -> None:
    class Label(str):
        def __repr__(self) -> str:
            return '"x"'

    message = failure(make("t", attributes={"n": 1.0}), span("t", attributes={"n": 1}))

    assert "attribute n: expected 1, found 1.0" in message
    assert "found no such attribute" in failure(make("t"), span("t", attributes={"n": 1}))
    del Label


def test_failure_message_reports_a_predicate_that_raised() -> None:
    def needs_int(value: int) -> bool:
        return value > 0

    message = failure(make("t", attributes={"n": "x"}), span("t", attributes={"n": needs_int}))

    assert 'attribute n: expected needs_int, found "x"' in message
    assert "raised TypeError" in message


def test_failure_message_for_a_missing_root_lists_the_roots() -> None:
    message = failure([make("POST /chat", kind="SERVER")], span("GET /search"))

    assert 'top level\n    missing top-level span span("GET /search")\n' in message
    assert "amongst: POST /chat [SERVER]" in message


def test_failure_message_when_nothing_was_captured() -> None:
    message = failure([], span("anything"))

    assert message.endswith("actual spans: none were captured")
    assert "amongst: (none)" in message


def test_failure_message_wrong_status_and_description() -> None:
    tree = make("t", status="ERROR", description="KeyError: 'x'")

    message = failure(tree, span("t", status="ERROR: ValueError*"))

    assert 'status description: expected "ValueError*", found "KeyError: \'x\'"' in message


def test_the_actual_text_in_a_message_can_be_pasted_back() -> None:
    tree = make("root", make("a", attributes={"k": "v" * 500}), kind="SERVER")

    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(tree, span("root", span("b")))

    assert_span_tree(tree, caught.value.actual_text, exact=True, ordered=True)
    assert len(caught.value.problems) == 1


def test_a_large_capture_shows_only_the_traces_with_problems() -> None:
    forest = [make("POST /chat", *[make("x") for _ in range(5)]) for _ in range(100)]
    forest.append(make("POST /chat", make("broken")))

    message = failure(forest, [span("POST /chat", span("x"), count=101)])

    assert "POST /chat  # ✗ missing x\n└── broken\n" in message
    assert message.endswith("(100 more top-level spans of 602 spans in all are not shown)")


def test_assertrepr_compare_explains_a_pattern_that_does_not_match() -> None:
    tree = SpanTree("a" * 32, [make("root", make("a", attributes={"n": 1}))])

    lines = assertrepr_compare("==", span("root", span("a", attributes={"n": 2})), tree)

    assert lines is not None
    assert lines[0] == (
        'span("root", <1 child>) == spans: span tree does not match'
        " (1 problem; exact=False, ordered=False)"
    )
    assert "root › a" in lines
    assert "    attribute n: expected 2, found 1" in lines


def test_assertrepr_compare_stays_out_of_other_comparisons() -> None:
    node = make("root")

    assert assertrepr_compare("==", span("root"), node) is None
    assert assertrepr_compare("!=", span("other"), node) is None
    assert assertrepr_compare("==", 1, 2) is None
    assert assertrepr_compare("==", glob("a*"), "b") is None


def test_a_trace_thousands_of_levels_deep_matches_and_explains() -> None:
    node = make("leaf")
    for level in range(3000):
        node = make(f"level{level}", node)
    limit = sys.getrecursionlimit()

    assert_span_tree(node, render_tree(node), exact=True, ordered=True)
    message = failure(node, render_tree(node).replace("leaf", "leaves"))

    assert 'missing child span("leaves")' in message
    assert sys.getrecursionlimit() == limit
