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
The first read of a name loads the private package it lives in, and publishes here the
names of that package and of those it loaded: their classes then name themselves
``pytest_filagent_trace.<Name>`` in tracebacks and reprs.
"""

from __future__ import annotations

import importlib
import sys
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
        PhoenixError,
        PhoenixProject,
        TraceReceiver,
        load_traces,
        otlp_json,
        phoenix,
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
    "PhoenixError",
    "PhoenixProject",
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
    "phoenix",
    "render_tree",
    "select",
    "serialize_traces",
    "span",
    "span_tree_matches",
    "starts_with",
    "structlog_processor",
]

# The private package each public name lives in; the first read of a name loads that one.
_HOMES: dict[str, str] = {
    "ABSENT": "_match",
    "ANY": "_match",
    "DEFAULT_DETECTORS": "_privacy",
    "CanaryDetector": "_privacy",
    "CaptureProcessor": "_capture",
    "CapturedLog": "_logs",
    "Detector": "_privacy",
    "Finding": "_privacy",
    "LeakedSpan": "_capture",
    "LoadedTraces": "_otlp",
    "LogCapture": "_logs",
    "LogsNotCapturedError": "_capture",
    "LogsNotCorrelated": "_logs",
    "Matcher": "_match",
    "OtlpError": "_otlp",
    "PIIFound": "_privacy",
    "PhoenixError": "_otlp",
    "PhoenixProject": "_otlp",
    "Problem": "_match",
    "ProviderConfigError": "_capture",
    "RegexDetector": "_privacy",
    "SelectedSpansMismatch": "_select",
    "Selector": "_select",
    "SelectorError": "_select",
    "SnapshotOptions": "_snapshot",
    "SpanEvent": "_spans",
    "SpanLeakWarning": "_capture",
    "SpanLink": "_spans",
    "SpanNode": "_spans",
    "SpanPattern": "_match",
    "SpanTree": "_spans",
    "SpanTreeMismatch": "_match",
    "SpanWaitTimeoutError": "_capture",
    "TraceCapture": "_capture",
    "TraceCaptureError": "_capture",
    "TraceLookupError": "_capture",
    "TraceReceiver": "_otlp",
    "TraceSnapshotAssertion": "_snapshot",
    "TraceSnapshotExtension": "_snapshot",
    "TreeSyntaxError": "_textform",
    "assert_logs_correlated": "_logs",
    "assert_no_pii": "_privacy",
    "assert_span_tree": "_match",
    "assert_spans": "_select",
    "build_trees": "_spans",
    "capture_logs": "_logs",
    "capture_spans": "_capture",
    "check_logs_correlated": "_logs",
    "descendant": "_match",
    "event": "_match",
    "find_pii": "_privacy",
    "glob": "_match",
    "install_log_hooks": "_logs",
    "link": "_match",
    "load_traces": "_otlp",
    "mask_pii": "_privacy",
    "node_from_span": "_spans",
    "normalize_traces": "_snapshot",
    "otlp_json": "_otlp",
    "parse_tree": "_match",
    "phoenix": "_otlp",
    "render_tree": "_textform",
    "select": "_select",
    "serialize_traces": "_snapshot",
    "span": "_match",
    "span_tree_matches": "_match",
    "starts_with": "_match",
    "structlog_processor": "_logs",
}

# Public names that their private package spells differently.
_RENAMED = {"install_log_hooks": "install"}


def _load(package_name: str) -> None:
    """Import one private package and publish here the public names of every one loaded.

    That includes the packages it imports: an error that one package's code raises is
    often another package's class, and must name itself publicly too.
    """
    importlib.import_module(f"{__name__}.{package_name}")
    published = globals()
    for name, home in _HOMES.items():
        package = sys.modules.get(f"{__name__}.{home}")
        if name in published or package is None:
            continue
        value = getattr(package, _RENAMED.get(name, name))
        if isinstance(value, type):
            # Tracebacks and reprs name a class by its module: users should read the name
            # they import (pytest_filagent_trace.SpanTreeMismatch), not its private file.
            value.__module__ = __name__
        published[name] = value


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    _load(home)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
