"""Checking an executed plan before answering.

``basic`` checks the run itself (every task accounted for, dependencies
respected, results returnable as JSON); ``strict`` also wants every call to
succeed with a non-empty result and every request step to have a task.

Example::

    verification = verify(plan, outcomes, "strict")
    verification.passed, verification.count     # (True, 6)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from filagent.agent.executor import TaskOutcome
from filagent.agent.planner import Plan

Level = Literal["basic", "strict"]


@dataclass(frozen=True)
class Check:
    """One verification check and its result."""

    name: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class Verification:
    """All checks run at one level."""

    level: Level
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(check.passed for check in self.checks)

    @property
    def count(self) -> int:
        """How many checks ran."""
        return len(self.checks)

    @property
    def failures(self) -> list[Check]:
        """The checks that did not pass."""
        return [check for check in self.checks if not check.passed]


def verify(plan: Plan, outcomes: Sequence[TaskOutcome], level: Level = "basic") -> Verification:
    """Run the checks of ``level`` over ``plan`` and its ``outcomes``.

    Example: ``verify(plan, outcomes).passed`` is False when a task has no outcome.
    """
    by_id = {outcome.task.id: outcome for outcome in outcomes}
    checks = [_all_accounted(plan, by_id), _order_respected(by_id), _serialisable(outcomes)]
    if level == "strict":
        checks += [_all_succeeded(outcomes), _non_empty(outcomes), _steps_covered(plan)]
    return Verification(level, tuple(checks))


def _all_accounted(plan: Plan, by_id: dict[str, TaskOutcome]) -> Check:
    missing = [task.id for task in plan.tasks if task.id not in by_id]
    detail = f"no outcome for {', '.join(missing)}" if missing else ""
    return Check("every task has an outcome", not missing, detail)


def _order_respected(by_id: dict[str, TaskOutcome]) -> Check:
    early = [
        f"{outcome.task.id} started before {dep} finished"
        for outcome in by_id.values()
        if not outcome.skipped
        for dep in outcome.task.depends_on
        if dep in by_id and by_id[dep].finished_ns > outcome.started_ns
    ]
    return Check("dependencies finished first", not early, "; ".join(early))


def _serialisable(outcomes: Sequence[TaskOutcome]) -> Check:
    bad = []
    for outcome in outcomes:
        try:
            json.dumps(outcome.call.result)
        except (TypeError, ValueError):
            bad.append(outcome.task.id)
    detail = f"results of {', '.join(bad)} are not JSON" if bad else ""
    return Check("results are JSON", not bad, detail)


def _all_succeeded(outcomes: Sequence[TaskOutcome]) -> Check:
    failed = [outcome.task.id for outcome in outcomes if not outcome.call.success]
    detail = f"{', '.join(failed)} failed" if failed else ""
    return Check("every tool call succeeded", not failed, detail)


def _non_empty(outcomes: Sequence[TaskOutcome]) -> Check:
    empty = [
        outcome.task.id
        for outcome in outcomes
        if outcome.call.success and outcome.call.result in (None, "", [], {})
    ]
    detail = f"{', '.join(empty)} returned nothing" if empty else ""
    return Check("every result is non-empty", not empty, detail)


def _steps_covered(plan: Plan) -> Check:
    covered = len(plan.tasks) >= plan.step_count
    detail = "" if covered else f"{plan.step_count} steps but {len(plan.tasks)} tasks"
    return Check("every request step has a task", covered, detail)
