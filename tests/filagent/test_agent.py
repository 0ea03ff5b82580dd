"""The agent run loop produces the contract's span tree in simple and HTN mode."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from pydantic import BaseModel, ConfigDict

from filagent.agent import Agent, AgentRequest, AgentResult
from filagent.models import (
    ChatMessage,
    ModelError,
    ModelResponse,
    OpenAICompatibleModel,
    RuleBasedModel,
    ToolCall,
)
from filagent.schemas import Message, Mode
from filagent.search import create_search_app
from filagent.telemetry.tracing import NOOP_TRACER, Tracer
from filagent.tools import (
    Tool,
    ToolExecutor,
    ToolRegistry,
    ToolSpec,
    build_default_tools,
    packaged_data_dir,
)
from tests.filagent.conftest import ServeApp
from tests.helpers.spans import Spans


@pytest.fixture
def search_url(serve: ServeApp) -> Iterator[str]:
    with serve(create_search_app()) as url:
        yield url


@pytest.fixture
def tools(search_url: str, http_client: httpx.Client, tracer: Tracer) -> ToolExecutor:
    return ToolExecutor(build_default_tools(packaged_data_dir(), search_url, http_client), tracer)


@pytest.fixture
def agent(tools: ToolExecutor, tracer: Tracer) -> Agent:
    return Agent(RuleBasedModel(), tools, tracer)


def ask(agent: Agent, tracer: Tracer, text: str, mode: Mode = "auto", **extra: Any) -> AgentResult:
    """Run one request under a SERVER span, as the HTTP service does."""
    request = AgentRequest(
        "conv-1", "task-1", [Message(role="user", content=text)], mode=mode, **extra
    )
    with tracer.span("POST /chat", kind="server"):
        return agent.run(request)


def attributes(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


def test_simple_request_produces_the_simple_contract_tree(
    agent: Agent, tracer: Tracer, spans: Spans
) -> None:
    result = ask(agent, tracer, "compute 17*23")

    assert (result.mode, result.content) == (
        "simple",
        "Results of 1 tool call:\n- calculator: 17*23 = 391",
    )
    assert spans.children(spans.one("POST /chat")) == ["agent.route", "agent.run_simple"]
    assert spans.children(spans.one("agent.run_simple")) == [
        "chat filagent-rule-1",
        "tool.execute.calculator",
        "chat filagent-rule-1",
    ]
    assert attributes(spans.one("agent.route")) == {
        "route.mode": "simple",
        "route.reason": "one tool intent",
        "route.confidence": 0.9,
    }
    assert attributes(spans.one("agent.run_simple")) == {
        "conversation_id": "conv-1",
        "task_id": "task-1",
        "execution_mode": "simple",
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "filagent",
        "gen_ai.conversation.id": "conv-1",
    }


def test_multi_step_request_produces_the_htn_contract_tree(
    agent: Agent, tracer: Tracer, spans: Spans
) -> None:
    result = ask(agent, tracer, "compute 17*23 then search for opentelemetry")

    assert result.mode == "htn"
    assert [(c.tool, c.success) for c in result.tool_calls] == [
        ("calculator", True),
        ("web_search", True),
    ]
    assert result.content.startswith("Results of 2 tool calls:\n- calculator: 17*23 = 391\n")
    assert spans.children(spans.one("POST /chat")) == ["agent.route", "agent.run_with_htn"]
    assert spans.children(spans.one("agent.run_with_htn")) == [
        "chat filagent-rule-1",
        "agent.htn.planning",
        "agent.htn.execution",
        "agent.htn.verification",
        "chat filagent-rule-1",
    ]
    assert sorted(spans.children(spans.one("agent.htn.execution"))) == [
        "tool.execute.calculator",
        "tool.execute.web_search",
    ]
    assert attributes(spans.one("agent.htn.planning")) == {
        "strategy": "parallel",
        "confidence": 0.95,
        "htn.task_count": 2,
    }
    assert attributes(spans.one("agent.htn.execution")) == {"success": True, "completed_tasks": 2}
    assert attributes(spans.one("agent.htn.verification")) == {
        "level": "basic",
        "count": 3,
        "verification.passed": True,
    }
    assert attributes(spans.one("agent.run_with_htn"))["execution_mode"] == "htn"


class LabelArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str


class RendezvousTool(Tool[LabelArgs]):
    """Returns only when two calls are running at the same time."""

    name = "rendezvous"
    description = "Meet another call."
    args_model = LabelArgs

    def __init__(self) -> None:
        self.barrier = threading.Barrier(2, timeout=5)

    def run(self, args: LabelArgs) -> str:
        self.barrier.wait()
        return args.label


def test_independent_htn_tasks_run_in_parallel_under_the_execution_span(
    tracer: Tracer, spans: Spans
) -> None:
    tools = ToolExecutor(ToolRegistry([RendezvousTool()]), tracer)
    agent = Agent(RuleBasedModel(), tools, tracer, max_workers=2)

    result = ask(
        agent,
        tracer,
        'use tool rendezvous with {"label": "a"}; use tool rendezvous with {"label": "b"}',
    )

    assert [c.result for c in result.tool_calls] == ["a", "b"]
    met = spans.named("tool.execute.rendezvous")
    assert [spans.parent_name(span) for span in met] == ["agent.htn.execution"] * 2


def test_a_task_using_an_earlier_result_runs_after_it(
    agent: Agent, tracer: Tracer, spans: Spans
) -> None:
    result = ask(agent, tracer, "compute 2+3 then compute the result * 2")

    assert [(c.arguments, c.result) for c in result.tool_calls] == [
        ({"expression": "2+3"}, 5),
        ({"expression": "5 * 2"}, 10),
    ]
    assert attributes(spans.one("agent.htn.planning"))["strategy"] == "sequential"
    first, second = spans.named("tool.execute.calculator")
    assert first.end_time is not None
    assert second.start_time is not None
    assert second.start_time >= first.end_time


def test_client_can_force_simple_mode(agent: Agent, tracer: Tracer, spans: Spans) -> None:
    result = ask(agent, tracer, "compute 1+1 then compute 2+2", mode="simple")

    assert (result.route.mode, result.route.reason, result.route.confidence) == (
        "simple",
        "requested by client",
        1.0,
    )
    assert spans.children(spans.one("agent.run_simple")) == [
        "chat filagent-rule-1",
        "tool.execute.calculator",
        "tool.execute.calculator",
        "chat filagent-rule-1",
    ]


def test_htn_without_tool_calls_plans_nothing_and_answers_directly(
    agent: Agent, tracer: Tracer, spans: Spans
) -> None:
    result = ask(agent, tracer, "hello", mode="htn")

    assert result.tool_calls == []
    assert result.content.startswith("I found no task I can do in your message.")
    assert spans.children(spans.one("agent.run_with_htn")) == [
        "chat filagent-rule-1",
        "agent.htn.planning",
        "agent.htn.execution",
        "agent.htn.verification",
    ]
    assert attributes(spans.one("agent.htn.planning"))["htn.task_count"] == 0


def test_failing_htn_task_is_a_failed_call_not_a_failed_run(
    tools: ToolExecutor, tracer: Tracer, spans: Spans
) -> None:
    agent = Agent(RuleBasedModel(), tools, tracer, verification_level="strict")

    result = ask(agent, tracer, "compute 1/0 then compute 2+2")

    assert [(c.success, c.error) for c in result.tool_calls] == [
        (False, "division by zero is undefined"),
        (True, None),
    ]
    assert result.content.endswith(
        "Verification (strict) failed: every tool call succeeded (t1 failed)."
    )
    assert attributes(spans.one("agent.htn.execution")) == {
        "success": False,
        "completed_tasks": 1,
    }
    assert attributes(spans.one("agent.htn.verification"))["verification.passed"] is False
    statuses = {
        attributes(span)["gen_ai.tool.call.id"]: span.status.status_code.name
        for span in spans.named("tool.execute.calculator")
    }
    assert statuses == {"call_1": "ERROR", "call_2": "UNSET"}
    assert spans.one("agent.run_with_htn").status.status_code.name == "UNSET"


def test_unknown_tool_in_simple_mode_is_a_failed_call_with_an_error_span(
    agent: Agent, tracer: Tracer, spans: Spans
) -> None:
    result = ask(agent, tracer, 'use tool teleport with {"to": "mars"}')

    assert not result.tool_calls[0].success
    assert "teleport failed: unknown tool: expected one of" in result.content
    span = spans.one("tool.execute.unknown")
    assert spans.parent_name(span) == "agent.run_simple"
    assert span.status.status_code.name == "ERROR"


def test_model_failure_raises_and_marks_the_run_span(
    serve: ServeApp, tools: ToolExecutor, http_client: httpx.Client, tracer: Tracer, spans: Spans
) -> None:
    with serve(create_search_app()) as url:
        pass  # stopped: nothing answers there any more
    model = OpenAICompatibleModel("m", base_url=url, api_key=None, http_client=http_client)
    agent = Agent(model, tools, tracer)

    with pytest.raises(ModelError, match="could not reach the model endpoint"):
        ask(agent, tracer, "compute 1+1")

    run = spans.one("agent.run_simple")
    assert run.status.status_code.name == "ERROR"
    assert attributes(run)["error.type"] == "ModelError"
    assert spans.one("agent.route").status.status_code.name == "UNSET"


def test_no_message_content_or_tool_data_reaches_spans(
    agent: Agent, tracer: Tracer, spans: Spans
) -> None:
    ask(agent, tracer, "compute 424242+1 then search for zanzibarquux then read file nope.txt")

    for span in spans.all():
        recorded = [span.name, span.status.description or "", *attributes(span).values()]
        recorded += [str(event.attributes) for event in span.events]
        leaks = [v for v in recorded if any(m in str(v) for m in ("424242", "zanzibar", "nope"))]
        assert not leaks, f"{span.name} carries {leaks}"


def test_user_id_hash_is_recorded_on_the_run_span(
    agent: Agent, tracer: Tracer, spans: Spans
) -> None:
    ask(agent, tracer, "compute 1+1", user_id_hash="a1b2c3")
    assert attributes(spans.one("agent.run_simple"))["enduser.pseudo.id"] == "a1b2c3"


def test_the_last_user_message_is_the_request(agent: Agent, tracer: Tracer) -> None:
    request = AgentRequest(
        "conv-1",
        "task-1",
        [
            Message(role="system", content="be brief"),
            Message(role="user", content="compute 1+1 then search for x"),
            Message(role="assistant", content="done"),
            Message(role="user", content="compute 3*3"),
        ],
    )
    result = agent.run(request)
    assert (result.mode, [c.result for c in result.tool_calls]) == ("simple", [9])


def test_agent_works_the_same_without_tracing(search_url: str, http_client: httpx.Client) -> None:
    tools = ToolExecutor(
        build_default_tools(packaged_data_dir(), search_url, http_client), NOOP_TRACER
    )
    agent = Agent(RuleBasedModel(), tools, NOOP_TRACER)
    result = ask(agent, NOOP_TRACER, "compute 17*23 then search for opentelemetry")
    assert result.mode == "htn"
    assert [c.success for c in result.tool_calls] == [True, True]


class AlwaysCallsTools:
    """A model that never stops asking for tools."""

    name = "looping-model"
    provider = "test"

    def complete(self, messages: Sequence[ChatMessage], tools: Sequence[ToolSpec]) -> ModelResponse:
        call = ToolCall(f"call_{len(messages)}", "calculator", {"expression": "1+1"})
        return ModelResponse(self.name, "", (call,), finish_reason="tool_calls")


def test_simple_loop_stops_after_max_tool_rounds(tools: ToolExecutor, tracer: Tracer) -> None:
    agent = Agent(AlwaysCallsTools(), tools, tracer, max_tool_rounds=2)
    result = ask(agent, tracer, "compute 1+1")
    assert result.content == "Stopped after 2 rounds of tool calls without an answer."
    assert len(result.tool_calls) == 2
