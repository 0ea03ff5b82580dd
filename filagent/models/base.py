"""The chat-model interface every backend implements, and the span around each call.

A backend only turns messages (and the tools on offer) into a :class:`ModelResponse`;
:func:`traced_complete` wraps any backend in the GenAI ``chat {model}`` CLIENT span.

Example::

    response = traced_complete(model, tracer, [ChatMessage("user", "compute 2+3")], specs)
    response.tool_calls   # [ToolCall(id="call_1", name="calculator", arguments={...})]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from filagent.encodable import encodable, encodable_text
from filagent.schemas import ToolCallResult
from filagent.telemetry import names
from filagent.telemetry.tracing import Tracer
from filagent.tools.base import ToolSpec

Role = Literal["system", "user", "assistant", "tool"]


class ModelError(Exception):
    """The model backend failed: unreachable, an HTTP error, or a body it could not read."""


@dataclass(frozen=True)
class ToolCall:
    """A model's request to call one tool."""

    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ChatMessage:
    """One message of a model conversation, including tool calls and tool results.

    ``tool_call_id`` and ``name`` are set on ``tool`` messages (the call answered,
    the tool's name); ``tool_calls`` on ``assistant`` messages that requested tools.
    """

    role: Role
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Usage:
    """Tokens read and written by one call."""

    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class ModelResponse:
    """What a model answered: text, tool calls, or both."""

    model: str
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage = field(default_factory=Usage)
    finish_reason: str = "stop"


def tool_result_message(call_id: str, outcome: ToolCallResult) -> ChatMessage:
    """The ``tool`` message answering ``call_id``: ``{"result": ...}`` or ``{"error": ...}``.

    Example: ``tool_result_message("call_1", ToolCallResult(tool="calculator", arguments={},
    success=True, result=391)).content == '{"result": 391}'``.
    """
    body = {"result": outcome.result} if outcome.success else {"error": outcome.error}
    return ChatMessage(
        "tool", json.dumps(body, default=str), tool_call_id=call_id, name=outcome.tool
    )


class ChatModel(Protocol):
    """A chat-completion backend."""

    @property
    def name(self) -> str:
        """The model name requested, e.g. ``"filagent-rule-1"`` or ``"gpt-4o-mini"``."""

    @property
    def provider(self) -> str:
        """``gen_ai.provider.name``, e.g. ``"openai"``."""

    def complete(self, messages: Sequence[ChatMessage], tools: Sequence[ToolSpec]) -> ModelResponse:
        """Answer the conversation; may request calls of the offered tools."""


def traced_complete(
    model: ChatModel,
    tracer: Tracer,
    messages: Sequence[ChatMessage],
    tools: Sequence[ToolSpec],
) -> ModelResponse:
    """Call ``model.complete`` inside a ``chat {model}`` CLIENT span with usage attributes.

    No message content is recorded. A :class:`ModelError` marks the span ERROR and propagates.
    The response's strings are made encodable (lone surrogates become U+FFFD).

    Example: ``traced_complete(RuleBasedModel(), tracer, messages, specs).usage.input_tokens``.
    """
    attributes: dict[str, str] = {
        names.GEN_AI_OPERATION_NAME: names.OPERATION_CHAT,
        names.GEN_AI_PROVIDER_NAME: model.provider,
        names.GEN_AI_REQUEST_MODEL: model.name,
    }
    with tracer.span(
        names.chat_span_name(model.name), kind="client", attributes=attributes
    ) as span:
        response = encodable_response(model.complete(messages, tools))
        span.set_attributes(
            {
                names.GEN_AI_RESPONSE_MODEL: response.model,
                names.GEN_AI_USAGE_INPUT_TOKENS: response.usage.input_tokens,
                names.GEN_AI_USAGE_OUTPUT_TOKENS: response.usage.output_tokens,
                names.GEN_AI_RESPONSE_FINISH_REASONS: [response.finish_reason],
            }
        )
    return response


def encodable_response(response: ModelResponse) -> ModelResponse:
    """``response`` with its text, tool names and arguments made encodable."""
    calls = tuple(
        ToolCall(
            id=encodable_text(call.id),
            name=encodable_text(call.name),
            arguments=encodable(call.arguments),
        )
        for call in response.tool_calls
    )
    return replace(
        response,
        model=encodable_text(response.model),
        content=encodable_text(response.content),
        tool_calls=calls,
        finish_reason=encodable_text(response.finish_reason),
    )
