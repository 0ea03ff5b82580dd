"""Rendered trees read back as patterns that match them exactly, for any tree."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode

from pytest_filagent_trace._match import assert_span_tree, parse_tree, span
from pytest_filagent_trace._spans import SpanNode, build_trees
from pytest_filagent_trace._textform import render_tree
from tests.helpers.sdk_traces import chat_trace
from tests.plugin.nodes import make_timed as make


def test_round_trip_of_an_sdk_trace_matches_exactly_and_in_order(
    sdk: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    trees = chat_trace(*sdk)

    assert_span_tree(trees, render_tree(trees), exact=True, ordered=True)


def test_round_trip_of_status_set_by_hand(
    sdk: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = sdk
    with provider.get_tracer("t").start_as_current_span("x") as current:
        current.set_status(Status(StatusCode.ERROR, "  spaced ]"))

    trees = build_trees(exporter.get_finished_spans())
    assert render_tree(trees) == 'x [ERROR: "  spaced ]"]'
    assert_span_tree(trees, render_tree(trees), exact=True)


_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]) | st.sampled_from(list("[]{}<>()#\"'…")),
    max_size=12,
)
_SCALARS = (
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True)
    | _TEXT
)
_VALUES = _SCALARS | st.lists(_SCALARS, max_size=3).map(tuple)
_KEYS = st.text(alphabet=string.ascii_letters + "._-=, {}#\"'", min_size=1, max_size=10)


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> SpanNode:
    child_count = 0 if depth >= 3 else draw(st.integers(min_value=0, max_value=3))
    children = [draw(trees(depth + 1)) for _ in range(child_count)]
    status = draw(st.sampled_from(["UNSET", "OK", "ERROR"]))
    description = draw(st.none() | _TEXT) if status == "ERROR" else None
    return make(
        draw(_TEXT),
        *children,
        kind=draw(st.sampled_from(["INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"])),
        status=status,
        description=description,
        attributes=draw(st.dictionaries(_KEYS, _VALUES, max_size=4)),
        events=tuple(draw(st.lists(_TEXT.filter(bool), max_size=2))),
        orphan=depth == 0 and draw(st.booleans()),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees(), width=st.integers(min_value=10, max_value=120))
def test_any_tree_reads_back_as_patterns_matching_it_exactly(tree: SpanNode, width: int) -> None:
    text = render_tree(tree, width=width)

    assert_span_tree(tree, text, exact=True, ordered=True)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees(), limit=st.integers(min_value=0, max_value=5))
def test_shortened_values_still_read_back_as_matching_patterns(tree: SpanNode, limit: int) -> None:
    # Without durations: a printed duration is refused in expected text (budgets only).
    text = render_tree(tree, max_value_length=limit)

    assert_span_tree(tree, text, exact=True, ordered=True)


def test_round_trip_keeps_several_traces_and_orphans() -> None:
    forest = [
        make("one", make("a"), trace_id="1" * 32),
        make("lost", orphan=True, trace_id="1" * 32),
        make("two", trace_id="2" * 32),
    ]

    text = render_tree(forest)

    assert text == "one\n└── a\nlost [orphan]\n\ntwo"
    assert_span_tree(forest, text, exact=True, ordered=True)


def test_render_and_span_patterns_describe_the_same_tree() -> None:
    tree = make("root", make("leaf", attributes={"n": 1}), kind="SERVER")

    assert parse_tree(render_tree(tree))[0] == tree
    assert span("root", span("leaf", attributes={"n": 1}), kind="SERVER") == tree
