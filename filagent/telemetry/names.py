"""Span and attribute names of FilAgent's tracing contract, in one place.

Every span FilAgent creates takes its name and attribute keys from here, and
``docs/TRACING_CONTRACT.md`` documents the same list.  Names follow the seed
contract; GenAI and HTTP keys follow the OpenTelemetry semantic conventions.
"""

from __future__ import annotations

from typing import Final

# --- instrumentation scope -------------------------------------------------
TRACER_NAME: Final = "filagent"

# --- resource ------------------------------------------------------------------
#: The project trace UIs such as Arize Phoenix file the traces under (``service.project_name``).
PROJECT_NAME: Final = "openinference.project.name"

# --- span names -------------------------------------------------------------
SPAN_ROUTE: Final = "agent.route"
SPAN_RUN_SIMPLE: Final = "agent.run_simple"
SPAN_RUN_HTN: Final = "agent.run_with_htn"
SPAN_HTN_PLANNING: Final = "agent.htn.planning"
SPAN_HTN_EXECUTION: Final = "agent.htn.execution"
SPAN_HTN_VERIFICATION: Final = "agent.htn.verification"
SPAN_TOOL_PREFIX: Final = "tool.execute."


def tool_span_name(tool: str) -> str:
    """Name of the span around one tool call: ``tool.execute.calculator``."""
    return f"{SPAN_TOOL_PREFIX}{tool}"


def chat_span_name(model: str) -> str:
    """GenAI convention: ``{gen_ai.operation.name} {gen_ai.request.model}``."""
    return f"chat {model}"


# --- agent.route --------------------------------------------------------------
ROUTE_MODE: Final = "route.mode"
ROUTE_REASON: Final = "route.reason"
ROUTE_CONFIDENCE: Final = "route.confidence"

# --- agent.run_* ----------------------------------------------------------------
CONVERSATION_ID: Final = "conversation_id"
TASK_ID: Final = "task_id"
EXECUTION_MODE: Final = "execution_mode"
USER_ID_HASH: Final = "enduser.pseudo.id"

# --- HTN ----------------------------------------------------------------------
HTN_STRATEGY: Final = "strategy"
HTN_CONFIDENCE: Final = "confidence"
HTN_TASK_COUNT: Final = "htn.task_count"
HTN_SUCCESS: Final = "success"
HTN_COMPLETED_TASKS: Final = "completed_tasks"
HTN_VERIFICATION_LEVEL: Final = "level"
HTN_VERIFICATION_COUNT: Final = "count"
HTN_VERIFICATION_PASSED: Final = "verification.passed"

# --- tools ----------------------------------------------------------------------
TOOL_NAME: Final = "tool.name"
TOOL_VALIDATION_SUCCESS: Final = "tool.validation.success"
TOOL_EXECUTION_SUCCESS: Final = "tool.execution.success"
TOOL_DURATION_MS: Final = "tool.duration_ms"

# --- GenAI semantic conventions ---------------------------------------------
GEN_AI_OPERATION_NAME: Final = "gen_ai.operation.name"
GEN_AI_PROVIDER_NAME: Final = "gen_ai.provider.name"
GEN_AI_SYSTEM: Final = "gen_ai.system"
GEN_AI_REQUEST_MODEL: Final = "gen_ai.request.model"
GEN_AI_RESPONSE_MODEL: Final = "gen_ai.response.model"
GEN_AI_USAGE_INPUT_TOKENS: Final = "gen_ai.usage.input_tokens"
GEN_AI_USAGE_OUTPUT_TOKENS: Final = "gen_ai.usage.output_tokens"
GEN_AI_RESPONSE_FINISH_REASONS: Final = "gen_ai.response.finish_reasons"
GEN_AI_TOOL_NAME: Final = "gen_ai.tool.name"
GEN_AI_TOOL_CALL_ID: Final = "gen_ai.tool.call.id"
GEN_AI_TOOL_TYPE: Final = "gen_ai.tool.type"
GEN_AI_AGENT_NAME: Final = "gen_ai.agent.name"
GEN_AI_CONVERSATION_ID: Final = "gen_ai.conversation.id"

OPERATION_CHAT: Final = "chat"
OPERATION_INVOKE_AGENT: Final = "invoke_agent"
OPERATION_EXECUTE_TOOL: Final = "execute_tool"
AGENT_NAME: Final = "filagent"

# --- errors -----------------------------------------------------------------------
ERROR_TYPE: Final = "error.type"

# --- response headers -------------------------------------------------------------
HEADER_TRACE_ID: Final = "X-Trace-ID"
HEADER_TRACERESPONSE: Final = "traceresponse"
