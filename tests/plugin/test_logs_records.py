"""Log records read from JSON lines, and the span sources the correlation check takes."""

from __future__ import annotations

from pytest_filagent_trace._logs import CapturedLog, check_logs_correlated
from pytest_filagent_trace._logs.records import records_from_json_lines
from pytest_filagent_trace._spans import SpanTree
from tests.plugin import nodes


def test_json_lines_become_records_with_their_line_numbers() -> None:
    records = records_from_json_lines('{"event": "a"}\n[1, 2]\nplain\n{"event": "b"}\n')

    assert [(record["event"], record.line, record.source) for record in records] == [
        ("a", 1, "json"),
        ("b", 4, "json"),
    ]


def test_plain_lines_can_be_kept_as_text_records() -> None:
    [record] = records_from_json_lines("server up\n\n", keep_text=True)

    assert (record.event, record.source, record.line) == ("server up", "text", 1)


def test_a_tree_a_node_and_a_list_of_nodes_are_the_same_spans_to_check_against() -> None:
    child = nodes.make("agent.route")
    root = nodes.make("POST /chat", child)
    record = CapturedLog(
        {"event": "routed", "trace_id": child.trace_id, "span_id": child.span_id},
        source="json",
    )

    for spans in (SpanTree(root.trace_id, [root]), root, [root, child]):
        assert check_logs_correlated([record], spans) == []


def test_a_span_of_another_trace_is_named_by_its_path_from_the_root() -> None:
    child = nodes.make("agent.route")
    nodes.make("POST /chat", child)
    record = {"event": "routed", "trace_id": "b" * 32, "span_id": child.span_id}

    [problem] = check_logs_correlated([record], [child])

    assert problem.reason == (
        f"span_id {child.span_id} is span POST /chat \u203a agent.route of trace "
        f"{child.trace_id}, not of trace_id {'b' * 32}"
    )
