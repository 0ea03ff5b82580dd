"""``POST /chat``: limits → agent → decision record → response.

:class:`ChatHandler` is the whole path of one request once FastAPI has parsed
its body: the per-field limits, the agent's run, the decision record written
in the request's SERVER span, and the answer — a :class:`ChatResponse`, a 422
naming the field over its limit, or a 502 when the model backend failed.

Example::

    handler = ChatHandler(
        settings, agent, recorder, tools,
        hash_user_id=telemetry.hash_user_id, redact_text=telemetry.redactor.redact_text,
    )
    response = handler.handle(ChatRequest(messages=[...]), request)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import JSONResponse

from filagent.agent.agent import Agent, AgentRequest, AgentResult
from filagent.audit import DecisionRecord, DecisionRecorder, ToolUse
from filagent.http_errors import error_response
from filagent.schemas import ChatRequest, ChatResponse, Message
from filagent.settings import Settings
from filagent.telemetry.logging import get_logger
from filagent.telemetry.otel_api import current_trace_context
from filagent.tools.registry import ToolRegistry

_log = get_logger("filagent.app")


class ChatHandler:
    """Answers one parsed ``/chat`` body; every outcome is a response, none an exception."""

    def __init__(
        self,
        settings: Settings,
        agent: Agent,
        recorder: DecisionRecorder,
        tools: ToolRegistry,
        *,
        hash_user_id: Callable[[str], str],
        redact_text: Callable[[str], str],
    ) -> None:
        self.settings = settings
        self.agent = agent
        self.recorder = recorder
        self.tools = tools
        self._hash_user_id = hash_user_id
        # The upstream's error may quote what it was sent: the 502 body is redacted too.
        self._redact_text = redact_text

    def handle(self, body: ChatRequest, request: Request) -> ChatResponse | JSONResponse:
        """Run ``body`` through the agent; the request's ``state.mode`` names the run's mode.

        Example: a body whose only message is a system message answers 422 with
        ``{"field": "messages", "message": "needs a non-empty user message"}``.
        """
        problems = limit_problems(body, self.settings)
        if problems:
            return error_response(422, problems)
        conversation_id = body.conversation_id or uuid.uuid4().hex
        task_id = uuid.uuid4().hex
        _log.info(
            "chat.request",
            conversation_id=conversation_id,
            task_id=task_id,
            requested_mode=body.mode,
            messages=len(body.messages),
        )
        result = self.agent.answer(
            AgentRequest(
                conversation_id=conversation_id,
                task_id=task_id,
                messages=body.messages,
                mode=body.mode,
                user_id_hash=self._hash_user_id(body.user_id) if body.user_id else None,
            )
        )
        request.state.mode = result.mode
        if result.error is not None:
            # The model backend failed: the request is fine, the upstream is not.
            _log.error("chat.model_error", conversation_id=conversation_id, error=str(result.error))
        record = self.decision_record(conversation_id, task_id, result)
        self.recorder.record(record)
        if result.error is not None:
            return JSONResponse(
                status_code=502,
                content={
                    "error": "model backend failed",
                    "detail": self._redact_text(str(result.error)),
                },
            )
        _log.info(
            "chat.response",
            conversation_id=conversation_id,
            task_id=task_id,
            mode=result.mode,
            tool_calls=len(result.tool_calls),
            outcome=record.outcome,
        )
        return ChatResponse(
            conversation_id=conversation_id,
            task_id=task_id,
            mode=result.mode,
            message=Message(role="assistant", content=result.content),
            tool_calls=result.tool_calls,
            trace_id=record.trace_id or "",
        )

    def decision_record(
        self, conversation_id: str, task_id: str, result: AgentResult
    ) -> DecisionRecord:
        """The decision record of one run, in the current (SERVER) span.

        Like spans, records name only registered tools: any other requested name
        is request text. The error is the model's, else the first failed tool's.
        """
        calls = result.tool_calls
        if result.error is not None:
            error: str | None = str(result.error)
        else:
            error = next((call.error for call in calls if call.error), None)
        context = current_trace_context()
        return DecisionRecord(
            trace_id=context.get("trace_id", ""),
            span_id=context.get("span_id", ""),
            conversation_id=conversation_id,
            task_id=task_id,
            route_mode=result.route.mode,
            route_reason=result.route.reason,
            route_confidence=result.route.confidence,
            tools=[ToolUse(tool=self.tools.label(c.tool), success=c.success) for c in calls],
            outcome="error"
            if error is not None or not all(c.success for c in calls)
            else "success",
            error=error,
        )


def limit_problems(body: ChatRequest, settings: Settings) -> list[dict[str, str]]:
    """What in ``body`` is over the settings' limits, or has no user message to answer.

    Example: ``limit_problems(body, Settings(max_messages=1))`` names ``messages`` when
    ``body`` has two.
    """
    problems = []
    if len(body.messages) > settings.max_messages:
        problems.append(
            {
                "field": "messages",
                "message": f"at most {settings.max_messages} messages are accepted, "
                f"found {len(body.messages)}",
            }
        )
    for index, message in enumerate(body.messages):
        if len(message.content) > settings.max_content_chars:
            problems.append(
                {
                    "field": f"messages[{index}].content",
                    "message": f"at most {settings.max_content_chars} characters are accepted, "
                    f"found {len(message.content)}",
                }
            )
    if not any(m.role == "user" and m.content.strip() for m in body.messages):
        problems.append({"field": "messages", "message": "needs a non-empty user message"})
    return problems
