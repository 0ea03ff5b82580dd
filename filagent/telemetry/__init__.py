"""FilAgent telemetry: configuration, set-up, logging and the contract names.

The names below are loaded on first use, so that importing one light module
(``filagent.telemetry.names``, ``filagent.telemetry.tracing``) does not load
the configuration (YAML), the metrics (Prometheus) or the SDK pipeline.

Example::

    from filagent.telemetry import TelemetryManager, load_telemetry_config
    manager = TelemetryManager(load_telemetry_config())
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - the same names, for type checkers
    from filagent.telemetry.config import ConfigError, TelemetryConfig, load_telemetry_config
    from filagent.telemetry.logging import configure_logging, get_logger
    from filagent.telemetry.manager import TelemetryManager
    from filagent.telemetry.otel_api import current_trace_context
    from filagent.telemetry.setup import (
        get_telemetry_manager,
        get_trace_context,
        get_tracer,
        initialize_telemetry,
        set_telemetry_manager,
    )
    from filagent.telemetry.tracing import NOOP_TRACER, Tracer

#: public name -> the module that defines it
_HOMES: dict[str, str] = {
    "ConfigError": "filagent.telemetry.config",
    "TelemetryConfig": "filagent.telemetry.config",
    "load_telemetry_config": "filagent.telemetry.config",
    "configure_logging": "filagent.telemetry.logging",
    "get_logger": "filagent.telemetry.logging",
    "TelemetryManager": "filagent.telemetry.manager",
    "current_trace_context": "filagent.telemetry.otel_api",
    "get_telemetry_manager": "filagent.telemetry.setup",
    "get_trace_context": "filagent.telemetry.setup",
    "get_tracer": "filagent.telemetry.setup",
    "initialize_telemetry": "filagent.telemetry.setup",
    "set_telemetry_manager": "filagent.telemetry.setup",
    "NOOP_TRACER": "filagent.telemetry.tracing",
    "Tracer": "filagent.telemetry.tracing",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module 'filagent.telemetry' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(home), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
