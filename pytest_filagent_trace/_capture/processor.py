"""The span processor that routes each finished span to the open test's capture.

One :class:`CaptureProcessor` is added once to each tracer provider the program uses; isolation
comes from switching its target, never from resetting OpenTelemetry's globals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor

from pytest_filagent_trace._capture.errors import LeakedSpan

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.sdk.trace import Span

    from pytest_filagent_trace._capture.capture import TraceCapture


class CaptureProcessor(SpanProcessor):
    """Appends each finished span to the open :class:`TraceCapture`; notes leaked spans.

    Added once to each provider, it stays for the whole run: opening a capture only
    switches the list ``on_end`` appends to. Per span that costs a dict insert in
    ``on_start`` and a pop when the span ends (the spans a test started and has not ended
    are its leaks), and one list append in ``on_end``; spans are never kept alive past
    their end by the bookkeeping. See ``bench/capture_overhead.py`` for the cost against
    the bare SDK.

    Example:
        >>> processor = CaptureProcessor()
        >>> provider.add_span_processor(processor)  # doctest: +SKIP
        >>> with processor.capturing(TraceCapture()) as capture:  # doctest: +SKIP
        ...     run_program()
    """

    def __init__(self) -> None:
        self._sink: list[ReadableSpan] | None = None
        # Spans the open test started and that have not ended, by identity. on_start adds
        # to _recording and _on_ending pops from _started: the same dict, except while
        # paused, when nothing new is recorded but ends are still noted.
        self._recording: dict[Span, None] | None = None
        self._started: dict[Span, None] = {}
        self._owner: str | None = None
        self._leaked: dict[int, LeakedSpan] = {}
        self._capture: TraceCapture | None = None

    # -- SpanProcessor -----------------------------------------------------------------------

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Remember spans started by the open test, to report those it leaves open."""
        recording = self._recording
        if recording is not None:
            recording[span] = None

    def _on_ending(self, span: Span) -> None:
        # The SDK (1.35+) calls this with the live span just before on_end; forgetting the
        # span here keeps it from living on until the test ends. Older SDKs never call
        # it, and close_test then tells ended spans apart by their end_time.
        started = self._started
        if started:
            started.pop(span, None)

    def on_end(self, span: ReadableSpan) -> None:
        """Append ``span`` to the open capture, unless an earlier test leaked it."""
        if self._leaked and self._late(span):
            return
        sink = self._sink
        if sink is not None:
            sink.append(span)

    def shutdown(self) -> None:
        """Nothing to release; a provider shutting down must not stop other providers' capture."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Spans are delivered synchronously, so there is never anything to flush."""
        return True

    # -- windows ----------------------------------------------------------------------------

    @property
    def current(self) -> TraceCapture | None:
        """The capture spans are appended to right now, if any."""
        return self._capture

    @property
    def leaked(self) -> list[LeakedSpan]:
        """Leaked spans that have not ended yet."""
        return list(self._leaked.values())

    def open_test(self, test_id: str, capture: TraceCapture) -> None:
        """Start appending to ``capture`` and note the spans ``test_id`` starts."""
        self._owner = test_id
        self._capture = capture
        self._started = {}
        self._recording = self._started
        self._sink = capture._raw
        self._route()

    def close_test(self) -> list[LeakedSpan]:
        """Stop appending; return the spans the test started and left open."""
        started, owner = self._started, self._owner or "<unknown test>"
        self._recording = None
        self._sink = None
        self._capture = None
        self._owner = None
        self._started = {}
        self._route()
        leaks = []
        for span in list(started):
            if span.end_time is not None:
                continue
            context = span.get_span_context()
            leak = LeakedSpan(
                name=span.name,
                test_id=owner,
                trace_id=format(context.trace_id, "032x"),
                span_id=format(context.span_id, "016x"),
            )
            self._leaked[context.span_id] = leak
            leaks.append(leak)
        return leaks

    def _route(self) -> None:
        # The common case, a capture open and no leaked span pending, gets on_end bound
        # straight to the capture's list.append: no Python frame per span at all. Any
        # other state falls back to the checking method of the class.
        sink = self._sink
        if sink is not None and not self._leaked:
            self.on_end = sink.append  # type: ignore[method-assign,assignment]
        else:
            self.__dict__.pop("on_end", None)

    def _late(self, span: ReadableSpan) -> bool:
        context = span.context
        return context is not None and self._leaked.pop(context.span_id, None) is not None

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Neither capture nor own spans inside (e.g. while a session fixture is set up)."""
        sink, recording, capture = self._sink, self._recording, self._capture
        self._sink, self._recording, self._capture = None, None, None
        self._route()
        try:
            yield
        finally:
            self._sink, self._recording, self._capture = sink, recording, capture
            self._route()

    @contextmanager
    def capturing(self, capture: TraceCapture) -> Iterator[TraceCapture]:
        """Append to ``capture`` inside the block; an enclosing capture also gets the spans."""
        outer_sink, outer_capture = self._sink, self._capture
        self._sink, self._capture = capture._raw, capture
        self._route()
        try:
            yield capture
        finally:
            self._sink, self._capture = outer_sink, outer_capture
            self._route()
            if outer_sink is not None:
                outer_sink.extend(capture._raw)
