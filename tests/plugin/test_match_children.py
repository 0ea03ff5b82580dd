"""assert_span_tree over children: unordered, exact and ordered matching, descendant and count."""

from __future__ import annotations

from pytest_filagent_trace._match import (
    assert_span_tree,
    descendant,
    span,
    span_tree_matches,
)
from tests.helpers.tree_mismatch import failure
from tests.plugin.nodes import make_with_error_events as make


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
