"""The HTN planner turns tool calls into tasks with dependencies, a strategy and a confidence."""

from __future__ import annotations

import pytest

from filagent.agent import Plan, Task, plan_tasks
from filagent.models import ToolCall


def calc(call_id: str, expression: str) -> ToolCall:
    return ToolCall(call_id, "calculator", {"expression": expression})


def search(call_id: str, query: str) -> ToolCall:
    return ToolCall(call_id, "web_search", {"query": query})


def test_each_tool_call_becomes_a_task_described_by_its_step() -> None:
    plan = plan_tasks(
        "compute 17*23 then search for opentelemetry",
        [calc("call_1", "17*23"), search("call_2", "opentelemetry")],
    )
    assert plan.tasks == (
        Task("t1", "compute 17*23", "calculator", {"expression": "17*23"}, "call_1"),
        Task("t2", "search for opentelemetry", "web_search", {"query": "opentelemetry"}, "call_2"),
    )


def test_independent_tasks_make_a_parallel_plan() -> None:
    plan = plan_tasks("compute 1+1 then search for x", [calc("c1", "1+1"), search("c2", "x")])
    assert plan.strategy == "parallel"
    assert all(not task.depends_on for task in plan.tasks)


def test_a_reference_to_the_result_makes_a_dependency_and_a_placeholder() -> None:
    plan = plan_tasks(
        "compute 2+3 then compute the result * 2",
        [calc("c1", "2+3"), calc("c2", "the result * 2")],
    )
    assert plan.tasks[1].depends_on == ("t1",)
    assert plan.tasks[1].arguments == {"expression": "{{t1}} * 2"}
    assert plan.strategy == "sequential"


def test_some_dependent_tasks_make_a_mixed_plan() -> None:
    plan = plan_tasks(
        "compute 1+1; compute 2+2; search for the result",
        [calc("c1", "1+1"), calc("c2", "2+2"), search("c3", "the result")],
    )
    assert [task.depends_on for task in plan.tasks] == [(), (), ("t2",)]
    assert plan.strategy == "mixed"


def test_a_reference_in_the_first_task_has_nothing_to_depend_on() -> None:
    plan = plan_tasks("compute the result", [calc("c1", "the result")])
    assert plan.tasks[0].depends_on == ()
    assert plan.tasks[0].arguments == {"expression": "the result"}


def test_one_task_is_sequential() -> None:
    assert plan_tasks("compute 1+1", [calc("c1", "1+1")]).strategy == "sequential"


def test_confidence_is_high_when_every_step_became_a_task() -> None:
    plan = plan_tasks("compute 1+1 then search for x", [calc("c1", "1+1"), search("c2", "x")])
    assert plan.confidence == 0.95


def test_confidence_drops_when_steps_and_tasks_disagree() -> None:
    plan = plan_tasks("compute 1+1 then say thanks", [calc("c1", "1+1")])
    assert plan.confidence == 0.72
    assert plan.tasks[0].description == "call calculator"


def test_no_tool_calls_give_an_empty_plan_with_low_confidence() -> None:
    plan = plan_tasks("hello", [])
    assert (plan.tasks, plan.confidence, plan.step_count) == ((), 0.3, 1)


def test_a_plan_refuses_dependencies_on_later_or_unknown_tasks() -> None:
    task = Task("t1", "d", "calculator", {}, "c1", depends_on=("t2",))
    with pytest.raises(ValueError, match=r"task 't1' depends on \['t2'\], expected ids of earlier"):
        Plan((task,), "sequential", 1.0)


def test_a_plan_refuses_duplicate_task_ids() -> None:
    task = Task("t1", "d", "calculator", {}, "c1")
    with pytest.raises(ValueError, match="task id 't1' appears twice"):
        Plan((task, task), "parallel", 1.0)
