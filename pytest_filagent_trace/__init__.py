"""pytest_filagent_trace: test OpenTelemetry traces with pytest.

Capture the spans a program produces in each test, assert the shape of their trees,
pin them in snapshots, check them for personal data and correlate them with logs.

Example:
    >>> from pytest_filagent_trace import assert_span_tree, span
    >>> def test_checkout(trace_capture):  # doctest: +SKIP
    ...     checkout(["tea"])
    ...     assert_span_tree(trace_capture, span("checkout", span("price")))

The names below load on first use: importing the plugin (pytest does, in every run of
every project that installs it) costs a test that never uses it nothing but this module.
The first public name read loads the whole public surface at once, so that a class names
itself ``pytest_filagent_trace.<Name>`` in tracebacks and reprs wherever it is raised.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_filagent_trace._capture import (
        CaptureProcessor,
        LeakedSpan,
        LogsNotCapturedError,
        ProviderConfigError,
        SpanLeakWarning,
        SpanWaitTimeoutError,
        TraceCapture,
        TraceCaptureError,
        TraceLookupError,
        capture_spans,
    )
    from pytest_filagent_trace._logs import (
        CapturedLog,
        LogCapture,
        LogsNotCorrelated,
        assert_logs_correlated,
        capture_logs,
        check_logs_correlated,
        structlog_processor,
    )
    from pytest_filagent_trace._logs import install as install_log_hooks
    from pytest_filagent_trace._match import (
        ABSENT,
        ANY,
        Matcher,
        Problem,
        SpanPattern,
        SpanTreeMismatch,
        assert_span_tree,
        descendant,
        event,
        glob,
        link,
        parse_tree,
        span,
        span_tree_matches,
        starts_with,
    )
    from pytest_filagent_trace._otlp import (
        LoadedTraces,
        OtlpError,
        TraceReceiver,
        load_traces,
        otlp_json,
    )
    from pytest_filagent_trace._privacy import (
        DEFAULT_DETECTORS,
        CanaryDetector,
        Detector,
        Finding,
        PIIFound,
        RegexDetector,
        assert_no_pii,
        find_pii,
        mask_pii,
    )
    from pytest_filagent_trace._select import (
        SelectedSpansMismatch,
        Selector,
        SelectorError,
        assert_spans,
        select,
    )
    from pytest_filagent_trace._snapshot import (
        SnapshotOptions,
        TraceSnapshotAssertion,
        TraceSnapshotExtension,
        normalize_traces,
        serialize_traces,
    )
    from pytest_filagent_trace._spans import (
        SpanEvent,
        SpanLink,
        SpanNode,
        SpanTree,
        build_trees,
        node_from_span,
    )
    from pytest_filagent_trace._textform import TreeSyntaxError, render_tree

__all__ = [
    "ABSENT",
    "ANY",
    "DEFAULT_DETECTORS",
    "CanaryDetector",
    "CaptureProcessor",
    "CapturedLog",
    "Detector",
    "Finding",
    "LeakedSpan",
    "LoadedTraces",
    "LogCapture",
    "LogsNotCapturedError",
    "LogsNotCorrelated",
    "Matcher",
    "OtlpError",
    "PIIFound",
    "Problem",
    "ProviderConfigError",
    "RegexDetector",
    "SelectedSpansMismatch",
    "Selector",
    "SelectorError",
    "SnapshotOptions",
    "SpanEvent",
    "SpanLeakWarning",
    "SpanLink",
    "SpanNode",
    "SpanPattern",
    "SpanTree",
    "SpanTreeMismatch",
    "SpanWaitTimeoutError",
    "TraceCapture",
    "TraceCaptureError",
    "TraceLookupError",
    "TraceReceiver",
    "TraceSnapshotAssertion",
    "TraceSnapshotExtension",
    "TreeSyntaxError",
    "assert_logs_correlated",
    "assert_no_pii",
    "assert_span_tree",
    "assert_spans",
    "build_trees",
    "capture_logs",
    "capture_spans",
    "check_logs_correlated",
    "descendant",
    "event",
    "find_pii",
    "glob",
    "install_log_hooks",
    "link",
    "load_traces",
    "mask_pii",
    "node_from_span",
    "normalize_traces",
    "otlp_json",
    "parse_tree",
    "render_tree",
    "select",
    "serialize_traces",
    "span",
    "span_tree_matches",
    "starts_with",
    "structlog_processor",
]

# The private packages the public names come from, in the order they load.
_SOURCES = (
    "_spans",
    "_textform",
    "_capture",
    "_match",
    "_select",
    "_privacy",
    "_logs",
    "_otlp",
    "_snapshot",
)
# Public names that their private package spells differently.
_RENAMED = {"install_log_hooks": "install"}


def _load_public_surface() -> dict[str, Any]:
    packages = [importlib.import_module(f"{__name__}.{source}") for source in _SOURCES]
    surface: dict[str, Any] = {}
    for name in __all__:
        private = _RENAMED.get(name, name)
        owner = next(package for package in packages if hasattr(package, private))
        value = getattr(owner, private)
        if isinstance(value, type):
            # Tracebacks and reprs name a class by its module: users should read the name
            # they import (pytest_filagent_trace.SpanTreeMismatch), not its private file.
            value.__module__ = __name__
        surface[name] = value
    return surface


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals().update(_load_public_surface())
    return globals()[name]


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
