"""The text form read back as span patterns by parse_tree, and its syntax errors."""

from __future__ import annotations

import pytest

from pytest_filagent_trace._match import ANY, parse_tree, starts_with
from pytest_filagent_trace._textform import TreeSyntaxError


def test_parse_reads_names_markers_attributes_and_children() -> None:
    patterns = parse_tree(
        """
        POST /chat [SERVER] {http.route="/chat"}
        ├── agent.route {route.mode='htn', route.confidence=0.9}
        └── agent.run_with_htn
            └── tool.execute.* [ERROR: ValueError: boom] <exception>
        """
    )

    assert repr(patterns) == (
        '[span("POST /chat", span("agent.route", attributes={"route.mode": "htn",'
        ' "route.confidence": 0.9}), span("agent.run_with_htn", span("tool.execute.*",'
        ' status="ERROR: ValueError: boom", events=["exception"])), kind="SERVER",'
        ' attributes={"http.route": "/chat"})]'
    )


def test_parse_accepts_lowercase_markers_ascii_connectors_and_comments() -> None:
    patterns = parse_tree(
        """
        # the request
        POST /chat [server]   # a comment
        |-- agent.route
        `-- agent.run_simple [ok]
        """
    )

    assert repr(patterns) == (
        '[span("POST /chat", span("agent.route"), span("agent.run_simple", status="OK"),'
        ' kind="SERVER")]'
    )


def test_parse_reads_dots_as_any_value_and_other_spans() -> None:
    patterns = parse_tree(
        """
        root {conversation_id=..., q="Trace"...}
        ├── ...
        └── child
        """
    )

    root = patterns[0]
    assert root is not ...
    assert root.attributes == {"conversation_id": ANY, "q": starts_with("Trace")}
    assert repr(root.children) == '(Ellipsis, span("child"))'


def test_parse_reads_attribute_lines_below_a_span() -> None:
    patterns = parse_tree(
        """
        root
        │   a=1
        │   b=[1, 2]
        └── child
                c=(True, None, -inf)
        """
    )

    assert repr(patterns) == (
        '[span("root", span("child", attributes={"c": (True, None, -inf)}),'
        ' attributes={"a": 1, "b": [1, 2]})]'
    )


def test_parse_refuses_a_printed_duration_and_reads_a_budget() -> None:
    # A duration as --trace-tree prints it used to be ignored, so "slow (1.0 ms)" passed
    # for a 50 ms span; it is refused now, and a budget says what is meant.
    with pytest.raises(TreeSyntaxError, match="a duration in expected text is not compared"):
        parse_tree("slow (12.3 ms)")
    assert repr(parse_tree("slow (< 12.3 ms)")) == '[span("slow", duration="< 12.3 ms")]'


def test_parse_of_empty_text_is_no_patterns() -> None:
    assert parse_tree("\n   \n") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "root [ERROR: boom",
            'line 1, column 18: expected "]" to close the marker [ERROR, found the end of'
            " the line\n    root [ERROR: boom\n                     ^",
        ),
        (
            "root [FAST]",
            "line 1, column 6: unknown marker [FAST]: expected one of INTERNAL, SERVER,"
            " CLIENT, PRODUCER, CONSUMER, UNSET, OK, ERROR, orphan\n    root [FAST]\n"
            "         ^",
        ),
        (
            "root {a=}",
            "line 1, column 9: expected a value: a quoted string, a number, True, False,"
            " None, a tuple (...), a list [...] or ... for any value\n    root {a=}\n"
            "            ^",
        ),
        (
            "root {a=1 b=2}",
            'line 1, column 11: expected "," or "}" after an attribute, found "b"\n'
            "    root {a=1 b=2}\n              ^",
        ),
        (
            'root {a="open}',
            'line 1, column 9: unterminated string: no closing "\n'
            '    root {a="open}\n            ^',
        ),
        (
            "root {a=1, a=2}",
            "line 1, column 12: attribute a is given twice\n    root {a=1, a=2}\n               ^",
        ),
        (
            "├── child",
            "line 1, column 5: a child span (├── or └──) comes before any top-level span\n"
            "    ├── child\n        ^",
        ),
        (
            "root\n├── ...\n│   └── below",
            "line 3, column 9: ... stands for other spans and cannot have children\n"
            "    │   └── below\n            ^",
        ),
        (
            "root [SERVER] ! bang",
            'line 1, column 15: unexpected "!": after the span name come [KIND],'
            " [STATUS: description], <events>, (duration budget), {attributes} or a # comment\n"
            "    root [SERVER] ! bang\n                  ^",
        ),
    ],
)
def test_parse_errors_point_at_line_and_column(text: str, message: str) -> None:
    with pytest.raises(TreeSyntaxError) as caught:
        parse_tree(text)

    assert str(caught.value) == message


def test_parse_error_columns_count_in_the_original_indented_text() -> None:
    with pytest.raises(TreeSyntaxError) as caught:
        parse_tree("\n    root\n    └── child {x=?}\n")

    assert (caught.value.line, caught.value.column) == (3, 18)


def test_an_indented_line_without_connector_is_read_as_an_attribute() -> None:
    with pytest.raises(TreeSyntaxError) as caught:
        parse_tree("root\n    child")

    assert str(caught.value) == (
        'line 2, column 10: expected "=" after the attribute name child, found the end of'
        " the line (an indented line holds one attribute of the span above, key=value;"
        " child spans start with ├── or └──)\n        child\n             ^"
    )
