"""Running a plan: independent tasks in parallel threads, dependent tasks after their inputs.

Each task is submitted inside a copy of the submitting thread's context
(``contextvars.copy_context().run``), so the spans a task opens keep the span
that was current at submission — ``agent.htn.execution`` — as their parent.

Example::

    outcomes = TaskExecutor(max_workers=4).run(plan, lambda task, args: tools.execute(...))
"""

from __future__ import annotations

import contextvars
import json
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from filagent.agent.planner import Plan, Task, placeholder
from filagent.schemas import ToolCallResult

RunTask = Callable[[Task, dict[str, Any]], ToolCallResult]


@dataclass(frozen=True)
class TaskOutcome:
    """What one task produced, and when it ran (``time.perf_counter_ns``)."""

    task: Task
    call: ToolCallResult
    started_ns: int
    finished_ns: int
    skipped: bool = False


class TaskExecutor:
    """Schedules a plan's tasks on a thread pool of ``max_workers`` threads."""

    def __init__(self, max_workers: int = 4) -> None:
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, found {max_workers}")
        self.max_workers = max_workers

    def run(self, plan: Plan, run_task: RunTask) -> list[TaskOutcome]:
        """Run every task once; outcomes come back in plan order.

        A task whose dependency failed is not run: its outcome is a failed call
        that names the failed dependency.
        """
        outcomes: dict[str, TaskOutcome] = {}
        pending = list(plan.tasks)
        running: dict[Future[TaskOutcome], Task] = {}
        with ThreadPoolExecutor(self.max_workers, thread_name_prefix="filagent-task") as pool:
            while pending or running:
                for task in [t for t in pending if all(d in outcomes for d in t.depends_on)]:
                    pending.remove(task)
                    failed = [d for d in task.depends_on if not outcomes[d].call.success]
                    if failed:
                        outcomes[task.id] = _skipped(task, failed)
                        continue
                    arguments = resolve_arguments(task, outcomes)
                    context = contextvars.copy_context()
                    future = pool.submit(context.run, _timed, run_task, task, arguments)
                    running[future] = task
                if not running:
                    continue
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    outcomes[running.pop(future).id] = future.result()
        return [outcomes[task.id] for task in plan.tasks]


def resolve_arguments(task: Task, outcomes: Mapping[str, TaskOutcome]) -> dict[str, Any]:
    """``task.arguments`` with each ``{{tN}}`` placeholder replaced by that task's result.

    Example: ``{"expression": "{{t1}} * 2"}`` becomes ``{"expression": "5 * 2"}`` after t1 gave 5.
    """
    arguments = dict(task.arguments)
    for dependency in task.depends_on:
        text = result_text(outcomes[dependency].call.result)
        arguments = {
            key: value.replace(placeholder(dependency), text) if isinstance(value, str) else value
            for key, value in arguments.items()
        }
    return arguments


def result_text(result: Any) -> str:
    """A tool result as text for a later task: numbers as digits, files as their content."""
    if isinstance(result, str):
        return result
    if isinstance(result, (int, float)) and not isinstance(result, bool):
        return str(result)
    if isinstance(result, dict) and "content" in result:
        return str(result["content"])
    if isinstance(result, list):
        return "; ".join(
            str(item["title"]) if isinstance(item, dict) and "title" in item else result_text(item)
            for item in result
        )
    return json.dumps(result, default=str)


def _timed(run_task: RunTask, task: Task, arguments: dict[str, Any]) -> TaskOutcome:
    started = time.perf_counter_ns()
    call = run_task(task, arguments)
    return TaskOutcome(task, call, started, time.perf_counter_ns())


def _skipped(task: Task, failed: list[str]) -> TaskOutcome:
    now = time.perf_counter_ns()
    error = f"not run: it needs the result of task {', '.join(failed)}, which failed"
    call = ToolCallResult(tool=task.tool, arguments=task.arguments, success=False, error=error)
    return TaskOutcome(task, call, now, now, skipped=True)
