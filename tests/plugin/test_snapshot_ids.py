"""Snapshot normalization: trace, span, uuid and hex ids become numbered placeholders."""

from __future__ import annotations

import secrets
import uuid

from pytest_filagent_trace._snapshot import normalize_traces
from pytest_filagent_trace._spans import build_trees
from tests.helpers.snapshot_trees import nodes_of, only_attributes, span, trees_of


def test_span_ids_become_ordinals_in_reading_order() -> None:
    trees = normalize_traces(trees_of(span("root", span("a"), span("b", span("c")))))

    assert [(n.name, n.span_id, n.parent_span_id) for n in trees[0].walk()] == [
        ("root", "<span#1>", None),
        ("a", "<span#2>", "<span#1>"),
        ("b", "<span#3>", "<span#1>"),
        ("c", "<span#4>", "<span#3>"),
    ]


def test_trace_and_span_ids_inside_attribute_values_become_their_ordinals() -> None:
    child = span("child")
    root = span("root", child)
    (tree,) = trees_of(root)
    tree.roots[0].attributes["log.trace_id"] = tree.trace_id
    tree.roots[0].attributes["traceparent"] = f"00-{tree.trace_id}-{child.span_id}-01"

    (normalized,) = normalize_traces(tree)

    assert normalized.trace_id == "<trace#1>"
    assert normalized.roots[0].attributes == {
        "log.trace_id": "<trace#1>",
        "traceparent": "00-<trace#1>-<span#2>-01",
    }


def test_an_orphans_missing_parent_gets_the_next_span_ordinal() -> None:
    caller = secrets.token_hex(8)
    nodes = nodes_of(span("POST /chat", caller=caller), parent_id=caller)

    (tree,) = normalize_traces(build_trees(nodes))

    root = tree.roots[0]
    assert root.orphan
    assert (root.span_id, root.parent_span_id) == ("<span#1>", "<span#2>")
    assert root.attributes == {"caller": "<span#2>"}


def test_a_uuid_repeated_across_spans_keeps_one_ordinal() -> None:
    conversation, task = str(uuid.uuid4()), str(uuid.uuid4())
    trees = trees_of(
        span(
            "agent.run",
            span("tool.a", conversation_id=conversation, task_id=task),
            conversation_id=conversation,
        )
    )

    assert only_attributes(normalize_traces(trees)) == [
        {"conversation_id": "<uuid#1>"},
        {"conversation_id": "<uuid#1>", "task_id": "<uuid#2>"},
    ]


def test_unknown_hex_ids_are_numbered_by_length() -> None:
    trees = trees_of(span("root", echoed=secrets.token_hex(16), digest=secrets.token_hex(32)))

    assert only_attributes(normalize_traces(trees)) == [
        {"digest": "<hex64#1>", "echoed": "<hex32#1>"}
    ]


def test_uppercase_ids_match_their_lowercase_ordinal() -> None:
    (tree,) = trees_of(span("root"))
    tree.roots[0].attributes["x_trace_id"] = tree.trace_id.upper()

    assert only_attributes(normalize_traces(tree)) == [{"x_trace_id": "<trace#1>"}]
