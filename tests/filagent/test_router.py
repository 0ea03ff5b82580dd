"""The router sends multi-step requests to HTN and single requests to the simple loop."""

from __future__ import annotations

import pytest

from filagent.agent import RouteDecision, route


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("compute 17*23 then search for opentelemetry", "2 steps, each with a tool intent"),
        ("compute 17*23 and then read file notes.txt", "2 steps, each with a tool intent"),
        ("compute 2+2; read file notes.txt; search for jaeger", "3 steps, each with a tool intent"),
        ("compute 2+2 and search for jaeger", "2 steps, each with a tool intent"),
        ("1. compute 2+2 2. search for jaeger", "2 numbered steps"),
        ("compute 2+2 then say thanks", "2 steps, 1 with a tool intent"),
        ("say hello; then say goodbye", "2 steps without a tool intent"),
    ],
)
def test_multi_step_requests_go_to_htn(text: str, reason: str) -> None:
    decision = route(text)
    assert (decision.mode, decision.reason) == ("htn", reason)


def test_numbered_steps_are_the_surest_htn_signal() -> None:
    assert route("1. compute 2+2\n2. search for jaeger").confidence == 0.95


def test_fully_understood_steps_are_surer_than_partly_understood_ones() -> None:
    assert (
        route("compute 2+2 then search for x").confidence > route("compute 2+2 then hi").confidence
    )


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        ("compute 17*23", RouteDecision("simple", "one tool intent", 0.9)),
        ("search for python and fastapi", RouteDecision("simple", "one tool intent", 0.9)),
        ("hello there", RouteDecision("simple", "no tool intent", 0.8)),
        ("", RouteDecision("simple", "no tool intent", 0.8)),
        (
            "use tool calculator with {oops",
            RouteDecision("simple", "a tool was named but its arguments are unreadable", 0.6),
        ),
    ],
)
def test_single_requests_stay_simple(text: str, decision: RouteDecision) -> None:
    assert route(text) == decision


def test_json_arguments_are_not_split_into_steps() -> None:
    decision = route('use tool calculator with {"expression": "1; then 2"}')
    assert decision.mode == "simple"


@pytest.mark.parametrize("mode", ["simple", "htn"])
def test_client_mode_overrides_the_decision(mode: str) -> None:
    text = "compute 17*23 then search for opentelemetry" if mode == "simple" else "hello"
    assert route(text, mode) == RouteDecision(mode, "requested by client", 1.0)  # type: ignore[arg-type]


def test_reasons_never_quote_the_request() -> None:
    decision = route("compute 40+2 then search for my-private-project")
    assert "private" not in decision.reason
