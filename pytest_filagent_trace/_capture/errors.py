"""The capture's errors and warnings, and what a leaked span is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


class TraceCaptureError(Exception):
    """Base class of the errors :class:`TraceCapture` raises for a test to read."""


class TraceLookupError(TraceCaptureError, LookupError):
    """``trace()`` or ``get()`` found no match or several; the message lists what was there."""


class SpanWaitTimeoutError(TraceCaptureError, TimeoutError):
    """``wait_for()`` timed out; the message says what it waited for and what arrived."""


class LogsNotCapturedError(TraceCaptureError, AttributeError):
    """``logs`` was read from a capture opened without log capture."""


class ProviderConfigError(TraceCaptureError):
    """``trace_capture_provider`` names no usable tracer provider; the message says why."""


class SpanLeakWarning(UserWarning):
    """A span started during a test was still open when the test finished."""


@dataclass(frozen=True)
class LeakedSpan:
    """A span started by a test and not ended when that test finished."""

    name: str
    test_id: str
    trace_id: str
    span_id: str

    def describe(self) -> str:
        """One line naming the span and the test that started it.

        Example:
            >>> LeakedSpan("GET /slow", "test_app.py::test_a", "ab" * 16, "cd" * 8).describe()
            "span 'GET /slow' (trace abababababababababababababababab) started by test_app.py::test_a was still open when that test finished"
        """  # noqa: E501 - a doctest output line cannot be wrapped
        return (
            f"span {self.name!r} (trace {self.trace_id}) started by {self.test_id} "
            "was still open when that test finished"
        )
