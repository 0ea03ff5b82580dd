"""Links in the text form: ``→ link`` lines in render_tree, --trace-tree and snapshots,
read back by parse_tree."""

from __future__ import annotations

import uuid

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanContext, SpanKind, TraceFlags

from pytest_filagent_trace import (
    SpanTreeMismatch,
    TreeSyntaxError,
    assert_span_tree,
    link,
    parse_tree,
    render_tree,
    serialize_traces,
    span,
    span_tree_matches,
)
from pytest_filagent_trace._spans import SpanTree, build_trees
from tests.helpers.pytester import run_pytest

OUTSIDE = SpanContext(0xABC, 0xDEF, is_remote=True, trace_flags=TraceFlags(1))


def batch(*, indexes: tuple[int, ...] = (0, 1), batch_id: str = "b-1") -> list[SpanTree]:
    """One ``POST /publish`` that sends two messages, and a consumer linking to them."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("queue")
    sent = []
    with tracer.start_as_current_span("POST /publish", kind=SpanKind.SERVER):
        for _ in range(2):
            with tracer.start_as_current_span("send", kind=SpanKind.PRODUCER) as send:
                sent.append(send.get_span_context())
    links = [Link(sent[i], {"messaging.batch.index": i, "batch": batch_id}) for i in indexes]
    consume = tracer.start_as_current_span(
        "consume", kind=SpanKind.CONSUMER, links=[*links, Link(OUTSIDE)]
    )
    with consume, tracer.start_as_current_span("process"):
        pass
    provider.shutdown()
    return build_trees(exporter.get_finished_spans())


BATCH_TEXT = """\
POST /publish [SERVER]
├── send [PRODUCER]
└── send [PRODUCER]

