"""Tool calls are validated, run and traced; plans run their independent tasks in parallel."""

from __future__ import annotations

import itertools
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import BaseModel, ConfigDict

from filagent.agent import Plan, Task, TaskExecutor, resolve_arguments, result_text
from filagent.schemas import ToolCallResult
from filagent.tools import CalculatorTool, Tool, ToolExecutor, ToolRegistry

if TYPE_CHECKING:
    from filagent.telemetry.tracing import Tracer
    from tests.helpers.spans import Spans


class WaitArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str


class RendezvousTool(Tool[WaitArgs]):
    """Returns only once ``parties`` calls are running at the same time."""

    name = "rendezvous"
    description = "Wait for the other calls."
    args_model = WaitArgs

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=5)
        self.threads: list[str] = []

    def run(self, args: WaitArgs) -> str:
        self.threads.append(threading.current_thread().name)
        self.barrier.wait()
        return args.label


class BrokenTool(Tool[WaitArgs]):
    name = "broken"
    description = "Fails with a bug."
    args_model = WaitArgs

    def run(self, args: WaitArgs) -> str:
        raise RuntimeError("bug in the tool")


def task(task_id: str, tool: str, arguments: dict[str, Any], *deps: str) -> Task:
    return Task(task_id, "step", tool, arguments, f"call_{task_id}", deps)


def execute(executor: ToolExecutor, name: str, arguments: dict[str, Any]) -> ToolCallResult:
    return executor.execute(name, arguments, conversation_id="conv-1", task_id="task-1")


# --- ToolExecutor ---------------------------------------------------------------------


def test_successful_call_span_carries_the_contract_attributes(tracer: Tracer, spans: Spans) -> None:
    executor = ToolExecutor(ToolRegistry([CalculatorTool()]), tracer)

    call = executor.execute(
        "calculator", {"expression": "17*23"}, conversation_id="c", task_id="t", call_id="call_9"
    )

    assert call == ToolCallResult(
        tool="calculator", arguments={"expression": "17*23"}, success=True, result=391
    )
    span = spans.one("tool.execute.calculator")
    assert span.status.status_code.name == "UNSET"
    attributes = dict(span.attributes or {})
    duration = attributes.pop("tool.duration_ms")
    assert isinstance(duration, float)
    assert duration >= 0
    assert attributes == {
        "tool.name": "calculator",
        "gen_ai.tool.name": "calculator",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.type": "function",
        "gen_ai.tool.call.id": "call_9",
        "conversation_id": "c",
        "task_id": "t",
        "tool.validation.success": True,
        "tool.execution.success": True,
    }


def test_unknown_tool_is_a_failed_call_and_an_error_span(tracer: Tracer, spans: Spans) -> None:
    executor = ToolExecutor(ToolRegistry([CalculatorTool()]), tracer)

    call = execute(executor, "teleport", {"to": "mars"})

    assert not call.success
    assert call.error == "unknown tool: expected one of calculator"
    span = spans.one("tool.execute.unknown")
    assert span.status.status_code.name == "ERROR"
    assert span.attributes is not None
    assert span.attributes["error.type"] == "UnknownToolError"
    assert span.attributes["tool.validation.success"] is False
    assert span.attributes["tool.execution.success"] is False
    assert [event.name for event in span.events] == ["exception"]


def test_tool_names_unfit_for_a_span_name_are_replaced(tracer: Tracer, spans: Spans) -> None:
    executor = ToolExecutor(ToolRegistry([CalculatorTool()]), tracer)
    call = execute(executor, "rm -rf /; echo", {})
    assert call.error == "unknown tool: expected one of calculator"
    assert spans.one("tool.execute.unknown").status.status_code.name == "ERROR"


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({}, "field 'expression': Field required (found nothing)"),
        ({"expression": 12}, "field 'expression': Input should be a valid string (found int)"),
        ({"expression": ""}, "field 'expression': String should have at least 1 character"),
        (
            {"expression": "1", "extra": True},
            "field 'extra': Extra inputs are not permitted (found bool)",
        ),
    ],
)
def test_invalid_arguments_name_the_field(
    tracer: Tracer, spans: Spans, arguments: dict[str, Any], problem: str
) -> None:
    executor = ToolExecutor(ToolRegistry([CalculatorTool()]), tracer)

    call = execute(executor, "calculator", arguments)

    assert call.error is not None
    assert call.error.startswith("invalid arguments for tool 'calculator': ")
    assert problem in call.error
    span = spans.one("tool.execute.calculator")
    assert span.attributes is not None
    assert span.attributes["error.type"] == "ToolArgumentsError"
    assert span.attributes["tool.validation.success"] is False


