"""One test's capture, from the start of its setup to the end of its report.

Only tests that ask are captured: those that use ``trace_capture``, and every test when
``--trace-tree``, ``--trace-strict`` or ``trace_capture_provider`` (or their ini values) are
given. Any other test sees OpenTelemetry as it would without the plugin.

Example:
    >>> problem = open_test(item)  # doctest: +SKIP
    >>> leaks = close_test(item)  # doctest: +SKIP
    >>> release_test(item)  # doctest: +SKIP
"""

from __future__ import annotations

import pytest

# Through the public package: the first capture publishes the capture's names, so that
# errors raised from here on name themselves as users import them.
from pytest_filagent_trace import LeakedSpan, ProviderConfigError, TraceCapture
from pytest_filagent_trace._capture import GlobalUse
from pytest_filagent_trace._pytest.run import CAPTURE, CAPTURE_FIXTURE, LOGS, Run

_GLOBAL = pytest.StashKey[GlobalUse]()


def open_test(item: pytest.Item, run: Run) -> ProviderConfigError | None:
    """Open ``item``'s capture before its fixtures run; the provider option's error, if any."""
    log_capture = None
    if CAPTURE_FIXTURE in getattr(item, "fixturenames", ()):
        # Logs are recorded only for tests that can read them: the hooks they need sit on
        # the root logger and structlog, which other tests should not pay for.
        from pytest_filagent_trace._logs import LogCapture

        log_capture = LogCapture()
        log_capture.start()
        item.stash[LOGS] = log_capture
        run.logs_installed = True
    capture = TraceCapture(sources=run.attachments.describe, logs=log_capture)
    item.stash[CAPTURE] = capture
    run.attachments.processor.open_test(item.nodeid, capture)
    # A bad provider option fails the test after the other plugins' setup ran, so their
    # teardown finds what it expects.
    error: ProviderConfigError | None = None
    try:
        provider = run.configured_provider()
    except ProviderConfigError as raised:
        error, provider = raised, None
    if provider is not None:
        # The program injects its provider: the global one is only used if it set one.
        run.attachments.attach(provider, run.provider_where)
        run.attachments.attach_global()
    else:
        item.stash[_GLOBAL] = run.attachments.use_global()
    return error


def injected_provider(item: pytest.Item) -> None:
    """The test's program injects its own provider: give back a lent global one."""
    use = item.stash.get(_GLOBAL, None)
    if use is not None:
        use.release()


def close_test(item: pytest.Item, run: Run) -> list[LeakedSpan]:
    """Close ``item``'s capture after its teardown; the spans it left open."""
    leaks = run.attachments.processor.close_test()
    use = item.stash.get(_GLOBAL, None)
    if use is not None:
        use.release()
    log_capture = item.stash.get(LOGS, None)
    if log_capture is not None:
        log_capture.stop()
    return leaks


def release_test(item: pytest.Item) -> None:
    """Drop ``item``'s spans and logs once its last report is made."""
    capture = item.stash.get(CAPTURE, None)
    if capture is not None:
        capture.release()
        del item.stash[CAPTURE]
    log_capture = item.stash.get(LOGS, None)
    if log_capture is not None:
        log_capture.clear()
        del item.stash[LOGS]
    if _GLOBAL in item.stash:
        del item.stash[_GLOBAL]
