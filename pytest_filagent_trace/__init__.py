"""pytest_filagent_trace: test OpenTelemetry traces with pytest.

Capture the spans a program produces in each test, assert the shape of their trees,
pin them in snapshots, check them for personal data and correlate them with logs.

Example:
    >>> from pytest_filagent_trace import assert_span_tree, span
    >>> def test_checkout(trace_capture):  # doctest: +SKIP
    ...     checkout(["tea"])
    ...     assert_span_tree(trace_capture, span("checkout", span("price")))
"""

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


def _present_as_public() -> None:
    # Tracebacks and reprs name a class by its module: users should read the name they
    # import (pytest_filagent_trace.SpanTreeMismatch), not the private file it lives in.
    for name in __all__:
        value = globals()[name]
        if isinstance(value, type):
            value.__module__ = __name__


_present_as_public()
