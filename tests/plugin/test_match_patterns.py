"""span(...) patterns against one span: name, attributes, kind, status and events.

Also how a pattern reads in a repr, and the arguments it refuses.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from pytest_filagent_trace._match import ABSENT, ANY, descendant, event, span
from pytest_filagent_trace._spans import SpanTree
from tests.plugin.nodes import make_with_error_events as make


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (span("agent.route"), 'span("agent.route")'),
        (span(), "span()"),
        (
            span("POST /chat", span("agent.route"), ..., kind="server"),
            'span("POST /chat", span("agent.route"), ..., kind="SERVER")',
        ),
        (
            span("tool.*", status="error: boom*", count=2, orphan=False),
            'span("tool.*", status="ERROR: boom*", count=2, orphan=False)',
        ),
        (
            span("t", attributes={"a": 1, "b": ABSENT, "c": ..., "d": int, "e": (1, "x")}),
            'span("t", attributes={"a": 1, "b": ABSENT, "c": ANY, "d": int, "e": (1, "x")})',
        ),
        (
            span(re.compile(r"tool\..*"), events=["exception", event("retry*")]),
            'span(re.compile(\'tool\\\\..*\'), events=["exception", "retry*"])',
        ),
        (
            span(ANY, span("x"), children=None),
            'span(ANY, span("x"))',
        ),
        (
            descendant(span("GET /search", kind="CLIENT")),
            'descendant(span("GET /search", kind="CLIENT"))',
        ),
        (descendant("x"), 'descendant(span("x"))'),
        (span("p", children=["a", "b"]), 'span("p", span("a"), span("b"))'),
    ],
)
def test_pattern_repr_reads_like_the_call_that_built_it(pattern: Any, text: str) -> None:
    assert repr(pattern) == text


def test_name_matches_exactly_by_glob_or_by_whole_regex() -> None:
    node = make("tool.execute.calculator")

    assert span("tool.execute.calculator") == node
    assert span("tool.execute.*") == node
    assert span(re.compile(r"tool\.execute\.\w+")) == node
    assert span(re.compile("calculator")) != node
    assert span("tool.execute") != node


def test_absent_requires_the_attribute_to_be_missing() -> None:
    node = make("t", attributes={"user.id_hash": "abc"})

    assert span("t", attributes={"user.id": ABSENT}) == node
    assert span("t", attributes={"user.id_hash": ABSENT}) != node


def test_dots_and_any_require_the_attribute_to_be_there() -> None:
    node = make("t", attributes={"a": 0})

    assert span("t", attributes={"a": ...}) == node
    assert span("t", attributes={"b": ANY}) != node


def test_kind_status_and_description() -> None:
    node = make("c", kind="CLIENT", status="ERROR", description="ValueError: boom")

    assert span("c", kind=SpanKind.CLIENT, status=StatusCode.ERROR) == node
    assert span("c", status="ERROR: ValueError: *") == node
    assert span("c", status="ERROR: KeyError*") != node
    assert span("c", kind="server") != node


def test_events_must_be_there_by_name_or_pattern() -> None:
    node = make("t", events=("exception",))

    assert span("t", events=["exception"]) == node
    assert span("t", events=[event("exc*", attributes={"exception.type": "ValueError"})]) == node
    assert span("t", events=["retry"]) != node


def test_invalid_kind_status_and_count_are_refused_with_the_allowed_values() -> None:
    with pytest.raises(ValueError, match=r"kind=.*one of INTERNAL, SERVER, CLIENT.*'fast'"):
        span("x", kind="fast")
    with pytest.raises(ValueError, match=r"status=.*one of UNSET, OK, ERROR.*'bad'"):
        span("x", status="bad")
    with pytest.raises(ValueError, match=r"count=.*found -1"):
        span("x", count=-1)
    with pytest.raises(TypeError, match="either after the name or as children"):
        span("x", span("y"), children=[span("z")])
    with pytest.raises(TypeError, match="children must be span"):
        span("x", 3)


def test_pattern_equals_a_tree_when_it_matches_one_of_its_roots() -> None:
    tree = SpanTree("a" * 32, [make("first"), make("second")])

    assert span("second") == tree
    assert span("third") != tree
