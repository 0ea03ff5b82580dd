"""The tools an agent may call, and the one place where tool calls are run and traced.

Example::

    registry = ToolRegistry([CalculatorTool()])
    executor = ToolExecutor(registry, tracer)
    call = executor.execute("calculator", {"expression": "17*23"},
                            conversation_id="c1", task_id="t1")
    assert call.success and call.result == 391
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from filagent.encodable import encodable, encodable_text
from filagent.schemas import ToolCallResult
from filagent.telemetry import names
from filagent.telemetry.tracing import AttributeValue, SpanRecorder, Tracer
from filagent.tools.base import Tool, ToolError, ToolSpec

ToolCallHook = Callable[[str, bool], None]

#: What a call to an unregistered tool is reported as: in span names and attributes,
#: metric labels and decision records. The requested name is request text (and
#: unbounded), so it never becomes a name or a label.
UNKNOWN_TOOL = "unknown"


class UnknownToolError(LookupError):
    """The requested tool is not registered."""


class ToolArgumentsError(ValueError):
    """The arguments do not match the tool's schema."""


class ToolRegistry:
    """Tools by name, in registration order."""

    def __init__(self, tools: Iterable[Tool[Any]] = ()) -> None:
        self._tools: dict[str, Tool[Any]] = {}
        for tool in tools:
            self.register(tool)

    def register(self, tool: Tool[Any]) -> None:
        """Add a tool; a second tool with the same name is refused."""
        if tool.name in self._tools:
            msg = f"a tool named {tool.name!r} is already registered"
            raise ValueError(msg)
        self._tools[tool.name] = tool

    def get(self, name: str) -> Tool[Any] | None:
        """The tool called ``name``, or ``None``."""
        return self._tools.get(name)

    @property
    def names(self) -> list[str]:
        """Registered tool names, e.g. ``["calculator", "file_read", "web_search"]``."""
        return list(self._tools)

    def specs(self) -> list[ToolSpec]:
        """What a model is offered: one :class:`ToolSpec` per tool."""
        return [tool.spec() for tool in self._tools.values()]

    def label(self, name: str) -> str:
        """The name a call to ``name`` is reported under: itself if registered, else ``unknown``.

        Example: ``ToolRegistry([CalculatorTool()]).label("rm -rf")`` is ``"unknown"``.
        """
        return name if name in self._tools else UNKNOWN_TOOL

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[Tool[Any]]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)


class ToolExecutor:
    """Validates, runs and traces tool calls; a failed call is a result, never an exception.

    ``on_call(tool, success)`` is called after every call (metrics use it).
    """

    def __init__(
        self, registry: ToolRegistry, tracer: Tracer, *, on_call: ToolCallHook | None = None
    ) -> None:
        self.registry = registry
        self._tracer = tracer
        self._on_call = on_call

    def specs(self) -> list[ToolSpec]:
        """The registry's tool specs, as offered to models."""
        return self.registry.specs()

    def execute(
        self,
        name: str,
        arguments: Mapping[str, Any],
        *,
        conversation_id: str,
        task_id: str,
        call_id: str | None = None,
    ) -> ToolCallResult:
        """Run one call inside a ``tool.execute.{name}`` span.

        Example: ``executor.execute("calculator", {"expression": "1/0"}, conversation_id="c",
        task_id="t")`` returns ``ToolCallResult(success=False, error="division by zero ...")``.

        The name, the arguments, the result and the error are made encodable (lone
        surrogates become U+FFFD): they reach the JSON response and the records.
        """
        name = encodable_text(name)
        arguments = encodable(dict(arguments))
        span_tool = self.registry.label(name)
        attributes: dict[str, AttributeValue] = {
            names.TOOL_NAME: span_tool,
            names.GEN_AI_TOOL_NAME: span_tool,
            names.GEN_AI_OPERATION_NAME: names.OPERATION_EXECUTE_TOOL,
            names.GEN_AI_TOOL_TYPE: "function",
            names.CONVERSATION_ID: conversation_id,
            names.TASK_ID: task_id,
        }
        if call_id:
            attributes[names.GEN_AI_TOOL_CALL_ID] = call_id
        started = time.perf_counter()
        with self._tracer.span(names.tool_span_name(span_tool), attributes=attributes) as span:
            result = self._validate_and_run(name, dict(arguments), span)
            span.set_attribute(names.TOOL_DURATION_MS, (time.perf_counter() - started) * 1000)
        if self._on_call is not None:
            self._on_call(name, result.success)
        return result

    def _validate_and_run(
        self, name: str, arguments: dict[str, Any], span: SpanRecorder
    ) -> ToolCallResult:
        failed = ToolCallResult(tool=name, arguments=arguments, success=False)
        tool = self.registry.get(name)
        if tool is None:
            known = ", ".join(self.registry.names) or "none"
            # The requested name is not quoted: it is request text, and this
            # message reaches spans and decision records (the response's
            # tool_calls still show what was asked).
            error: Exception = UnknownToolError(f"unknown tool: expected one of {known}")
            return self._fail(failed, span, error, validation=False)
        try:
            args = tool.args_model.model_validate(arguments)
        except ValidationError as exc:
            error = ToolArgumentsError(_describe_validation(name, exc))
            return self._fail(failed, span, error, validation=False)
        span.set_attribute(names.TOOL_VALIDATION_SUCCESS, True)
        try:
            value = tool.run(args)
        except ToolError as exc:
            return self._fail(failed, span, exc, validation=True)
        except Exception as exc:  # noqa: BLE001 - a tool bug must become a failed call, not a 500
            message = f"tool {name!r} failed unexpectedly: {type(exc).__name__}: {exc}"
            return self._fail(failed, span, exc, validation=True, message=message)
        span.set_attribute(names.TOOL_EXECUTION_SUCCESS, True)
        return ToolCallResult(tool=name, arguments=arguments, success=True, result=encodable(value))

    @staticmethod
    def _fail(
        failed: ToolCallResult,
        span: SpanRecorder,
        error: Exception,
        *,
        validation: bool,
        message: str | None = None,
    ) -> ToolCallResult:
        span.set_attribute(names.TOOL_VALIDATION_SUCCESS, validation)
        span.set_attribute(names.TOOL_EXECUTION_SUCCESS, False)
        span.record_error(error)
        failed.error = encodable_text(message or str(error))
        return failed


def _describe_validation(tool: str, exc: ValidationError) -> str:
    """``invalid arguments for tool 'calculator': field 'expression': Field required ...``."""
    problems = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "(arguments)"
        found = "nothing" if error["type"] == "missing" else type(error["input"]).__name__
        problems.append(f"field {field!r}: {error['msg']} (found {found})")
    return f"invalid arguments for tool {tool!r}: " + "; ".join(problems)