def test_a_tool_error_is_a_failed_execution(tracer: Tracer, spans: Spans) -> None:
    executor = ToolExecutor(ToolRegistry([CalculatorTool()]), tracer)

    call = execute(executor, "calculator", {"expression": "1/0"})

    assert (call.success, call.error) == (False, "division by zero is undefined")
    span = spans.one("tool.execute.calculator")
    assert span.attributes is not None
    assert span.attributes["tool.validation.success"] is True
    assert span.attributes["tool.execution.success"] is False
    assert span.attributes["error.type"] == "ToolError"
    assert span.events[0].attributes is not None
    assert span.events[0].attributes["exception.message"] == "division by zero is undefined"


def test_a_bug_in_a_tool_is_a_failed_call_not_an_exception(tracer: Tracer, spans: Spans) -> None:
    executor = ToolExecutor(ToolRegistry([BrokenTool()]), tracer)

    call = execute(executor, "broken", {"label": "x"})

    assert call.error == "tool 'broken' failed unexpectedly: RuntimeError: bug in the tool"
    span = spans.one("tool.execute.broken")
    assert span.attributes is not None
    assert span.attributes["error.type"] == "RuntimeError"


def test_arguments_and_results_stay_out_of_spans(tracer: Tracer, spans: Spans) -> None:
    executor = ToolExecutor(ToolRegistry([CalculatorTool()]), tracer)
    execute(executor, "calculator", {"expression": "123456 + 654321"})
    execute(executor, "calculator", {"expression": "123456 / 0"})
    for span in spans.all():
        recorded = [*(span.attributes or {}).values()]
        recorded += [value for event in span.events for value in (event.attributes or {}).values()]
        recorded.append(span.status.description or "")
        assert not [value for value in recorded if "123456" in str(value)], span.name
        assert not [value for value in recorded if "777777" in str(value)], span.name


def test_on_call_hears_every_call(tracer: Tracer) -> None:
    heard: list[tuple[str, bool]] = []
    executor = ToolExecutor(
        ToolRegistry([CalculatorTool()]), tracer, on_call=lambda t, ok: heard.append((t, ok))
    )
    execute(executor, "calculator", {"expression": "1+1"})
    execute(executor, "calculator", {"expression": "1/0"})
    execute(executor, "nope", {})
    assert heard == [("calculator", True), ("calculator", False), ("nope", False)]


def test_registry_refuses_two_tools_with_one_name() -> None:
    with pytest.raises(ValueError, match="a tool named 'calculator' is already registered"):
        ToolRegistry([CalculatorTool(), CalculatorTool()])


# --- TaskExecutor ---------------------------------------------------------------------


def test_independent_tasks_run_at_the_same_time_in_worker_threads(
    tracer: Tracer, spans: Spans
) -> None:
    rendezvous = RendezvousTool(parties=3)
    tools = ToolExecutor(ToolRegistry([rendezvous]), tracer)
    plan = Plan(
        tuple(task(f"t{i}", "rendezvous", {"label": str(i)}) for i in (1, 2, 3)), "parallel", 0.9
    )

    with tracer.span("agent.htn.execution"):
        outcomes = TaskExecutor(max_workers=3).run(
            plan, lambda t, args: execute(tools, t.tool, args)
        )

    assert [o.call.result for o in outcomes] == ["1", "2", "3"]
    assert len(set(rendezvous.threads)) == 3
    assert threading.current_thread().name not in rendezvous.threads


def test_spans_opened_in_worker_threads_keep_the_execution_span_as_parent(
    tracer: Tracer, spans: Spans
) -> None:
    tools = ToolExecutor(ToolRegistry([RendezvousTool(parties=2)]), tracer)
    plan = Plan(
        (task("t1", "rendezvous", {"label": "a"}), task("t2", "rendezvous", {"label": "b"})),
        "parallel",
        0.9,
    )

    with tracer.span("agent.run_with_htn"), tracer.span("agent.htn.execution"):
        TaskExecutor(max_workers=2).run(plan, lambda t, args: execute(tools, t.tool, args))

    tool_spans = spans.named("tool.execute.rendezvous")
    assert len(tool_spans) == 2
    assert {spans.parent_name(span) for span in tool_spans} == {"agent.htn.execution"}
    execution = spans.one("agent.htn.execution")
    assert execution.context is not None
    assert {s.context.trace_id for s in tool_spans if s.context} == {execution.context.trace_id}


