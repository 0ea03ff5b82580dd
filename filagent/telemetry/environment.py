"""The standard ``OTEL_*`` (and ``FILAGENT_*``) variables that override the YAML file.

Each entry of :data:`ENV_OVERRIDES` names a variable, the dotted configuration
field it sets and the parser of its text. Parsers raise :class:`EnvValueError`
saying what was expected; values they pass through unchanged (numbers, enum
names) are validated with the rest of the configuration, so one error format
covers both sources.

Example::

    for variable, field, parse in ENV_OVERRIDES:
        ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from filagent.telemetry.names import PROJECT_NAME
from filagent.telemetry.propagators import propagator_problem

#: Variables whose text is never repeated in error messages: they hold credentials.
SECRET_VARIABLES = ("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS")


class EnvValueError(ValueError):
    """A variable's text cannot be parsed; the message says what was expected."""


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        raise EnvValueError("true or false")
    return lowered == "true"


def _key_values(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise EnvValueError("comma-separated key=value pairs (values percent-encoded)")
        pairs[unquote(key.strip())] = unquote(value.strip())
    return pairs


def _resource(text: str) -> dict[str, Any]:
    attributes = _key_values(text)
    service: dict[str, Any] = {"resource_attributes": attributes}
    fields = (
        ("service.name", "name"),
        ("service.version", "version"),
        (PROJECT_NAME, "project_name"),
    )
    for key, field in fields:
        if key in attributes:
            service[field] = attributes.pop(key)
    return service


def _exporters(text: str) -> list[str]:
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    allowed = ("otlp", "console", "none")
    if any(name not in allowed for name in names) or ("none" in names and len(names) > 1):
        raise EnvValueError("'none', or one or more of 'otlp', 'console' separated by commas")
    return [name for name in names if name != "none"]


def _seconds_as_ms(text: str) -> int:
    # The Python OTLP exporters read their timeout variables in seconds.
    try:
        seconds = float(text)
    except ValueError:
        raise EnvValueError("a number of seconds, such as 10 or 2.5") from None
    if not seconds > 0:
        raise EnvValueError("a number of seconds greater than 0")
    return max(1, round(seconds * 1000))


def _propagators(text: str) -> list[str]:
    names = list(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    if names == ["none"]:
        return []
    problems = [problem for name in names if (problem := propagator_problem(name))]
    if problems or "none" in names:
        detail = "; ".join(problems) if problems else "'none' stands alone"
        raise EnvValueError(f"tracecontext, baggage (comma-separated) or none; {detail}")
    return names


def _records_path(text: str) -> str | None:
    return None if text.lower() == "none" else text


#: (variable, dotted field, parser), applied in this order: later entries win.
ENV_OVERRIDES: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
    ("OTEL_SDK_DISABLED", "enabled", lambda text: not _boolean(text)),
    ("OTEL_RESOURCE_ATTRIBUTES", "service", _resource),
    ("OTEL_SERVICE_NAME", "service.name", str),
    ("OTEL_TRACES_EXPORTER", "traces.exporters", _exporters),
    ("OTEL_TRACES_SAMPLER", "traces.sampler", str.lower),
    ("OTEL_TRACES_SAMPLER_ARG", "traces.sampler_arg", str),
    ("OTEL_EXPORTER_OTLP_ENDPOINT", "otlp.endpoint", str),
    ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "otlp.traces_endpoint", str),
    ("OTEL_EXPORTER_OTLP_PROTOCOL", "otlp.protocol", str.lower),
    ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "otlp.protocol", str.lower),
    ("OTEL_EXPORTER_OTLP_HEADERS", "otlp.headers", _key_values),
    ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "otlp.headers", _key_values),
    ("OTEL_EXPORTER_OTLP_TIMEOUT", "otlp.timeout_ms", _seconds_as_ms),
    ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "otlp.timeout_ms", _seconds_as_ms),
    ("OTEL_BSP_SCHEDULE_DELAY", "batch.schedule_delay_ms", str),
    ("OTEL_BSP_MAX_QUEUE_SIZE", "batch.max_queue_size", str),
    ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "batch.max_export_batch_size", str),
    ("OTEL_BSP_EXPORT_TIMEOUT", "batch.export_timeout_ms", str),
    ("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "capture_message_content", _boolean),
    ("OTEL_PROPAGATORS", "propagators", _propagators),
    ("FILAGENT_LOG_LEVEL", "logging.level", str),
    ("FILAGENT_RECORDS_PATH", "records.path", _records_path),
    ("FILAGENT_PROJECT_NAME", "service.project_name", str),
)
