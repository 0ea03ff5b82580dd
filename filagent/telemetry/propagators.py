"""Which context propagators FilAgent speaks: ``OTEL_PROPAGATORS``, honoured and checked.

The default is W3C: ``tracecontext`` (``traceparent``/``tracestate``) and
``baggage``. Any other name is accepted only when its package is installed
(an ``opentelemetry_propagator`` entry point); otherwise start-up stops with a
message naming the variable and the package to install, instead of the SDK's
import-time crash.

Example:
    >>> propagator_problem("tracecontext") is None
    True
    >>> propagator_problem("b3")
    "'b3' needs its package: pip install opentelemetry-propagator-b3"
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # pragma: no cover - typing only
    from opentelemetry.propagators.textmap import TextMapPropagator

DEFAULT_PROPAGATORS: Final = ("tracecontext", "baggage")
_GROUP: Final = "opentelemetry_propagator"

#: The package that provides each propagator the OpenTelemetry specification names.
PROPAGATOR_PACKAGES: Final = {
    "tracecontext": "opentelemetry-api",
    "baggage": "opentelemetry-api",
    "b3": "opentelemetry-propagator-b3",
    "b3multi": "opentelemetry-propagator-b3",
    "jaeger": "opentelemetry-propagator-jaeger",
    "xray": "opentelemetry-propagator-aws-xray",
    "ottrace": "opentelemetry-propagator-ot-trace",
}


def installed_propagators() -> set[str]:
    """Names of the propagators whose packages are installed."""
    return {point.name for point in entry_points(group=_GROUP)}


def propagator_problem(name: str) -> str | None:
    """Why ``name`` cannot be used, or None when it can."""
    if name in installed_propagators():
        return None
    package = PROPAGATOR_PACKAGES.get(name)
    if package is None:
        known = ", ".join(PROPAGATOR_PACKAGES)
        return f"{name!r} is not a known propagator (known: {known}; or none)"
    return f"{name!r} needs its package: pip install {package}"


def build_propagator(names: Sequence[str]) -> TextMapPropagator:
    """The composite of the installed propagators ``names``, in that order (none: a no-op).

    Example::

        build_propagator(["tracecontext", "baggage"]).fields
        # {'traceparent', 'tracestate', 'baggage'}
    """
    from opentelemetry.propagators.composite import CompositePropagator

    loaded = []
    for point in entry_points(group=_GROUP):
        if point.name in names:
            loaded.append((list(names).index(point.name), point.load()()))
    return CompositePropagator([propagator for _, propagator in sorted(loaded)])
