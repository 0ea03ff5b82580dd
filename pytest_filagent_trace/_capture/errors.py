"""The capture's errors and warnings, and what a leaked span and a leaked trace are."""

from __future__ import annotations

from dataclasses import dataclass, field


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


_NAMED_LATE = 20  # late spans named in a report before the rest are only counted


@dataclass
class LeakedTrace:
    """A trace that a finished test left open: its leaked spans and what ended after the test.

    Example:
        >>> trace = LeakedTrace("test_app.py::test_a", "ab" * 16)
        >>> trace.ended_late("worker.step")
        >>> trace.describe()
        "trace abababababababababababababababab, left open by test_app.py::test_a: 1 span(s) ended after the test: 'worker.step'"
    """  # noqa: E501 - a doctest output line cannot be wrapped

    test_id: str
    trace_id: str
    leaks: list[LeakedSpan] = field(default_factory=list)
    late_names: list[str] = field(default_factory=list)
    late_count: int = 0
    _open: dict[str, None] = field(default_factory=dict, repr=False)

    def add(self, leak: LeakedSpan) -> None:
        """Note ``leak``, open until a span with its id ends."""
        self.leaks.append(leak)
        self._open[leak.span_id] = None

    def ended_late(self, name: str, span_id: str | None = None) -> None:
        """Count a span of this trace that ended after its test finished."""
        if span_id is not None:
            self._open.pop(span_id, None)
        self.late_count += 1
        if len(self.late_names) < _NAMED_LATE:
            self.late_names.append(name)

    def still_open(self) -> list[LeakedSpan]:
        """The leaked spans that have not ended yet."""
        return [leak for leak in self.leaks if leak.span_id in self._open]

    def describe(self) -> str:
        """One line: the trace, the test that left it open, and what ended after the test."""
        names = ", ".join(repr(name) for name in self.late_names)
        if self.late_count > len(self.late_names):
            names += f" and {self.late_count - len(self.late_names)} more"
        return (
            f"trace {self.trace_id}, left open by {self.test_id}: "
            f"{self.late_count} span(s) ended after the test: {names}"
        )
