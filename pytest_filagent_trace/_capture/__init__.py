"""Capturing spans in memory: the capture, its processor, provider attachment."""

from __future__ import annotations

from pytest_filagent_trace._capture.capture import (
    CaptureProcessor,
    LeakedSpan,
    LogsNotCapturedError,
    ProviderAttachments,
    ProviderConfigError,
    SpanLeakWarning,
    SpanWaitTimeoutError,
    TraceCapture,
    TraceCaptureError,
    TraceLookupError,
    capture_spans,
    load_provider,
)

__all__ = [
    "CaptureProcessor",
    "LeakedSpan",
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
]
