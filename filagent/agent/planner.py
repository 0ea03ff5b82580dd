"""HTN planning: turning a request and the model's tool calls into a task network.

Each tool call becomes a task.  A task whose arguments refer to an earlier
result ("compute the result * 2") depends on the task before it, and the
reference becomes a ``{{t1}}`` placeholder the executor fills in; every other
task is independent and may run in parallel.

Example::

    plan = plan_tasks("compute 2+3 then compute the result * 2", calls)
    plan.tasks[1].depends_on      # ("t1",)
    plan.tasks[1].arguments       # {"expression": "{{t1}} * 2"}
    plan.strategy                 # "sequential"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from filagent.agent.intents import REFERENCE, read_request
from filagent.models.base import ToolCall

Strategy = Literal["sequential", "parallel", "mixed"]


def placeholder(task_id: str) -> str:
    """The text standing for ``task_id``'s result in a later task: ``{{t1}}``."""
    return "{{" + task_id + "}}"


@dataclass(frozen=True)
class Task:
    """One tool call of the plan, and the tasks whose results it needs."""

    id: str
    description: str
    tool: str
    arguments: dict[str, Any]
    call_id: str
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """Tasks in request order; dependencies always point to earlier tasks."""

    tasks: tuple[Task, ...]
    strategy: Strategy
    confidence: float
    step_count: int = field(default=0)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for task in self.tasks:
            unknown = [dep for dep in task.depends_on if dep not in seen]
            if unknown:
                msg = (
                    f"task {task.id!r} depends on {unknown}, expected ids of earlier tasks "
                    f"({sorted(seen) or 'none'})"
                )
                raise ValueError(msg)
            if task.id in seen:
                raise ValueError(f"task id {task.id!r} appears twice in the plan")
            seen.add(task.id)


def plan_tasks(request: str, calls: Sequence[ToolCall]) -> Plan:
    """Decompose ``request`` into tasks from the model's tool ``calls``.

    Example: ``plan_tasks("compute 2+3 then search for x", calls).strategy == "parallel"``.
    """
    steps = read_request(request)
    same_shape = len(steps) == len(calls)
    tasks: list[Task] = []
    for index, call in enumerate(calls):
        task_id = f"t{index + 1}"
        arguments = dict(call.arguments)
        depends_on: tuple[str, ...] = ()
        if tasks and _refers_back(arguments):
            previous = tasks[-1].id
            arguments = _with_placeholders(arguments, placeholder(previous))
            depends_on = (previous,)
        description = steps[index].text if same_shape else f"call {call.name}"
        tasks.append(Task(task_id, description, call.name, arguments, call.id, depends_on))
    return Plan(tuple(tasks), _strategy(tasks), _confidence(len(steps), len(calls)), len(steps))


def _refers_back(arguments: dict[str, Any]) -> bool:
    return any(isinstance(value, str) and REFERENCE.search(value) for value in arguments.values())


def _with_placeholders(arguments: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        key: REFERENCE.sub(text, value) if isinstance(value, str) else value
        for key, value in arguments.items()
    }


def _strategy(tasks: Sequence[Task]) -> Strategy:
    dependent = [task for task in tasks[1:] if task.depends_on]
    if len(tasks) <= 1 or len(dependent) == len(tasks) - 1:
        return "sequential"
    return "mixed" if dependent else "parallel"


def _confidence(steps: int, calls: int) -> float:
    """High when every step of the request became a task, lower when the two disagree."""
    if calls == 0:
        return 0.3
    coverage = min(steps, calls) / max(steps, calls, 1)
    return round(0.5 + 0.45 * coverage, 2)
