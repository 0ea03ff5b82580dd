"""Building span trees from finished spans: parents, roots, orphans, traces, sibling order."""

from __future__ import annotations

import re

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode

from pytest_filagent_trace._spans import (
    PATH_SEPARATOR,
    SpanNode,
    build_trees,
    link_trees,
    matches_name,
    node_from_span,
)

TRACE_A = "a" * 32
TRACE_B = "b" * 32


def node(
    name: str,
    span_id: str,
    parent: str | None = None,
    *,
    start: int = 0,
    end: int | None = None,
    trace_id: str = TRACE_A,
    attributes: dict[str, object] | None = None,
) -> SpanNode:
    return SpanNode(
        name=name,
        kind="INTERNAL",
        status="UNSET",
        status_description=None,
        attributes=dict(attributes or {}),
        events=[],
        trace_id=trace_id,
        span_id=span_id.rjust(16, "0"),
        parent_span_id=parent.rjust(16, "0") if parent is not None else None,
        start_time=start,
        end_time=start + 10 if end is None else end,
    )


def names(nodes: list[SpanNode]) -> list[str]:
    return [n.name for n in nodes]


def test_children_hang_under_their_parent() -> None:
    [tree] = build_trees([node("child", "2", "1", start=2), node("root", "1", start=1)])

    root = tree.root
    assert root.name == "root"
    assert names(root.children) == ["child"]
    assert root.children[0].parent is root


def test_span_without_parent_is_a_root_and_not_an_orphan() -> None:
    [tree] = build_trees([node("root", "1")])

    assert tree.roots[0].orphan is False
    assert tree.roots[0].is_root


def test_span_whose_parent_was_not_captured_is_an_orphan_root_after_true_roots() -> None:
    spans = [node("lost child", "3", "9", start=1), node("root", "1", start=5)]

    [tree] = build_trees(spans)

    assert names(tree.roots) == ["root", "lost child"]
    assert [root.orphan for root in tree.roots] == [False, True]
    assert tree.roots[1].parent is None


def test_trace_with_only_orphans_still_forms_a_tree() -> None:
    [tree] = build_trees([node("server", "2", "1", trace_id=TRACE_B)])

    assert tree.trace_id == TRACE_B
    assert names(tree.roots) == ["server"]
    assert tree.roots[0].orphan


def test_spans_of_different_traces_form_one_tree_each_in_start_order() -> None:
    spans = [
        node("second", "2", start=20, trace_id=TRACE_B),
        node("first", "1", start=10, trace_id=TRACE_A),
        node("first child", "3", "1", start=11, trace_id=TRACE_A),
    ]

    trees = build_trees(spans)

    assert [tree.trace_id for tree in trees] == [TRACE_A, TRACE_B]
    assert names(trees[0].spans) == ["first", "first child"]
    assert names(trees[1].spans) == ["second"]


def test_same_span_id_in_two_traces_does_not_link_across_traces() -> None:
    spans = [
        node("a root", "1", trace_id=TRACE_A),
        node("b child", "2", "1", trace_id=TRACE_B),
    ]

    trees = build_trees(spans)

    assert [tree.roots[0].orphan for tree in trees] == [False, True]


def test_siblings_are_ordered_by_start_time_whatever_the_end_order() -> None:
    spans = [
        node("late", "3", "1", start=30),
        node("early", "2", "1", start=10),
        node("middle", "4", "1", start=20),
        node("root", "1", start=0, end=100),
    ]

    [tree] = build_trees(spans)

    assert names(tree.root.children) == ["early", "middle", "late"]


def test_siblings_starting_together_order_by_end_time_first() -> None:
    spans = [
        node("b", "3", "1", start=5, end=9),
        node("a", "2", "1", start=5, end=7),
        node("root", "1", end=20),
    ]

    [tree] = build_trees(spans)

    assert names(tree.root.children) == ["a", "b"]


def test_siblings_with_equal_times_order_by_name() -> None:
    spans = [
        node("zeta", "2", "1", start=5, end=6),
        node("alpha", "3", "1", start=5, end=6),
        node("root", "1", end=20),
    ]

    [tree] = build_trees(spans)

    assert names(tree.root.children) == ["alpha", "zeta"]


def test_identical_siblings_keep_the_order_they_were_given_in() -> None:
    first = node("same", "f", "1", start=5, end=6, attributes={"n": 1})
    second = node("same", "a", "1", start=5, end=6, attributes={"n": 2})

    [tree] = build_trees([first, second, node("root", "1", end=20)])

    assert [child.attributes["n"] for child in tree.root.children] == [1, 2]


def test_roots_of_a_trace_are_ordered_by_start_time() -> None:
    spans = [node("second", "2", start=9), node("first", "1", start=3)]

    [tree] = build_trees(spans)

    assert names(tree.roots) == ["first", "second"]


def test_path_joins_names_from_the_root_with_the_separator() -> None:
    spans = [
        node("POST /chat", "1"),
        node("agent.run_with_htn", "2", "1", start=1),
        node("tool.execute.calculator", "3", "2", start=2),
    ]

    [tree] = build_trees(spans)

    leaf = tree.find("tool.execute.calculator")[0]
    assert PATH_SEPARATOR == " \u203a "
    assert leaf.path() == PATH_SEPARATOR.join(
        ["POST /chat", "agent.run_with_htn", "tool.execute.calculator"]
    )
    assert names(list(leaf.ancestors())) == ["agent.run_with_htn", "POST /chat"]


