"""A chat-completions client for OpenAI-compatible servers, over httpx, with tool calling.

Works with any server speaking ``POST {base_url}/chat/completions`` (OpenAI,
vLLM, llama.cpp, Ollama's OpenAI endpoint ...).  The API key goes in the
``Authorization: Bearer`` header and nowhere else: not in errors, logs or repr.

Example::

    model = OpenAICompatibleModel("gpt-4o-mini", base_url="http://127.0.0.1:8080/v1",
                                  api_key=None, http_client=httpx.Client())
    model.complete([ChatMessage("user", "compute 2+3")], [CalculatorTool().spec()])
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ValidationError

from filagent.models.base import ChatMessage, ModelError, ModelResponse, ToolCall, Usage
from filagent.tools.base import ToolSpec
from filagent.upstream import call_upstream

_SNIPPET_CHARS = 200


class _Function(BaseModel):
    name: str
    arguments: str = "{}"


class _ToolCall(BaseModel):
    id: str
    function: _Function


class _Message(BaseModel):
    content: str | None = None
    tool_calls: list[_ToolCall] | None = None


class _Choice(BaseModel):
    message: _Message
    finish_reason: str | None = None


class _Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class _Completion(BaseModel):
    model: str | None = None
    choices: list[_Choice]
    usage: _Usage | None = None


class OpenAICompatibleModel:
    """Chat completions with function calling against ``base_url``."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str,
        api_key: str | None,
        http_client: httpx.Client,
        timeout: float = 60.0,
    ) -> None:
        self._model = model
        self.url = base_url.rstrip("/") + "/chat/completions"
        self._api_key = api_key
        self._client = http_client
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"OpenAICompatibleModel({self._model!r}, url={self.url!r})"

    @property
    def name(self) -> str:
        """The model requested, e.g. ``gpt-4o-mini``."""
        return self._model

    @property
    def provider(self) -> str:
        """``gen_ai.provider.name`` for OpenAI-compatible APIs."""
        return "openai"

    def complete(self, messages: Sequence[ChatMessage], tools: Sequence[ToolSpec]) -> ModelResponse:
        """POST the conversation; raise :class:`ModelError` naming the URL and the problem."""
        payload: dict[str, Any] = {
            "model": self._model,
            "messages": [_wire_message(message) for message in messages],
        }
        if tools:
            payload["tools"] = [_wire_tool(tool) for tool in tools]
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        response = self._post(payload, headers)
        return self._parse(response)

    def _post(self, payload: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        return call_upstream(
            lambda: self._client.post(
                self.url, json=payload, headers=headers, timeout=self._timeout
            ),
            service=f"the model endpoint {self.url}",
            timeout=self._timeout,
            error=ModelError,
            detail=lambda response: _snippet(response.text),
        )

    def _parse(self, response: httpx.Response) -> ModelResponse:
        try:
            completion = _Completion.model_validate_json(response.content)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(part) for part in problem["loc"]) or "body"
            # No body excerpt here: a half-valid completion may hold conversation text.
            kind = response.headers.get("content-type", "no content-type")
            msg = (
                f"the model endpoint {self.url} answered a body that is not a chat completion: "
                f"{problem['msg']} at {where!r} (found {kind}, {len(response.content)} bytes)"
            )
            raise ModelError(msg) from None
        if not completion.choices:
            msg = f"the model endpoint {self.url} answered no choices; expected at least one"
            raise ModelError(msg)
        choice = completion.choices[0]
        calls = tuple(self._tool_call(call) for call in choice.message.tool_calls or [])
        usage = completion.usage or _Usage()
        return ModelResponse(
            model=completion.model or self._model,
            content=choice.message.content or "",
            tool_calls=calls,
            usage=Usage(usage.prompt_tokens, usage.completion_tokens),
            finish_reason=choice.finish_reason or ("tool_calls" if calls else "stop"),
        )

    def _tool_call(self, call: _ToolCall) -> ToolCall:
        try:
            arguments = json.loads(call.function.arguments or "{}")
        except json.JSONDecodeError as exc:
            msg = (
                f"the model endpoint {self.url} sent arguments for tool call {call.id!r} "
                f"({call.function.name}) that are not JSON: {exc.msg} at column {exc.colno}"
            )
            raise ModelError(msg) from None
        if not isinstance(arguments, dict):
            msg = (
                f"the model endpoint {self.url} sent arguments for tool call {call.id!r} "
                f"({call.function.name}) as a JSON {type(arguments).__name__}; "
                "expected a JSON object"
            )
            raise ModelError(msg)
        return ToolCall(call.id, call.function.name, arguments)


def _wire_message(message: ChatMessage) -> dict[str, Any]:
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.content}
    wire: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.tool_calls:
        wire["content"] = message.content or None
        wire["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for call in message.tool_calls
        ]
    return wire


def _wire_tool(tool: ToolSpec) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.parameters,
        },
    }


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return "an empty body"
    return repr(text if len(text) <= _SNIPPET_CHARS else text[:_SNIPPET_CHARS] + "…")
