"""Capturing spans in memory: the capture, its processor, provider attachment.

``capture.py`` holds :class:`TraceCapture`, the object tests read (``waiting.py`` its waits);
``processor.py`` the span processor that routes finished spans to the open capture and sets
leaked traces aside; ``providers.py`` attaching it to the program's providers;
``otel_globals.py`` lending a global provider while the program set none (the one module
that uses OpenTelemetry's private names); ``context.py`` ``capture_spans()``; ``errors.py``
what can go wrong.
"""

from __future__ import annotations

from pytest_filagent_trace._capture.capture import TraceCapture
from pytest_filagent_trace._capture.context import capture_spans
from pytest_filagent_trace._capture.errors import (
    LeakedSpan,
    LeakedTrace,
    LogsNotCapturedError,
    ProviderConfigError,
    SpanLeakWarning,
    SpanWaitTimeoutError,
    TraceCaptureError,
    TraceLookupError,
)
from pytest_filagent_trace._capture.processor import CaptureProcessor
from pytest_filagent_trace._capture.providers import GlobalUse, ProviderAttachments, load_provider
from pytest_filagent_trace._capture.waiting import POLL_SECONDS, refuse_on_event_loop, wait_check

__all__ = [
    "POLL_SECONDS",
    "CaptureProcessor",
    "GlobalUse",
    "LeakedSpan",
    "LeakedTrace",
    "LogsNotCapturedError",
    "ProviderAttachments",
    "ProviderConfigError",
    "SpanLeakWarning",
    "SpanWaitTimeoutError",
    "TraceCapture",
    "TraceCaptureError",
    "TraceLookupError",
    "capture_spans",
    "load_provider",
    "refuse_on_event_loop",
    "wait_check",
]
