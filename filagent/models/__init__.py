"""FilAgent's chat models: the embedded rule-based model and an OpenAI-compatible client.

Example::

    model = build_model("rule", base_url=None, api_key=None, http_client=httpx.Client())
    model = build_model("openai:gpt-4o-mini", base_url="http://127.0.0.1:8080/v1",
                        api_key="...", http_client=httpx.Client())
"""

from __future__ import annotations

import httpx

from filagent.models.base import (
    ChatMessage,
    ChatModel,
    ModelError,
    ModelResponse,
    ToolCall,
    Usage,
    tool_result_message,
    traced_complete,
)
from filagent.models.openai_compat import OpenAICompatibleModel
from filagent.models.rule_based import RuleBasedModel

__all__ = [
    "DEFAULT_OPENAI_BASE_URL",
    "ChatMessage",
    "ChatModel",
    "ModelError",
    "ModelResponse",
    "ModelSpecError",
    "OpenAICompatibleModel",
    "RuleBasedModel",
    "ToolCall",
    "Usage",
    "build_model",
    "tool_result_message",
    "traced_complete",
]

DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"


class ModelSpecError(ValueError):
    """A model spec that is neither ``rule`` nor ``openai:<model>``."""


def build_model(
    spec: str,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    http_client: httpx.Client,
) -> ChatModel:
    """The model named by ``spec``: ``"rule"`` (default) or ``"openai:<model>"``.

    Example: ``build_model("openai:gpt-4o-mini", base_url=url, api_key=None,
    http_client=client).name == "gpt-4o-mini"``.
    """
    if spec == "rule":
        return RuleBasedModel()
    prefix, _, model = spec.partition(":")
    if prefix == "openai" and model.strip():
        return OpenAICompatibleModel(
            model.strip(),
            base_url=base_url or DEFAULT_OPENAI_BASE_URL,
            api_key=api_key,
            http_client=http_client,
        )
    msg = f"unknown model spec {spec!r}: expected 'rule' or 'openai:<model name>'"
    raise ModelSpecError(msg)
