"""The OpenTelemetry SDK pipeline built from a :class:`TelemetryConfig`.

Resource, sampler, the privacy processor first, the ended-span counter, the
exporters behind processors that account for every span, and the W3C
propagators. Every function imports the
SDK lazily: importing this module never requires OpenTelemetry.

Example::

    provider = build_tracer_provider(config, redactor=Redactor(config.privacy))
    install_w3c_propagators()
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Any, cast

from filagent.telemetry.accounting import (
    CountingSpanExporter,
    DropReason,
    EndedSpanCounter,
    ExportListener,
    SpanAccounting,
)
from filagent.telemetry.batching import AccountedBatchSpanProcessor
from filagent.telemetry.config import ConfigError, ConfigProblem, TelemetryConfig
from filagent.telemetry.names import PROJECT_NAME
from filagent.telemetry.privacy.propagation import PrivateContextPropagator
from filagent.telemetry.privacy.redactor import Redactor
from filagent.telemetry.privacy.spans import install_redaction
from filagent.telemetry.propagators import DEFAULT_PROPAGATORS, build_propagator

if TYPE_CHECKING:  # pragma: no cover - typing only
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.sdk.trace.sampling import Sampler

__all__ = ["CountingSpanExporter", "ExportListener", "build_tracer_provider"]

#: The OTLP exporters' own default time budget per export (the specification's 10 s).
DEFAULT_OTLP_TIMEOUT_MS = 10_000


def service_version(config: TelemetryConfig) -> str:
    """The configured ``service.version``, else the installed distribution's version."""
    if config.service.version:
        return config.service.version
    try:
        return metadata.version("pytest-filagent-trace")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def build_resource(config: TelemetryConfig) -> Resource:
    """The Resource: SDK identity, ``resource_attributes``, service name and version, and
    ``openinference.project.name`` (the Phoenix project) unless ``service.project_name`` is null.

    Built explicitly rather than with ``Resource.create()``: the configuration
    has already merged ``OTEL_RESOURCE_ATTRIBUTES`` and must stay the one source.

    Example::

        build_resource(config).attributes["service.name"]   # 'filagent'
    """
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.version import __version__ as sdk_version

    return Resource(
        {
            "telemetry.sdk.language": "python",
            "telemetry.sdk.name": "opentelemetry",
            "telemetry.sdk.version": sdk_version,
            **config.service.resource_attributes,
            "service.name": config.service.name,
            "service.version": service_version(config),
            **({PROJECT_NAME: project} if (project := config.service.project_name) else {}),
        }
    )


def build_sampler(config: TelemetryConfig) -> Sampler:
    """The SDK sampler named by ``traces.sampler`` (ratio from ``traces.sampler_arg``).

    Example::

        build_sampler(TelemetryConfig())   # ParentBased(ALWAYS_ON)
    """
    from opentelemetry.sdk.trace import sampling

    ratio = config.traces.ratio
    samplers: dict[str, Callable[[], Sampler]] = {
        "always_on": lambda: sampling.ALWAYS_ON,
        "always_off": lambda: sampling.ALWAYS_OFF,
        "traceidratio": lambda: sampling.TraceIdRatioBased(ratio),
        "parentbased_always_on": lambda: sampling.ParentBased(sampling.ALWAYS_ON),
        "parentbased_always_off": lambda: sampling.ParentBased(sampling.ALWAYS_OFF),
        "parentbased_traceidratio": lambda: sampling.ParentBased(sampling.TraceIdRatioBased(ratio)),
    }
    return samplers[config.traces.sampler]()


