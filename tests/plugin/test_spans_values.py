"""The one attribute-value rule, as SpanTree.find applies it."""

from __future__ import annotations

from opentelemetry.sdk.trace import TracerProvider

from pytest_filagent_trace import SpanTree, capture_spans


def _tree_with(**attributes: object) -> SpanTree:
    provider = TracerProvider()
    tracer = provider.get_tracer("t")
    with (
        capture_spans(provider) as capture,
        tracer.start_as_current_span("a", attributes=attributes),
    ):
        pass
    return capture.trace()


def test_find_does_not_take_true_for_one() -> None:
    tree = _tree_with(ok=True)

    assert tree.find("a", ok=1) == []
    assert [node.name for node in tree.find("a", ok=True)] == ["a"]


def test_find_does_not_take_an_int_for_the_equal_float() -> None:
    tree = _tree_with(n=1.0)

    assert tree.find("a", n=1) == []
    assert [node.name for node in tree.find("a", n=1.0)] == ["a"]


def test_find_still_takes_regexes_and_predicates() -> None:
    import re

    tree = _tree_with(route="/chat/42")

    assert len(tree.find("a", route=re.compile(r"/chat/\d+"))) == 1
    assert len(tree.find("a", route=lambda value: value.startswith("/chat"))) == 1


def test_spans_of_one_resource_share_its_attributes() -> None:
    provider = TracerProvider()
    tracer = provider.get_tracer("t")
    with capture_spans(provider) as capture:
        for name in ("a", "b"):
            with tracer.start_as_current_span(name):
                pass

    first, second = capture.spans
    assert first.resource is second.resource
    assert first.resource["telemetry.sdk.language"] == "python"
