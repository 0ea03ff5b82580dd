"""Snapshot normalization: what it accepts, and what it leaves or drops of its input."""

from __future__ import annotations

import secrets
import sys

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pytest_filagent_trace._snapshot import normalize_traces
from pytest_filagent_trace._spans import SpanNode, build_trees
from tests.helpers.snapshot_trees import Span, nodes_of, outline, span, trees_of


def test_the_input_trees_are_not_modified() -> None:
    (tree,) = trees_of(span("root", span("b"), span("a"), port=1))
    before = outline([tree])

    normalize_traces(tree)

    assert outline([tree]) == before


def test_clocks_and_resources_are_dropped() -> None:
    (tree,) = normalize_traces(trees_of(span("root", span("child"))))

    assert {(n.start_time, n.end_time, n.duration_ns) for n in tree.walk()} == {(0, 0, 0)}
    assert all(n.resource == {} for n in tree.walk())


def test_a_flat_list_of_linked_spans_means_their_trees_once() -> None:
    (tree,) = trees_of(span("root", span("a", span("a1")), span("b")))

    assert outline(normalize_traces(tree.spans)) == outline(normalize_traces(tree))


def test_selected_spans_are_snapshotted_with_their_subtrees_only() -> None:
    (tree,) = trees_of(span("root", span("tool.a", span("GET")), span("agent.route")))

    (normalized,) = normalize_traces(tree.find("tool.*"))

    assert [n.name for n in normalized.walk()] == ["tool.a", "GET"]


def test_finished_sdk_spans_are_accepted(
    sdk: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = sdk
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("outer"), tracer.start_as_current_span("inner"):
        pass

    (tree,) = normalize_traces(exporter.get_finished_spans())

    assert [n.name for n in tree.walk()] == ["outer", "inner"]


@pytest.mark.parametrize("bad", ["POST /chat", 42, [1, 2]])
def test_other_inputs_are_rejected_naming_what_was_found(bad: object) -> None:
    with pytest.raises(TypeError, match="a trace snapshot takes a TraceCapture, a SpanTree"):
        normalize_traces(bad)


def test_a_tree_deeper_than_the_recursion_limit_is_normalized() -> None:
    depth = sys.getrecursionlimit() + 500
    nodes: list[SpanNode] = []
    parent: str | None = None
    trace_id = secrets.token_hex(16)
    for index in range(depth):
        span_id = secrets.token_hex(8)
        nodes += nodes_of(
            Span(f"level{index % 3}", span_id=span_id), trace_id=trace_id, parent_id=parent
        )
        parent = span_id

    (tree,) = normalize_traces(build_trees(nodes))

    assert len(tree) == depth
