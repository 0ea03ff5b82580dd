"""The OpenTelemetry instrumentations FilAgent uses, given a provider explicitly.

FastAPI gets SERVER spans (but not for the untraced paths, nor around each ASGI
message); httpx clients get CLIENT spans and inject W3C ``traceparent``. The
provider is always passed in, so nothing depends on the global one.

Example::

    instrument_fastapi(app, provider, untraced_paths=["/health", "/metrics"])
    instrument_httpx_client(client, provider)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover - typing only
    import httpx
    from fastapi import FastAPI
    from opentelemetry.trace import TracerProvider

#: Spans the FastAPI instrumentation would add around each ASGI receive/send
#: message; they say nothing about the request and clutter the contract tree.
_ASGI_MESSAGE_SPANS: list[Literal["receive", "send"]] = ["receive", "send"]


def untraced_url_patterns(paths: Sequence[str]) -> str:
    """The ``excluded_urls`` text for the FastAPI instrumentation: exact paths, any host.

    The instrumentation searches each pattern in ``scheme://host/path``, so a
    bare ``/health`` would also silence ``/healthz`` or ``/api/health``.

    Example::

        untraced_url_patterns(["/health"])   # '^[a-z]+://[^/]*/health$'
    """
    return ",".join(f"^[a-z]+://[^/]*{re.escape(path)}$" for path in paths)


def instrument_fastapi(
    app: FastAPI, provider: TracerProvider, untraced_paths: Sequence[str]
) -> None:
    """Trace every request of ``app`` with ``provider``, except ``untraced_paths``.

    Example::

        instrument_fastapi(app, provider, ["/health"])   # GET /health stays untraced
    """
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls=untraced_url_patterns(untraced_paths),
        exclude_spans=_ASGI_MESSAGE_SPANS,
    )


def instrument_httpx_client(
    client: httpx.Client | httpx.AsyncClient, provider: TracerProvider
) -> None:
    """Give ``client`` CLIENT spans from ``provider`` and W3C ``traceparent`` injection.

    Example::

        instrument_httpx_client(httpx.Client(), provider)
    """
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=provider)


def fastapi_app_options() -> dict[str, Any]:
    """FastAPI options that turn off FastAPI's own telemetry, where it has one.

    Example::

        app = FastAPI(title="mine", **fastapi_app_options())


    Recent FastAPI versions trace every request with the *global* TracerProvider
    unless the OpenTelemetry instrumentation is installed. FilAgent's telemetry
    is injected: with tracing disabled, a provider set up elsewhere in the
    process must not trace the app (nor put a trace id in its responses).
    """
    import inspect

    from fastapi import FastAPI

    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}
