"""The run as one trace, on plain nodes: reparenting, the session span and the test spans."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_filagent_trace import load_traces
from pytest_filagent_trace._otlp.run_trace import (
    CaseResult,
    RunIds,
    case_attributes,
    case_span,
    exception_event,
    reparented,
    session_span,
)
from pytest_filagent_trace._otlp.write import otlp_json
from pytest_filagent_trace._spans import SpanLink, SpanNode, build_trees

TRACE_A = "a" * 32
TRACE_B = "b" * 32


def node(name: str, span_id: str, parent: str | None = None, **fields: Any) -> SpanNode:
    trace_id = fields.pop("trace_id", TRACE_A)
    start, end = fields.pop("times", (10, 20))
    attributes = fields.pop("attributes", {})
    return SpanNode(
        name,
        "INTERNAL",
        "UNSET",
        None,
        attributes,
        [],
        trace_id,
        span_id,
        parent,
        start,
        end,
        **fields,
    )


# -- reparenting -------------------------------------------------------------------------


def test_reparented_spans_keep_their_tree_under_the_new_parent_in_the_new_trace() -> None:
    root = node("POST /chat", "1" * 16, attributes={"http.route": "/chat"})
    child = node("agent.route", "2" * 16, "1" * 16, times=(12, 14))
    other_trace = node("GET /health", "3" * 16, trace_id=TRACE_B)

    copies = reparented([child, root, other_trace], "c" * 32, "f" * 16)

    by_name = {copy.name: copy for copy in copies}
    assert {copy.trace_id for copy in copies} == {"c" * 32}
    assert by_name["POST /chat"].parent_span_id == "f" * 16
    assert by_name["GET /health"].parent_span_id == "f" * 16
    assert by_name["agent.route"].parent_span_id == by_name["POST /chat"].span_id
    assert len({copy.span_id for copy in copies}) == 3
    assert not {copy.span_id for copy in copies} & {"1" * 16, "2" * 16, "3" * 16}
    assert by_name["agent.route"].start_time == 12
    assert by_name["POST /chat"].attributes == {"http.route": "/chat"}


def test_an_orphan_goes_under_the_new_parent_and_the_originals_are_untouched() -> None:
    orphan = node("GET /search", "4" * 16, "9" * 16, orphan=True)

    [copy] = reparented([orphan], "c" * 32, "f" * 16)

    assert copy.parent_span_id == "f" * 16
    assert (orphan.trace_id, orphan.span_id, orphan.parent_span_id) == (
        TRACE_A,
        "4" * 16,
        "9" * 16,
    )


def test_the_same_span_ids_in_two_tests_become_distinct_spans() -> None:
    # A program whose id generator repeats (pytest-randomly reseeds random per test).
    first = reparented([node("job", "1" * 16)], "c" * 32, "e" * 16)
    second = reparented([node("job", "1" * 16)], "c" * 32, "f" * 16)

    assert first[0].span_id != second[0].span_id


def test_links_between_the_tests_spans_follow_them_and_other_links_keep_their_ids() -> None:
    producer = node("send", "1" * 16)
    outside = SpanLink("d" * 32, "7" * 16, {"why": "upstream"})
    consumer = node("receive", "2" * 16, links=[SpanLink(TRACE_A, "1" * 16, {}), outside])

    copies = {copy.name: copy for copy in reparented([producer, consumer], "c" * 32, "f" * 16)}

    inner, kept = copies["receive"].links
    assert (inner.trace_id, inner.span_id) == ("c" * 32, copies["send"].span_id)
    assert kept is outside


# -- the run's own spans -----------------------------------------------------------------


def test_the_test_span_sits_under_the_session_and_covers_its_children() -> None:
    ids = RunIds.new()
    result = CaseResult("tests/test_a.py::test_one", "passed", 100, 200)
    early = node("fixture work", "1" * 16, times=(90, 150))

    span = case_span(ids, result, {"service.name": "pytest"}, [early], span_id="e" * 16)

    assert (span.trace_id, span.span_id, span.parent_span_id) == (
        ids.trace_id,
        "e" * 16,
        ids.session_span_id,
    )
    assert (span.start_time, span.end_time) == (90, 200)
    assert span.name == "tests/test_a.py::test_one"
    assert span.attributes == {
        "test.case.name": "tests/test_a.py::test_one",
        "test.case.result.status": "pass",
        "test.suite.name": "tests/test_a.py",
    }
    assert span.status == "UNSET"


def test_a_failed_test_span_is_an_error_with_its_exception_event() -> None:
    try:
        raise ValueError("boom\nsecond line")
    except ValueError as error:
        event = exception_event(error, 150)
    result = CaseResult("test_a.py::test_one", "failed", 100, 200, [event])

    span = case_span(RunIds.new(), result)

    assert span.status == "ERROR"
    assert span.status_description == "ValueError: boom"
    [recorded] = span.events
    assert recorded.name == "exception"
    assert recorded.timestamp == 150
    assert recorded.attributes["exception.type"] == "ValueError"
    assert recorded.attributes["exception.message"] == "boom\nsecond line"
    assert 'raise ValueError("boom' in recorded.attributes["exception.stacktrace"]


def raise_through(depth: int) -> None:
    if depth:
        raise_through(depth - 1)
    raise KeyError("cart")


def test_the_stacktrace_leaves_out_the_leading_frames_of_hidden_modules() -> None:
    try:
        raise_through(2)
    except KeyError as error:
        shown = exception_event(error, 1)
        hidden = exception_event(error, 1, hide=(__name__.rpartition(".")[0],))

    assert "in test_the_stacktrace_leaves_out" in str(shown.attributes["exception.stacktrace"])
    trace = str(hidden.attributes["exception.stacktrace"]).splitlines()
    # All frames are this module's: the last one stays, so the error is still located.
    assert trace[0] == "Traceback (most recent call last):"
    assert trace[1].endswith(", in raise_through")
    assert trace[-1] == "KeyError: 'cart'"
    assert len(trace) == 4  # the header, one frame and its line, the error


def test_exception_types_outside_builtins_are_fully_qualified() -> None:
    class RefusedError(Exception):
        pass

    event = exception_event(RefusedError("no"), 1)

    assert event.attributes["exception.type"] == (
        f"{__name__}.test_exception_types_outside_builtins_are_fully_qualified.<locals>.RefusedError"
    )


@pytest.mark.parametrize(
    ("exit_code", "run_status", "status"),
    [
        (0, "success", "UNSET"),
        (1, "failure", "ERROR"),
        (2, "aborted", "UNSET"),
        (5, "skipped", "UNSET"),
    ],
)
def test_the_session_span_says_how_the_run_ended(
    exit_code: int, run_status: str, status: str
) -> None:
    ids = RunIds.new()

    span = session_span(ids, 1, 2, exit_code, {"service.name": "pytest"})

    assert (span.name, span.trace_id, span.span_id, span.parent_span_id) == (
        "pytest session",
        ids.trace_id,
        ids.session_span_id,
        None,
    )
    assert span.attributes == {"test.suite.run.status": run_status}
    assert span.status == status


def test_case_attributes_map_pytest_outcomes_to_the_convention() -> None:
    statuses = [
        case_attributes("t.py::x", o)["test.case.result.status"]
        for o in ("passed", "failed", "skipped")
    ]

    assert statuses == ["pass", "fail", "skipped"]


def test_a_run_trace_written_as_otlp_json_loads_back_as_one_tree() -> None:
    ids = RunIds.new()
    result = CaseResult("t.py::test_x", "passed", 1, 50)
    children = reparented(
        [node("POST /chat", "1" * 16), node("db", "2" * 16, "1" * 16)], ids.trace_id, "e" * 16
    )
    spans = [session_span(ids, 0, 60, 0, {}), case_span(ids, result, {}, children, "e" * 16)]

    [tree] = load_traces(otlp_json([*spans, *children])).traces()

    assert str(tree).splitlines()[0] == 'pytest session {test.suite.run.status="success"}'
    [test] = tree.roots[0].children
    assert [child.name for child in test.children] == ["POST /chat"]
    assert [child.name for child in test.children[0].children] == ["db"]


def test_run_ids_differ_even_when_random_is_seeded() -> None:
    import random

    random.seed(7)
    first = RunIds.new()
    random.seed(7)
    second = RunIds.new()

    assert first != second
    assert len(first.trace_id) == 32
    assert len(first.session_span_id) == 16


def test_build_trees_sees_no_duplicate_ids_in_two_reparented_copies() -> None:
    spans = [node("job", "1" * 16), node("step", "2" * 16, "1" * 16)]
    copies = reparented(spans, "c" * 32, "e" * 16) + reparented(spans, "c" * 32, "f" * 16)

    [tree] = build_trees(copies)

    assert sorted(root.name for root in tree.roots) == ["job", "job"]
    assert all(root.orphan for root in tree.roots)  # their parents are the test spans
    assert [[c.name for c in root.children] for root in tree.roots] == [["step"], ["step"]]
