"""The few types shared across pytest_filagent_trace.

Example:
    >>> from pytest_filagent_trace._types import SpanPredicate
    >>> is_error: SpanPredicate = lambda node: node.status == "ERROR"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol, Union

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor

    from pytest_filagent_trace._spans import SpanNode

__all__ = [
    "NamePattern",
    "ProviderFactory",
    "SpanLike",
    "SpanPredicate",
    "SupportsSpanProcessors",
    "TreeMode",
    "WaitCondition",
]

SpanLike = Union["ReadableSpan", "SpanNode"]
"""A finished span as the SDK hands it over, or already converted to a node."""

NamePattern = Union[str, "re.Pattern[str]"]
"""A span name: exact, a glob such as ``tool.execute.*``, or a compiled regex."""

SpanPredicate = Callable[["SpanNode"], bool]
"""A test on one span, e.g. ``lambda node: node.status == "ERROR"``."""

WaitCondition = int | NamePattern | SpanPredicate
"""What :meth:`TraceCapture.wait_for` waits for: a span count, a name pattern or a predicate."""

TreeMode = Literal["failed", "all", "none"]
"""Which tests ``--trace-tree`` prints the captured trees of."""


class SupportsSpanProcessors(Protocol):
    """A tracer provider that span processors can be added to (the SDK ``TracerProvider``)."""

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        """Add ``span_processor`` after the processors already there."""


ProviderFactory = Callable[[], SupportsSpanProcessors]
"""What ``trace_capture_provider = "module:callable"`` names: returns the program's provider."""
