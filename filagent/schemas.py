"""The HTTP API's request and response bodies."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Mode = Literal["auto", "simple", "htn"]
ExecutionMode = Literal["simple", "htn"]


class Message(BaseModel):
    """One chat message."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["system", "user", "assistant", "tool"]
    content: str


class ChatRequest(BaseModel):
    """Body of ``POST /chat``."""

    model_config = ConfigDict(extra="forbid")

    messages: list[Message] = Field(min_length=1)
    conversation_id: str | None = Field(default=None, min_length=1, max_length=128)
    user_id: str | None = Field(default=None, min_length=1, max_length=256)
    mode: Mode = "auto"


class ToolCallResult(BaseModel):
    """One tool call the agent made, successful or not."""

    tool: str
    arguments: dict[str, Any]
    success: bool
    result: Any | None = None
    error: str | None = None


class ChatResponse(BaseModel):
    """Body returned by ``POST /chat``."""

    conversation_id: str
    task_id: str
    mode: ExecutionMode
    message: Message
    tool_calls: list[ToolCallResult]
    trace_id: str
