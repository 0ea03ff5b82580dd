"""span(...) patterns, attribute matchers and assert_span_tree (match.py)."""

from __future__ import annotations

import functools
import math
import re
import sys
import textwrap
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from pytest_filagent_trace._match import (
    ABSENT,
    ANY,
    SpanTreeMismatch,
    as_matcher,
    assert_span_tree,
    descendant,
    event,
    glob,
    span,
    span_tree_matches,
    starts_with,
)
from pytest_filagent_trace._pytest.assertrepr import assertrepr_compare
from pytest_filagent_trace._spans import SpanTree, build_trees
from pytest_filagent_trace._textform import render_tree
from tests.plugin import nodes

# Events of hand-built nodes here carry an exception type, as recorded errors do.
make = functools.partial(nodes.make, event_attributes={"exception.type": "ValueError"})


def failure(actual: Any, expected: Any, **options: bool) -> str:
    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(actual, expected, **options)
    return str(caught.value)


class _Capture:
    """What assert_span_tree needs from a TraceCapture: traces()."""

    def __init__(self, trees: list[SpanTree]) -> None:
        self._trees = trees

    def traces(self) -> list[SpanTree]:
        return self._trees


# --------------------------------------------------------------------------- reprs


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (span("agent.route"), 'span("agent.route")'),
        (span(), "span()"),
        (
            span("POST /chat", span("agent.route"), ..., kind="server"),
            'span("POST /chat", span("agent.route"), ..., kind="SERVER")',
        ),
        (
            span("tool.*", status="error: boom*", count=2, orphan=False),
            'span("tool.*", status="ERROR: boom*", count=2, orphan=False)',
        ),
        (
            span("t", attributes={"a": 1, "b": ABSENT, "c": ..., "d": int, "e": (1, "x")}),
            'span("t", attributes={"a": 1, "b": ABSENT, "c": ANY, "d": int, "e": (1, "x")})',
        ),
        (
            span(re.compile(r"tool\..*"), events=["exception", event("retry*")]),
            'span(re.compile(\'tool\\\\..*\'), events=["exception", "retry*"])',
        ),
        (
            span(ANY, span("x"), children=None),
            'span(ANY, span("x"))',
        ),
        (
            descendant(span("GET /search", kind="CLIENT")),
            'descendant(span("GET /search", kind="CLIENT"))',
        ),
        (descendant("x"), 'descendant(span("x"))'),
        (span("p", children=["a", "b"]), 'span("p", span("a"), span("b"))'),
    ],
)
def test_pattern_repr_reads_like_the_call_that_built_it(pattern: Any, text: str) -> None:
    assert repr(pattern) == text


def is_positive(value: int) -> bool:
    return value > 0


@pytest.mark.parametrize(
    ("matcher", "text"),
    [
        (glob("web_*"), 'glob("web_*")'),
        (starts_with("Trace"), 'starts_with("Trace")'),
        (as_matcher(re.compile("boom")), "re.compile('boom')"),
        (as_matcher(is_positive), "is_positive"),
        (as_matcher(float), "float"),
        (as_matcher("x") | 3, '"x" | 3'),
        (ABSENT | glob("a*") | 1, 'ABSENT | glob("a*") | 1'),
        (ANY & ~as_matcher(0), "ANY & ~0"),
        (~(glob("a") | glob("b")), '~(glob("a") | glob("b"))'),
        (event("exception", attributes={"exception.type": "ValueError"}), None),
    ],
)
def test_matcher_repr_is_the_expected_value(matcher: Any, text: str | None) -> None:
    expected = text or 'event("exception", attributes={"exception.type": "ValueError"})'
    assert repr(matcher) == expected


# --------------------------------------------------------------------------- matchers


def test_equal_values_must_have_the_same_type() -> None:
    assert as_matcher(1) == 1
    assert as_matcher(1) != 1.0
    assert as_matcher(1) != True  # noqa: E712 - bool is not int in a trace
    assert as_matcher(True) != 1
    assert as_matcher(("a", "b")) == ("a", "b")
    assert as_matcher(["a", "b"]) == ("a", "b")
    assert as_matcher(math.nan).equals(math.nan)


