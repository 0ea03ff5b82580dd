"""Selectors over span trees (selectors.py)."""

from __future__ import annotations

import pytest

from pytest_filagent_trace._select import (
    Selector,
    SelectorError,
    select,
)
from pytest_filagent_trace._spans import SpanNode, SpanTree
from tests.plugin import nodes

make = nodes.make


@pytest.fixture
def trace() -> SpanTree:
    root = make(
        "POST /chat",
        make("agent.route", attributes={"route.mode": "htn", "route.confidence": 0.9}),
        make(
            "agent.run_with_htn",
            make(
                "agent.htn.execution",
                make(
                    "tool.execute.calculator",
                    attributes={"tool.name": "calculator", "tool.execution.success": True},
                ),
                make(
                    "tool.execute.web_search",
                    make("GET /search", kind="CLIENT", attributes={"http.status": 500}),
                    status="ERROR",
                    attributes={"tool.name": "web_search", "tool.execution.success": False},
                ),
            ),
        ),
        kind="SERVER",
        attributes={"http.response.status_code": 200, "http.route": "/chat"},
    )
    return SpanTree("a" * 32, [root, make("late", orphan=True)])


def names(nodes: list[SpanNode]) -> list[str]:
    return [node.name for node in nodes]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("agent.route", ["agent.route"]),
        ("tool.execute.*", ["tool.execute.calculator", "tool.execute.web_search"]),
        ("*", None),
        ('"POST /chat" > agent.*', ["agent.route", "agent.run_with_htn"]),
        ('"POST /chat" tool.*', ["tool.execute.calculator", "tool.execute.web_search"]),
        ("agent.run_with_htn > tool.*", []),
        ("agent.run_with_htn > * > tool.execute.calculator", ["tool.execute.calculator"]),
        ("tool.*[tool.execution.success=false]", ["tool.execute.web_search"]),
        ("tool.*[tool.execution.success!=false]", ["tool.execute.calculator"]),
        ("*[tool.name~=^web]", ["tool.execute.web_search"]),
        ("*[http.status~=^5]", ["GET /search"]),
        ("*[route.mode]", ["agent.route"]),
        ("agent.*[!route.mode]", ["agent.run_with_htn", "agent.htn.execution"]),
        ("*[http.response.status_code=200]", ["POST /chat"]),
        ('*[http.response.status_code="200"]', []),
        ("*[route.confidence=0.9]", ["agent.route"]),
        ('*[tool.name="web_search"]', ["tool.execute.web_search"]),
        ("*[ tool.name = calculator ]", ["tool.execute.calculator"]),
        ("*[missing!=x]", None),
        (":error", ["tool.execute.web_search"]),
        (":server", ["POST /chat"]),
        ("tool.* > :client", ["GET /search"]),
        (":root", ["POST /chat"]),
        (":orphan", ["late"]),
        ("agent.htn.execution > :leaf", ["tool.execute.calculator"]),
        ("agent.route, :error", ["agent.route", "tool.execute.web_search"]),
        (":error, tool.execute.web_search", ["tool.execute.web_search"]),
        ("'POST /chat'>agent.route", ["agent.route"]),
    ],
)
def test_selectors_pick_spans_in_tree_order(
    trace: SpanTree, selector: str, expected: list[str] | None
) -> None:
    everything = [node.name for node in trace.walk()]

    assert names(select(trace, selector)) == (everything if expected is None else expected)


def test_a_string_attribute_equals_the_bare_text() -> None:
    node = make("x", attributes={"code": "200", "flag": "false"})

    assert select(node, "*[code=200]") == [node]
    assert select(node, "*[flag=false]") == [node]


def test_a_compiled_selector_tells_whether_a_node_is_selected(trace: SpanTree) -> None:
    selector = Selector.parse("agent.* > agent.htn.execution")
    execution = select(trace, "agent.htn.execution")[0]

    assert repr(selector) == "Selector('agent.* > agent.htn.execution')"
    assert selector.matches(execution)
    assert selector.select(trace) == [execution]
    assert select(trace, selector) == [execution]


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (
            "",
            "column 1: empty selector: expected a span name, [attribute] or :pseudo\n    \n    ^",
        ),
        (
            "tool.*[tool.name",
            'column 17: expected "]", "=", "!=" or "~=" after [tool.name, found the end of'
            " the selector\n    tool.*[tool.name\n                    ^",
        ),
        (
            "tool.*[tool.name=calc",
            'column 22: expected "]" to close the attribute filter opened at column 7,'
            " found the end of the selector\n    tool.*[tool.name=calc\n"
            "                         ^",
        ),
        (
            "tool.*[]",
            'column 8: expected an attribute name after [, found "]"\n    tool.*[]\n           ^',
        ),
        (
            "tool.*[a=]",
            "column 10: expected a value after a=\n    tool.*[a=]\n             ^",
        ),
        (
            "tool.*[!a=1]",
            'column 10: expected "]" after [!a: [!key] takes no value\n'
            "    tool.*[!a=1]\n             ^",
        ),
        (
            "tool.*:broken",
            "column 7: unknown pseudo-class :broken; expected one of :client, :consumer,"
            " :error, :internal, :leaf, :ok, :orphan, :producer, :root, :server, :unset\n"
            "    tool.*:broken\n          ^",
        ),
        (
            "a > > b",
            'column 5: expected a span name, [attribute] or :pseudo, found ">"\n'
            "    a > > b\n        ^",
        ),
        (
            "POST /chat > agent.route",
            'column 5: span names with spaces must be quoted: write "POST /chat"'
            ' (a space means "descendant of")\n'
            "    POST /chat > agent.route\n        ^",
        ),
        (
            "*[a~=(]",
            "column 6: invalid regular expression '(': missing ), unterminated subpattern at"
            " position 0\n    *[a~=(]\n         ^",
        ),
        (
            '"open',
            'column 1: unterminated string: no closing "\n    "open\n    ^',
        ),
        (
            "a)",
            'column 2: unexpected ")"\n    a)\n     ^',
        ),
    ],
)
def test_bad_selectors_are_refused_with_the_column(selector: str, message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        Selector.parse(selector)

    assert str(caught.value) == message


def test_selector_error_keeps_its_parts() -> None:
    with pytest.raises(SelectorError) as caught:
        Selector.parse("a[")

    assert (caught.value.selector, caught.value.column) == ("a[", 3)
    assert isinstance(caught.value, ValueError)
