"""FilAgent telemetry: configuration, set-up, logging and the contract names."""

from filagent.telemetry.config import (
    ConfigError,
    TelemetryConfig,
    load_telemetry_config,
)
from filagent.telemetry.logging import configure_logging, get_logger
from filagent.telemetry.setup import (
    TelemetryManager,
    get_telemetry_manager,
    get_trace_context,
    get_tracer,
    initialize_telemetry,
    set_telemetry_manager,
)
from filagent.telemetry.tracing import NOOP_TRACER, Tracer, current_trace_context

__all__ = [
    "NOOP_TRACER",
    "ConfigError",
    "TelemetryConfig",
    "TelemetryManager",
    "Tracer",
    "configure_logging",
    "current_trace_context",
    "get_logger",
    "get_telemetry_manager",
    "get_trace_context",
    "get_tracer",
    "initialize_telemetry",
    "load_telemetry_config",
    "set_telemetry_manager",
]