def test_glob_regex_and_prefix_match_strings_only() -> None:
    assert glob("web_*") == "web_search"
    assert glob("web_*") != 3
    assert as_matcher(re.compile("bo+m")) == "ValueError: boom"
    assert as_matcher(re.compile("1")) != 1
    assert starts_with("Tra") == "Trace"


def test_types_match_instances_and_int_excludes_bool() -> None:
    assert as_matcher(int) == 3
    assert as_matcher(int) != True  # noqa: E712
    assert as_matcher(str) == "x"


def test_predicates_decide_and_their_errors_are_mismatches() -> None:
    assert as_matcher(is_positive) == 2
    assert as_matcher(is_positive) != "text"


def test_objects_with_their_own_eq_compare_themselves() -> None:
    class Even:
        def __eq__(self, other: object) -> bool:
            return isinstance(other, int) and other % 2 == 0

        __hash__ = None  # type: ignore[assignment]

    assert as_matcher(Even()) == 4
    assert as_matcher(Even()) != 3


def test_combinators_compose() -> None:
    either = glob("a*") | "b"
    assert either == "abc"
    assert either == "b"
    assert either != "c"
    assert (as_matcher(int) & is_positive) == 3
    assert (as_matcher(int) & is_positive) != -3
    assert (~glob("a*")) == "b"


def test_two_matchers_are_equal_when_they_read_the_same() -> None:
    assert glob("a*") == glob("a*")
    assert glob("a*") != glob("b*")
    assert ANY != ABSENT


# --------------------------------------------------------------------------- span patterns


def test_name_matches_exactly_by_glob_or_by_whole_regex() -> None:
    node = make("tool.execute.calculator")

    assert span("tool.execute.calculator") == node
    assert span("tool.execute.*") == node
    assert span(re.compile(r"tool\.execute\.\w+")) == node
    assert span(re.compile("calculator")) != node
    assert span("tool.execute") != node


def test_absent_requires_the_attribute_to_be_missing() -> None:
    node = make("t", attributes={"user.id_hash": "abc"})

    assert span("t", attributes={"user.id": ABSENT}) == node
    assert span("t", attributes={"user.id_hash": ABSENT}) != node


def test_dots_and_any_require_the_attribute_to_be_there() -> None:
    node = make("t", attributes={"a": 0})

    assert span("t", attributes={"a": ...}) == node
    assert span("t", attributes={"b": ANY}) != node


def test_kind_status_and_description() -> None:
    node = make("c", kind="CLIENT", status="ERROR", description="ValueError: boom")

    assert span("c", kind=SpanKind.CLIENT, status=StatusCode.ERROR) == node
    assert span("c", status="ERROR: ValueError: *") == node
    assert span("c", status="ERROR: KeyError*") != node
    assert span("c", kind="server") != node


def test_events_must_be_there_by_name_or_pattern() -> None:
    node = make("t", events=("exception",))

    assert span("t", events=["exception"]) == node
    assert span("t", events=[event("exc*", attributes={"exception.type": "ValueError"})]) == node
    assert span("t", events=["retry"]) != node


def test_invalid_kind_status_and_count_are_refused_with_the_allowed_values() -> None:
    with pytest.raises(ValueError, match=r"kind=.*one of INTERNAL, SERVER, CLIENT.*'fast'"):
        span("x", kind="fast")
    with pytest.raises(ValueError, match=r"status=.*one of UNSET, OK, ERROR.*'bad'"):
        span("x", status="bad")
    with pytest.raises(ValueError, match=r"count=.*found -1"):
        span("x", count=-1)
    with pytest.raises(TypeError, match="either after the name or as children"):
        span("x", span("y"), children=[span("z")])
    with pytest.raises(TypeError, match="children must be span"):
        span("x", 3)


def test_pattern_equals_a_tree_when_it_matches_one_of_its_roots() -> None:
    tree = SpanTree("a" * 32, [make("first"), make("second")])

    assert span("second") == tree
    assert span("third") != tree


