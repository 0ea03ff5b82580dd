"""The text form as render_tree writes it: markers, attributes, wrapping and quoting."""

from __future__ import annotations

import math
import textwrap

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pytest_filagent_trace._match import assert_span_tree
from pytest_filagent_trace._spans import roots_of
from pytest_filagent_trace._textform import format_value, render_tree
from tests.helpers.sdk_traces import chat_trace
from tests.plugin.nodes import make_timed as make


def test_sdk_trace_renders_one_line_per_span_with_box_drawing(
    sdk: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    trees = chat_trace(*sdk)

    assert render_tree(trees) == textwrap.dedent(
        """\
        POST /chat [SERVER] {http.request.method="POST", http.response.status_code=200}
        ├── agent.route {route.mode="htn"}
        └── agent.run_with_htn
            └── tool.execute.web_search [ERROR: ValueError: boom] <exception>
                    tool.execution.success=False
                    tool.name="web_search\""""
    )


def test_internal_kind_and_unset_status_are_not_shown() -> None:
    assert render_tree(make("plain")) == "plain"


def test_kind_status_description_and_orphan_are_markers() -> None:
    node = make("call", kind="CLIENT", status="ERROR", description="Timeout", orphan=True)

    assert render_tree(node) == "call [CLIENT] [ERROR: Timeout] [orphan]"


def test_ok_status_without_description_is_shown_alone() -> None:
    assert render_tree(make("done", status="OK")) == "done [OK]"


def test_description_with_a_bracket_is_quoted() -> None:
    node = make("x", status="ERROR", description="IndexError: [3] out of range")

    assert render_tree(node) == 'x [ERROR: "IndexError: [3] out of range"]'


def test_attribute_values_are_python_literals_with_their_types() -> None:
    node = make(
        "values",
        attributes={
            "b": True,
            "f": 1.0,
            "i": 1,
            "s": "1",
            "t": ("a", 2),
            "one": ("only",),
            "nan": math.nan,
        },
    )

    assert render_tree(node, width=200) == (
        'values {b=True, f=1.0, i=1, nan=nan, one=("only",), s="1", t=("a", 2)}'
    )


def test_strings_are_escaped_so_a_line_stays_one_line() -> None:
    assert format_value('say "hi"\n\ttab\\') == '"say \\"hi\\"\\n\\ttab\\\\"'
    assert format_value("\x00\u2028") == '"\\x00\\u2028"'


def test_attributes_can_be_chosen_by_glob() -> None:
    node = make("t", attributes={"tool.name": "calc", "tool.id": 3, "other": 1})

    assert render_tree(node, attributes=["tool.*"]) == 't {tool.id=3, tool.name="calc"}'


def test_attributes_false_shows_none() -> None:
    assert render_tree(make("t", attributes={"a": 1}), attributes=False) == "t"


def test_masked_attributes_keep_their_key_and_show_dots() -> None:
    node = make("GET", attributes={"server.port": 51234, "http.route": "/x"})

    assert render_tree(node, mask=["*.port"]) == 'GET {http.route="/x", server.port=...}'


def test_durations_only_when_asked() -> None:
    node = make("slow", duration=12_345_678)

    assert render_tree(node) == "slow"
    assert render_tree(node, durations=True) == "slow (12.3 ms)"


def test_events_are_shown_by_name() -> None:
    node = make("retry", events=("attempt", "exception"))

    assert render_tree(node) == "retry <attempt, exception>"
    assert render_tree(node, events=False) == "retry"


def test_a_long_line_puts_attributes_on_lines_of_their_own() -> None:
    tree = make(
        "root",
        make("child", attributes={"key": "x" * 20, "other": 2}),
        make("last"),
        attributes={"a": 1},
    )

    assert render_tree(tree, width=20) == textwrap.dedent(
        """\
        root {a=1}
        ├── child
        │       key="xxxxxxxxxxxxxxxxxxxx"
        │       other=2
        └── last"""
    )


def test_a_parent_with_children_keeps_the_vertical_line_under_its_attributes() -> None:
    tree = make("root", make("child"), attributes={"a": 1, "b": 2})

    assert render_tree(tree, width=5) == "root\n│   a=1\n│   b=2\n└── child"


def test_traces_are_separated_by_a_blank_line() -> None:
    first = make("one", trace_id="1" * 32)
    second = make("two", trace_id="2" * 32)

    assert render_tree([first, second]) == "one\n\ntwo"


def test_long_strings_are_shortened_to_a_prefix_that_still_matches() -> None:
    node = make("q", attributes={"q": "abcdefghij"})

    text = render_tree(node, max_value_length=4)

    assert text == 'q {q="abcd"...}'
    assert_span_tree(node, text, exact=True)


def test_marks_become_trailing_comments() -> None:
    child = make("child")
    tree = make("root", child)

    assert render_tree(tree, marks={child: "✗ look here"}) == "root\n└── child  # ✗ look here"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("POST /chat", "POST /chat"),
        ("a [b]", '"a [b]"'),
        ("x {y}", '"x {y}"'),
        ("# hash", '"# hash"'),
        ("...", '"..."'),
        ("", '""'),
        (" padded", '" padded"'),
        ('"quoted"', '"\\"quoted\\""'),
        ("├── fake", '"├── fake"'),
    ],
)
def test_names_that_would_be_misread_are_quoted(name: str, shown: str) -> None:
    assert render_tree(make(name)) == shown


def test_roots_of_rejects_what_is_not_spans() -> None:
    with pytest.raises(TypeError, match="expected a TraceCapture, a SpanTree"):
        roots_of(42)
    with pytest.raises(TypeError, match="found int"):
        roots_of([1])


def test_roots_of_accepts_finished_sdk_spans(
    sdk: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = sdk
    with provider.get_tracer("t").start_as_current_span("only"):
        pass

    assert [root.name for root in roots_of(exporter.get_finished_spans())] == ["only"]
