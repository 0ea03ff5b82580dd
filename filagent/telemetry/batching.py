"""A batch span processor that accounts for every span and keeps its deadlines.

The SDK's ``BatchSpanProcessor`` loses spans without saying so (a full queue
evicts silently, a shutdown leaves the queue behind) and ignores its export
timeout: with an unreachable receiver its shutdown waits for every remaining
batch's full retry cycle. :class:`AccountedBatchSpanProcessor` keeps the same
knobs and behaviour otherwise, and:

- counts each span it does not export, once, with its reason
  (:data:`~filagent.telemetry.accounting.DROP_REASONS`): a span that ends while
  the queue is full is refused (``queue_full``), a failed export drops its batch
  (``export_failed``, or ``timeout`` when it used its whole time budget), and a
  span still queued or in flight when shutdown gives up is ``shutdown``;
- bounds :meth:`shutdown` by ``export_timeout_ms`` (plus at most one second for
  an export in flight to notice): the exporter itself is built with the same
  timeout, and is shut down at the deadline, which interrupts its retries.

Importing this module does not import OpenTelemetry.

Example::

    processor = AccountedBatchSpanProcessor(OTLPSpanExporter(timeout=5), metrics,
                                            export_timeout_ms=5000)
    provider.add_span_processor(processor)
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Final

from filagent.telemetry.accounting import DropReason, SpanAccounting, is_sampled

if TYPE_CHECKING:  # pragma: no cover - typing only
    from opentelemetry.context import Context
    from opentelemetry.sdk.trace import ReadableSpan, Span
    from opentelemetry.sdk.trace.export import SpanExporter

_log = logging.getLogger("filagent.telemetry")

#: How long, past the shutdown deadline, an export in flight may take to return
#: once its exporter is shut down.
GRACE_SECONDS: Final = 1.0
#: A failed export that took this share of its time budget counts as ``timeout``.
_TIMEOUT_SHARE: Final = 0.95


class AccountedBatchSpanProcessor:
    """Batches finished spans to one exporter; every span is exported or counted as dropped.

    Args:
        exporter: the SpanExporter, built with ``export_timeout_ms`` as its own timeout.
        accounting: receives ``spans_exported`` and ``spans_dropped(count, reason)``.
        max_queue_size: spans waiting at most; a span ending when it is full is dropped.
        schedule_delay_ms: the longest a span waits before its batch is sent.
        max_export_batch_size: spans per export.
        export_timeout_ms: the time budget of one export, and of the whole shutdown.
    """

    def __init__(
        self,
        exporter: SpanExporter,
        accounting: SpanAccounting,
        *,
        max_queue_size: int = 2048,
        schedule_delay_ms: int = 5000,
        max_export_batch_size: int = 512,
        export_timeout_ms: int = 30000,
    ) -> None:
        self.exporter = exporter
        self._accounting = accounting
        self._max_queue = max_queue_size
        self._delay = schedule_delay_ms / 1000
        self._batch_size = min(max_export_batch_size, max_queue_size)
        self._timeout = export_timeout_ms / 1000
        self._queue: deque[ReadableSpan] = deque()
        self._lock = threading.Lock()  # the queue, the in-flight count, the closing state
        self._export_lock = threading.Lock()  # one export at a time
        self._wake = threading.Event()
        self._closed = False
        self._deadline = float("inf")
        self._in_flight = 0
        self._abandoned = False
        self._worker = threading.Thread(target=self._run, name="filagent-span-export", daemon=True)
        self._worker.start()

    # --- the SpanProcessor interface -------------------------------------------------

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Nothing to do at start."""

    def _on_ending(self, span: Span) -> None:
        """Called by the SDK just before ``on_end``; nothing to do."""

    def on_end(self, span: ReadableSpan) -> None:
        """Queue a sampled span, or count it dropped when the queue is full or closed."""
        if not is_sampled(span):
            return
        reason: DropReason | None = None
        with self._lock:
            if self._closed:
                reason = "shutdown"
            elif len(self._queue) >= self._max_queue:
                reason = "queue_full"
            else:
                self._queue.append(span)
                full = len(self._queue) >= self._batch_size
        if reason is not None:
            self._accounting.spans_dropped(1, reason)
        elif full:
            self._wake.set()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Export every queued span now; True when the queue emptied in time."""
        deadline = time.monotonic() + timeout_millis / 1000
        while time.monotonic() < deadline:
            if not self._export_batch(deadline):
                break
        with self._lock:
            return not self._queue and self._in_flight == 0

    def shutdown(self) -> None:
        """Export what is queued within ``export_timeout_ms``; count the rest as ``shutdown``.

        Idempotent. Returns at most ``export_timeout_ms`` plus :data:`GRACE_SECONDS` later.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._deadline = time.monotonic() + self._timeout
        self._wake.set()
        self._worker.join(max(self._deadline - time.monotonic(), 0.0))
        exporter_down = self._worker.is_alive()
        if exporter_down:
            # Interrupts the exporter's retries; its request in flight ends by its own timeout.
            self._shutdown_exporter()
            self._worker.join(GRACE_SECONDS)
        with self._lock:
            lost = len(self._queue)
            self._queue.clear()
            if self._worker.is_alive():  # its batch is counted here, not when it returns
                lost += self._in_flight
                self._in_flight = 0
                self._abandoned = True
        if lost:
            _log.warning("shutdown: %d spans were not exported in time and are dropped", lost)
            self._accounting.spans_dropped(lost, "shutdown")
        if not exporter_down:
            self._shutdown_exporter()

    # --- the worker ------------------------------------------------------------------

    def _run(self) -> None:
        while not self._closed:
            woken = self._wake.wait(self._delay)
            self._wake.clear()
            if self._closed:
                break
            # Full batches go at once; a partial one waits at most the schedule delay.
            while self._queue_length() >= self._batch_size and not self._closed:
                self._export_batch(float("inf"))
            if not woken and not self._closed:
                self._export_batch(float("inf"))
        while time.monotonic() < self._deadline and self._export_batch(self._deadline):
            pass

    def _queue_length(self) -> int:
        with self._lock:
            return len(self._queue)

    def _export_batch(self, deadline: float) -> bool:
        """Export one batch; False when there was nothing (left) to export."""
        from opentelemetry.sdk.trace.export import SpanExportResult

        with self._export_lock:
            with self._lock:
                if not self._queue or self._abandoned or time.monotonic() >= deadline:
                    return False
                count = min(self._batch_size, len(self._queue))
                batch = [self._queue.popleft() for _ in range(count)]
                self._in_flight = count
            started = time.monotonic()
            try:
                ok = self.exporter.export(batch) is SpanExportResult.SUCCESS
            except Exception:  # noqa: BLE001 - an exporter bug must not stop the worker
                _log.exception("span export raised; its %d spans are dropped", count)
                ok = False
            elapsed = time.monotonic() - started
            with self._lock:
                if self._abandoned:
                    return False  # shutdown has counted this batch already
                self._in_flight = 0
        if ok:
            self._accounting.spans_exported(count)
        else:
            timed_out = self._timeout > 0 and elapsed >= self._timeout * _TIMEOUT_SHARE
            self._accounting.spans_dropped(count, "timeout" if timed_out else "export_failed")
        return True

    def _shutdown_exporter(self) -> None:
        try:
            self.exporter.shutdown()
        except Exception:  # noqa: BLE001 - shutting down must finish
            _log.exception("the span exporter failed to shut down")

    def __repr__(self) -> str:
        return (
            f"AccountedBatchSpanProcessor({type(self.exporter).__name__}, "
            f"max_queue_size={self._max_queue}, timeout={self._timeout:g}s)"
        )
