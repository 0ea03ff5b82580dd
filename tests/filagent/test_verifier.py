"""The verifier checks an executed plan at a basic or strict level."""

from __future__ import annotations

from typing import Any

from filagent.agent import Plan, Task, TaskOutcome, verify
from filagent.schemas import ToolCallResult


def task(task_id: str, depends_on: tuple[str, ...] = ()) -> Task:
    return Task(task_id, "step", "calculator", {}, f"call_{task_id}", depends_on)


def outcome(
    t: Task, start: int, end: int, *, result: Any = 1, error: str | None = None
) -> TaskOutcome:
    call = ToolCallResult(
        tool=t.tool, arguments={}, success=error is None, result=result, error=error
    )
    return TaskOutcome(t, call, start, end)


def test_basic_level_runs_three_checks_that_pass_on_a_clean_run() -> None:
    t1, t2 = task("t1"), task("t2", ("t1",))
    plan = Plan((t1, t2), "sequential", 0.95, step_count=2)
    verification = verify(plan, [outcome(t1, 0, 10), outcome(t2, 11, 20)])
    assert (verification.level, verification.count, verification.passed) == ("basic", 3, True)


def test_strict_level_runs_six_checks() -> None:
    t1 = task("t1")
    verification = verify(Plan((t1,), "sequential", 0.95, 1), [outcome(t1, 0, 1)], "strict")
    assert (verification.count, verification.passed) == (6, True)


def test_a_task_without_outcome_fails_verification() -> None:
    t1, t2 = task("t1"), task("t2")
    verification = verify(Plan((t1, t2), "parallel", 0.9), [outcome(t1, 0, 1)])
    assert [(c.name, c.detail) for c in verification.failures] == [
        ("every task has an outcome", "no outcome for t2")
    ]


def test_a_task_started_before_its_dependency_finished_fails_verification() -> None:
    t1, t2 = task("t1"), task("t2", ("t1",))
    verification = verify(
        Plan((t1, t2), "sequential", 0.9), [outcome(t1, 0, 10), outcome(t2, 5, 20)]
    )
    assert [c.detail for c in verification.failures] == ["t2 started before t1 finished"]


def test_failed_calls_pass_basic_but_fail_strict() -> None:
    t1 = task("t1")
    plan = Plan((t1,), "sequential", 0.95, 1)
    outcomes = [outcome(t1, 0, 1, result=None, error="division by zero")]
    assert verify(plan, outcomes, "basic").passed
    strict = verify(plan, outcomes, "strict")
    assert [(c.name, c.detail) for c in strict.failures] == [
        ("every tool call succeeded", "t1 failed")
    ]


def test_empty_results_fail_strict() -> None:
    t1 = task("t1")
    verification = verify(
        Plan((t1,), "sequential", 0.9, 1), [outcome(t1, 0, 1, result=[])], "strict"
    )
    assert [c.name for c in verification.failures] == ["every result is non-empty"]


def test_uncovered_steps_fail_strict() -> None:
    t1 = task("t1")
    verification = verify(Plan((t1,), "sequential", 0.7, 2), [outcome(t1, 0, 1)], "strict")
    assert [c.detail for c in verification.failures] == ["2 steps but 1 tasks"]


def test_results_that_are_not_json_fail_verification() -> None:
    t1 = task("t1")
    verification = verify(Plan((t1,), "sequential", 0.9), [outcome(t1, 0, 1, result={1, 2})])
    assert [c.name for c in verification.failures] == ["results are JSON"]