# --------------------------------------------------------------------------- children


def test_unordered_matching_finds_the_assignment_a_greedy_matcher_misses() -> None:
    # Greedy would give tool.a to the glob first, leaving nothing for span("tool.a").
    tree = make("run", make("tool.a"), make("tool.b"))

    assert_span_tree(tree, span("run", span("tool.*"), span("tool.a")))


def test_unordered_matching_with_attribute_overlaps() -> None:
    tree = make(
        "run",
        make("t", attributes={"x": 1, "y": 1}),
        make("t", attributes={"x": 1}),
        make("t", attributes={"y": 1}),
    )
    expected = span(
        "run",
        span("t", attributes={"x": 1}),
        span("t", attributes={"x": 1, "y": 1}),
        span("t", attributes={"y": 1}),
    )

    assert_span_tree(tree, expected, exact=True)


def test_an_impossible_assignment_fails_even_when_each_pattern_has_a_candidate() -> None:
    tree = make("run", make("t", attributes={"x": 1}), make("u"))

    message = failure(tree, span("run", span("t"), span("t", attributes={"x": 1})))

    assert 'missing child span("t"' in message


def test_extra_spans_are_allowed_unless_exact() -> None:
    tree = make("root", make("a"), make("b"))

    assert_span_tree(tree, span("root", span("a")))
    message = failure(tree, span("root", span("a")), exact=True)
    assert "root › b\n    unexpected span (exact=True)" in message


def test_dots_allow_other_spans_even_when_exact() -> None:
    tree = make("root", make("a"), make("b"), make("c"))

    assert_span_tree(tree, span("root", span("b"), ...), exact=True)


def test_exact_forbids_extra_attributes_and_reads_missing_kind_as_internal() -> None:
    tree = make("root", kind="SERVER", attributes={"a": 1, "b": 2})

    assert_span_tree(tree, span("root", kind="SERVER", attributes={"a": 1, "b": 2}), exact=True)
    message = failure(tree, span("root", attributes={"a": 1}), exact=True)
    assert "kind: expected INTERNAL (exact=True and no kind given), found SERVER" in message
    assert "attributes not expected (exact=True): b=2" in message
    assert "exact=False allows attributes the expectation does not name" in message


def test_exact_forbids_events_that_are_not_expected() -> None:
    tree = make("t", events=("exception",))

    message = failure(tree, span("t"), exact=True)

    assert "events not expected (exact=True): exception" in message


def test_ordered_checks_sibling_order() -> None:
    tree = make("root", make("a"), make("b"))

    assert_span_tree(tree, span("root", span("b"), span("a")))
    assert_span_tree(tree, span("root", span("a"), span("b")), ordered=True)
    message = failure(tree, span("root", span("b"), span("a")), ordered=True)
    assert message.startswith(
        "span tree does not match (1 problem; exact=False, ordered=True)\n\n"
        "root\n"
        "    children out of order (ordered=True)\n"
        "    expected: b, a\n"
        "    found:    a, b\n"
    )
    assert "ordered=False ignores the order of siblings" in message


def test_ordered_and_exact_with_dots_matches_runs() -> None:
    tree = make("root", make("a"), make("x"), make("y"), make("b"))

    assert_span_tree(tree, span("root", span("a"), ..., span("b")), exact=True, ordered=True)
    assert not span_tree_matches(tree, span("root", span("a"), span("b")), exact=True, ordered=True)


def test_descendant_matches_at_any_depth() -> None:
    tree = make("root", make("run", make("exec", make("GET /search", kind="CLIENT"))))

    assert_span_tree(tree, span("root", descendant(span("GET /search", kind="CLIENT"))))
    assert_span_tree(tree, descendant("exec"))
    assert descendant("GET /search") == tree


def test_descendant_skips_the_spans_on_its_way_even_when_exact() -> None:
    tree = make("root", make("run", make("exec", make("leaf"))))

    assert_span_tree(tree, span("root", descendant(span("leaf"))), exact=True)


