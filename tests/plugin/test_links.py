"""Links: on nodes, with their targets resolved, and in patterns."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanContext, SpanKind, TraceFlags

from pytest_filagent_trace import SpanTreeMismatch, assert_span_tree, link, span, span_tree_matches
from pytest_filagent_trace._spans import SpanLink, SpanNode, build_trees

OUTSIDE = SpanContext(0xABC, 0xDEF, is_remote=True, trace_flags=TraceFlags(1))


def publish_then_consume() -> list[object]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("queue")
    with tracer.start_as_current_span("publish", kind=SpanKind.PRODUCER) as publish:
        published = publish.get_span_context()
    with tracer.start_as_current_span(
        "consume",
        kind=SpanKind.CONSUMER,
        links=[Link(published, {"messaging.batch.index": 0}), Link(OUTSIDE)],
    ):
        pass
    provider.shutdown()
    return build_trees(exporter.get_finished_spans())  # type: ignore[return-value]


def test_a_node_holds_its_links_with_their_targets() -> None:
    publish_tree, consume_tree = publish_then_consume()
    consume = consume_tree.root  # type: ignore[attr-defined]

    first, second = consume.links
    assert first.target is publish_tree.root  # type: ignore[attr-defined]
    assert first.attributes == {"messaging.batch.index": 0}
    assert first.span_id == publish_tree.root.span_id  # type: ignore[attr-defined]
    assert (second.trace_id, second.span_id, second.target) == (
        format(0xABC, "032x"),
        format(0xDEF, "016x"),
        None,
    )
    assert repr(first) == f"<SpanLink to 'publish' span_id={first.span_id}>"


def test_a_link_pattern_matches_the_target_by_name_glob_or_pattern() -> None:
    trees = publish_then_consume()

    for to in ("publish", "pub*", span("publish", kind="PRODUCER")):
        assert span_tree_matches(trees, span("consume", links=[link(to=to)]))
    assert span_tree_matches(
        trees, span("consume", links=[link(to="publish", attributes={"messaging.batch.index": 0})])
    )
    assert span_tree_matches(trees, span("consume", links=[link(span_id=0xDEF, trace_id=0xABC)]))
    assert not span_tree_matches(trees, span("consume", links=[link(to="refund")]))


def test_a_missing_link_names_the_links_the_span_has() -> None:
    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(publish_then_consume(), span("consume", links=[link(to="refund")]))

    message = str(caught.value)
    assert 'link link(to="refund"): missing; links: -> publish; -> outside the capture' in message


def test_two_link_patterns_need_two_links() -> None:
    trees = publish_then_consume()

    assert span_tree_matches(trees, span("consume", links=[link(to="publish"), link()]))
    assert not span_tree_matches(
        trees, span("consume", links=[link(to="publish"), link(to="publish")])
    )


def test_hand_made_links_find_their_targets_when_linked() -> None:
    def hand(name: str, span_id: str, links: list[SpanLink] | None = None) -> SpanNode:
        return SpanNode(
            name, "INTERNAL", "UNSET", None, {}, [], "1" * 32, span_id, None, 0, 1, links=links
        )

    target = hand("publish", "0000000000000001")
    source = hand("consume", "0000000000000002", [SpanLink("1" * 32, "0000000000000001", {})])

    [tree] = build_trees([target, source])

    [consume] = tree.find("consume")
    [publish] = tree.find("publish")
    assert consume.links[0].target is publish


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"span_id": "xyz"}, "link\\(span_id=...\\) must be 16 hex digits"),
        ({"trace_id": "abc"}, "link\\(trace_id=...\\) must be 32 hex digits"),
    ],
)
def test_bad_link_ids_are_refused(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        link(**options)  # type: ignore[arg-type]


def test_links_must_be_link_patterns() -> None:
    with pytest.raises(TypeError, match=r"span\(links=\[...\]\) takes link\(...\) patterns"):
        span("consume", links=["publish"])  # type: ignore[list-item]