def build_span_exporter(name: str, config: TelemetryConfig) -> SpanExporter:
    """One configured exporter: ``"otlp"`` (http/protobuf or grpc) or ``"console"``.

    Example::

        build_span_exporter("otlp", config)   # OTLP/HTTP to config.otlp.traces_url()

    Raises:
        ConfigError: grpc is chosen but the ``grpc`` extra is not installed.
    """
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        # sys.stdout now, not the SDK's default bound at import: redirections apply.
        return ConsoleSpanExporter(service_name=config.service.name, out=sys.stdout)
    otlp = config.otlp
    headers = dict(otlp.headers) or None
    # The exporter's own timeout bounds each export, retries included: the one
    # place where batch.export_timeout_ms takes effect.
    timeout_ms = otlp.timeout_ms or DEFAULT_OTLP_TIMEOUT_MS
    timeout = min(config.batch.export_timeout_ms, timeout_ms) / 1000
    if otlp.protocol == "grpc":
        try:
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
                OTLPSpanExporter as GrpcExporter,
            )
        except ImportError:
            expected = (
                "http/protobuf, or grpc after installing the extra: "
                "pip install 'pytest-filagent-trace[grpc]'"
            )
            variable = config.variable_of("otlp.protocol")
            if variable is not None:  # name what the user set
                problem = ConfigProblem(f"environment variable {variable}", "", "grpc", expected)
            else:
                problem = ConfigProblem(
                    "telemetry configuration", "otlp.protocol", "grpc", expected
                )
            raise ConfigError([problem]) from None
        return cast(
            "SpanExporter",
            GrpcExporter(endpoint=otlp.traces_url(), headers=headers, timeout=timeout),
        )
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter(endpoint=otlp.traces_url(), headers=headers, timeout=timeout)


def build_tracer_provider(
    config: TelemetryConfig,
    *,
    redactor: Redactor | None = None,
    span_exporter: SpanExporter | None = None,
    accounting: SpanAccounting | None = None,
) -> TracerProvider:
    """An SDK TracerProvider with redaction first, then the exporters.

    ``span_exporter`` replaces the configured exporters with one synchronous
    exporter (tests). ``traces.exporters: []`` still gives spans and trace ids,
    only nothing leaves the process. With ``accounting``, every sampled span is
    counted as ended, then once per exporter as exported or dropped with a reason.

    Example::

        provider = build_tracer_provider(config, span_exporter=InMemorySpanExporter())
    """
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    provider = TracerProvider(resource=build_resource(config), sampler=build_sampler(config))
    if redactor is not None and config.privacy.enabled:
        install_redaction(provider, redactor)
    if accounting is not None:
        provider.add_span_processor(EndedSpanCounter(accounting))  # type: ignore[arg-type]

    def counted(exporter: SpanExporter) -> SpanExporter:
        if accounting is None:
            return exporter
        return cast("SpanExporter", CountingSpanExporter(exporter, _listener(accounting)))

    if span_exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(counted(span_exporter)))
        return provider
    for name in config.traces.exporters:
        exporter = build_span_exporter(name, config)
        if name == "console":  # a debugging aid: print each span as it ends
            provider.add_span_processor(SimpleSpanProcessor(counted(exporter)))
            continue
        batch = config.batch
        processor = AccountedBatchSpanProcessor(
            exporter,
            accounting or _NO_ACCOUNTING,
            max_queue_size=batch.max_queue_size,
            schedule_delay_ms=batch.schedule_delay_ms,
            max_export_batch_size=batch.max_export_batch_size,
            export_timeout_ms=batch.export_timeout_ms,
        )
        provider.add_span_processor(processor)  # type: ignore[arg-type]
    return provider


def _listener(accounting: SpanAccounting) -> ExportListener:
    def on_export(ok: bool, count: int) -> None:
        if ok:
            accounting.spans_exported(count)
        else:
            accounting.spans_dropped(count, "export_failed")

    return on_export


class _NoAccounting:
    """Counts nothing: a provider built without ``accounting``."""

    def spans_ended(self, count: int) -> None:
        del count

    def spans_exported(self, count: int) -> None:
        del count

    def spans_dropped(self, count: int, reason: DropReason = "export_failed") -> None:
        del count, reason


_NO_ACCOUNTING = _NoAccounting()


def install_w3c_propagators(
    names: Sequence[str] = DEFAULT_PROPAGATORS, redactor: Redactor | None = None
) -> None:
    """Make the configured propagators global: W3C tracecontext + baggage by default.

    Instrumentations read the global propagator; ``OTEL_PROPAGATORS`` (the
    ``propagators`` field, checked at start-up) chooses others. With a ``redactor``
    whose privacy is on, they are wrapped in a :class:`PrivateContextPropagator`:
    ``tracestate`` and ``baggage`` keep only what the privacy section allows, in spans
    and in what is forwarded.
    """
    from opentelemetry import propagate

    propagator = build_propagator(names)
    if redactor is not None and redactor.enabled:
        propagator = cast("Any", PrivateContextPropagator(propagator, redactor))
    propagate.set_global_textmap(propagator)
