"""``capture_spans()``: the capture as a context manager, for use outside pytest."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from pytest_filagent_trace._capture.capture import TraceCapture
from pytest_filagent_trace._capture.processor import CaptureProcessor
from pytest_filagent_trace._capture.providers import ProviderAttachments

if TYPE_CHECKING:
    from pytest_filagent_trace._types import SupportsSpanProcessors


_default_attachments: ProviderAttachments | None = None
_default_lock = threading.Lock()


def _default() -> ProviderAttachments:
    global _default_attachments  # noqa: PLW0603 - one processor per process, made on first use
    with _default_lock:
        if _default_attachments is None:
            _default_attachments = ProviderAttachments(CaptureProcessor())
        return _default_attachments


@contextmanager
def capture_spans(
    provider: SupportsSpanProcessors | None = None, *, logs: bool = False
) -> Iterator[TraceCapture]:
    """Capture the spans that end inside the block, without pytest.

    With no ``provider``, spans come from the global provider (an SDK one is lent for the
    block if the program set none, and the global is unset again after it); otherwise from
    ``provider``. Captures nest: an outer
    block also receives the inner block's spans. With ``logs=True`` the log records
    emitted inside the block are captured too, as ``capture.logs``.

    Example:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> provider = TracerProvider()
        >>> with capture_spans(provider) as capture:
        ...     with provider.get_tracer("demo").start_as_current_span("step"):
        ...         pass
        >>> capture.trace().root.name
        'step'
    """
    attachments = _default()
    with ExitStack() as stack:
        if provider is None:
            stack.callback(attachments.use_global().release)
        else:
            attachments.attach(provider, "the provider given to capture_spans()")
        log_capture = None
        if logs:
            from pytest_filagent_trace._logs import capture_logs

            log_capture = stack.enter_context(capture_logs())
        capture = TraceCapture(sources=attachments.describe, logs=log_capture)
        yield stack.enter_context(attachments.processor.capturing(capture))
