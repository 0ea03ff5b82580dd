"""Requests are read as steps with tool intents, by rules."""

from __future__ import annotations

import pytest

from filagent.agent.intents import (
    Intent,
    numbered_items,
    read_request,
    read_step,
    references_previous,
    split_steps,
)


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("compute 2+2 then read file a.txt", ["compute 2+2", "read file a.txt"]),
        ("compute 2+2, and then read file a.txt", ["compute 2+2", "read file a.txt"]),
        ("a; b ;c", ["a", "b", "c"]),
        ("first a\nthen b\nfinally c", ["first a", "b", "c"]),
        ("a, after that b", ["a", "b"]),
        ("1. a 2. b 3) c", ["a", "b", "c"]),
        ("just one step", ["just one step"]),
    ],
)
def test_split_steps(text: str, steps: list[str]) -> None:
    assert split_steps(text) == steps


def test_split_steps_keeps_json_whole() -> None:
    text = 'use tool x with {"a": "1; then 2", "b": [1, 2]}; then b'
    assert split_steps(text) == ['use tool x with {"a": "1; then 2", "b": [1, 2]}', "b"]


def test_numbers_that_do_not_count_from_one_are_not_a_list() -> None:
    assert numbered_items("3. a 4. b") == []


def test_and_splits_only_when_both_sides_ask_for_a_tool() -> None:
    assert [s.text for s in read_request("compute 1+1 and search for x")] == [
        "compute 1+1",
        "search for x",
    ]
    assert [s.text for s in read_request("search for python and fastapi")] == [
        "search for python and fastapi"
    ]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("compute 17*23", Intent("calculator", {"expression": "17*23"})),
        ("what is 2 ** 10?", Intent("calculator", {"expression": "2 ** 10"})),
        ("how much is (1+2)*3.", Intent("calculator", {"expression": "(1+2)*3"})),
        ("12 / 4", Intent("calculator", {"expression": "12 / 4"})),
        ("calculate x*y", Intent("calculator", {"expression": "x*y"})),
        ("compute the result * 2", Intent("calculator", {"expression": "the result * 2"})),
        ("read file notes.txt", Intent("file_read", {"path": "notes.txt"})),
        ("please show me the contents of sub/a.md.", Intent("file_read", {"path": "sub/a.md"})),
        ("open file README", Intent("file_read", {"path": "README"})),
        ("search for opentelemetry", Intent("web_search", {"query": "opentelemetry"})),
        ("look up 'W3C trace context'", Intent("web_search", {"query": "W3C trace context"})),
        ("find docs about pytest", Intent("web_search", {"query": "pytest"})),
        (
            'use tool calculator with {"expr": 1}',
            Intent("calculator", {"expr": 1}, explicit=True),
        ),
        ("use the tool nope", Intent("nope", {}, explicit=True)),
    ],
)
def test_read_step_finds_the_intent(text: str, intent: Intent) -> None:
    assert read_step(text).intent == intent


@pytest.mark.parametrize(
    "text", ["hello", "what is opentelemetry?", "show me the weather", "calculate my taxes"]
)
def test_read_step_finds_no_intent_in_conversation(text: str) -> None:
    assert read_step(text).intent is None


def test_unreadable_explicit_arguments_are_a_problem_not_an_intent() -> None:
    step = read_step("use tool calculator with {expression: 1}")
    assert step.intent is None
    assert step.problem is not None
    assert "must be a JSON object; found invalid JSON" in step.problem


def test_explicit_arguments_must_be_an_object() -> None:
    step = read_step("use tool calculator with [1, 2]")
    assert step.intent is None
    assert step.problem == (
        "the arguments after 'use tool calculator with' must be a JSON object, found list"
    )


@pytest.mark.parametrize(
    ("text", "refers"),
    [("the result * 2", True), ("search for the previous answer", True), ("a result", False)],
)
def test_references_previous(text: str, refers: bool) -> None:
    assert references_previous(text) is refers
