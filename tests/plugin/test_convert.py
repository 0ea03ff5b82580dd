"""Nodes made from SDK spans: fields read on demand, equal to what the span holds."""

from __future__ import annotations

import copy
import pickle

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode

from pytest_filagent_trace._spans import SpanNode, build_trees, node_from_span, nodes_from_spans


def finished(resource: Resource | None = None) -> list[ReadableSpan]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=resource or Resource.create({"service.name": "shop"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("shop.checkout")
    with tracer.start_as_current_span("POST /pay", kind=SpanKind.SERVER) as root:
        root.set_attribute("tags", ["a", "b"])
        with tracer.start_as_current_span("charge") as charge:
            charge.set_attribute("amount", 12)
            charge.add_event("retry", {"attempt": 2})
            charge.set_status(Status(StatusCode.ERROR, "card declined"))
    provider.shutdown()
    return list(exporter.get_finished_spans())


def test_a_node_reads_every_field_of_its_span() -> None:
    charge, root = finished()
    node = node_from_span(charge)

    context, parent = charge.context, charge.parent
    assert context is not None
    assert parent is not None
    assert node.name == "charge"
    assert node.kind == "INTERNAL"
    assert node.status == "ERROR"
    assert node.status_description == "card declined"
    assert node.attributes == {"amount": 12}
    assert [(e.name, e.attributes) for e in node.events] == [("retry", {"attempt": 2})]
    assert node.trace_id == format(context.trace_id, "032x")
    assert node.span_id == format(context.span_id, "016x")
    assert node.parent_span_id == format(parent.span_id, "016x")
    assert node.start_time == charge.start_time
    assert node.end_time == charge.end_time
    assert node.resource["service.name"] == "shop"
    assert node.scope == "shop.checkout"
    assert node_from_span(root).attributes == {"tags": ("a", "b")}
    assert node_from_span(root).parent_span_id is None


def test_nodes_of_one_conversion_share_their_resource_mapping() -> None:
    first, second = nodes_from_spans(finished())

    assert first.resource is second.resource


def test_a_field_read_once_is_a_plain_attribute_that_can_be_replaced() -> None:
    node = node_from_span(finished()[0])
    attributes = node.attributes

    assert node.attributes is attributes
    node.attributes = {"amount": 13}
    assert node.attributes == {"amount": 13}
    assert node.kind == "INTERNAL"


def test_an_unknown_attribute_is_an_attribute_error_naming_it() -> None:
    node = node_from_span(finished()[0])

    with pytest.raises(AttributeError, match="'SpanNode' object has no attribute 'colour'"):
        node.colour  # type: ignore[attr-defined]  # noqa: B018


def test_a_node_survives_copy_and_pickle_with_its_fields() -> None:
    node = node_from_span(finished()[0])

    for twin in (copy.copy(node), copy.deepcopy(node), pickle.loads(pickle.dumps(node))):
        assert (twin.name, twin.status, twin.attributes) == ("charge", "ERROR", {"amount": 12})
        assert twin.resource["service.name"] == "shop"
        assert twin._span is None  # the fields travel, not the SDK span they came from
    hand_made = SpanNode(
        "a", "INTERNAL", "UNSET", None, {"k": 1}, [], "1" * 32, "2" * 16, None, 0, 1
    )
    restored = pickle.loads(pickle.dumps(hand_made))
    assert (restored.name, restored.attributes, restored.span_id) == ("a", {"k": 1}, "2" * 16)


def test_hand_made_nodes_and_sdk_spans_link_into_one_tree() -> None:
    charge, root = finished()
    context = root.context
    assert context is not None
    child = SpanNode(
        name="receipt",
        kind="INTERNAL",
        status="UNSET",
        status_description=None,
        attributes={},
        events=[],
        trace_id=format(context.trace_id, "032x"),
        span_id="00000000000000ff",
        parent_span_id=format(context.span_id, "016x"),
        start_time=(root.end_time or 0) - 1,
        end_time=root.end_time or 0,
    )

    [tree] = build_trees([charge, root, child])

    assert [node.name for node in tree.walk()] == ["POST /pay", "charge", "receipt"]
    assert not any(node.orphan for node in tree.walk())


def test_a_hand_made_node_with_ids_that_are_not_hex_still_links() -> None:
    def hand(name: str, span_id: str, parent: str | None) -> SpanNode:
        return SpanNode(name, "INTERNAL", "UNSET", None, {}, [], "trace-x", span_id, parent, 0, 1)

    [tree] = build_trees([hand("child", "span-2", "span-1"), hand("root", "span-1", None)])

    assert [node.name for node in tree.walk()] == ["root", "child"]
    assert tree.trace_id == "trace-x"
