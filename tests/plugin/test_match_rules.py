"""The local rules written once, matcher hashing, shape buckets, explain_comparison."""

from __future__ import annotations

import random

from pytest_filagent_trace._match import (
    Difference,
    assert_span_tree,
    differences,
    event,
    explain_comparison,
    glob,
    span,
    span_tree_matches,
    starts_with,
)
from tests.plugin import nodes


def test_equal_matchers_hash_equal_so_a_set_keeps_one() -> None:
    assert len({glob("x*"), glob("x*")}) == 1
    assert len({starts_with("a"), starts_with("a"), starts_with("b")}) == 2
    assert hash(span("a", span("b"), kind="SERVER")) == hash(span("a", span("b"), kind="SERVER"))
    assert hash(event("exception")) == hash(event("exception"))


def test_a_matching_span_has_no_differences() -> None:
    node = nodes.make("agent.route", attributes={"route.mode": "htn"})
    assert (
        list(differences(span("agent.route", attributes={"route.mode": "htn"}), node, False)) == []
    )


def test_each_difference_carries_its_message_note_and_hint() -> None:
    node = nodes.make("agent.route", kind="SERVER", attributes={"route.mode": "htn", "x": 1})
    found = list(differences(span("agent.route", attributes={"route.mode": "simple"}), node, True))
    assert found == [
        Difference(
            "kind: expected INTERNAL (exact=True and no kind given), found SERVER",
            "expected INTERNAL",
            "exact_default",
        ),
        Difference(
            'attribute route.mode: expected "simple", found "htn"', 'route.mode expected "simple"'
        ),
        Difference(
            "attributes not expected (exact=True): x=1",
            "not expected: x",
            "extra_attribute",
        ),
    ]


def test_the_match_decision_is_that_there_is_no_difference() -> None:
    node = nodes.make("a", attributes={"ok": True})
    for pattern in (span("a", attributes={"ok": 1}), span("a", attributes={"ok": True})):
        assert span_tree_matches(node, pattern) == (not list(differences(pattern, node, False)))


def _wide(count: int) -> list[nodes.SpanNode]:
    root = nodes.make("root", *[nodes.make("task", nodes.make(f"step.{i}")) for i in range(count)])
    return [root]


def test_same_named_siblings_told_apart_by_their_children_match_in_any_order() -> None:
    roots = _wide(300)
    children = [span("task", span(f"step.{i}")) for i in range(300)]
    random.Random(5).shuffle(children)
    assert_span_tree(roots, span("root", *children), exact=True)
    assert_span_tree(roots, span("root", *children))


def test_a_shape_bucket_only_orders_candidates_a_partial_pattern_still_matches() -> None:
    roots = [
        nodes.make(
            "root", *[nodes.make("task", nodes.make("a"), nodes.make(f"b{i}")) for i in range(40)]
        )
    ]
    children = [span("task", span(f"b{i}")) for i in reversed(range(40))]
    assert span_tree_matches(roots, span("root", *children))
    assert not span_tree_matches(roots, span("root", *children), exact=True)


def test_explain_comparison_says_nothing_when_the_pattern_matches() -> None:
    node = nodes.make("a", nodes.make("b"))
    assert explain_comparison(span("a", span("b")), node) is None
    assert explain_comparison("a", node) is None


def test_explain_comparison_names_the_problem() -> None:
    node = nodes.make("a", nodes.make("b"))
    text = explain_comparison(span("a", span("c")), node)
    assert text is not None
    assert text.startswith('span("a", <1 child>) == spans: span tree does not match (1 problem;')
    assert '    missing child span("c")' in text.split("\n")


def test_siblings_looked_up_by_a_literal_value_keep_the_typed_rule() -> None:
    class Label(str):
        __slots__ = ()

    children = [nodes.make("a", attributes={"ok": True, "n": i}) for i in range(30)]
    children.append(nodes.make("a", attributes={"ok": 1, "label": Label("x")}))
    root = nodes.make("root", *children)
    assert span_tree_matches(root, span("root", span("a", attributes={"ok": 1}), ...))
    assert span_tree_matches(root, span("root", span("a", attributes={"label": "x"}), ...))
    assert not span_tree_matches(
        root, span("root", span("a", attributes={"ok": 1}), span("a", attributes={"ok": 1}), ...)
    )


def test_a_pattern_naming_one_attribute_of_many_finds_its_sibling_in_any_order() -> None:
    root = nodes.make(
        "root", *[nodes.make("task", attributes={"id": f"t{i}", "x": i}) for i in range(500)]
    )
    children = [span("task", attributes={"id": f"t{i}"}) for i in range(500)]
    random.Random(2).shuffle(children)
    assert_span_tree(root, span("root", *children))
