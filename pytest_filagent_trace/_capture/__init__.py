"""Capturing spans in memory: the capture, its processor, provider attachment.

``capture.py`` holds :class:`TraceCapture`, the object tests read; ``processor.py`` the
span processor that routes finished spans to the open capture; ``providers.py`` attaching it
to the program's providers; ``context.py`` ``capture_spans()``; ``errors.py`` what can go wrong.
"""

from __future__ import annotations

from pytest_filagent_trace._capture.capture import TraceCapture
from pytest_filagent_trace._capture.context import capture_spans
from pytest_filagent_trace._capture.errors import (
    LeakedSpan,
    LogsNotCapturedError,
    ProviderConfigError,
    SpanLeakWarning,
    SpanWaitTimeoutError,
    TraceCaptureError,
    TraceLookupError,
)
from pytest_filagent_trace._capture.processor import CaptureProcessor
from pytest_filagent_trace._capture.providers import ProviderAttachments, load_provider

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
