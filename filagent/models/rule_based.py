"""A deterministic rule-based chat model: no network, no weights.

It reads the last user message with :mod:`filagent.agent.intents` and asks for
the matching tool calls; once tool results follow that message, it answers with
a summary of them.  Token usage counts whitespace-separated words.

Example::

    model = RuleBasedModel()
    response = model.complete([ChatMessage("user", "compute 17*23")], [CalculatorTool().spec()])
    response.tool_calls[0].arguments   # {"expression": "17*23"}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from filagent.agent.intents import read_request
from filagent.models.base import ChatMessage, ModelResponse, ToolCall, Usage
from filagent.tools.base import ToolSpec

DEFAULT_NAME = "filagent-rule-1"
_PREVIEW_CHARS = 300
_LISTED_HITS = 3


class RuleBasedModel:
    """Maps arithmetic, "read file X", "search for X" and "use tool NAME with {...}" to tools."""

    def __init__(self, name: str = DEFAULT_NAME) -> None:
        self._name = name

    @property
    def name(self) -> str:
        """The model name, ``filagent-rule-1`` by default."""
        return self._name

    @property
    def provider(self) -> str:
        """``gen_ai.provider.name`` of this embedded model."""
        return "filagent"

    def complete(self, messages: Sequence[ChatMessage], tools: Sequence[ToolSpec]) -> ModelResponse:
        """Ask for tool calls, or summarise the tool results that answer the last user message."""
        results = _results_since_last_user(messages)
        if results:
            return self._answer(messages, _summary(results, _calls_by_id(messages)))
        request = next((m.content for m in reversed(messages) if m.role == "user"), "")
        steps = read_request(request)
        offered = {tool.name for tool in tools}
        first_id = sum(len(m.tool_calls) for m in messages) + 1
        calls: list[ToolCall] = []
        for step in steps:
            intent = step.intent
            if intent is not None and (intent.explicit or intent.tool in offered):
                call_id = f"call_{first_id + len(calls)}"
                calls.append(ToolCall(call_id, intent.tool, intent.arguments))
        if calls:
            output = sum(_words(json.dumps(call.arguments)) + 1 for call in calls)
            usage = Usage(_input_tokens(messages), output)
            return ModelResponse(self._name, "", tuple(calls), usage, "tool_calls")
        problems = [step.problem for step in steps if step.problem]
        return self._answer(messages, " ".join(problems) if problems else _help(tools))

    def _answer(self, messages: Sequence[ChatMessage], content: str) -> ModelResponse:
        usage = Usage(_input_tokens(messages), _words(content))
        return ModelResponse(self._name, content, (), usage, "stop")


def _results_since_last_user(messages: Sequence[ChatMessage]) -> list[ChatMessage]:
    results: list[ChatMessage] = []
    for message in reversed(messages):
        if message.role == "user":
            break
        if message.role == "tool" and message.tool_call_id:
            results.append(message)
    return results[::-1]


def _calls_by_id(messages: Sequence[ChatMessage]) -> dict[str, ToolCall]:
    return {call.id: call for message in messages for call in message.tool_calls}


def _summary(results: list[ChatMessage], calls: dict[str, ToolCall]) -> str:
    lines = [f"Results of {len(results)} tool call{'s' if len(results) > 1 else ''}:"]
    for message in results:
        call = calls.get(message.tool_call_id or "")
        name = message.name or (call.name if call else "tool")
        arguments = call.arguments if call else {}
        lines.append(f"- {_describe(name, arguments, message.content)}")
    return "\n".join(lines)


def _describe(tool: str, arguments: dict[str, Any], content: str) -> str:
    try:
        body = json.loads(content)
    except json.JSONDecodeError:
        body = {"result": content}
    if not isinstance(body, dict) or not ({"result", "error"} & body.keys()):
        body = {"result": body}
    if body.get("error") is not None:
        return f"{tool} failed: {body['error']}"
    result = body.get("result")
    if isinstance(result, list) and all(isinstance(hit, dict) and "title" in hit for hit in result):
        if not result:
            return f"{tool} found no results"
        shown = "; ".join(f"{hit['title']} ({hit.get('url', '')})" for hit in result[:_LISTED_HITS])
        return f"{tool} found {len(result)} result{'s' if len(result) > 1 else ''}: {shown}"
    if isinstance(result, dict) and "content" in result:
        text = str(result["content"])
        preview = text if len(text) <= _PREVIEW_CHARS else text[:_PREVIEW_CHARS] + "…"
        return f"{tool} read {result.get('path', 'the file')}:\n{preview}"
    if "expression" in arguments:
        return f"{tool}: {arguments['expression']} = {result}"
    return f"{tool}: {json.dumps(result, default=str)}"


def _help(tools: Sequence[ToolSpec]) -> str:
    if not tools:
        return "I found no task in your message, and no tools are available to me."
    listed = "; ".join(f"{tool.name} ({tool.description.rstrip('.')})" for tool in tools)
    return (
        f"I found no task I can do in your message. Available tools: {listed}. "
        "For example: 'compute 17*23 then search for opentelemetry'."
    )


def _words(text: str) -> int:
    return len(text.split())


def _input_tokens(messages: Sequence[ChatMessage]) -> int:
    total = 0
    for message in messages:
        total += _words(message.content)
        total += sum(_words(json.dumps(call.arguments)) + 1 for call in message.tool_calls)
    return total
