"""The stable HTTP semantic conventions, asked of the OpenTelemetry instrumentations.

Example::

    opt_in_stable_http_semconv()   # spans carry http.request.method, not http.method
"""

from __future__ import annotations

import os

SEMCONV_OPT_IN = "OTEL_SEMCONV_STABILITY_OPT_IN"


def with_stable_http(opt_in: str) -> str:
    """The value of ``OTEL_SEMCONV_STABILITY_OPT_IN`` with the stable HTTP conventions.

    A user's own HTTP choice (``http`` or ``http/dup``) is kept, and so are other
    opt-ins in the value.

    Example::

        with_stable_http("gen_ai_latest_experimental")  # "gen_ai_latest_experimental,http"
    """
    current = [item.strip() for item in opt_in.split(",") if item.strip()]
    if any(item in ("http", "http/dup") for item in current):
        return ",".join(current)
    return ",".join([*current, "http"])


def opt_in_stable_http_semconv() -> None:
    """Make the HTTP instrumentations of this process emit the stable HTTP conventions.

    The instrumentations still default to the old attribute names
    (``http.method``, ``http.status_code``); FilAgent's contract uses the stable
    ones (``http.request.method``, ``http.response.status_code``). They read the
    choice from the environment once per process: it is set only for that
    reading, so child processes inherit the user's environment unchanged.
    """
    try:
        from opentelemetry.instrumentation._semconv import (
            _OpenTelemetrySemanticConventionStability as stability,
        )
    except ImportError:  # no instrumentation installed: nothing to configure
        return
    previous = os.environ.get(SEMCONV_OPT_IN)
    os.environ[SEMCONV_OPT_IN] = with_stable_http(previous or "")
    try:
        with stability._lock:  # read again even if something was instrumented earlier
            stability._initialized = False
        stability._initialize()  # type: ignore[no-untyped-call]
    finally:
        if previous is None:
            del os.environ[SEMCONV_OPT_IN]
        else:
            os.environ[SEMCONV_OPT_IN] = previous
