"""The HTTP API's request and response bodies."""

from __future__ import annotations

import re
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: What a ``conversation_id`` may hold: an id alphabet (UUIDs, ULIDs, ``conv-42``).
CONVERSATION_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]+")
CONVERSATION_ID_EXPECTED: Final = "expected letters, digits, '_' or '-' only (an id, not text)"

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
    #: An id, not text: letters, digits, '_' and '-' only (see ``CONVERSATION_ID_PATTERN``).
    conversation_id: str | None = Field(default=None, min_length=1, max_length=128)
    user_id: str | None = Field(default=None, min_length=1, max_length=256)
    mode: Mode = "auto"

    @field_validator("conversation_id")
    @classmethod
    def _an_id(cls, value: str | None) -> str | None:
        # Spans, logs and records carry it verbatim: an e-mail or a card must not fit.
        if value is not None and not CONVERSATION_ID_PATTERN.fullmatch(value):
            raise ValueError(CONVERSATION_ID_EXPECTED)
        return value


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
