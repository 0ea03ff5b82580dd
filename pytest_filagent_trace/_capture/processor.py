"""The span processor that routes each finished span to the open test's capture.

One :class:`CaptureProcessor` is added once to each tracer provider the program uses; isolation
comes from switching its target, never from resetting OpenTelemetry's globals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor

from pytest_filagent_trace._capture.errors import LeakedSpan, LeakedTrace

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.sdk.trace import Span

    from pytest_filagent_trace._capture.capture import TraceCapture


class CaptureProcessor(SpanProcessor):
    """Appends each finished span to the open :class:`TraceCapture`; notes leaked spans.

    Added once to each provider, it stays for the whole run, inert while no capture is
    open: opening one only switches the list ``on_end`` appends to. While a capture is
    open, ``on_start`` puts each span in one dict by span id, in creation order (which
    breaks ties between siblings that started at the same time), and ``on_end`` replaces
    it there by None, so no ended span is kept alive by the bookkeeping. The spans still
    there when a test finishes are its leaks; their traces are set aside, so that nothing
    of them (not even children started later) reaches a later test. Per span that is one
    dict store at each end and one list append. See ``bench/capture_overhead.py`` for the
    cost against the bare SDK.

    Example:
        >>> processor = CaptureProcessor()
        >>> provider.add_span_processor(processor)  # doctest: +SKIP
        >>> with processor.capturing(TraceCapture()) as capture:  # doctest: +SKIP
        ...     run_program()
    """

    def __init__(self) -> None:
        self._sink: list[ReadableSpan] | None = None
        self._capture: TraceCapture | None = None
        # The open capture's spans by span id, in the order they started: the live span
        # until it ends, then None (a dict keeps a key's place when its value changes).
        self._started: dict[int, Span | None] | None = None
        self._owner: str | None = None
        self._leaked: dict[int, LeakedTrace] = {}  # by trace id

    # -- SpanProcessor -----------------------------------------------------------------------

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Note, in creation order, a span started while a capture is open."""
        started = self._started
        if started is None:
            return
        context = span.get_span_context()
        if self._leaked and context.trace_id in self._leaked:
            return
        started[context.span_id] = span

    def on_end(self, span: ReadableSpan) -> None:
        """Append ``span`` to the open capture, unless its trace was leaked by an earlier test."""
        context = span.context
        if context is None:
            return
        if self._leaked:
            leaked = self._leaked.get(context.trace_id)
            if leaked is not None:
                leaked.ended_late(span.name, format(context.span_id, "016x"))
                return
        sink, started = self._sink, self._started
        if sink is not None and started is not None:
            started[context.span_id] = None
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
        return [span for trace in self._leaked.values() for span in trace.still_open()]

    @property
    def leaked_traces(self) -> list[LeakedTrace]:
        """Every trace a finished test left open, with the spans that ended after it."""
        return list(self._leaked.values())

    def open_test(self, test_id: str, capture: TraceCapture) -> None:
        """Start appending to ``capture`` and note the spans ``test_id`` starts."""
        self._owner = test_id
        self._switch(capture)

    def close_test(self) -> list[LeakedSpan]:
        """Stop appending; return the spans the test started and left open.

        Their traces are set aside: spans of them that end later go to the returned
        leaks' :class:`LeakedTrace`, never to another test's capture.
        """
        started, owner = self._started, self._owner or "<unknown test>"
        self._switch(None)
        self._owner = None
        leaks = []
        for span in list(started.values()) if started is not None else ():
            if span is None or span.end_time is not None:
                continue
            context = span.get_span_context()
            trace = self._leaked.get(context.trace_id)
            if trace is None:
                trace = self._leaked[context.trace_id] = LeakedTrace(
                    test_id=owner, trace_id=format(context.trace_id, "032x")
                )
            leak = LeakedSpan(
                name=span.name,
                test_id=owner,
                trace_id=trace.trace_id,
                span_id=format(context.span_id, "016x"),
            )
            trace.add(leak)
            leaks.append(leak)
        if started is not None:
            # What stays is the creation order; the leaked spans live on in the program.
            for span_id, span in list(started.items()):
                if span is not None:
                    started[span_id] = None
        return leaks

    def _switch(self, capture: TraceCapture | None) -> None:
        self._capture = capture
        self._sink = capture._raw if capture is not None else None
        self._started = capture._started if capture is not None else None

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Neither capture nor own spans inside (e.g. while a session fixture is set up)."""
        capture = self._capture
        self._switch(None)
        try:
            yield
        finally:
            self._switch(capture)

    @contextmanager
    def capturing(self, capture: TraceCapture) -> Iterator[TraceCapture]:
        """Append to ``capture`` inside the block; an enclosing capture also gets the spans."""
        outer = self._capture
        self._switch(capture)
        try:
            yield capture
        finally:
            self._switch(outer)
            if outer is not None:
                outer._raw.extend(capture._raw)
                outer._started.update(capture._started)
