"""Snapshot normalization: the canonical order of siblings and traces, whatever the start order."""

from __future__ import annotations

import random
import secrets
import threading
import uuid
from collections.abc import Mapping
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pytest_filagent_trace._snapshot import SnapshotOptions, normalize_traces
from pytest_filagent_trace._spans import build_trees
from tests.helpers.snapshot_trees import Span, nodes_of, outline, span, trees_of


def test_siblings_are_ordered_by_name_then_attributes() -> None:
    root = span("run", span("tool.b", i=2), span("tool.a", i=9), span("tool.b", i=1))

    (tree,) = normalize_traces(trees_of(root))

    assert [(c.name, c.attributes) for c in tree.roots[0].children] == [
        ("tool.a", {"i": 9}),
        ("tool.b", {"i": 1}),
        ("tool.b", {"i": 2}),
    ]


def test_numbers_order_siblings_by_value_not_by_text() -> None:
    values = [10, 2, -3, 2.5, -0.5, 1]
    root = span("run", *(span("task", n=value) for value in values))

    (tree,) = normalize_traces(trees_of(root))

    assert [c.attributes["n"] for c in tree.roots[0].children] == [-3, -0.5, 1, 2, 2.5, 10]


def test_values_of_different_types_order_without_error() -> None:
    root = span("run", span("x", v="1"), span("x", v=1), span("x", v=True), span("x", v=(1, "a")))

    (tree,) = normalize_traces(trees_of(root))

    assert [c.attributes["v"] for c in tree.roots[0].children] == [True, 1, "1", (1, "a")]


def test_siblings_equal_on_their_own_line_are_ordered_by_their_subtrees() -> None:
    root = span("run", span("task", span("tool.z")), span("task", span("tool.a")))

    (tree,) = normalize_traces(trees_of(root))

    assert [c.children[0].name for c in tree.roots[0].children] == ["tool.a", "tool.z"]


def test_start_order_keeps_siblings_as_they_started() -> None:
    root = span("run", span("tool.b"), span("tool.a"))

    (tree,) = normalize_traces(trees_of(root), SnapshotOptions(order="start"))

    assert [c.name for c in tree.roots[0].children] == ["tool.b", "tool.a"]


def test_traces_are_ordered_by_their_roots_not_by_start_time() -> None:
    trees = trees_of(span("POST /chat"), span("GET /health"))

    assert [t.roots[0].name for t in normalize_traces(trees)] == ["GET /health", "POST /chat"]
    assert [t.trace_id for t in normalize_traces(trees)] == ["<trace#1>", "<trace#2>"]


def test_orphans_come_after_the_true_roots_of_their_trace() -> None:
    trace_id = secrets.token_hex(16)
    nodes = nodes_of(span("z.root"), trace_id=trace_id)
    nodes += nodes_of(span("a.orphan"), trace_id=trace_id, parent_id=secrets.token_hex(8))

    (tree,) = normalize_traces(build_trees(nodes))

    assert [(r.name, r.orphan) for r in tree.roots] == [("z.root", False), ("a.orphan", True)]


def test_output_does_not_depend_on_start_order_or_ids() -> None:
    def build(seed: int) -> str:
        conversation = str(uuid.uuid4())
        tools = [
            span("tool.execute.calculator", conversation_id=conversation, expr=str(i % 3))
            for i in range(6)
        ]
        root = span("POST /chat", span("agent.route"), span("agent.run_with_htn", *tools))
        return outline(normalize_traces(trees_of(root, shuffle=random.Random(seed))))

    assert len({build(seed) for seed in range(20)}) == 1


def test_spans_from_parallel_threads_normalize_identically_on_every_run() -> None:
    def run_once() -> str:
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        tracer = provider.get_tracer("test")
        with tracer.start_as_current_span("agent.htn.execution"):
            parent = otel_context.get_current()
            barrier = threading.Barrier(4)

            def task(index: int) -> None:
                token = otel_context.attach(parent)
                try:
                    barrier.wait(timeout=5)
                    with tracer.start_as_current_span(
                        f"tool.execute.t{index % 2}", attributes={"task": index}
                    ):
                        pass
                finally:
                    otel_context.detach(token)

            threads = [threading.Thread(target=task, args=(i,)) for i in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=5)
        return outline(normalize_traces(exporter.get_finished_spans()))

    runs = {run_once() for _ in range(10)}

    assert len(runs) == 1
    assert "tool.execute.t0 <span#2> {task=0}" in runs.pop()


_names = st.sampled_from(["agent.route", "tool.a", "tool.b", "GET"])


@st.composite
def span_trees(draw: st.DrawFn, depth: int = 3) -> Span:
    name = draw(_names)
    attributes: Mapping[str, Any] = draw(
        st.dictionaries(st.sampled_from(["k", "ok", "n"]), st.integers(0, 2), max_size=2)
    )
    children = draw(st.lists(span_trees(depth=depth - 1), max_size=3)) if depth > 0 else []
    return Span(name, children, dict(attributes))


@given(root=span_trees(), seeds=st.tuples(st.integers(), st.integers()))
def test_any_tree_normalizes_the_same_whatever_the_start_order(
    root: Span, seeds: tuple[int, int]
) -> None:
    first, second = (
        outline(normalize_traces(trees_of(root, shuffle=random.Random(seed)))) for seed in seeds
    )

    assert first == second