def test_descendant_can_sit_beside_the_child_that_holds_it() -> None:
    tree = make("run", make("exec", make("tool"), make("GET")))

    assert_span_tree(tree, span("run", span("exec", span("tool")), descendant("GET")))


def test_two_descendants_need_two_spans() -> None:
    tree = make("root", make("a", make("t")))

    assert not span_tree_matches(tree, span("root", descendant("t"), descendant("t")))


def test_a_missing_descendant_lists_what_is_below() -> None:
    tree = make("root", make("run", make("exec")))

    message = failure(tree, span("root", descendant("GET /search")))

    assert 'root\n    no span at any depth below matches descendant(span("GET /search"))' in (
        message
    )
    assert "amongst: exec, run" in message


def test_count_asserts_how_many_siblings_match() -> None:
    tree = make("exec", make("tool.a"), make("tool.b"), make("verify"))

    assert_span_tree(tree, span("exec", span("tool.*", count=2)))
    too_few = failure(tree, span("exec", span("tool.*", count=3)))
    assert 'expected 3 spans matching span("tool.*", count=3), found 2' in too_few
    too_many = failure(tree, span("exec", span("tool.*", count=1)))
    assert 'one span too many: span("tool.*", count=1) expects count=1' in too_many


def test_count_zero_asserts_that_no_sibling_matches() -> None:
    tree = make("exec", make("verify"))

    assert_span_tree(tree, span("exec", span("tool.*", count=0)))
    assert not span_tree_matches(
        make("exec", make("tool.x")), span("exec", span("tool.*", count=0))
    )


def test_count_leaves_spans_that_other_patterns_need() -> None:
    # tool.calc matches both patterns; counting it for the glob would leave span("tool.calc")
    # without a span, so the matcher must give the glob the other two.
    tree = make("exec", make("tool.a"), make("tool.calc"), make("tool.b"))

    assert_span_tree(tree, span("exec", span("tool.calc"), span("tool.*", count=2)))
    assert not span_tree_matches(tree, span("exec", span("tool.calc"), span("tool.*", count=1)))


def test_count_in_ordered_mode() -> None:
    tree = make("exec", make("x"), make("t"), make("t"))

    assert_span_tree(tree, span("exec", span("x"), span("t", count=2)), ordered=True)
    assert not span_tree_matches(tree, span("exec", span("t", count=1)), ordered=True)


def test_top_level_list_and_dots() -> None:
    forest = [make("one"), make("two")]

    assert_span_tree(forest, [span("two"), span("one")])
    assert_span_tree(forest, [span("two"), ...], exact=True)
    assert "unexpected span" in failure(forest, [span("two")], exact=True)


def test_a_hundred_same_named_siblings_in_any_order() -> None:
    tree = make("exec", *[make("tool", attributes={"n": n}) for n in range(100)])
    expected = span("exec", *[span("tool", attributes={"n": n}) for n in reversed(range(100))])

    assert_span_tree(tree, expected, exact=True)


def test_orphans_match_by_their_mark() -> None:
    forest = [make("root"), make("lost", orphan=True)]

    assert_span_tree(forest, [span("lost", orphan=True), span("root", orphan=False)])
    assert "orphan: expected a span with its parent" in failure(forest, "root\nlost", exact=True)


# --------------------------------------------------------------------------- actual values


def test_actual_can_be_a_capture_a_tree_a_node_or_finished_spans(
    sdk: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = sdk
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("root"), tracer.start_as_current_span("child"):
        pass
    spans = exporter.get_finished_spans()
    trees = build_trees(spans)
    expected = span("root", span("child"))

    assert_span_tree(_Capture(trees), expected)
    assert_span_tree(trees[0], expected)
    assert_span_tree(trees[0].roots[0], expected)
    assert_span_tree(list(spans), expected)


def test_expected_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError, match="expected must be span"):
        assert_span_tree(make("x"), 42)  # type: ignore[arg-type]


def test_text_expectation_with_syntax_error_points_at_it() -> None:
    with pytest.raises(ValueError, match="line 1, column 6: unknown marker"):
        assert_span_tree(make("x"), "root [FAST]")


# --------------------------------------------------------------------------- messages


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