consume [CONSUMER]
│   → link POST /publish › send (1 of 2) {batch="b-1", messaging.batch.index=0}
│   → link POST /publish › send (2 of 2) {batch="b-1", messaging.batch.index=1}
│   → link (outside the capture)
└── process"""


def test_each_link_is_a_line_under_its_span_naming_the_target_by_path() -> None:
    assert render_tree(batch()) == BATCH_TEXT


def test_the_text_form_of_links_reads_back_and_matches_exactly() -> None:
    trees = batch()

    [_, consume] = parse_tree(render_tree(trees))

    assert repr(consume).count("link(") == 3
    assert_span_tree(trees, render_tree(trees), exact=True)


def test_the_ordinal_tells_apart_targets_that_share_a_path() -> None:
    # Each message's index is a link attribute: the first send is message 0.
    swapped = BATCH_TEXT.replace("(1 of 2)", "(9 of 9)").replace("(2 of 2)", "(1 of 2)")
    swapped = swapped.replace("(9 of 9)", "(2 of 2)")

    assert span_tree_matches(batch(), BATCH_TEXT)
    assert not span_tree_matches(batch(), swapped)


def test_a_missing_link_line_is_reported_with_the_links_the_span_has() -> None:
    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(batch(indexes=(0,)), BATCH_TEXT)

    message = str(caught.value)
    assert 'link link(to="POST /publish › send" (2nd)' in message
    assert "missing; links: -> POST /publish › send; -> outside the capture" in message


def test_under_exact_an_unlisted_link_is_a_difference() -> None:
    text = BATCH_TEXT.replace("│   → link (outside the capture)\n", "")

    assert span_tree_matches(batch(), text)
    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(batch(), text, exact=True)

    assert "1 link not expected (exact=True)" in str(caught.value)


def test_a_text_without_link_lines_says_nothing_about_links() -> None:
    assert span_tree_matches(batch(), "consume [CONSUMER]\n└── process")


def test_names_holding_the_path_separator_are_quoted_and_read_back() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("odd")
    with tracer.start_as_current_span("a › b") as target:
        context = target.get_span_context()
    with tracer.start_as_current_span("c", links=[Link(context)]):
        pass
    trees = build_trees(exporter.get_finished_spans())

    text = render_tree(trees)

    assert '    → link "a › b"' in text.splitlines()
    assert_span_tree(trees, text, exact=True)


def test_an_ascii_arrow_and_globs_in_the_path_are_read() -> None:
    text = """
        consume [CONSUMER]
            -> link POST /* › send (2 of 2) {messaging.batch.index=1}
            └── ...
    """

    assert span_tree_matches(batch(), text)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("→ link", "line 2, column 11: expected the linked span's path: a link line is → link"),
        ("→ link send (3 of 2)", "line 2, column 17: link ordinal (3 of 2): n must be from 1 to m"),
        ("→ link send (two)", "line 2, column 17: expected (n of m) after the link's path"),
        ("→ link send {a=1} x", 'line 2, column 23: unexpected "x": a link line is'),
        ("→ link (outside the capture) {a=}", "line 2, column 37: expected a value"),
    ],
)
def test_a_bad_link_line_points_at_its_mistake(line: str, message: str) -> None:
    with pytest.raises(TreeSyntaxError) as caught:
        parse_tree(f"consume\n    {line}")

    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("text", ["→ link send", "root\n└── → link send"])
def test_a_link_line_belongs_indented_under_its_span(text: str) -> None:
    with pytest.raises(TreeSyntaxError, match="a → link line belongs under the span"):
        parse_tree(text)


def test_link_to_takes_a_path_and_captured_says_where_the_target_is() -> None:
    trees = batch()

    assert span_tree_matches(trees, span("consume", links=[link(to="POST /publish › send")]))
    assert not span_tree_matches(trees, span("consume", links=[link(to="other › send")]))
    assert span_tree_matches(trees, span("consume", links=[link(captured=False)]))
    assert span_tree_matches(
        trees, span("consume", links=[link(captured=True), link(captured=True)])
    )
    assert not span_tree_matches(
        trees, span("consume", links=[link(captured=False), link(captured=False)])
    )
    assert repr(link(captured=False)) == "link(captured=False)"


def test_contradictory_or_bad_captured_values_are_refused() -> None:
    with pytest.raises(ValueError, match="contradicts itself"):
        link(to="send", captured=False)
    with pytest.raises(TypeError, match=r"link\(captured=...\) must be True or False, found 1"):
        link(captured=1)  # type: ignore[arg-type]


def test_a_snapshot_writes_links_with_masked_attributes_and_numbered_ids() -> None:
    conversation = str(uuid.uuid4())

    text = serialize_traces(batch(batch_id=conversation))

    assert [line for line in text.splitlines() if "send (" in line] == [
        '│   → link POST /publish › send (1 of 2) {batch="<uuid#1>", messaging.batch.index=0}',
        '│   → link POST /publish › send (2 of 2) {batch="<uuid#1>", messaging.batch.index=1}',
    ]
    assert "│   → link (outside the capture)" in text
    assert text == serialize_traces(batch(batch_id=str(uuid.uuid4())))


def test_a_snapshot_without_the_targets_says_they_are_outside() -> None:
    [_, consume] = batch()

    text = serialize_traces(consume)

    assert text.count("→ link (outside the capture)") == 3


TRACED_TESTS = """
from opentelemetry import trace
from opentelemetry.trace import Link

tracer = trace.get_tracer("queue")


def publish_and_consume():
    with tracer.start_as_current_span("publish") as publish:
        sent = publish.get_span_context()
    with tracer.start_as_current_span("consume", links=[Link(sent, {"n": 1})]):
        pass


def test_fails(trace_capture):
    publish_and_consume()
    assert False


def test_snapshot(trace_capture, trace_snapshot):
    publish_and_consume()
    assert trace_snapshot == trace_capture
"""


def test_trace_tree_and_snapshot_files_show_links(pytester: pytest.Pytester) -> None:
    result = run_pytest(pytester, "--trace-tree", "--snapshot-update", test_source=TRACED_TESTS)

    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        ["*- Captured trace trees -*", "consume", "    → link publish {n=1}"]
    )
    snapshot = pytester.path / "snapshots" / "test_shop" / "test_snapshot.trace"
    assert snapshot.read_text(encoding="utf-8") == "consume\n    → link publish {n=1}\n\npublish\n"
    run_pytest(pytester, "-k", "snapshot", test_source=TRACED_TESTS).assert_outcomes(passed=1)