def test_dependent_task_waits_and_receives_the_result() -> None:
    order: list[str] = []

    def run(t: Task, arguments: dict[str, Any]) -> ToolCallResult:
        order.append(f"start {t.id}")
        time.sleep(0.05)
        order.append(f"end {t.id}")
        value = "5" if t.id == "t1" else arguments["expression"]
        return ToolCallResult(tool=t.tool, arguments=arguments, success=True, result=value)

    plan = Plan(
        (
            task("t1", "calculator", {"expression": "2+3"}),
            task("t2", "calculator", {"expression": "{{t1}} * 2"}, "t1"),
        ),
        "sequential",
        0.95,
    )
    outcomes = TaskExecutor(max_workers=4).run(plan, run)

    assert order == ["start t1", "end t1", "start t2", "end t2"]
    assert outcomes[1].call.arguments == {"expression": "5 * 2"}
    assert outcomes[1].started_ns >= outcomes[0].finished_ns


def test_a_task_whose_dependency_failed_is_skipped() -> None:
    ran: list[str] = []

    def run(t: Task, arguments: dict[str, Any]) -> ToolCallResult:
        ran.append(t.id)
        return ToolCallResult(tool=t.tool, arguments=arguments, success=False, error="boom")

    plan = Plan(
        (
            task("t1", "calculator", {"expression": "1/0"}),
            task("t2", "calculator", {"expression": "{{t1}} + 1"}, "t1"),
            task("t3", "calculator", {"expression": "{{t2}} + 1"}, "t2"),
        ),
        "sequential",
        0.95,
    )
    outcomes = TaskExecutor().run(plan, run)

    assert ran == ["t1"]
    assert [o.skipped for o in outcomes] == [False, True, True]
    assert outcomes[1].call.error == "not run: it needs the result of task t1, which failed"
    assert outcomes[2].call.error == "not run: it needs the result of task t2, which failed"


def test_one_worker_runs_tasks_one_after_another() -> None:
    def run(t: Task, arguments: dict[str, Any]) -> ToolCallResult:
        time.sleep(0.01)
        return ToolCallResult(tool=t.tool, arguments=arguments, success=True, result=1)

    plan = Plan(tuple(task(f"t{i}", "x", {}) for i in (1, 2, 3)), "parallel", 0.9)
    outcomes = TaskExecutor(max_workers=1).run(plan, run)
    for before, after in itertools.pairwise(outcomes):
        assert after.started_ns >= before.finished_ns


def test_outcomes_come_back_in_plan_order() -> None:
    def run(t: Task, arguments: dict[str, Any]) -> ToolCallResult:
        time.sleep(0.05 if t.id == "t1" else 0)
        return ToolCallResult(tool=t.tool, arguments=arguments, success=True, result=t.id)

    plan = Plan((task("t1", "x", {}), task("t2", "x", {})), "parallel", 0.9)
    assert [o.call.result for o in TaskExecutor().run(plan, run)] == ["t1", "t2"]


def test_empty_plan_gives_no_outcomes() -> None:
    assert (
        TaskExecutor().run(Plan((), "sequential", 0.3), lambda t, a: pytest.fail("no task to run"))
        == []
    )


def test_max_workers_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_workers must be at least 1, found 0"):
        TaskExecutor(max_workers=0)


@pytest.mark.parametrize(
    ("result", "text"),
    [
        (391, "391"),
        (2.5, "2.5"),
        ("plain", "plain"),
        ({"path": "a.txt", "content": "file text"}, "file text"),
        ([{"title": "A", "url": "u"}, {"title": "B", "url": "v"}], "A; B"),
        (True, "true"),
        (None, "null"),
    ],
)
def test_result_text(result: Any, text: str) -> None:
    assert result_text(result) == text


def test_resolve_arguments_fills_only_declared_dependencies() -> None:
    done = ToolCallResult(tool="calculator", arguments={}, success=True, result=5)
    t1 = task("t1", "calculator", {})
    t2 = task("t2", "calculator", {"expression": "{{t1}} + {{t9}}", "n": 3}, "t1")
    from filagent.agent import TaskOutcome

    resolved = resolve_arguments(t2, {"t1": TaskOutcome(t1, done, 0, 1)})
    assert resolved == {"expression": "5 + {{t9}}", "n": 3}
