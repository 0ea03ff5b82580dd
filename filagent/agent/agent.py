"""The agent's run loop, traced as the contract describes.

Under the caller's current span (the HTTP SERVER span), ``agent.route`` and
then ``agent.run_simple`` or ``agent.run_with_htn`` are opened as siblings::

    agent.route
    agent.run_simple
    ├── chat {model}                 asks for tool calls
    ├── tool.execute.{name}          one per call, in order
    └── chat {model}                 answers from the results
    agent.run_with_htn
    ├── chat {model}                 proposes tool calls
    ├── agent.htn.planning           tasks and their dependencies
    ├── agent.htn.execution
    │   └── tool.execute.{name}      independent tasks in parallel threads
    ├── agent.htn.verification
    └── chat {model}                 answers from the results

Example::

    agent = Agent(RuleBasedModel(), ToolExecutor(registry, tracer), tracer)
    result = agent.run(AgentRequest("conv-1", "task-1", [Message(role="user", content="2+3")]))
    result.content     # "Results of 1 tool call:\\n- calculator: 2+3 = 5"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from filagent.agent.executor import TaskExecutor, TaskOutcome
from filagent.agent.planner import Plan, Task, plan_tasks
from filagent.agent.router import RouteDecision, route
from filagent.agent.verifier import Level, Verification, verify
from filagent.models.base import (
    ChatMessage,
    ChatModel,
    ModelError,
    ModelResponse,
    ToolCall,
    tool_result_message,
    traced_complete,
)
from filagent.schemas import ExecutionMode, Message, Mode, ToolCallResult
from filagent.telemetry import names
from filagent.telemetry.tracing import AttributeValue, Tracer
from filagent.tools.registry import ToolExecutor


@dataclass(frozen=True)
class AgentRequest:
    """One request to the agent."""

    conversation_id: str
    task_id: str
    messages: list[Message]
    mode: Mode = "auto"
    user_id_hash: str | None = None


@dataclass(frozen=True)
class AgentResult:
    """The agent's answer, how it was reached and every tool call made.

    A run whose model backend failed still has its route (it belongs in the
    request's decision record); its ``error`` says what failed and it has no answer.
    """

    mode: ExecutionMode
    route: RouteDecision
    content: str
    tool_calls: list[ToolCallResult] = field(default_factory=list)
    error: ModelError | None = None


class Agent:
    """Routes a request, then runs it in simple or HTN mode.

    Tool failures become failed tool calls in the result. A failing model
    backend becomes the result's ``error`` in :meth:`answer`, and is raised by
    :meth:`run`.
    """

    def __init__(
        self,
        model: ChatModel,
        tools: ToolExecutor,
        tracer: Tracer,
        *,
        max_workers: int = 4,
        verification_level: Level = "basic",
        max_tool_rounds: int = 4,
    ) -> None:
        self.model = model
        self.tools = tools
        self._tracer = tracer
        self._executor = TaskExecutor(max_workers)
        self._level = verification_level
        self._max_rounds = max_tool_rounds

    def run(self, request: AgentRequest) -> AgentResult:
        """Answer ``request``, raising :class:`~filagent.models.ModelError` if the model fails.

        Example: ``agent.run(request).content`` is the answer; see :meth:`answer` for a
        run that reports a model failure in its result instead.
        """
        result = self.answer(request)
        if result.error is not None:
            raise result.error
        return result

    def answer(self, request: AgentRequest) -> AgentResult:
        """Answer ``request``; a failing model backend is the result's ``error``.

        See the module docstring for the spans it creates.

        Example: ``agent.answer(request).error`` is ``None``, or the model's
        :class:`~filagent.models.ModelError` (then ``content`` is empty).
        """
        text = next((m.content for m in reversed(request.messages) if m.role == "user"), "")
        with self._tracer.span(names.SPAN_ROUTE) as span:
            decision = route(text, request.mode)
            span.set_attributes(
                {
                    names.ROUTE_MODE: decision.mode,
                    names.ROUTE_REASON: decision.reason,
                    names.ROUTE_CONFIDENCE: decision.confidence,
                }
            )
        run_span = names.SPAN_RUN_HTN if decision.mode == "htn" else names.SPAN_RUN_SIMPLE
        try:
            with self._tracer.span(run_span, attributes=_run_attributes(request, decision.mode)):
                messages = [ChatMessage(m.role, m.content) for m in request.messages]
                if decision.mode == "htn":
                    content, calls = self._run_htn(request, text, messages)
                else:
                    content, calls = self._run_simple(request, messages)
        except ModelError as exc:
            return AgentResult(decision.mode, decision, "", error=exc)
        return AgentResult(decision.mode, decision, content, calls)

    def _chat(self, messages: Sequence[ChatMessage]) -> ModelResponse:
        return traced_complete(self.model, self._tracer, messages, self.tools.specs())

    def _run_simple(
        self, request: AgentRequest, messages: list[ChatMessage]
    ) -> tuple[str, list[ToolCallResult]]:
        calls: list[ToolCallResult] = []
        response = self._chat(messages)
        for _ in range(self._max_rounds):
            if not response.tool_calls:
                return response.content, calls
            messages.append(ChatMessage("assistant", response.content, response.tool_calls))
            for call in response.tool_calls:
                outcome = self._execute(request, call.name, call.arguments, call.id)
                calls.append(outcome)
                messages.append(tool_result_message(call.id, outcome))
            response = self._chat(messages)
        if response.tool_calls:
            stopped = f"Stopped after {self._max_rounds} rounds of tool calls without an answer."
            return stopped, calls
        return response.content, calls

    def _run_htn(
        self, request: AgentRequest, text: str, messages: list[ChatMessage]
    ) -> tuple[str, list[ToolCallResult]]:
        proposal = self._chat(messages)
        plan = self._plan(text, proposal.tool_calls)
        outcomes = self._execute_plan(request, plan)
        verification = self._verify(plan, outcomes)
        calls = [outcome.call for outcome in outcomes]
        if not plan.tasks:
            return proposal.content, calls
        executed = tuple(ToolCall(o.task.call_id, o.task.tool, o.call.arguments) for o in outcomes)
        messages.append(ChatMessage("assistant", proposal.content, executed))
        messages.extend(tool_result_message(o.task.call_id, o.call) for o in outcomes)
        content = self._chat(messages).content
        if not verification.passed:
            failed = "; ".join(f"{c.name} ({c.detail})" for c in verification.failures)
            content += f"\nVerification ({verification.level}) failed: {failed}."
        return content, calls

    def _plan(self, text: str, proposed: Sequence[ToolCall]) -> Plan:
        with self._tracer.span(names.SPAN_HTN_PLANNING) as span:
            plan = plan_tasks(text, proposed)
            span.set_attributes(
                {
                    names.HTN_STRATEGY: plan.strategy,
                    names.HTN_CONFIDENCE: plan.confidence,
                    names.HTN_TASK_COUNT: len(plan.tasks),
                }
            )
        return plan

    def _execute_plan(self, request: AgentRequest, plan: Plan) -> list[TaskOutcome]:
        def run_task(task: Task, arguments: dict[str, Any]) -> ToolCallResult:
            return self._execute(request, task.tool, arguments, task.call_id)

        with self._tracer.span(names.SPAN_HTN_EXECUTION) as span:
            outcomes = self._executor.run(plan, run_task)
            completed = sum(1 for outcome in outcomes if outcome.call.success)
            span.set_attributes(
                {
                    names.HTN_SUCCESS: completed == len(outcomes),
                    names.HTN_COMPLETED_TASKS: completed,
                }
            )
        return outcomes

    def _verify(self, plan: Plan, outcomes: list[TaskOutcome]) -> Verification:
        with self._tracer.span(names.SPAN_HTN_VERIFICATION) as span:
            verification = verify(plan, outcomes, self._level)
            span.set_attributes(
                {
                    names.HTN_VERIFICATION_LEVEL: verification.level,
                    names.HTN_VERIFICATION_COUNT: verification.count,
                    names.HTN_VERIFICATION_PASSED: verification.passed,
                }
            )
        return verification

    def _execute(
        self, request: AgentRequest, tool: str, arguments: dict[str, Any], call_id: str
    ) -> ToolCallResult:
        return self.tools.execute(
            tool,
            arguments,
            conversation_id=request.conversation_id,
            task_id=request.task_id,
            call_id=call_id,
        )


def _run_attributes(request: AgentRequest, mode: ExecutionMode) -> dict[str, AttributeValue]:
    attributes: dict[str, AttributeValue] = {
        names.CONVERSATION_ID: request.conversation_id,
        names.TASK_ID: request.task_id,
        names.EXECUTION_MODE: mode,
        names.GEN_AI_OPERATION_NAME: names.OPERATION_INVOKE_AGENT,
        names.GEN_AI_AGENT_NAME: names.AGENT_NAME,
        names.GEN_AI_CONVERSATION_ID: request.conversation_id,
    }
    if request.user_id_hash:
        attributes[names.USER_ID_HASH] = request.user_id_hash
    return attributes
