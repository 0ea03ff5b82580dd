"""The sections of the telemetry configuration: pydantic models, validated once.

:mod:`filagent.telemetry.config` loads them from the YAML file and the
environment; every field has a working default.

Example::

    TelemetryConfig(traces=TracesConfig(exporters=["console"])).otlp.traces_url()
    # 'http://localhost:4318/v1/traces'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from filagent.telemetry.names import PROJECT_NAME
from filagent.telemetry.privacy.config import PrivacyConfig
from filagent.telemetry.propagators import DEFAULT_PROPAGATORS, propagator_problem

ExporterName = Literal["otlp", "console"]
SamplerName = Literal[
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
]
Protocol = Literal["http/protobuf", "grpc"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

_DEFAULT_PORTS: dict[str, int] = {"http/protobuf": 4318, "grpc": 4317}
_RESERVED_RESOURCE_KEYS = ("service.name", "service.version", PROJECT_NAME)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceConfig(_Section):
    """Who is sending: becomes the OpenTelemetry Resource."""

    name: str = Field(default="filagent", min_length=1)
    version: str | None = None
    #: ``openinference.project.name``: the Phoenix project the traces land in; null: none.
    project_name: str | None = "filagent"
    resource_attributes: dict[str, str] = Field(default_factory=dict)

    @field_validator("project_name")
    @classmethod
    def _usable_project_name(cls, value: str | None) -> str | None:
        # Phoenix's REST API names a project in the URL path: no '/', '?' or '#'.
        if value is None:
            return None
        if (
            not value.strip()
            or value != value.strip()
            or any(char in value for char in "/?#")
            or not value.isprintable()
        ):
            msg = (
                "a project name that is not empty, has no surrounding spaces and no '/', '?',"
                " '#' or control characters"
            )
            raise ValueError(msg)
        return value

    @field_validator("resource_attributes")
    @classmethod
    def _no_reserved_keys(cls, value: dict[str, str]) -> dict[str, str]:
        reserved = [key for key in _RESERVED_RESOURCE_KEYS if key in value]
        if reserved:
            msg = f"no {reserved[0]} key here (it is set by the service section's own field)"
            raise ValueError(msg)
        return value


class TracesConfig(_Section):
    """Which spans are kept and where they go."""

    exporters: list[ExporterName] = Field(default_factory=lambda: list[ExporterName](["otlp"]))
    sampler: SamplerName = "parentbased_always_on"
    sampler_arg: float | None = Field(default=None, ge=0.0, le=1.0)
    untraced_paths: list[str] = Field(default_factory=lambda: ["/health", "/metrics"])

    @field_validator("exporters")
    @classmethod
    def _unique_exporters(cls, value: list[ExporterName]) -> list[ExporterName]:
        return list(dict.fromkeys(value))

    @field_validator("untraced_paths")
    @classmethod
    def _plain_paths(cls, value: list[str]) -> list[str]:
        for path in value:
            # The FastAPI instrumentation splits its exclusion list on commas.
            if not path.startswith("/") or "," in path or " " in path:
                msg = f"HTTP paths starting with '/', without spaces or commas (not {path!r})"
                raise ValueError(msg)
        return value

    @property
    def ratio(self) -> float:
        """The sampling ratio used by the ``*traceidratio`` samplers (default 1.0)."""
        return 1.0 if self.sampler_arg is None else self.sampler_arg


class OtlpConfig(_Section):
    """The OTLP exporter: where spans are sent and how."""

    endpoint: str | None = None
    traces_endpoint: str | None = None
    protocol: Protocol = "http/protobuf"
    headers: dict[str, str] = Field(default_factory=dict, repr=False)
    #: One export's time budget, retries included; never more than batch.export_timeout_ms.
    timeout_ms: int | None = Field(default=None, ge=1)

    @field_validator("endpoint", "traces_endpoint")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            msg = "an http:// or https:// URL such as http://localhost:4318"
            raise ValueError(msg)
        try:
            port = parsed.port
        except ValueError:
            port = -1
        if port is not None and not 1 <= port <= 65535:
            after_host = parsed.netloc.rsplit(":", 1)[-1]
            msg = f"a URL whose port is from 1 to 65535 (not {after_host})"
            raise ValueError(msg)
        return value

    def traces_url(self) -> str:
        """Where trace exports go, as the OTLP specification resolves it.

        The signal-specific endpoint is used as is; the generic one gets
        ``/v1/traces`` appended for http/protobuf (gRPC takes it unchanged).

        Example::

            OtlpConfig(endpoint="http://jaeger:4318").traces_url()
            # 'http://jaeger:4318/v1/traces'
        """
        if self.traces_endpoint:
            return self.traces_endpoint
        base = self.endpoint or f"http://localhost:{_DEFAULT_PORTS[self.protocol]}"
        if self.protocol == "grpc":
            return base
        return base.rstrip("/") + "/v1/traces"


class BatchConfig(_Section):
    """The BatchSpanProcessor's knobs, in milliseconds and spans."""

    schedule_delay_ms: int = Field(default=5000, ge=0)
    max_queue_size: int = Field(default=2048, ge=1)
    max_export_batch_size: int = Field(default=512, ge=1, validate_default=True)
    #: One export's time budget (the exporter's own timeout) and the whole shutdown's.
    export_timeout_ms: int = Field(default=30000, ge=1)

    @field_validator("max_export_batch_size")
    @classmethod
    def _batch_fits_queue(cls, value: int, info: Any) -> int:
        queue = info.data.get("max_queue_size")
        if queue is not None and value > queue:
            msg = f"at most max_queue_size ({queue})"
            raise ValueError(msg)
        return value


class LoggingConfig(_Section):
    """Structured logs on stdout."""

    level: LogLevel = "INFO"

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


class RecordsConfig(_Section):
    """Decision records: one JSON line per request; ``path: null`` turns them off."""

    path: Path | None = Path("filagent-records.jsonl")


class TelemetryConfig(_Section):
    """All of FilAgent's telemetry settings. Every field has a working default.

    Example::

        TelemetryConfig(enabled=False)
        TelemetryConfig(traces=TracesConfig(exporters=["console"]))
    """

    enabled: bool = True
    service: ServiceConfig = Field(default_factory=ServiceConfig)
    traces: TracesConfig = Field(default_factory=TracesConfig)
    otlp: OtlpConfig = Field(default_factory=OtlpConfig)
    batch: BatchConfig = Field(default_factory=BatchConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    records: RecordsConfig = Field(default_factory=RecordsConfig)
    capture_message_content: bool = False
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    propagators: list[str] = Field(default_factory=lambda: list(DEFAULT_PROPAGATORS))
    _variables: dict[str, str] = PrivateAttr(default_factory=dict)

    def record_variables(self, variables: dict[str, str]) -> None:
        """Remember which environment variable set each dotted field (the loader calls it)."""
        self._variables.update(variables)

    def variable_of(self, field: str) -> str | None:
        """The environment variable that set ``field`` (dotted), if one did.

        Example: with ``OTEL_EXPORTER_OTLP_PROTOCOL=grpc``,
        ``config.variable_of("otlp.protocol")`` is ``"OTEL_EXPORTER_OTLP_PROTOCOL"``.
        """
        return self._variables.get(field)

    @field_validator("propagators")
    @classmethod
    def _installed_propagators(cls, value: list[str]) -> list[str]:
        problems = [problem for name in value if (problem := propagator_problem(name))]
        if problems:
            raise ValueError("installed propagators: " + "; ".join(problems))
        return list(dict.fromkeys(value))
