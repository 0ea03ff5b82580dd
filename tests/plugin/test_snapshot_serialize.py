"""Snapshot serialization: the text a trace snapshot writes, and the syrupy extension."""

from __future__ import annotations

import pytest

from pytest_filagent_trace._snapshot import (
    SnapshotOptions,
    TraceSnapshotExtension,
    normalize_traces,
    serialize_traces,
)
from tests.helpers.snapshot_trees import nodes_of, span, trees_of


def test_serialize_renders_each_normalized_trace_and_ends_with_a_newline() -> None:
    from pytest_filagent_trace._textform import render_tree

    trees = trees_of(span("POST /chat", span("agent.route")), span("GET /health"))

    text = serialize_traces(trees)

    expected = [render_tree(tree, width=100) for tree in normalize_traces(trees)]
    assert text == "\n\n".join(expected) + "\n"


def test_serialize_of_nothing_says_so() -> None:
    assert serialize_traces([]) == "(no spans)\n"


def test_the_extension_serializes_with_its_class_options() -> None:
    class NoPorts(TraceSnapshotExtension):
        options = SnapshotOptions().with_attributes(exclude=["server.port"])

    trees = trees_of(span("GET", **{"server.port": 80, "ok": True}))

    assert NoPorts().serialize(trees) == serialize_traces(trees, NoPorts.options)
    assert "server.port" not in str(NoPorts().serialize(trees))


def test_the_extension_rejects_syrupy_property_filters() -> None:
    with pytest.raises(ValueError, match=r"with_attributes\(include=\[...\], exclude=\[...\]\)"):
        TraceSnapshotExtension().serialize([], exclude=lambda **_: True)


def test_equal_values_of_different_types_keep_their_own_text() -> None:
    # True == 1 == 1.0 and 0.0 == -0.0: a snapshot still writes each as it was recorded.
    trees = trees_of(
        span(
            "root",
            span("a", k=True),
            span("b", k=1),
            span("c", k=1.0),
            span("d", k=0.0),
            span("e", k=-0.0),
        )
    )

    text = serialize_traces(trees)

    for line in ("a {k=True}", "b {k=1}", "c {k=1.0}", "d {k=0.0}", "e {k=-0.0}"):
        assert line in text


def test_a_value_the_writer_cannot_hash_is_still_written() -> None:
    node = nodes_of(span("root"))[0]
    node.attributes = {"items": ["a", ["b"]], "k": {"x": 1}}

    assert serialize_traces([node]) == 'root {items=["a", ["b"]], k={"x": 1}}\n'
