"""FilAgent's agent: router, HTN planner, parallel executor, verifier and run loop.

Example::

    agent = Agent(build_model("rule", http_client=client), ToolExecutor(registry, tracer), tracer)
    result = agent.run(AgentRequest("conv-1", "task-1", [Message(role="user", content="2+3")]))
"""

from __future__ import annotations

from filagent.agent.agent import Agent, AgentRequest, AgentResult
from filagent.agent.executor import TaskExecutor, TaskOutcome, resolve_arguments, result_text
from filagent.agent.planner import Plan, Strategy, Task, placeholder, plan_tasks
from filagent.agent.router import REQUESTED_BY_CLIENT, RouteDecision, route
from filagent.agent.verifier import Check, Level, Verification, verify

__all__ = [
    "REQUESTED_BY_CLIENT",
    "Agent",
    "AgentRequest",
    "AgentResult",
    "Check",
    "Level",
    "Plan",
    "RouteDecision",
    "Strategy",
    "Task",
    "TaskExecutor",
    "TaskOutcome",
    "Verification",
    "placeholder",
    "plan_tasks",
    "resolve_arguments",
    "result_text",
    "route",
    "verify",
]