def test_walk_visits_parents_before_children_depth_first() -> None:
    spans = [
        node("root", "1"),
        node("a", "2", "1", start=1),
        node("a1", "4", "2", start=2),
        node("b", "3", "1", start=3),
    ]

    [tree] = build_trees(spans)

    assert names(list(tree.walk())) == ["root", "a", "a1", "b"]
    assert len(tree) == 4


def test_build_trees_copies_given_nodes_instead_of_relinking_them() -> None:
    root, child = node("root", "1"), node("child", "2", "1", start=1)
    [first] = build_trees([root, child])

    [second] = build_trees(first.spans)

    assert root.children == []
    assert child.parent is None
    assert names(second.spans) == ["root", "child"]
    assert second.root is not first.root
    assert names(first.root.children) == ["child"]


def test_link_trees_links_the_given_nodes_in_place() -> None:
    nodes = [node("child", "2", "1", start=1), node("root", "1")]

    link_trees(nodes)

    assert nodes[0].parent is nodes[1]


def test_tree_root_names_the_roots_when_there_is_not_exactly_one() -> None:
    [tree] = build_trees([node("one", "1"), node("two", "2", start=1)])

    with pytest.raises(ValueError, match=r"has 2 roots, expected exactly 1: 'one', 'two'"):
        _ = tree.root


def test_find_matches_exact_glob_and_regex_names() -> None:
    spans = [
        node("root", "1"),
        node("tool.execute.calculator", "2", "1", start=1),
        node("tool.execute.web_search", "3", "1", start=2),
    ]

    [tree] = build_trees(spans)

    assert len(tree.find("tool.execute.*")) == 2
    assert names(tree.find("tool.execute.calculator")) == ["tool.execute.calculator"]
    assert names(tree.find(re.compile(r"tool\.\w+\.web_.*"))) == ["tool.execute.web_search"]


def test_find_matches_dotted_attributes_by_value_regex_and_predicate() -> None:
    spans = [
        node("tool", "1", attributes={"tool.name": "calculator", "tool.duration_ms": 3}),
        node("tool", "2", start=1, attributes={"tool.name": "file_read", "tool.duration_ms": 40}),
    ]

    [tree] = build_trees(spans)

    assert len(tree.find("tool", attributes={"tool.name": "calculator"})) == 1
    assert len(tree.find("tool", attributes={"tool.name": re.compile("^file")})) == 1
    slow = tree.find(attributes={"tool.duration_ms": lambda ms: ms > 10})
    assert [n.attributes["tool.name"] for n in slow] == ["file_read"]
    assert tree.find("tool", attributes={"missing": None}) == []


def test_matches_name_requires_a_full_regex_match() -> None:
    assert matches_name("agent.route", "agent.*")
    assert not matches_name("agent.route", "agent")
    assert not matches_name("agent.route.extra", re.compile(r"agent\.route"))


def test_node_repr_is_one_short_line_without_children() -> None:
    [tree] = build_trees([node("root", "1"), node("child", "2", "1", start=1)])

    text = repr(tree.root.children[0])

    assert text == f"<SpanNode 'root{PATH_SEPARATOR}child' span_id={'2'.rjust(16, '0')}>"
    assert repr(tree) == f"<SpanTree trace_id={TRACE_A} spans=2 roots=['root']>"


def test_node_from_span_converts_every_field_to_plain_values() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "shop"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("shop.checkout")
    server_span = tracer.start_as_current_span("POST /pay", kind=SpanKind.SERVER)
    with server_span as parent, tracer.start_as_current_span("charge") as child:
        child.set_attribute("amounts", [1, 2])
        child.add_event("retry", {"attempt": 2})
        child.set_status(Status(StatusCode.ERROR, "card declined"))
    charge, server = exporter.get_finished_spans()

    converted = node_from_span(charge)

    assert converted.name == "charge"
    assert converted.kind == "INTERNAL"
    assert node_from_span(server).kind == "SERVER"
    assert (converted.status, converted.status_description) == ("ERROR", "card declined")
    assert converted.attributes == {"amounts": (1, 2)}
    assert [(e.name, e.attributes) for e in converted.events] == [("retry", {"attempt": 2})]
    assert converted.trace_id == format(parent.get_span_context().trace_id, "032x")
    assert converted.span_id == format(child.get_span_context().span_id, "016x")
    assert converted.parent_span_id == format(parent.get_span_context().span_id, "016x")
    assert converted.scope == "shop.checkout"
    assert converted.resource["service.name"] == "shop"
    assert converted.duration_ns == converted.end_time - converted.start_time >= 0
    assert node_from_span(server).parent_span_id is None


def test_build_trees_accepts_finished_sdk_spans(
    sdk: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = sdk
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("outer"), tracer.start_as_current_span("inner"):
        pass

    [tree] = build_trees(exporter.get_finished_spans())

    assert names(tree.spans) == ["outer", "inner"]
