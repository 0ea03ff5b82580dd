"""What assert_span_tree accepts as the actual spans and as the expected tree."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pytest_filagent_trace._match import assert_span_tree, span
from pytest_filagent_trace._spans import SpanTree, build_trees
from tests.plugin.nodes import make_with_error_events as make


class _Capture:
    """What assert_span_tree needs from a TraceCapture: traces()."""

    def __init__(self, trees: list[SpanTree]) -> None:
        self._trees = trees

    def traces(self) -> list[SpanTree]:
        return self._trees


def test_actual_can_be_a_capture_a_tree_a_node_or_finished_spans(
    sdk: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = sdk
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("root"), tracer.start_as_current_span("child"):
        pass
    spans = exporter.get_finished_spans()
    trees = build_trees(spans)
    expected = span("root", span("child"))

    assert_span_tree(_Capture(trees), expected)
    assert_span_tree(trees[0], expected)
    assert_span_tree(trees[0].roots[0], expected)
    assert_span_tree(list(spans), expected)


def test_expected_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError, match="expected must be span"):
        assert_span_tree(make("x"), 42)  # type: ignore[arg-type]


def test_text_expectation_with_syntax_error_points_at_it() -> None:
    with pytest.raises(ValueError, match="line 1, column 6: unknown marker"):
        assert_span_tree(make("x"), "root [FAST]")
