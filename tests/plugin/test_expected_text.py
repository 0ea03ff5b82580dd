"""Expected text read back as patterns: the value markers the parser leaves in drafts."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider

from pytest_filagent_trace import TraceCapture, capture_spans, parse_tree, span_tree_matches


@pytest.fixture
def tagged() -> TraceCapture:
    provider = TracerProvider()
    tracer = provider.get_tracer("t")
    with (
        capture_spans(provider) as capture,
        tracer.start_as_current_span("a", attributes={"tags": ("x", "yes"), "note": "hello world"}),
    ):
        pass
    return capture


def test_ellipsis_inside_a_sequence_matches_any_item(tagged: TraceCapture) -> None:
    assert span_tree_matches(tagged, 'a {tags=("x", ...)}')
    assert not span_tree_matches(tagged, 'a {tags=("z", ...)}')


def test_a_prefix_inside_a_sequence_matches_strings_starting_with_it(
    tagged: TraceCapture,
) -> None:
    assert span_tree_matches(tagged, 'a {tags=("x", "y"...)}')
    assert not span_tree_matches(tagged, 'a {tags=("x", "n"...)}')


def test_top_level_markers_become_matchers(tagged: TraceCapture) -> None:
    assert span_tree_matches(tagged, 'a {note="hello"..., tags=...}')
    assert (
        repr(parse_tree('a {tags=("x", ...)}')[0]) == 'span("a", attributes={"tags": ("x", ANY)})'
    )
